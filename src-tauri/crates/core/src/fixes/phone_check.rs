//! The live check behind a phone editor and `prestage-cli phone check`: what people typed, with a
//! default region, becomes exactly what will be sent to Graph — or the reason it will not be.
//! Slot rules that depend only on the number (extension only on office, landline in a mobile
//! slot) are checked here; rules that depend on the user's other methods are the pre-flight's.

use serde::Serialize;

use crate::phone::{normalize, LineKind, PhoneNumber, PhoneType, Repair};

/// The check's answer. `number` is what Graph will receive; `problem` blocks sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneCheck {
    pub number: Option<String>,
    pub kind: Option<LineKind>,
    /// ISO region of the number, when the numbering plan says.
    pub region: Option<String>,
    /// What was changed to make it a number, in words.
    pub repairs: Vec<String>,
    pub warnings: Vec<String>,
    pub problem: Option<String>,
}

impl PhoneCheck {
    /// The number to send, when there is no problem.
    pub fn sendable(&self) -> Option<PhoneNumber> {
        if self.problem.is_some() {
            return None;
        }
        self.number
            .as_deref()
            .and_then(|n| PhoneNumber::parse_graph(n).ok())
    }
}

fn repair_text(r: &Repair) -> &'static str {
    match r {
        Repair::AddedPlus => {
            "added the missing + (the digits only make sense as an international number)"
        }
        Repair::DroppedTrunkZero => {
            "dropped the (0) trunk prefix, which is not dialled from abroad"
        }
        Repair::ConvertedDigits => "read full-width or non-ASCII digits as ordinary digits",
    }
}

/// Normalizes `input` for the `slot` phone (any slot when `None`) with `region` as the default
/// for national numbers.
pub fn check_phone(input: &str, region: Option<&str>, slot: Option<PhoneType>) -> PhoneCheck {
    let region = region.map(str::trim).filter(|r| !r.is_empty());
    let normalized = match normalize(input, region) {
        Ok(n) => n,
        Err(e) => {
            return PhoneCheck {
                number: None,
                kind: None,
                region: None,
                repairs: Vec::new(),
                warnings: Vec::new(),
                problem: Some(capitalized(&e.to_string())),
            }
        }
    };
    let mut warnings = Vec::new();
    let mut problem = None;
    match slot {
        Some(t @ (PhoneType::Mobile | PhoneType::AlternateMobile))
            if normalized.number.has_extension() =>
        {
            problem = Some(format!(
                "Graph accepts an extension only on the office phone, not on the {}.",
                slot_name(t)
            ));
        }
        Some(t @ (PhoneType::Mobile | PhoneType::AlternateMobile))
            if normalized.kind == LineKind::FixedLine =>
        {
            warnings.push(format!(
                "This looks like a landline: text messages will not reach it as the {}. Voice calls still work.",
                slot_name(t)
            ));
        }
        _ => {}
    }
    PhoneCheck {
        number: Some(normalized.number.as_str().to_string()),
        kind: Some(normalized.kind),
        region: normalized.region,
        repairs: normalized
            .repairs
            .iter()
            .map(|r| repair_text(r).to_string())
            .collect(),
        warnings,
        problem,
    }
}

fn slot_name(t: PhoneType) -> &'static str {
    match t {
        PhoneType::Mobile => "mobile",
        PhoneType::AlternateMobile => "alternate mobile",
        PhoneType::Office => "office phone",
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_will_be_sent_and_why_not() {
        let c = check_phone("07400 123456", Some("GB"), Some(PhoneType::Mobile));
        assert_eq!(c.number.as_deref(), Some("+44 7400123456"));
        assert!(c.problem.is_none() && c.warnings.is_empty());
        assert!(c.sendable().is_some());

        let c = check_phone("+44 (0)20 7946 0958", None, Some(PhoneType::Mobile));
        assert_eq!(c.number.as_deref(), Some("+44 2079460958"));
        assert!(c.warnings[0].contains("landline"), "{c:?}");
        assert!(c.repairs[0].contains("(0)"));

        let c = check_phone("+1 425 555 0100 x123", None, Some(PhoneType::Mobile));
        assert!(c.problem.as_deref().unwrap().contains("office phone"));
        assert!(c.sendable().is_none());
        let c = check_phone("+1 425 555 0100 x123", None, Some(PhoneType::Office));
        assert_eq!(c.number.as_deref(), Some("+1 4255550100x123"));

        let c = check_phone("call me maybe", Some("US"), None);
        assert!(
            c.problem.unwrap().starts_with('\''),
            "a reason, not a number"
        );
        let c = check_phone("2065550123", None, None);
        assert!(c.problem.unwrap().contains("default region"));
    }
}
