//! Phone domain types. A [`PhoneNumber`] exists only in Graph's `+CC NUMBER[xEXT]` form, so a
//! malformed number cannot reach the client. Masking for logs lives here too.

mod normalize;
mod numbering;
mod parse;

pub use normalize::{normalize, LineKind, NormalizeError, Normalized, Repair};

/// Loads libphonenumber's numbering-plan database (≈0.1 s, once per process) so the first file
/// read does not pay for it. The app calls this on a background thread at start-up.
pub fn warm_up() {
    numbering::enlarge_crate_cache();
    let _ = normalize::normalize("+44 7400 123456", None);
}

use serde::{Deserialize, Serialize};

/// The three authentication phone slots Graph knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PhoneType {
    Mobile,
    AlternateMobile,
    Office,
}

impl PhoneType {
    pub const ALL: [PhoneType; 3] = [
        PhoneType::Mobile,
        PhoneType::AlternateMobile,
        PhoneType::Office,
    ];

    /// The fixed method id Graph uses for this slot (same for every user).
    pub fn method_id(self) -> &'static str {
        match self {
            PhoneType::Mobile => "3179e48a-750b-4051-897c-87b9720928f7",
            PhoneType::AlternateMobile => "b6332ec1-7057-4abe-9331-3d72feddfe41",
            PhoneType::Office => "e37fc753-ff3b-4958-9484-eaa9425c82bc",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PhoneType::Mobile => "mobile",
            PhoneType::AlternateMobile => "alternateMobile",
            PhoneType::Office => "office",
        }
    }
}

impl std::fmt::Display for PhoneType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A number in Graph's form: `+`, a 1–3 digit country code, one space, 4–15 digits, and an
/// optional `x` extension of 1–10 digits.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

/// Why a string is not in Graph's phone form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{shown}' is not in Graph's phone format \"+CC NUMBER\" (e.g. +1 2065550123): {reason}")]
pub struct PhoneFormatError {
    shown: String,
    reason: &'static str,
}

impl PhoneNumber {
    /// Accepts exactly Graph's form. Use the normalizer to get there from what people type.
    pub fn parse_graph(text: &str) -> Result<Self, PhoneFormatError> {
        let err = |reason| PhoneFormatError {
            shown: mask(text),
            reason,
        };
        let rest = text
            .strip_prefix('+')
            .ok_or_else(|| err("it must start with +"))?;
        let (cc, rest) = rest
            .split_once(' ')
            .ok_or_else(|| err("a space must follow the country code"))?;
        if cc.is_empty()
            || cc.len() > 3
            || !cc.bytes().all(|b| b.is_ascii_digit())
            || cc.starts_with('0')
        {
            return Err(err("the country code must be 1–3 digits"));
        }
        let (number, ext) = match rest.split_once('x') {
            Some((n, e)) => (n, Some(e)),
            None => (rest, None),
        };
        if number.len() < 4 || number.len() > 15 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("the number must be 4–15 digits"));
        }
        if let Some(e) = ext {
            if e.is_empty() || e.len() > 10 || !e.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("the extension must be 1–10 digits"));
            }
        }
        Ok(Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn has_extension(&self) -> bool {
        self.0.contains('x')
    }

    /// Digits only (country code + number + extension), for comparing numbers Graph returned
    /// with or without spaces.
    pub fn digits(&self) -> String {
        digits(&self.0)
    }

    /// Masked for logs: country code and last two digits.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

impl std::fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PhoneNumber::parse_graph(&s).map_err(serde::de::Error::custom)
    }
}

/// Digits of any phone text.
pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Masks a phone text for logs and messages: keeps `+CC` and the last two digits.
pub fn mask(text: &str) -> String {
    let total = text.chars().filter(char::is_ascii_digit).count();
    let cc_len = text
        .strip_prefix('+')
        .and_then(|r| r.split_once(' '))
        .map(|(cc, _)| cc.len())
        .unwrap_or(0);
    let mut seen = 0;
    text.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen <= cc_len || seen + 2 > total {
                    c
                } else {
                    'X'
                }
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_form_only() {
        for ok in [
            "+1 2065550123",
            "+44 7700900123",
            "+1 4255550100x123",
            "+358 401234567",
        ] {
            assert!(PhoneNumber::parse_graph(ok).is_ok(), "{ok}");
        }
        for bad in [
            "2065550123",
            "+12065550123",
            "+1 206-555-0123",
            "+1 206",
            "+1234 5550123",
            "+1 5555550123x",
            "+0 12345678",
            "",
        ] {
            assert!(PhoneNumber::parse_graph(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn masking_keeps_country_code_and_last_two() {
        assert_eq!(mask("+1 2065550123"), "+1 XXXXXXXX23");
        assert_eq!(mask("+44 7700900123x12"), "+44 XXXXXXXXXXx12");
        assert!(
            !format!("{:?}", PhoneNumber::parse_graph("+1 2065550123").unwrap()).contains("555")
        );
        assert!(PhoneNumber::parse_graph("12345")
            .unwrap_err()
            .to_string()
            .contains("XXX45"));
    }
}
