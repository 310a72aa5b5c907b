//! The append-only JSON-lines files (audit log, run journals): reading — one value per line, blank
//! lines skipped, a torn last line (the process died mid-append, or the disk filled) dropped
//! rather than fatal — and opening to append, which first cuts a torn last line off so the next
//! line starts on a line of its own. Never rewrites a complete line.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::de::DeserializeOwned;

/// Every value in `reader`, in order. An unreadable stream or a bad line other than the last is
/// an error saying which line. Lines are split as bytes: a torn last line may end inside a
/// multi-byte character, and that must not make the complete lines before it unreadable.
pub(crate) fn read_values<T: DeserializeOwned>(mut reader: impl Read) -> Result<Vec<T>, String> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    // `split` yields an empty piece after a final newline: that is not a line.
    let count = match lines.last() {
        Some([]) => lines.len() - 1,
        _ => lines.len(),
    };
    let mut values = Vec::with_capacity(count);
    for (i, line) in lines.iter().take(count).enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<T>(line) {
            Ok(v) => values.push(v),
            Err(_) if i + 1 == count => break,
            Err(e) => return Err(format!("line {}: {e}", i + 1)),
        }
    }
    Ok(values)
}

/// How [`open_for_append`] treats a missing file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Create {
    /// The file must not exist yet.
    New,
    /// Created when missing.
    IfMissing,
    /// The file must exist.
    No,
}

/// Opens `path` to add lines at its end (a new file is private to the user: 0600 on Unix). A
/// torn last line is cut off first. The handle writes at its position, not in append mode
/// (Windows cannot shorten a file through an append-only handle), so a file has one writer at a
/// time: `shared` files (the audit log, which the app and the CLI both append to) are held with
/// an exclusive [`File::lock`] for as long as the handle lives; a run's journal has one holder.
pub(crate) fn open_for_append(path: &Path, create: Create, shared: bool) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true);
    match create {
        Create::New => options.create_new(true),
        Create::IfMissing => options.create(true),
        Create::No => &mut options,
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    if shared {
        file.lock()?;
    }
    cut_torn_tail(&mut file)?;
    Ok(file)
}

/// Shortens `file` to its last complete line (one ending in `\n`) and leaves the position at the
/// end. Reads backwards from the end only as far as the last newline.
fn cut_torn_tail(file: &mut File) -> std::io::Result<()> {
    const CHUNK: u64 = 8 * 1024;
    let len = file.metadata()?.len();
    let mut end = len;
    let mut buf = vec![0u8; CHUNK as usize];
    let keep = loop {
        if end == 0 {
            break 0;
        }
        let start = end.saturating_sub(CHUNK);
        let chunk = &mut buf[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(i) = chunk.iter().rposition(|b| *b == b'\n') {
            break start + i as u64 + 1;
        }
        end = start;
    };
    if keep < len {
        file.set_len(keep)?;
        tracing::warn!(
            cut = len - keep,
            "a torn last line (an interrupted write) was cut off before appending"
        );
    }
    file.seek(SeekFrom::End(0))?;
    Ok(())
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
        // Torn inside a multi-byte character (a case the fuzz property covers): only the tail goes.
        let ok: Vec<String> = read_values(&b"\"\xe2\x82\xac\"\r\n\"\xe2\x82"[..]).unwrap();
        assert_eq!(ok, ["€"]);
    }

    fn temp_file(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("prestage-jsonl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path);
        path
    }

    fn append(path: &Path, line: &str) {
        use std::io::Write;
        let mut file = open_for_append(path, Create::IfMissing, true).unwrap();
        file.write_all(line.as_bytes()).unwrap();
    }

    #[test]
    fn a_torn_tail_followed_by_an_append_stays_readable() {
        let path = temp_file("torn.jsonl");
        append(&path, "1\n2\n");
        // A crash or a full disk mid-append: half a line, no newline.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"torn"))
            .unwrap();
        append(&path, "3\n");
        let values: Vec<u32> = read_values(File::open(&path).unwrap()).unwrap();
        assert_eq!(values, [1, 2, 3]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "1\n2\n3\n");
    }

    #[test]
    fn cutting_back_reaches_past_long_lines_and_empties_a_file_with_no_complete_line() {
        let path = temp_file("long.jsonl");
        let long = format!("\"{}\"\n", "x".repeat(20_000));
        append(&path, &long);
        std::fs::write(&path, format!("{long}\"{}", "y".repeat(30_000))).unwrap();
        append(&path, "");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), long);
        std::fs::write(&path, "{\"only\": \"torn").unwrap();
        append(&path, "1\n");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "1\n");
        let exists = open_for_append(&path, Create::New, false).unwrap_err();
        assert_eq!(exists.kind(), std::io::ErrorKind::AlreadyExists);
        assert!(open_for_append(&temp_file("missing.jsonl"), Create::No, false).is_err());
    }
}
