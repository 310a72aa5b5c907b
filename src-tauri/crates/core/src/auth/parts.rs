//! A secret too large for one keychain entry, kept as a header entry plus numbered parts. Windows'
//! Credential Manager holds at most 2,560 bytes per entry and Entra refresh tokens run past it,
//! so a secret over [`PART_LIMIT`] (or one the platform refuses) is split. Never hands back a
//! truncated or mixed secret: a missing part or a checksum mismatch reads as "nothing stored".
//!
//! Layout under a name `N`:
//! - small secret: `N` holds the secret's bytes (what every earlier version wrote);
//! - split secret: `N` holds `prestage-parts v1 gen=G parts=K sha256=H` and `N#G.0` … `N#G.{K-1}`
//!   hold the bytes. A save writes the parts of the other generation, then the header (one
//!   atomic entry write switches sets), then removes the old generation's parts, highest first,
//!   so whatever survives a crash is a prefix that the next save of that generation clears.

use sha2::{Digest, Sha256};

use super::store_error::StoreError;

/// The largest part Prestage writes: Windows' `CRED_MAX_CREDENTIAL_BLOB_SIZE` (5 × 512 bytes),
/// which keyring's Windows store enforces on `set_secret`. Used on every platform, so the code
/// path Windows needs is the one every test run takes.
pub const PART_LIMIT: usize = 2_560;

/// The most parts one secret may take (40 KB at the largest part size).
const MAX_PARTS: usize = 16;

/// Parts never get smaller than this when a platform refuses larger ones.
const MIN_PART: usize = 256;

const MAGIC: &str = "prestage-parts v1 ";

/// Why one entry could not be written.
#[derive(Debug)]
pub enum EntryError {
    /// The platform refuses a secret this long in one entry.
    TooLong,
    Store(StoreError),
}

impl From<StoreError> for EntryError {
    fn from(e: StoreError) -> Self {
        EntryError::Store(e)
    }
}

/// Named byte entries of one keychain service.
pub trait SecretEntries: Send + Sync {
    fn put(&self, name: &str, secret: &[u8]) -> Result<(), EntryError>;
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Removes `name`; an absent entry is not an error.
    fn remove(&self, name: &str) -> Result<(), StoreError>;
}

/// What the entry under a name says.
enum Header {
    Whole(Vec<u8>),
    Split {
        gen: u8,
        parts: usize,
        sha: String,
    },
    /// A header Prestage cannot read (damaged, or from a later version): nothing usable.
    Unreadable,
}

fn part_name(name: &str, gen: u8, index: usize) -> String {
    format!("{name}#{gen}.{index}")
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn read_header(entries: &dyn SecretEntries, name: &str) -> Result<Option<Header>, StoreError> {
    let Some(bytes) = entries.get(name)? else {
        return Ok(None);
    };
    let Some(rest) = bytes.strip_prefix(MAGIC.as_bytes()) else {
        return Ok(Some(Header::Whole(bytes)));
    };
    let text = String::from_utf8_lossy(rest);
    let field = |key: &str| {
        text.split(' ')
            .find_map(|f| f.strip_prefix(key)?.strip_prefix('='))
            .map(str::to_string)
    };
    let gen = field("gen").and_then(|g| g.parse().ok()).filter(|g| *g < 2);
    let parts = field("parts")
        .and_then(|p| p.parse().ok())
        .filter(|p| (1..=MAX_PARTS).contains(p));
    match (gen, parts, field("sha256")) {
        (Some(gen), Some(parts), Some(sha)) => Ok(Some(Header::Split { gen, parts, sha })),
        _ => Ok(Some(Header::Unreadable)),
    }
}

/// The secret stored under `name`, or `None` when nothing complete is stored.
pub fn load(entries: &dyn SecretEntries, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
    match read_header(entries, name)? {
        None | Some(Header::Unreadable) => Ok(None),
        Some(Header::Whole(bytes)) => Ok(Some(bytes)),
        Some(Header::Split { gen, parts, sha }) => {
            let mut secret = Vec::new();
            for index in 0..parts {
                match entries.get(&part_name(name, gen, index))? {
                    Some(part) => secret.extend_from_slice(&part),
                    None => return Ok(None),
                }
            }
            Ok((hex_sha256(&secret) == sha).then_some(secret))
        }
    }
}

/// Stores `secret` under `name`, replacing what was there without ever leaving a mixed set.
pub fn save(entries: &dyn SecretEntries, name: &str, secret: &[u8]) -> Result<(), StoreError> {
    let gen = match read_header(entries, name)? {
        Some(Header::Split { gen, .. }) => 1 - gen,
        _ => 0,
    };
    let mut part_size = PART_LIMIT;
    let parts = loop {
        match write_set(entries, name, gen, secret, part_size) {
            Ok(parts) => break parts,
            Err(EntryError::TooLong) if part_size / 2 >= MIN_PART => part_size /= 2,
            Err(EntryError::TooLong) => {
                return Err(StoreError::Refused(format!(
                    "it takes no entry of {part_size} bytes"
                )))
            }
            Err(EntryError::Store(e)) => return Err(e),
        }
    };
    // The new set is in place: whatever else is stored under `name` is stale.
    remove_from(entries, name, gen, parts)?;
    remove_from(entries, name, 1 - gen, 0)
}

/// Writes one complete set: the whole secret under `name` (0 parts), or parts then the header.
fn write_set(
    entries: &dyn SecretEntries,
    name: &str,
    gen: u8,
    secret: &[u8],
    part_size: usize,
) -> Result<usize, EntryError> {
    if secret.len() <= part_size {
        entries.put(name, secret)?;
        return Ok(0);
    }
    let chunks: Vec<&[u8]> = secret.chunks(part_size).collect();
    if chunks.len() > MAX_PARTS {
        return Err(EntryError::TooLong);
    }
    for (index, chunk) in chunks.iter().enumerate() {
        entries.put(&part_name(name, gen, index), chunk)?;
    }
    let header = format!(
        "{MAGIC}gen={gen} parts={} sha256={}",
        chunks.len(),
        hex_sha256(secret)
    );
    entries.put(name, header.as_bytes())?;
    Ok(chunks.len())
}

/// Removes a generation's parts from `from` on. A generation's parts are always a prefix
/// `0..k` (written lowest first, removed highest first), so the first absent one ends them.
fn remove_from(
    entries: &dyn SecretEntries,
    name: &str,
    gen: u8,
    from: usize,
) -> Result<(), StoreError> {
    let mut end = from;
    while end < MAX_PARTS && entries.get(&part_name(name, gen, end))?.is_some() {
        end += 1;
    }
    for index in (from..end).rev() {
        entries.remove(&part_name(name, gen, index))?;
    }
    Ok(())
}

/// Removes the secret under `name`: the header first (the set reads as absent at once), then
/// every part of either generation.
pub fn delete(entries: &dyn SecretEntries, name: &str) -> Result<(), StoreError> {
    entries.remove(name)?;
    remove_from(entries, name, 0, 0)?;
    remove_from(entries, name, 1, 0)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use super::*;

    /// Keyring's Windows store as far as sizes go: one entry holds at most `limit` bytes
    /// (`CRED_MAX_CREDENTIAL_BLOB_SIZE`, 2,560), refused with `TooLong` like `set_secret` does.
    /// `fail_after` makes the n-th following write or removal fail, as a crash or a locked
    /// keychain would.
    struct WindowsLimit {
        limit: usize,
        entries: Mutex<BTreeMap<String, Vec<u8>>>,
        fail_after: Mutex<Option<usize>>,
    }

    impl WindowsLimit {
        fn new(limit: usize) -> Self {
            Self {
                limit,
                entries: Mutex::default(),
                fail_after: Mutex::default(),
            }
        }

        fn names(&self) -> Vec<String> {
            self.entries.lock().unwrap().keys().cloned().collect()
        }

        fn fail_after(&self, n: usize) {
            *self.fail_after.lock().unwrap() = Some(n);
        }

        fn step(&self) -> Result<(), StoreError> {
            let mut left = self.fail_after.lock().unwrap();
            match *left {
                Some(0) => Err(StoreError::Unavailable("test failure".into())),
                Some(n) => {
                    *left = Some(n - 1);
                    Ok(())
                }
                None => Ok(()),
            }
        }
    }

    impl SecretEntries for WindowsLimit {
        fn put(&self, name: &str, secret: &[u8]) -> Result<(), EntryError> {
            if secret.len() > self.limit {
                return Err(EntryError::TooLong);
            }
            self.step()?;
            let mut entries = self.entries.lock().unwrap();
            entries.insert(name.to_string(), secret.to_vec());
            Ok(())
        }

        fn get(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
            Ok(self.entries.lock().unwrap().get(name).cloned())
        }

        fn remove(&self, name: &str) -> Result<(), StoreError> {
            self.step()?;
            self.entries.lock().unwrap().remove(name);
            Ok(())
        }
    }

    fn token(len: usize, fill: char) -> Vec<u8> {
        let mut text = String::from("sbx-rt.");
        text.extend(std::iter::repeat_n(fill, len - text.len()));
        text.into_bytes()
    }

    #[test]
    fn a_token_longer_than_one_windows_entry_is_split_and_reassembled() {
        let store = WindowsLimit::new(2_560);
        let long = token(4_000, 'a');
        save(&store, "t/a", &long).unwrap();
        assert_eq!(store.names(), ["t/a", "t/a#0.0", "t/a#0.1"]);
        assert!(store
            .entries
            .lock()
            .unwrap()
            .values()
            .all(|v| v.len() <= 2_560));
        assert_eq!(load(&store, "t/a").unwrap().unwrap(), long);
        // A short one still takes one entry, and loads as it always did.
        save(&store, "t/b", b"rt-short").unwrap();
        assert_eq!(load(&store, "t/b").unwrap().unwrap(), b"rt-short");
        assert!(load(&store, "t/c").unwrap().is_none());
    }

    #[test]
    fn a_missing_or_mixed_part_reads_as_nothing_stored() {
        let store = WindowsLimit::new(2_560);
        save(&store, "t/a", &token(4_000, 'a')).unwrap();
        store.entries.lock().unwrap().remove("t/a#0.1");
        assert!(load(&store, "t/a").unwrap().is_none());

        save(&store, "t/a", &token(4_000, 'b')).unwrap();
        // A part of the same length from another token: reassembles, fails the checksum.
        let stray = token(4_000, 'c')[2_560..].to_vec();
        store
            .entries
            .lock()
            .unwrap()
            .insert("t/a#1.1".into(), stray);
        assert!(load(&store, "t/a").unwrap().is_none());

        let broken = format!("{MAGIC}gen=7 parts=x");
        store
            .entries
            .lock()
            .unwrap()
            .insert("t/a".into(), broken.into());
        assert!(load(&store, "t/a").unwrap().is_none());
    }

    #[test]
    fn replacing_a_token_leaves_no_stale_parts() {
        let store = WindowsLimit::new(2_560);
        save(&store, "t/a", &token(6_000, 'a')).unwrap();
        assert_eq!(store.names().len(), 4);
        save(&store, "t/a", &token(4_000, 'b')).unwrap();
        assert_eq!(store.names(), ["t/a", "t/a#1.0", "t/a#1.1"]);
        assert_eq!(load(&store, "t/a").unwrap().unwrap(), token(4_000, 'b'));
        save(&store, "t/a", &token(1_500, 'c')).unwrap();
        assert_eq!(store.names(), ["t/a"]);
        assert_eq!(load(&store, "t/a").unwrap().unwrap(), token(1_500, 'c'));
        save(&store, "t/a", &token(4_000, 'd')).unwrap();
        delete(&store, "t/a").unwrap();
        assert!(store.names().is_empty());
        delete(&store, "t/a").unwrap();
    }

    #[test]
    fn an_interrupted_save_keeps_the_old_token_and_the_next_save_cleans_up() {
        let store = WindowsLimit::new(2_560);
        let old = token(4_000, 'a');
        save(&store, "t/a", &old).unwrap();
        for writes in 0..3 {
            // Fails after `writes` new parts: the header still names the old, complete set.
            store.fail_after(writes);
            assert!(save(&store, "t/a", &token(7_000, 'b')).is_err());
            *store.fail_after.lock().unwrap() = None;
            assert_eq!(load(&store, "t/a").unwrap().unwrap(), old);
        }
        // Fails while removing the old set: the new one is in place.
        store.fail_after(4);
        assert!(save(&store, "t/a", &token(7_000, 'c')).is_err());
        *store.fail_after.lock().unwrap() = None;
        assert_eq!(load(&store, "t/a").unwrap().unwrap(), token(7_000, 'c'));
        let newest = token(3_000, 'd');
        save(&store, "t/a", &newest).unwrap();
        assert_eq!(store.names(), ["t/a", "t/a#0.0", "t/a#0.1"]);
        assert_eq!(load(&store, "t/a").unwrap().unwrap(), newest);
    }

    #[test]
    fn a_platform_that_refuses_smaller_entries_gets_smaller_parts() {
        let store = WindowsLimit::new(1_000);
        let long = token(4_000, 'a');
        save(&store, "t/a", &long).unwrap();
        assert_eq!(store.names().len(), 1 + 4_000usize.div_ceil(640));
        assert_eq!(load(&store, "t/a").unwrap().unwrap(), long);
        let tiny = WindowsLimit::new(100);
        let e = save(&tiny, "t/a", &long).unwrap_err();
        assert!(!e.to_string().contains("sbx-rt"), "{e}");
        assert!(load(&tiny, "t/a").unwrap().is_none());
    }
}
