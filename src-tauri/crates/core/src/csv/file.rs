//! Reading an import file from disk, bounded whatever the path names: only a regular file is
//! opened (a named pipe would wait for a writer forever, a device may never end), its size is
//! checked before reading, and at most the limit plus one byte is read. The app and the CLI both
//! read the file through here.

use std::fs::{FileType, Metadata};
use std::io::Read;
use std::path::Path;

use super::error::{CsvError, MAX_BYTES};

/// The bytes of the import file at `path`, or why it cannot be one.
pub fn read_file(path: &Path) -> Result<Vec<u8>, CsvError> {
    let unreadable = |e: std::io::Error| CsvError::Unreadable {
        reason: e.to_string(),
    };
    // Look before opening: opening a named pipe for reading blocks until a writer comes.
    let seen = std::fs::metadata(path).map_err(unreadable)?;
    bounded(&seen)?;
    let file = std::fs::File::open(path).map_err(unreadable)?;
    // What was opened is what counts (the path may have changed since the first look).
    let opened = file.metadata().map_err(unreadable)?;
    bounded(&opened)?;
    let mut bytes = Vec::with_capacity(size(&opened).min(MAX_BYTES) + 1);
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    // The file grew while it was read.
    if bytes.len() > MAX_BYTES {
        return Err(CsvError::TooLarge { bytes: bytes.len() });
    }
    Ok(bytes)
}

fn size(meta: &Metadata) -> usize {
    usize::try_from(meta.len()).unwrap_or(usize::MAX)
}

/// A regular file within the size limit.
fn bounded(meta: &Metadata) -> Result<(), CsvError> {
    if !meta.is_file() {
        return Err(CsvError::NotAFile {
            what: kind(meta.file_type()).into(),
        });
    }
    if size(meta) > MAX_BYTES {
        return Err(CsvError::TooLarge { bytes: size(meta) });
    }
    Ok(())
}

#[cfg(unix)]
fn kind(t: FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn kind(t: FileType) -> &'static str {
    if t.is_dir() {
        "a folder"
    } else {
        "a device or a pipe"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("prestage-read-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn a_regular_file_is_read() {
        let path = temp("ok.csv");
        std::fs::write(&path, b"UPN\r\na@b\r\n").unwrap();
        assert_eq!(read_file(&path).unwrap(), b"UPN\r\na@b\r\n");
        let missing = read_file(&temp("missing.csv")).unwrap_err();
        assert!(matches!(missing, CsvError::Unreadable { .. }), "{missing}");
        assert!(missing
            .to_string()
            .starts_with("The file could not be read: "));
    }

    #[test]
    fn a_folder_is_not_a_file() {
        let err = read_file(&std::env::temp_dir()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "This is a folder, not a file; choose the CSV file itself."
        );
    }

    /// The size is checked before reading: a sparse file far over the limit is refused with its
    /// size without its gigabytes being read.
    #[test]
    fn a_file_over_the_limit_is_refused_by_its_size() {
        let path = temp("huge.csv");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(1024 * 1024 * 1024).unwrap();
        assert_eq!(
            read_file(&path).unwrap_err(),
            CsvError::TooLarge {
                bytes: 1024 * 1024 * 1024
            }
        );
        std::fs::remove_file(&path).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_and_a_device_are_refused_without_opening_them() {
        let fifo = temp("pipe.csv");
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success(), "mkfifo");
        let err = read_file(&fifo).unwrap_err();
        assert_eq!(
            err,
            CsvError::NotAFile {
                what: "a named pipe (FIFO)".into()
            }
        );
        std::fs::remove_file(&fifo).unwrap();
        let err = read_file(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(
            err,
            CsvError::NotAFile {
                what: "a device".into()
            }
        );
    }
}
