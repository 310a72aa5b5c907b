//! The import's remembered choices, in `import.json` next to `settings.json` in the config dir
//! (shared by the app and the CLI): which column an unknown CSV header means (keyed by the
//! normalized header) and the last default region chosen. Never a phone number, a path or a
//! secret.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::csv::{normalize_header, Column};

pub const FILE_NAME: &str = "import.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ImportPrefs {
    /// Normalized header → column.
    pub mapping: BTreeMap<String, Column>,
    pub region: Option<String>,
}

/// The preferences file could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The import preferences {path} could not be read or written ({reason}); check its permissions or delete it.")]
pub struct PrefsError {
    pub path: String,
    pub reason: String,
}

fn problem(path: &Path, reason: impl std::fmt::Display) -> PrefsError {
    PrefsError {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

impl ImportPrefs {
    /// The prefs in `dir`; none saved yet is the default.
    pub fn load(dir: &Path) -> Result<Self, PrefsError> {
        let path = dir.join(FILE_NAME);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| problem(&path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(problem(&path, e)),
        }
    }

    /// Writes `dir/import.json` in one step: a reader sees the old file or the new one.
    pub fn save(&self, dir: &Path) -> Result<(), PrefsError> {
        let path = dir.join(FILE_NAME);
        std::fs::create_dir_all(dir).map_err(|e| problem(&path, e))?;
        let json = serde_json::to_vec_pretty(self).map_err(|e| problem(&path, e))?;
        crate::atomic_file::replace(&path, &json).map_err(|e| problem(&path, e))
    }

    /// Remembers that `header` means `column` (`None` forgets it: the header is ignored again).
    pub fn map(&mut self, header: &str, column: Option<Column>) {
        let key = normalize_header(header);
        match column {
            Some(c) => {
                self.mapping.insert(key, c);
            }
            None => {
                self.mapping.remove(&key);
            }
        }
    }

    /// The mapping in the form the core's reader takes.
    pub fn remembered(&self) -> HashMap<String, Column> {
        self.mapping.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_round_trip_and_forget() {
        let dir = std::env::temp_dir().join(format!("prestage-prefs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(ImportPrefs::load(&dir).unwrap(), ImportPrefs::default());
        let mut prefs = ImportPrefs::default();
        prefs.map("Cell Phone #", Some(Column::MobilePhone));
        prefs.region = Some("GB".into());
        prefs.save(&dir).unwrap();
        let loaded = ImportPrefs::load(&dir).unwrap();
        assert_eq!(loaded, prefs);
        assert_eq!(
            loaded.remembered().get(&normalize_header("cell phone")),
            Some(&Column::MobilePhone)
        );
        let mut forgotten = loaded;
        forgotten.map("CELL PHONE", None);
        assert!(forgotten.mapping.is_empty());
        std::fs::write(dir.join(FILE_NAME), b"{not json").unwrap();
        let err = ImportPrefs::load(&dir).unwrap_err();
        assert!(err.to_string().contains("import.json"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_save_never_leaves_a_torn_file_for_a_reader() {
        let dir = std::env::temp_dir().join(format!("prestage-prefs-race-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut prefs = ImportPrefs::default();
        for i in 0..200 {
            prefs.map(&format!("Header number {i}"), Some(Column::MobilePhone));
        }
        prefs.save(&dir).unwrap();
        let writer = {
            let (dir, prefs) = (dir.clone(), prefs.clone());
            std::thread::spawn(move || {
                (0..300)
                    .map(|_| prefs.save(&dir))
                    .collect::<Result<Vec<_>, _>>()
            })
        };
        while !writer.is_finished() {
            let read = ImportPrefs::load(&dir).expect("the whole file at every moment");
            assert_eq!(read, prefs);
        }
        writer.join().unwrap().unwrap();
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, [FILE_NAME], "no temp file is left behind");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
