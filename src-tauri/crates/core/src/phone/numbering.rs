//! Fast evaluation of libphonenumber's numbering-plan metadata (from the `phonenumber` crate).
//! The crate evaluates every pattern through one global mutex-guarded LRU keyed by the pattern's
//! text (hashed twice per match), which made normalization ~35 µs per number. Here the same
//! patterns, compiled with the same options, are keyed by the pattern's address in the static
//! database: each is compiled once per process into a shared table, and each thread keeps clones
//! of the ones it used (a clone shares the compiled program and brings its own match cache, so a
//! thread never waits on a lock or another thread's cache). The logic mirrors the crate's
//! `validator::{source_for, number_type}` and a property test checks both agree.

use std::cell::RefCell;
use std::sync::{Mutex, OnceLock};

use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use phonenumber::Type;
use regex::{Regex, RegexBuilder};
use regex_cache::CachedRegex;
use rustc_hash::FxHashMap;

/// The crate still parses through its own regex LRU (100 patterns by default, far fewer than a
/// few countries use, so mixed files recompiled patterns constantly): give it room for all.
pub fn enlarge_crate_cache() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(mut cache) = DATABASE.cache().lock() {
            *cache = regex_cache::RegexCache::new(50_000);
        }
    });
}

/// Pattern address → its compiled form (`None`: the regex engine refuses it).
type Table = FxHashMap<usize, Option<Regex>>;

/// Every pattern compiled so far, once per process (a thread takes the lock only the first time
/// it meets a pattern).
fn shared() -> &'static Mutex<Table> {
    static SHARED: OnceLock<Mutex<Table>> = OnceLock::new();
    SHARED.get_or_init(Mutex::default)
}

thread_local! {
    /// This thread's clones of the shared patterns it used: no lock and no shared cache pool on
    /// the matching path, which matters with rows normalized in parallel.
    static LOCAL: RefCell<Table> = RefCell::new(FxHashMap::default());
}

fn compile(pattern: &CachedRegex) -> Option<Regex> {
    RegexBuilder::new(&format!("\\A(?:{}\n)", pattern.as_str()))
        .ignore_whitespace(true)
        .build()
        .ok()
}

/// `pattern` from the shared table, compiled there the first time any thread asks for it.
fn shared_clone(key: usize, pattern: &CachedRegex) -> Option<Regex> {
    let mut table = shared()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    table.entry(key).or_insert_with(|| compile(pattern)).clone()
}

/// Runs `f` with `pattern` compiled anchored at the start of the text (`None` when the database
/// holds a pattern the regex engine refuses, which the crate would also fail on). An anchored
/// search finds exactly the match the crate's unanchored `find` + `start() == 0` accepts: the
/// leftmost-first match at position 0.
/// Called again from inside `f` (a pattern matched while another is in use), the inner call
/// takes its pattern from the shared table rather than this thread's, which is in use.
pub fn with_anchored<T>(pattern: &CachedRegex, f: impl FnOnce(Option<&Regex>) -> T) -> T {
    let key = pattern as *const CachedRegex as usize;
    LOCAL.with(|local| match local.try_borrow_mut() {
        Ok(mut local) => {
            let regex = local
                .entry(key)
                .or_insert_with(|| shared_clone(key, pattern));
            f(regex.as_ref())
        }
        Err(_) => f(shared_clone(key, pattern).as_ref()),
    })
}

/// True when `pattern` matches `value` at its start (the crate's semantics).
pub fn matches_at_start(pattern: &CachedRegex, value: &str) -> bool {
    with_anchored(pattern, |re| re.is_some_and(|r| r.is_match(value)))
}

fn descriptor_matches(d: Option<&Descriptor>, value: &str) -> bool {
    d.is_some_and(|d| {
        (d.possible_length().is_empty() || d.possible_length().contains(&(value.len() as u16)))
            && matches_at_start(d.national_number(), value)
    })
}

/// The type of `national` (digits, no leading zeros) under `meta`; `Unknown` means invalid.
pub fn number_type(meta: &Metadata, national: &str) -> Type {
    let d = meta.descriptors();
    if !descriptor_matches(Some(d.general()), national) {
        return Type::Unknown;
    }
    let ordered = [
        (d.premium_rate(), Type::PremiumRate),
        (d.toll_free(), Type::TollFree),
        (d.shared_cost(), Type::SharedCost),
        (d.voip(), Type::Voip),
        (d.personal_number(), Type::PersonalNumber),
        (d.pager(), Type::Pager),
        (d.uan(), Type::Uan),
        (d.voicemail(), Type::Voicemail),
    ];
    if let Some((_, t)) = ordered
        .iter()
        .find(|(desc, _)| descriptor_matches(*desc, national))
    {
        return *t;
    }
    if descriptor_matches(d.fixed_line(), national) {
        let same_patterns = d.fixed_line().map(|x| x.national_number().as_str())
            == d.mobile().map(|x| x.national_number().as_str());
        if same_patterns || descriptor_matches(d.mobile(), national) {
            return Type::FixedLineOrMobile;
        }
        return Type::FixedLine;
    }
    if descriptor_matches(d.mobile(), national) {
        return Type::Mobile;
    }
    Type::Unknown
}

/// The region metadata a number belongs to (the crate's `source_for`).
pub fn metadata_for(code: u16, national: &str) -> Option<&'static Metadata> {
    let regions = DATABASE.region(&code)?;
    if regions.len() == 1 {
        return if regions[0] == "001" {
            DATABASE.by_code(&code).and_then(|m| m.into_iter().next())
        } else {
            DATABASE.by_id(regions[0])
        };
    }
    for region in regions {
        let meta = DATABASE.by_id(region)?;
        match meta.leading_digits() {
            Some(pattern) => {
                if matches_at_start(pattern, national) {
                    return Some(meta);
                }
            }
            None => {
                if number_type(meta, national) != Type::Unknown {
                    return Some(meta);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const REGIONS: &[&str] = &[
        "US", "CA", "GB", "DE", "FR", "NL", "IT", "IN", "JP", "BR", "SE", "AU", "CH", "JE", "PR",
    ];

    /// A pattern matched while another is in use on the same thread (the national prefix rule,
    /// then the number it transformed: Argentina's mobiles) answers; it panicked once.
    #[test]
    fn a_pattern_matched_inside_another_answers() {
        let id: phonenumber::country::Id = "AR".parse().expect("known region");
        let meta = DATABASE.by_id(id.as_ref()).expect("Argentina's plan");
        let parsing = meta.national_prefix_for_parsing().expect("a prefix rule");
        let general = meta.descriptors().general().national_number();
        let inner = with_anchored(parsing, |_| matches_at_start(general, "91123456789"));
        assert!(inner);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Same answers as the crate's own (slow) validator, for random digits in many plans.
        #[test]
        fn agrees_with_the_crate(r in 0usize..15, digits in "0?[1-9][0-9]{5,11}") {
            let id: phonenumber::country::Id = REGIONS[r].parse().expect("known region");
            if let Ok(n) = phonenumber::parse(Some(id), &digits) {
                // Validity: the crate evaluates the national number with its leading zeros.
                let with_zeros = n.national().to_string();
                let ours = metadata_for(n.code().value(), &with_zeros);
                prop_assert_eq!(ours.is_some_and(|m| number_type(m, &with_zeros) != Type::Unknown), n.is_valid());
                // Region and type: the crate drops leading zeros there; compare where they agree.
                if n.national().zeros() == 0 {
                    let theirs = n.metadata(&DATABASE);
                    prop_assert_eq!(ours.map(|m| m.id()), theirs.map(|m| m.id()));
                    if let Some(meta) = ours {
                        prop_assert_eq!(number_type(meta, &with_zeros), n.number_type(&DATABASE));
                    }
                }
            }
        }
    }
}
