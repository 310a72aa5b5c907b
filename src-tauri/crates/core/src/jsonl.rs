//! Reading the append-only JSON-lines files (audit log, run journals): one value per line, blank
//! lines skipped, and a torn last line (the process died mid-append) dropped rather than fatal.

use std::io::{BufRead, BufReader, Read};

use serde::de::DeserializeOwned;

/// Every value in `reader`, in order. An unreadable stream or a bad line other than the last is
/// an error saying which line.
pub(crate) fn read_values<T: DeserializeOwned>(reader: impl Read) -> Result<Vec<T>, String> {
    let lines: Vec<String> = BufReader::new(reader)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let count = lines.len();
    let mut values = Vec::with_capacity(count);
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<T>(line) {
            Ok(v) => values.push(v),
            Err(_) if i + 1 == count => break,
            Err(e) => return Err(format!("line {}: {e}", i + 1)),
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_skip_a_torn_tail_drops_and_a_bad_middle_line_fails() {
        let ok: Vec<u32> = read_values(&b"1\n\n2\n{\"torn"[..]).unwrap();
        assert_eq!(ok, [1, 2]);
        let err = read_values::<u32>(&b"1\nx\n3\n"[..]).unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
    }
}
