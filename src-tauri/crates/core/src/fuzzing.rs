//! What each parser promises on any input, as functions of raw bytes: the cargo-fuzz targets in
//! `fuzz/` call them, and the corpus replay test runs every checked-in input through them in CI.
//! Each panics only when a promise breaks (or the parser itself panics). Not used by the app.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use crate::audit::AuditEntry;
use crate::csv::{read_import, Column};
use crate::import::Entry;
use crate::phone::{normalize, PhoneNumber};

/// The CSV import reader: a file or a `CsvError`; a file that reads keeps rows in line order,
/// below the header, and one mapping per header.
pub fn csv_import(bytes: &[u8]) {
    // Half the inputs with a remembered mapping, so the caller's path is covered too.
    let remembered = if bytes.first().is_some_and(|b| b & 1 == 1) {
        HashMap::from([("handy".to_string(), Column::MobilePhone)])
    } else {
        HashMap::new()
    };
    if let Ok(file) = read_import(bytes, &remembered) {
        assert_eq!(file.headers.len(), file.mapping.len());
        assert!(file.rows.windows(2).all(|w| w[0].line < w[1].line));
        assert!(file.rows.iter().all(|r| r.line >= 2));
    }
}

const REGIONS: [Option<&str>; 8] = [
    None,
    Some("US"),
    Some("GB"),
    Some("DE"),
    Some("FR"),
    Some("IN"),
    Some("BR"),
    Some("JP"),
];

/// The phone parser: the first byte picks a default region, the rest is the cell. A number it
/// accepts is in Graph's form and normalizes to itself.
pub fn phone(bytes: &[u8]) {
    let Some((first, rest)) = bytes.split_first() else {
        return;
    };
    let region = REGIONS[usize::from(*first) % REGIONS.len()];
    let text = String::from_utf8_lossy(rest);
    if let Ok(n) = normalize(&text, region) {
        assert!(PhoneNumber::parse_graph(n.number.as_str()).is_ok(), "{n:?}");
        let again = normalize(n.number.as_str(), None);
        assert_eq!(again.map(|a| a.number).as_ref(), Ok(&n.number));
    }
}

/// The JSON-lines reader, as the journals and the audit log use it: values or a message naming
/// a line; never more values than non-blank lines.
pub fn json_lines(bytes: &[u8]) {
    let lines = |bytes: &[u8]| {
        bytes
            .split(|b| *b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .count()
    };
    let read = crate::jsonl::read_values::<serde_json::Value>;
    match read(bytes) {
        Ok(values) => assert!(values.len() <= lines(bytes)),
        Err(e) => assert!(e.starts_with("line "), "{e}"),
    }
    // Complete lines that all read stay readable whatever torn tail (no newline) follows them.
    let complete = &bytes[..bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)];
    if let Ok(before) = read(complete).map_err(drop).and_then(|v| {
        let all = v.len() == lines(complete);
        all.then_some(v).ok_or(())
    }) {
        let Ok(after) = read(bytes) else {
            panic!("a torn tail made the complete lines before it unreadable");
        };
        assert!(after.len() == before.len() || after.len() == before.len() + 1);
        assert_eq!(after[..before.len()], before[..]);
    }
    let _ = crate::jsonl::read_values::<Entry>(bytes);
    let _ = crate::jsonl::read_values::<AuditEntry>(bytes);
}

/// The `Retry-After` parser: any header value gives a wait or nothing; plain seconds are taken
/// as written; a date is never turned into a wait longer than it says.
pub fn retry_after(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_750_000);
    let parsed = crate::throttle::retry_after::parse(&text, now);
    let trimmed = text.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        assert_eq!(parsed, trimmed.parse::<u64>().ok().map(Duration::from_secs));
    }
    if let (Some(wait), Ok(when)) = (parsed, httpdate::parse_http_date(trimmed)) {
        let said = when.duration_since(now).unwrap_or(Duration::ZERO);
        assert_eq!(wait, said);
    }
}

/// The loopback listener's request parser: a GET's target (always starting with `/`, never
/// holding a space) or nothing; the URL the listener then builds from it never panics.
pub fn loopback_request(bytes: &[u8]) {
    if let Some(target) = crate::auth::request_target(bytes) {
        assert!(
            target.starts_with('/') && !target.contains(' '),
            "{target:?}"
        );
        if let Ok(url) = url::Url::parse(&format!("http://localhost:8400{target}")) {
            let _ = url.query_pairs().count();
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_bytes_keep_every_promise(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            json_lines(&bytes);
            retry_after(&bytes);
            loopback_request(&bytes);
            phone(&bytes);
            csv_import(&bytes);
        }

        #[test]
        fn request_lines_and_header_values_keep_their_promises(
            target in "/[ -~]{0,60}",
            method in "(GET|POST|get| GET)",
            seconds in "[ 0-9]{0,24}",
        ) {
            loopback_request(format!("{method} {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
            retry_after(seconds.as_bytes());
        }
    }
}
