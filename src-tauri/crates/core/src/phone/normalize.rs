//! From what people type (or what Excel saved) to Graph's `+CC NUMBER[xEXT]`, with libphonenumber
//! rules (the `phonenumber` crate) and a default region. Repairs are reported, never silent;
//! anything ambiguous is refused with a reason. Never logs the number.

use std::str::FromStr;

use phonenumber::country::Id;
use phonenumber::metadata::{Metadata, DATABASE};
use phonenumber::Type;
use serde::Serialize;

use super::parse::{self, Parsed};
use super::{numbering, PhoneNumber};

/// What kind of line the number is, as far as the numbering plan tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum LineKind {
    Mobile,
    FixedLine,
    /// The plan cannot tell (e.g. the US and Canada).
    FixedLineOrMobile,
    Other,
}

/// A change made to the input to make it a number; shown to the admin as a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Repair {
    /// The `+` was missing (e.g. lost by Excel); the digits only make sense as international.
    AddedPlus,
    /// A `(0)` trunk prefix written inside an international number was dropped.
    DroppedTrunkZero,
    /// Full-width or other non-ASCII digits were read as ASCII digits.
    ConvertedDigits,
}

/// The normalized number with what was learned on the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Normalized {
    pub number: PhoneNumber,
    pub kind: LineKind,
    /// ISO region of the number, when the plan says.
    pub region: Option<String>,
    pub repairs: Vec<Repair>,
}

/// Why a text is not a phone number Prestage will send.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum NormalizeError {
    #[error("the cell is empty")]
    Empty,
    #[error("'{shown}' looks like Excel scientific notation; the real digits are lost — format the column as Text and export again")]
    ScientificNotation { shown: String },
    #[error("'{region}' is not a known region code (use two letters such as US, GB, DE)")]
    UnknownRegion { region: String },
    #[error("'{shown}' has no country code and no default region is set; write it as +CC NUMBER or choose a default region")]
    NeedsRegion { shown: String },
    #[error("'{shown}' is not a phone number")]
    NotANumber { shown: String },
    #[error("'{shown}' is not a valid number in {where_}")]
    Invalid {
        shown: String,
        #[serde(rename = "where")]
        where_: String,
    },
}

impl NormalizeError {
    /// The same error quoting `input` as typed instead of masked: for where the number is the
    /// reader's own (an import file's cell shown to the admin who wrote it), not for logs.
    pub fn quoting(self, input: &str) -> Self {
        let shown = input.trim().to_string();
        match self {
            Self::ScientificNotation { .. } => Self::ScientificNotation { shown },
            Self::NeedsRegion { .. } => Self::NeedsRegion { shown },
            Self::NotANumber { .. } => Self::NotANumber { shown },
            Self::Invalid { where_, .. } => Self::Invalid { shown, where_ },
            other => other,
        }
    }
}

/// Normalizes `input` with `default_region` (ISO 3166 alpha-2, e.g. "GB") for national numbers.
pub fn normalize(input: &str, default_region: Option<&str>) -> Result<Normalized, NormalizeError> {
    numbering::enlarge_crate_cache();
    let mut repairs = Vec::new();
    let (text, converted) = ascii_digits(input.trim());
    if converted {
        repairs.push(Repair::ConvertedDigits);
    }
    let text = text.trim().trim_start_matches('\'').trim().to_string();
    if text.is_empty() {
        return Err(NormalizeError::Empty);
    }
    let shown = super::mask(&text);
    if is_scientific(&text) {
        return Err(NormalizeError::ScientificNotation { shown: text });
    }
    let region = match default_region.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(
            region_metadata(r).ok_or_else(|| NormalizeError::UnknownRegion {
                region: r.to_string(),
            })?,
        ),
        None => None,
    };
    let mut text = text;
    if text.starts_with('+') && text.contains("(0)") {
        text = text.replacen("(0)", "", 1);
        repairs.push(Repair::DroppedTrunkZero);
    }
    if !text.chars().any(|c| c.is_ascii_digit()) {
        return Err(NormalizeError::NotANumber { shown });
    }
    let international = text.starts_with('+');
    let parsed = if international {
        parse_valid(None, &text)
    } else if let Some(region) = region {
        // National (or with the region's international prefix such as 00 / 011).
        parse_valid(Some(region), &text).or_else(|| {
            // Excel drops the '+': digits that are only valid as international get it back.
            let plus = format!("+{text}");
            parse_valid(None, &plus).inspect(|_| repairs.push(Repair::AddedPlus))
        })
    } else {
        let plus = format!("+{}", text.trim_start_matches("00"));
        let found = parse_valid(None, &plus);
        if found.is_none() {
            return Err(NormalizeError::NeedsRegion { shown });
        }
        repairs.push(Repair::AddedPlus);
        found
    };
    let Some((parsed, meta, line_type)) = parsed else {
        let where_ = match (international, region) {
            (false, Some(r)) => format!("region {}", r.id()),
            _ => "any numbering plan".to_string(),
        };
        return Err(NormalizeError::Invalid { shown, where_ });
    };
    let mut graph = format!("+{} {}", parsed.code, parsed.national);
    if let Some(ext) = &parsed.extension {
        graph.push('x');
        graph.push_str(ext);
    }
    let number = PhoneNumber::parse_graph(&graph).map_err(|_| NormalizeError::Invalid {
        shown: shown.clone(),
        where_: "Graph's format".into(),
    })?;
    let kind = match line_type {
        Type::Mobile => LineKind::Mobile,
        Type::FixedLine => LineKind::FixedLine,
        Type::FixedLineOrMobile => LineKind::FixedLineOrMobile,
        _ => LineKind::Other,
    };
    let region = Some(meta.id().to_string()).filter(|id| id != "001");
    Ok(Normalized {
        number,
        kind,
        region,
        repairs,
    })
}

/// The numbering plan of an ISO region code such as "GB" (any case).
fn region_metadata(region: &str) -> Option<&'static Metadata> {
    thread_local! {
        // A file has one default region: remember the last one looked up.
        static LAST: std::cell::RefCell<Option<(String, &'static Metadata)>> = const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((code, meta)) = last.as_ref() {
            if code.eq_ignore_ascii_case(region) {
                return Some(*meta);
            }
        }
        let id = Id::from_str(&region.to_ascii_uppercase()).ok()?;
        let meta = DATABASE.by_id(id.as_ref())?;
        *last = Some((region.to_string(), meta));
        Some(meta)
    })
}

/// Parses like libphonenumber; validates with the fast numbering-plan evaluation.
fn parse_valid(
    region: Option<&'static Metadata>,
    text: &str,
) -> Option<(Parsed, &'static Metadata, Type)> {
    let parsed = parse::parse(region, text)?;
    // With leading zeros (Italy), as the crate's own `is_valid` evaluates it.
    let meta = numbering::metadata_for(parsed.code, &parsed.national)?;
    let line_type = numbering::number_type(meta, &parsed.national);
    (line_type != Type::Unknown).then_some((parsed, meta, line_type))
}

/// Maps Unicode decimal digits (full-width and others) to ASCII; says whether any changed.
fn ascii_digits(text: &str) -> (String, bool) {
    let mut changed = false;
    let out = text
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                if let Some(d) = c.to_digit(10).or_else(|| fullwidth(c)) {
                    changed = true;
                    return char::from(b'0' + d as u8);
                }
            }
            match c {
                '\u{FF0B}' => {
                    changed = true;
                    '+'
                }
                '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{3000}' => ' ',
                _ => c,
            }
        })
        .collect();
    (out, changed)
}

fn fullwidth(c: char) -> Option<u32> {
    let v = c as u32;
    (0xFF10..=0xFF19).contains(&v).then(|| v - 0xFF10)
}

/// `3.16123E+11`, `4,4E+11`: what Excel shows for long digit strings in a General column.
fn is_scientific(text: &str) -> bool {
    let t = text.to_ascii_uppercase();
    let Some((mantissa, exponent)) = t.split_once('E') else {
        return false;
    };
    let mantissa_ok = !mantissa.is_empty()
        && mantissa
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && mantissa.chars().any(|c| c.is_ascii_digit());
    let exponent = exponent.trim_start_matches('+');
    mantissa_ok && !exponent.is_empty() && exponent.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(input: &str, region: Option<&str>) -> String {
        normalize(input, region)
            .unwrap_or_else(|e| panic!("{input}: {e}"))
            .number
            .as_str()
            .to_string()
    }

    #[test]
    fn fifteen_countries_national_and_international() {
        let cases = [
            ("US", "(206) 555-0100", "+1 2065550100"),
            ("CA", "416 555 0199", "+1 4165550199"),
            ("GB", "07400 123456", "+44 7400123456"),
            ("DE", "0151 23456789", "+49 15123456789"),
            ("FR", "06 12 34 56 78", "+33 612345678"),
            ("NL", "06-12345678", "+31 612345678"),
            ("ES", "612 34 56 78", "+34 612345678"),
            ("IT", "06 1234 5678", "+39 0612345678"),
            ("IT", "312 345 6789", "+39 3123456789"),
            ("IN", "098765 43210", "+91 9876543210"),
            ("JP", "090-1234-5678", "+81 9012345678"),
            ("BR", "(11) 91234-5678", "+55 11912345678"),
            ("PL", "512 345 678", "+48 512345678"),
            ("SE", "070-123 45 67", "+46 701234567"),
            ("AU", "0412 345 678", "+61 412345678"),
            ("CH", "078 123 45 67", "+41 781234567"),
            ("FI", "040 1234567", "+358 401234567"),
        ];
        for (region, input, want) in cases {
            assert_eq!(graph(input, Some(region)), want, "{region} {input}");
            // The international form gives the same answer whatever the default region.
            assert_eq!(graph(want, Some("US")), want);
            assert_eq!(graph(&want.replace(' ', ""), None), want);
        }
    }

    #[test]
    fn trunk_prefix_in_brackets_and_international_prefixes() {
        let n = normalize("+44 (0)20 7946 0958", None).unwrap();
        assert_eq!(n.number.as_str(), "+44 2079460958");
        assert_eq!(n.repairs, vec![Repair::DroppedTrunkZero]);
        assert_eq!(graph("0044 20 7946 0958", Some("GB")), "+44 2079460958");
        assert_eq!(graph("011 44 20 7946 0958", Some("US")), "+44 2079460958");
        assert_eq!(graph("00 49 30 123456", Some("DE")), "+49 30123456");
    }

    #[test]
    fn extensions_are_kept() {
        assert_eq!(graph("+1 425 555 0100 ext. 123", None), "+1 4255550100x123");
        assert_eq!(graph("(425) 555-0100 x45", Some("US")), "+1 4255550100x45");
    }

    #[test]
    fn full_width_digits_are_read() {
        let n = normalize("＋４４ ７４００ １２３４５６", None).unwrap();
        assert_eq!(n.number.as_str(), "+44 7400123456");
        assert!(n.repairs.contains(&Repair::ConvertedDigits));
    }

    #[test]
    fn excel_damage() {
        assert!(matches!(
            normalize("3.16123E+11", Some("NL")),
            Err(NormalizeError::ScientificNotation { .. })
        ));
        assert!(matches!(
            normalize("4,47701E+11", Some("GB")),
            Err(NormalizeError::ScientificNotation { .. })
        ));
        let n = normalize("447400123456", Some("US")).unwrap();
        assert_eq!(
            (n.number.as_str(), n.repairs.as_slice()),
            ("+44 7400123456", &[Repair::AddedPlus][..])
        );
        assert_eq!(graph("'+44 7400 123456", None), "+44 7400123456");
    }

    #[test]
    fn line_kinds() {
        assert_eq!(
            normalize("+44 7400123456", None).unwrap().kind,
            LineKind::Mobile
        );
        assert_eq!(
            normalize("+44 2079460958", None).unwrap().kind,
            LineKind::FixedLine
        );
        assert_eq!(
            normalize("+1 2065550100", None).unwrap().kind,
            LineKind::FixedLineOrMobile
        );
    }

    #[test]
    fn garbage_gets_a_reason() {
        assert_eq!(normalize("   ", Some("GB")), Err(NormalizeError::Empty));
        assert!(matches!(
            normalize("call me", Some("GB")),
            Err(NormalizeError::NotANumber { .. })
        ));
        assert!(matches!(
            normalize("12", Some("GB")),
            Err(NormalizeError::Invalid { .. })
        ));
        assert!(matches!(
            normalize("+999 123456", None),
            Err(NormalizeError::Invalid { .. })
        ));
        assert!(matches!(
            normalize("07400 123456", None),
            Err(NormalizeError::NeedsRegion { .. })
        ));
        assert!(matches!(
            normalize("07400 123456", Some("XX")),
            Err(NormalizeError::UnknownRegion { .. })
        ));
        // The error text never carries the full number.
        let e = normalize("0770090", Some("GB")).unwrap_err().to_string();
        assert!(!e.contains("0770090"), "{e}");
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        const REGIONS: &[&str] = &["US", "GB", "DE", "FR", "NL", "IT", "JP", "IN", "BR", "SE"];

        proptest! {
            #[test]
            fn never_panics(input in "\\PC{0,40}", r in 0usize..11) {
                let _ = normalize(&input, REGIONS.get(r).copied());
            }

            #[test]
            fn output_is_graph_form_and_stable(digits in "[+]?[0-9 ()./-]{4,20}", r in 0usize..10) {
                if let Ok(n) = normalize(&digits, Some(REGIONS[r])) {
                    prop_assert!(PhoneNumber::parse_graph(n.number.as_str()).is_ok());
                    let again = normalize(n.number.as_str(), None).expect("a Graph-form number normalizes");
                    prop_assert_eq!(again.number, n.number);
                }
            }
        }
    }
}
