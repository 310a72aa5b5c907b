//! libphonenumber's parse step as the `phonenumber` crate does it (`parser::parse_with`), ported
//! so that every numbering-plan pattern runs through [`numbering`]'s table instead of the crate's
//! mutex-guarded LRU, and the crate's `nom` grammars become plain loops. It takes what people type
//! in a CSV cell: ASCII digits, spaces, `+ - . ( ) /` and an extension. Anything else (letters
//! for digits, `tel:` URIs, `;` parameters, other symbols) is handed to the crate itself, so the
//! answer is always the crate's; a property test checks the two agree.

use std::sync::LazyLock;

use phonenumber::metadata::{Metadata, DATABASE};
use regex::{Regex, RegexBuilder};

use super::numbering;

/// A parsed number: country code, national significant number (digits, leading zeros kept) and
/// the extension as written (digits, possibly empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub code: u16,
    pub national: String,
    pub extension: Option<String>,
}

/// Parses `text` with `region` (the default region's metadata) as the crate would; `None` where
/// the crate returns an error.
pub fn parse(region: Option<&'static Metadata>, text: &str) -> Option<Parsed> {
    match simple(text) {
        Some(number) => finish(region, number),
        None => by_crate(region, text),
    }
}

fn by_crate(region: Option<&'static Metadata>, text: &str) -> Option<Parsed> {
    let id = match region {
        Some(meta) => Some(meta.id().parse().ok()?),
        None => None,
    };
    let n = phonenumber::parse(id, text).ok()?;
    Some(Parsed {
        code: n.code().value(),
        national: n.national().to_string(),
        extension: n.extension().map(|e| e.as_ref().to_string()),
    })
}

/// The extension grammar of libphonenumber (the crate's `consts::EXTN_PATTERN`, verbatim).
#[allow(clippy::expect_used)] // a constant pattern; the tests compile it
static EXTENSION: LazyLock<Regex> = LazyLock::new(|| {
    let digits = r"(\p{Nd}{0,7})";
    let pattern = format!(
        r"(?:;ext={digits}|[ \x{{00A0}}\t,]*(?:e?xt(?:ensi(?:o\x{{0301}}?|\x{{00F3}}))?n?|\x{{FF45}}?\x{{FF58}}\x{{FF54}}\x{{FF4E}}?|[,;x\x{{FF58}}#\x{{FF03}}~\x{{FF5E}}]|int|anexo|\x{{FF49}}\x{{FF4E}}\x{{FF54}})[:\.\x{{FF0E}}]?[ \x{{00A0}}\t,-]*{digits}#?|[- ]+(\p{{Nd}}{{1,5}})#)$"
    );
    RegexBuilder::new(&pattern)
        .case_insensitive(true)
        .build()
        .expect("the extension pattern compiles")
});

/// The characters the port handles outside an extension.
fn plain(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')' | '/')
}

fn separator(c: char) -> bool {
    matches!(c, '-' | '.' | '(' | ')')
}

/// Where a number comes from, as in the crate (`country::Source`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Default,
    Plus,
    Idd,
    Number,
}

#[derive(Clone)]
struct Number {
    source: Source,
    national: String,
    prefix: Option<String>,
    extension: Option<String>,
}

/// The crate's first step (`alt((rfc3966, natural))`) for plain text; `None` sends the text to the
/// crate; `Some(None)` is the crate's "no number".
fn simple(text: &str) -> Option<Option<Number>> {
    if !text.is_ascii() || text.contains(';') {
        return None;
    }
    let natural = natural(text);
    let (start, end) = match &natural {
        Natural::Extension { span, .. } => *span,
        _ => (0, 0),
    };
    if !text[..start].chars().chain(text[end..].chars()).all(plain) {
        return None;
    }
    if let Some(number) = rfc3966(text) {
        return Some(Some(number));
    }
    let (national, extension) = match natural {
        Natural::Number(national) => (national, None),
        Natural::Extension {
            national, digits, ..
        } => (national, Some(digits)),
        Natural::Failure => return Some(None),
    };
    Some(Some(Number {
        source: Source::Default,
        national,
        prefix: None,
        extension,
    }))
}

/// RFC 3966 without `tel:` or parameters (the crate tries it first for text without spaces):
/// an optional `+CC`, then digits and separators to the end.
fn rfc3966(text: &str) -> Option<Number> {
    if text.contains(' ') {
        return None;
    }
    let mut rest = text;
    let mut prefix = None;
    if let Some(after) = rest.strip_prefix('+') {
        let len = after.find(separator).unwrap_or(after.len());
        if len > 0 {
            prefix = Some(after[..len].to_string());
            rest = &after[len..];
        }
    }
    let len = rest
        .find(|c: char| !(c.is_ascii_hexdigit() || separator(c)))
        .unwrap_or(rest.len());
    (len > 0 && len == rest.len()).then(|| Number {
        source: Source::Default,
        national: rest.to_string(),
        prefix,
        extension: None,
    })
}

enum Natural {
    Number(String),
    Extension {
        national: String,
        digits: String,
        /// Byte span of the extension in the original text.
        span: (usize, usize),
    },
    Failure,
}

/// The crate's `natural::phone_number` for ASCII text: trim to the number, split the extension.
fn natural(text: &str) -> Natural {
    let Some(start) = text.find(|c: char| c == '+' || c.is_ascii_digit()) else {
        return Natural::Failure;
    };
    let mut found =
        text[start..].trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '#');
    if let Some(cut) = second_number_start(found) {
        found = &found[..cut];
    }
    if found.is_empty() {
        return Natural::Failure;
    }
    match EXTENSION.captures(found) {
        None => Natural::Number(found.to_string()),
        Some(c) => match (c.get(0), c.get(2)) {
            (Some(all), Some(digits)) => Natural::Extension {
                national: found[..all.start()].to_string(),
                digits: digits.as_str().to_string(),
                span: (start + all.start(), start + all.end()),
            },
            _ => Natural::Failure,
        },
    }
}

/// `[\\/] *x`: a second number written after the first, e.g. `x302/x2303`.
fn second_number_start(text: &str) -> Option<usize> {
    text.char_indices()
        .filter(|(_, c)| matches!(c, '/' | '\\'))
        .find(|(i, _)| text[i + 1..].trim_start_matches(' ').starts_with('x'))
        .map(|(i, _)| i)
}

/// The crate's `is_viable` for text made of [`plain`] characters.
fn viable(text: &str) -> bool {
    if text.len() < 2 {
        return false;
    }
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let rest = text.trim_start_matches('+');
    !rest.contains('+') && rest.bytes().filter(u8::is_ascii_digit).count() >= 3
}

fn only_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// The crate's `parse_with` after the grammar.
fn finish(region: Option<&'static Metadata>, number: Option<Number>) -> Option<Parsed> {
    let mut number = number?;
    if !viable(&number.national) {
        return None;
    }
    number = country_code(region, number)?;
    let meta = match region {
        Some(meta) => Some(meta),
        None => {
            let code = number
                .prefix
                .as_deref()
                .map_or(Some(0), |p| p.parse().ok())?;
            numbering::metadata_for(code, number.national.trim_start_matches('0'))
        }
    };
    if let Some(meta) = meta {
        let mut potential = national_number(meta, number.clone());
        if let Some(prefix) = meta.national_prefix() {
            if let Some(rest) = potential.national.strip_prefix(prefix) {
                potential.national = rest.to_string();
            }
        }
        if length(meta, &potential.national) != Length::TooShort {
            number = potential;
        }
    }
    if number.national.len() < 2 || number.national.len() > 17 {
        return None;
    }
    let code = number
        .prefix
        .as_deref()
        .map_or(Some(0), |p| p.parse().ok())?;
    // The crate's NationalNumber: leading zeros counted apart, the rest a u64 below 2^56.
    let value: u64 = number.national.trim_start_matches('0').parse().ok()?;
    if value >= 1 << 56 {
        return None;
    }
    Some(Parsed {
        code,
        national: number.national,
        extension: number.extension.map(|e| only_digits(&e)),
    })
}

fn country_code(region: Option<&'static Metadata>, number: Number) -> Option<Number> {
    let idd = region.and_then(Metadata::international_prefix);
    let mut number = international_prefix(idd, number);
    match number.source {
        Source::Plus | Source::Idd | Source::Number => {
            if number.national.len() <= 2 {
                return None;
            }
            if let Some(prefix) = &number.prefix {
                let code: u16 = prefix.parse().ok()?;
                return DATABASE.by_code(&code).map(|_| number);
            }
            if number.national.starts_with('0') {
                return None;
            }
            for len in 1..=3 {
                let code: u16 = number.national[..len].parse().ok()?;
                if DATABASE.by_code(&code).is_some() {
                    number.national.drain(..len);
                    number.prefix = Some(code.to_string());
                    return Some(number);
                }
            }
            None
        }
        Source::Default => {
            let meta = region?;
            let code = meta.country_code().to_string();
            if number.national.starts_with(&code)
                && (!descriptor_matches(meta, &number.national)
                    || !length(meta, &number.national).is_possible())
            {
                number.source = Source::Number;
                number.national.drain(..code.len());
            }
            number.prefix = Some(code);
            Some(number)
        }
    }
}

/// Strips a leading `+` or the region's international prefix (IDD) and keeps digits only.
fn international_prefix(idd: Option<&regex_cache::CachedRegex>, mut number: Number) -> Number {
    let idd_end = |national: &str| {
        idd.and_then(|p| {
            numbering::with_anchored(p, |re| re.and_then(|r| r.find(national)).map(|m| m.end()))
        })
    };
    if number.prefix.is_some() {
        number.source = Source::Plus;
        number.national = only_digits(&number.national);
        number.prefix = number.prefix.map(|p| only_digits(&p));
        return number;
    }
    let pluses = number.national.len() - number.national.trim_start_matches('+').len();
    number.national = only_digits(&number.national);
    if pluses != 0 {
        number.source = Source::Plus;
        if idd_end(&number.national).is_none() {
            return number;
        }
    } else {
        number.source = Source::Default;
    }
    if let Some(end) = idd_end(&number.national) {
        if !number.national[end..].starts_with('0') {
            if number.source != Source::Plus {
                number.source = Source::Idd;
            }
            number.national.drain(..end);
        }
    }
    number
}

/// Strips the national prefix (and a carrier code) with the region's parsing rule.
fn national_number(meta: &Metadata, mut number: Number) -> Number {
    let Some(parsing) = meta.national_prefix_for_parsing() else {
        if let Some(prefix) = meta.national_prefix() {
            if let Some(rest) = number.national.strip_prefix(prefix) {
                number.national = rest.to_string();
            }
        }
        return number;
    };
    let viable = descriptor_matches(meta, &number.national);
    let transform = meta.national_prefix_transform_rule();
    let national = number.national.clone();
    // What the prefix pattern strips, worked out inside `with_anchored`; the transformed number
    // is checked after it, since that check matches patterns of its own.
    let stripped = numbering::with_anchored(parsing, |re| {
        let re = re?;
        let captures = re.captures(&national)?;
        let last = captures.get(captures.len() - 1);
        Some(match (transform, last) {
            (Some(rule), Some(_)) => {
                Stripped::Transformed(re.replace(&national, rule).into_owned())
            }
            _ => Stripped::Prefix(captures.get(0).map_or(0, |m| m.end())),
        })
    });
    match stripped {
        Some(Stripped::Transformed(transformed))
            if !viable || descriptor_matches(meta, &transformed) =>
        {
            number.national = transformed;
        }
        Some(Stripped::Prefix(end)) => number.national = national[end..].to_string(),
        Some(Stripped::Transformed(_)) | None => {}
    }
    number
}

/// What a national prefix pattern does to a number: rewrite it by the transform rule, or strip
/// the first `n` bytes.
enum Stripped {
    Transformed(String),
    Prefix(usize),
}

fn descriptor_matches(meta: &Metadata, value: &str) -> bool {
    let general = meta.descriptors().general();
    let lengths = general.possible_length();
    (lengths.is_empty() || lengths.contains(&(value.len() as u16)))
        && numbering::matches_at_start(general.national_number(), value)
}

#[derive(PartialEq, Eq)]
enum Length {
    PossibleLocalOnly,
    Possible,
    TooShort,
    TooLong,
    Invalid,
}

impl Length {
    fn is_possible(&self) -> bool {
        matches!(self, Length::Possible | Length::PossibleLocalOnly)
    }
}

/// The crate's `validator::length` for `Type::Unknown` (the general descriptor).
fn length(meta: &Metadata, national: &str) -> Length {
    let general = meta.descriptors().general();
    let len = national.len() as u16;
    let possible = general.possible_length();
    let (Some(&min), Some(&max)) = (possible.first(), possible.last()) else {
        return Length::Invalid;
    };
    if general.possible_local_length().contains(&len) {
        Length::PossibleLocalOnly
    } else if len == min {
        Length::Possible
    } else if len < min {
        Length::TooShort
    } else if len > max {
        Length::TooLong
    } else if possible.contains(&len) {
        Length::Possible
    } else {
        Length::Invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const REGIONS: &[&str] = &[
        "US", "GB", "DE", "FR", "NL", "IT", "IN", "JP", "BR", "SE", "AU", "CH", "AR", "MX", "NZ",
    ];

    fn region(r: usize) -> Option<&'static Metadata> {
        REGIONS.get(r).and_then(|id| DATABASE.by_id(*id))
    }

    fn same(r: usize, text: &str) -> Result<(), TestCaseError> {
        let meta = region(r);
        prop_assert_eq!(
            parse(meta, text),
            by_crate(meta, text),
            "{:?} {:?}",
            REGIONS.get(r),
            text
        );
        Ok(())
    }

    #[test]
    fn examples_agree_with_the_crate() {
        let inputs = [
            "+44 7400 123456",
            "(206) 555-0100",
            "+1-206-555-0100",
            "(206)555-0100",
            "0044 20 7946 0958",
            "011 44 20 7946 0958",
            "+44 07400 123456",
            "2065550100 ext. 123",
            "206 555 0100 x",
            "206-555-0100-12#",
            "206 555 0100 x12/x13",
            "+",
            "12",
            "0343 15 555 1212",
            "+54 9 343 555 1212",
            "1-800-FLOWERS",
            "tel:+1-206-555-0100",
            "+1/206",
        ];
        // What people type takes the port; the rest goes to the crate.
        for text in [
            "+44 7400 123456",
            "(206) 555-0100",
            "2065550100 ext. 123",
            "+1-206-555-0100",
        ] {
            assert!(simple(text).is_some(), "{text}");
        }
        for text in ["1-800-FLOWERS", "tel:+1-206-555-0100", "03;x"] {
            assert!(simple(text).is_none(), "{text}");
        }
        for r in 0..=REGIONS.len() {
            for text in inputs {
                same(r, text).unwrap();
            }
        }
    }

    fn written() -> impl Strategy<Value = String> {
        let lead = prop::sample::select(vec!["", "+", "00", "011", "(", " ", "+0", "++"]);
        let sep = prop::sample::select(vec![" ", "-", ".", "(", ")", "/", "", ") ", " (0)"]);
        let group = "[0-9]{1,5}";
        let ext = prop::sample::select(vec![
            "",
            "",
            "",
            " x12",
            " ext. 45",
            ",123",
            " #7",
            "x",
            " ext 1234567",
            "/x12",
            " int 9",
            "-12#",
            " X 33",
        ]);
        (lead, prop::collection::vec((group, sep), 1..6), ext).prop_map(|(lead, groups, ext)| {
            let mut s = lead.to_string();
            for (g, sep) in groups {
                s.push_str(&g);
                s.push_str(sep);
            }
            s.push_str(ext);
            s
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The port gives the crate's answer for numbers written the ways people write them.
        #[test]
        fn agrees_with_the_crate(r in 0usize..16, text in written()) {
            same(r, &text)?;
        }

        /// And for arbitrary text over the characters it handles (and some it hands over).
        #[test]
        fn agrees_on_noise(r in 0usize..16, text in "[0-9 +().\\-/x#,;A-Fa-f]{0,24}") {
            same(r, &text)?;
        }
    }
}
