//! Replacing a small file in one step (settings.json, import.json): the new content goes to a
//! temp file of its own in the same directory, is synced, then renamed over the old file. A
//! reader sees the old file or the new one, never half of either; two processes saving at once
//! (the app and the CLI) each rename a whole file. Never used for append-only files.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically. `std::fs::rename` replaces an existing file on every
/// platform (on Windows through `MoveFileExW` with `MOVEFILE_REPLACE_EXISTING`).
pub(crate) fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (temp, mut file) = create_temp(path)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            std::fs::rename(&temp, path)
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written?;
    sync_dir(path);
    Ok(())
}

/// A new file beside `path` whose name no other save uses (process id + random suffix,
/// created exclusively).
fn create_temp(path: &Path) -> std::io::Result<(PathBuf, File)> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy());
    let mut attempt = 0;
    loop {
        let temp = dir.join(format!(
            ".{name}.{}-{:08x}.tmp",
            std::process::id(),
            rand::random::<u32>()
        ));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Makes the rename itself durable where a directory can be synced (Unix; Windows cannot open
/// a directory this way, and its rename is journaled by NTFS).
fn sync_dir(path: &Path) {
    if let (true, Some(dir)) = (cfg!(unix), path.parent()) {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_an_existing_file_and_leaves_no_temp_file() {
        let dir = std::env::temp_dir().join(format!("prestage-atomic-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("settings.json");
        replace(&path, b"one").unwrap();
        replace(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
        assert!(replace(&dir.join("missing-dir").join("x.json"), b"x").is_err());
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
