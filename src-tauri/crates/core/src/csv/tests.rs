//! Unit tests of `read_import` as a whole: the quirks of files Excel saves, end to end. The
//! fixture files and their snapshots are in `tests/csv_fixtures.rs`.

use std::collections::HashMap;

use super::*;

fn read(text: &str) -> ImportFile {
    read_import(text.as_bytes(), &HashMap::new()).unwrap()
}

fn users(file: &ImportFile) -> Vec<(usize, &str)> {
    file.rows
        .iter()
        .map(|r| (r.line, r.user.as_deref().unwrap_or("-")))
        .collect()
}

#[test]
fn a_plain_file() {
    let f = read("UserPrincipalName,MobilePhone,Email\r\nadele@contoso.com,+1 4255550100,\r\n");
    assert_eq!(f.encoding, "UTF-8");
    assert_eq!(f.delimiter, ',');
    assert_eq!(f.headers, ["UserPrincipalName", "MobilePhone", "Email"]);
    assert!(f.unknown_headers.is_empty());
    let mut want = ImportRow::blank(2);
    want.user = Some("adele@contoso.com".into());
    want.mobile = Some("+1 4255550100".into());
    assert_eq!(f.rows, [want]);
}

#[test]
fn sep_line_is_honoured_removed_and_counted() {
    let f = read("sep=;\r\nUPN;Mobile\r\na@b;+33 612345678\r\n");
    assert_eq!(f.delimiter, ';');
    assert_eq!(f.headers, ["UPN", "Mobile"]);
    assert_eq!(users(&f), [(3, "a@b")]);
}

#[test]
fn sep_line_beats_sniffing() {
    // The header alone would sniff as `,`; the hint says `;`.
    let f = read("sep=;\nUPN;\"Mobile, main\"\na,b;1\n");
    assert_eq!(f.delimiter, ';');
    assert_eq!(f.rows[0].user.as_deref(), Some("a,b"));
}

#[test]
fn cells_are_trimmed_and_blank_is_none() {
    let f = read("UPN , Mobile\u{a0}\n \u{a0}a@b\u{a0} ,  \n");
    assert_eq!(f.headers, ["UPN", "Mobile"]);
    assert_eq!(f.rows[0].user.as_deref(), Some("a@b"));
    assert_eq!(f.rows[0].mobile, None);
}

#[test]
fn rows_without_a_user_are_kept() {
    let f = read("UPN,Mobile\n,+1 4255550100\n");
    assert_eq!(f.rows.len(), 1);
    assert_eq!(f.rows[0].user, None);
}

#[test]
fn short_rows_are_blank_and_long_rows_warn() {
    let f = read("UPN,Mobile,Office\na@b\nc@d,1,2,3\n");
    assert_eq!(f.rows[0].mobile, None);
    assert!(f.rows[0].warnings.is_empty());
    assert_eq!(f.rows[1].office.as_deref(), Some("2"));
    assert_eq!(f.rows[1].warnings.len(), 1);
}

#[test]
fn unknown_headers_and_remembered_mapping() {
    let text = "Benutzer;Handy;Abteilung\nj@contoso.com;+49 1511234567;IT\n";
    let err = read_import(text.as_bytes(), &HashMap::new()).unwrap_err();
    assert!(matches!(err, CsvError::NoUserColumn { ref found } if found.len() == 3));

    let remembered = HashMap::from([
        (normalize_header("Benutzer"), Column::User),
        (normalize_header("Handy"), Column::MobilePhone),
    ]);
    let f = read_import(text.as_bytes(), &remembered).unwrap();
    assert_eq!(
        f.mapping,
        [Some(Column::User), Some(Column::MobilePhone), None]
    );
    assert_eq!(f.unknown_headers, ["Abteilung"]);
    assert_eq!(f.rows[0].mobile.as_deref(), Some("+49 1511234567"));
}

#[test]
fn file_level_errors() {
    let none = HashMap::new();
    assert_eq!(read_import(b"", &none).unwrap_err(), CsvError::Empty);
    assert_eq!(
        read_import(b"\r\n \r\n", &none).unwrap_err(),
        CsvError::Empty
    );
    assert_eq!(
        read_import(b"\xef\xbb\xbf", &none).unwrap_err(),
        CsvError::Empty
    );
    assert_eq!(
        read_import(b"sep=;\r\n", &none).unwrap_err(),
        CsvError::Empty
    );
    assert_eq!(
        read_import(b"a@contoso.com,+1 4255550100\n", &none).unwrap_err(),
        CsvError::NoHeader
    );
    assert!(matches!(
        read_import(b"UPN,User\n", &none).unwrap_err(),
        CsvError::DuplicateColumn {
            column: Column::User,
            ..
        }
    ));
}

#[test]
fn the_template_reads_back() {
    let bytes = template();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert_eq!(text.matches("\r\n").count(), 3);
    assert_eq!(text.matches('\n').count(), 3);

    let f = read_import(&bytes, &HashMap::new()).unwrap();
    assert_eq!(f.encoding, "UTF-8 (BOM)");
    assert!(f.unknown_headers.is_empty());
    assert_eq!(f.mapping.len(), 7);
    assert_eq!(
        users(&f),
        [
            (2, "adele.vance@contoso.com"),
            (3, "megan.bowen@contoso.com")
        ]
    );
    for row in &f.rows {
        for phone in [&row.mobile, &row.alternate_mobile, &row.office]
            .into_iter()
            .flatten()
        {
            let normalized = crate::phone::normalize(phone, None).unwrap();
            assert_eq!(normalized.number.as_str(), phone, "already in Graph's form");
        }
    }
}

#[test]
fn get_reads_every_column() {
    let f = read(
        "UPN,Mobile,AlternateMobile,Office,Email,SmsSignIn,Default,ForcedUpdate,ForcedRemoval,Id,Mail\n\
         1,2,3,4,5,6,7,8,9,10,11\n",
    );
    let got: Vec<&str> = Column::ALL
        .iter()
        .filter_map(|c| f.rows[0].get(*c))
        .collect();
    assert_eq!(
        got,
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"]
    );
}

#[test]
fn json_shape_for_the_ui() {
    let f = read("UPN,Mobile\na@b,1\n");
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json["delimiter"], ",");
    assert_eq!(json["mapping"], serde_json::json!(["user", "mobilePhone"]));
    assert_eq!(json["unknownHeaders"], serde_json::json!([]));
    assert_eq!(json["rows"][0]["alternateMobile"], serde_json::Value::Null);
    assert_eq!(json["rows"][0]["smsSignIn"], serde_json::Value::Null);
}

/// Issue 13 item 7: a hostile file stays bounded — columns and cell length are capped with a
/// clear message, and a cell is quoted shortened.
mod hostile {
    use super::*;

    #[test]
    fn more_than_256_columns_are_refused_naming_the_line() {
        let header: Vec<String> = std::iter::once("UPN".to_string())
            .chain((1..300).map(|i| format!("c{i}")))
            .collect();
        let text = format!("{}\na@b\n", header.join(","));
        let err = read_import(text.as_bytes(), &HashMap::new()).unwrap_err();
        assert_eq!(err.line(), Some(1), "{err}");
        assert!(
            err.to_string().contains("300 columns") && err.to_string().contains("256"),
            "{err}"
        );

        let row = format!("UPN,Mobile\na@b,1{}x\n", ",".repeat(400));
        let err = read_import(row.as_bytes(), &HashMap::new()).unwrap_err();
        assert_eq!(err.line(), Some(2), "{err}");
        // Excel's padding of empty cells is not a column.
        let padded = format!("UPN,Mobile\na@b,1{}\n", ",".repeat(400));
        assert_eq!(read(&padded).rows.len(), 1);
    }

    #[test]
    fn a_cell_over_1_kb_is_a_row_problem_and_never_kept() {
        let long = "1".repeat(5000);
        let f = read(&format!(
            "UPN,Mobile,Notes\na@b,{long},{long}\nc@d,+1 4255550100,\n"
        ));
        assert_eq!(f.rows[0].mobile, None, "never kept");
        assert_eq!(
            f.rows[0].problems.len(),
            1,
            "the unread Notes column is no problem"
        );
        let problem = &f.rows[0].problems[0];
        assert!(
            problem.contains("5,000 characters") && problem.contains("1,024"),
            "{problem}"
        );
        assert!(problem.chars().count() < 300, "{problem}");
        assert!(f.rows[1].problems.is_empty());
    }

    #[test]
    fn a_header_over_1_kb_is_refused_and_headers_are_shortened_in_messages() {
        let long = "H".repeat(2000);
        let err =
            read_import(format!("UPN,{long}\na@b,1\n").as_bytes(), &HashMap::new()).unwrap_err();
        assert_eq!(err.line(), Some(1), "{err}");
        assert!(err.to_string().len() < 400, "{err}");
        let err = read_import(
            format!("Name,{}\nx,1\n", "N".repeat(900)).as_bytes(),
            &HashMap::new(),
        )
        .unwrap_err();
        assert!(
            err.to_string().len() < 600,
            "the found headers are shortened: {err}"
        );
    }

    #[test]
    fn extra_cells_are_quoted_shortened() {
        let f = read(&format!("UPN,Mobile\na@b,1,{}\nc@d,2\n", "e".repeat(900)));
        let warning = &f.rows[0].warnings[0];
        assert!(warning.len() < 200, "{warning}");
    }
}
