//! A file's header row mapped to columns: each header's column (an alias, the attribute in its
//! brackets, or the admin's remembered choice), the headers nothing maps, and the refusals of a
//! header row (no user column, a column twice, a data row where the header should be).

use std::collections::HashMap;

use super::columns::{builtin, header_key, normalize_header, Column};
use super::CsvError;

/// The column of every header, and the non-empty headers nothing maps.
pub(crate) struct HeaderMap {
    pub mapping: Vec<Option<Column>>,
    pub unknown: Vec<String>,
}

/// Maps `headers` (already trimmed). The caller's `remembered` choice wins over a built-in alias,
/// so an admin can re-point a header Prestage guessed wrong.
pub(crate) fn map_headers(
    headers: &[String],
    remembered: &HashMap<String, Column>,
) -> Result<HeaderMap, CsvError> {
    let remembered: HashMap<String, Column> = remembered
        .iter()
        .map(|(k, c)| (normalize_header(k), *c))
        .collect();
    let mapping: Vec<Option<Column>> = headers
        .iter()
        .map(|h| {
            let whole = normalize_header(h);
            if whole.is_empty() {
                return None;
            }
            remembered
                .get(&whole)
                .copied()
                .or_else(|| builtin(&header_key(h)))
        })
        .collect();

    if !Column::IDENTITY.iter().any(|c| mapping.contains(&Some(*c))) {
        if mapping.iter().all(Option::is_none) && headers.iter().any(|h| looks_like_data(h)) {
            return Err(CsvError::NoHeader);
        }
        let found = headers.iter().filter(|h| !h.is_empty()).cloned().collect();
        return Err(CsvError::NoUserColumn { found });
    }

    let mut seen: HashMap<Column, usize> = HashMap::new();
    for (i, column) in mapping.iter().enumerate() {
        let Some(column) = column else { continue };
        if let Some(&first) = seen.get(column) {
            return Err(CsvError::DuplicateColumn {
                column: *column,
                first: headers[first].clone(),
                second: headers[i].clone(),
            });
        }
        seen.insert(*column, i);
    }

    let unknown = headers
        .iter()
        .zip(&mapping)
        .filter(|(h, m)| m.is_none() && !h.is_empty())
        .map(|(h, _)| h.clone())
        .collect();
    Ok(HeaderMap { mapping, unknown })
}

/// A header cell that is really a value: a UPN or email, a phone number, or an object id.
fn looks_like_data(cell: &str) -> bool {
    let digits = cell.chars().filter(char::is_ascii_digit).count();
    let hex_or_hyphen = cell.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    let guid = cell.len() == 36 && cell.matches('-').count() == 4 && hex_or_hyphen;
    cell.contains('@') || digits >= 6 || guid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn both_templates_map_fully() {
        let prestage = headers(&[
            "UserPrincipalName",
            "MobilePhone",
            "AlternateMobilePhone",
            "OfficePhone",
            "Email",
            "SmsSignIn",
            "DefaultMethod",
        ]);
        let m = map_headers(&prestage, &HashMap::new()).unwrap();
        assert!(m.unknown.is_empty());
        assert_eq!(
            m.mapping,
            Column::ALL[..7]
                .iter()
                .map(|c| Some(*c))
                .collect::<Vec<_>>()
        );

        let community = headers(&[
            "UPN",
            "Mobile",
            "OfficePhone",
            "AlternateMobile",
            "ForcedUpdate",
            "ForcedRemoval",
        ]);
        let m = map_headers(&community, &HashMap::new()).unwrap();
        use Column::*;
        let want = [
            User,
            MobilePhone,
            OfficePhone,
            AlternateMobilePhone,
            ForcedUpdate,
            ForcedRemoval,
        ];
        assert_eq!(m.mapping, want.iter().map(|c| Some(*c)).collect::<Vec<_>>());
    }

    #[test]
    fn unknown_headers_are_reported_and_remembered_mapping_applies() {
        let h = headers(&["E-Mail Adresse", "Benutzer", "Handy", ""]);
        let err = map_headers(&h, &HashMap::new()).err().unwrap();
        assert!(matches!(err, CsvError::NoUserColumn { ref found } if found.len() == 3));

        let remembered = HashMap::from([
            ("Benutzer".to_string(), Column::User),
            ("handy".to_string(), Column::MobilePhone),
        ]);
        let m = map_headers(&h, &remembered).unwrap();
        assert_eq!(
            m.mapping,
            vec![None, Some(Column::User), Some(Column::MobilePhone), None]
        );
        assert_eq!(m.unknown, vec!["E-Mail Adresse".to_string()]);
    }

    #[test]
    fn remembered_mapping_overrides_a_builtin_alias() {
        let h = headers(&["UPN", "Phone"]);
        let remembered = HashMap::from([("phone".to_string(), Column::OfficePhone)]);
        let m = map_headers(&h, &remembered).unwrap();
        assert_eq!(m.mapping[1], Some(Column::OfficePhone));
    }

    #[test]
    fn duplicate_columns_name_both_headers() {
        let h = headers(&["UPN", "Mobile", "Mobile Phone"]);
        let err = map_headers(&h, &HashMap::new()).err().unwrap();
        assert_eq!(
            err,
            CsvError::DuplicateColumn {
                column: Column::MobilePhone,
                first: "Mobile".into(),
                second: "Mobile Phone".into()
            }
        );
        assert!(err.to_string().contains("\"Mobile\" and \"Mobile Phone\""));
    }

    #[test]
    fn a_data_row_in_place_of_the_header_is_no_header() {
        let h = headers(&["adele@contoso.com", "+1 4255550100"]);
        assert_eq!(
            map_headers(&h, &HashMap::new()).err(),
            Some(CsvError::NoHeader)
        );
        let h = headers(&["Name", "Department"]);
        assert!(matches!(
            map_headers(&h, &HashMap::new()).err(),
            Some(CsvError::NoUserColumn { .. })
        ));
    }
}
