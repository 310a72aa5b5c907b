//! Graph's phone-number format `+{country code} {number}[x{extension}]`: parsing, the canonical
//! spaced form (a number sent as `+316…` is stored as `+31 6…`, splitting with the prefix-free
//! ITU country calling codes), digit keys for uniqueness, and masking. No HTTP here.

/// ITU-T E.164 assigned country calling codes. The set is prefix-free, so the country code of a
/// number without a space is the one code that is a prefix of its digits.
const CALLING_CODES: &[&str] = &[
    "1", "7", "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45",
    "46", "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
    "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98", "211",
    "212", "213", "216", "218", "220", "221", "222", "223", "224", "225", "226", "227", "228",
    "229", "230", "231", "232", "233", "234", "235", "236", "237", "238", "239", "240", "241",
    "242", "243", "244", "245", "246", "247", "248", "249", "250", "251", "252", "253", "254",
    "255", "256", "257", "258", "260", "261", "262", "263", "264", "265", "266", "267", "268",
    "269", "290", "291", "297", "298", "299", "350", "351", "352", "353", "354", "355", "356",
    "357", "358", "359", "370", "371", "372", "373", "374", "375", "376", "377", "378", "379",
    "380", "381", "382", "383", "385", "386", "387", "389", "420", "421", "423", "500", "501",
    "502", "503", "504", "505", "506", "507", "508", "509", "590", "591", "592", "593", "594",
    "595", "596", "597", "598", "599", "670", "672", "673", "674", "675", "676", "677", "678",
    "679", "680", "681", "682", "683", "685", "686", "687", "688", "689", "690", "691", "692",
    "800", "808", "850", "852", "853", "855", "856", "870", "878", "880", "881", "882", "883",
    "886", "888", "960", "961", "962", "963", "964", "965", "966", "967", "968", "970", "971",
    "972", "973", "974", "975", "976", "977", "979", "992", "993", "994", "995", "996", "998",
];

/// A phone number in Graph's canonical form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PhoneNumber {
    pub country_code: String,
    pub national: String,
    pub extension: Option<String>,
}

/// Why a number was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PhoneFormatError {
    Malformed,
    UnknownCountryCode,
    ExtensionNotAllowed,
}

impl PhoneNumber {
    /// Parses `+CC NUMBER[xEXT]` or `+CCNUMBER[xEXT]`.
    pub(crate) fn parse(raw: &str) -> Result<PhoneNumber, PhoneFormatError> {
        let rest = raw
            .trim()
            .strip_prefix('+')
            .ok_or(PhoneFormatError::Malformed)?;
        let (main, extension) = match rest.split_once(['x', 'X']) {
            Some((m, e)) => {
                if e.is_empty() || e.len() > 10 || !e.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(PhoneFormatError::Malformed);
                }
                (m, Some(e.to_owned()))
            }
            None => (rest, None),
        };
        let (cc, national) = match main.split_once(' ') {
            Some((cc, national)) => {
                if !CALLING_CODES.contains(&cc) {
                    return Err(if all_digits(cc) && !cc.is_empty() {
                        PhoneFormatError::UnknownCountryCode
                    } else {
                        PhoneFormatError::Malformed
                    });
                }
                (cc.to_owned(), national.to_owned())
            }
            None => {
                if !all_digits(main) {
                    return Err(PhoneFormatError::Malformed);
                }
                let cc = CALLING_CODES
                    .iter()
                    .find(|c| main.starts_with(**c))
                    .ok_or(PhoneFormatError::UnknownCountryCode)?;
                ((*cc).to_owned(), main[cc.len()..].to_owned())
            }
        };
        if !all_digits(&national) || national.len() < 4 || cc.len() + national.len() > 15 {
            return Err(PhoneFormatError::Malformed);
        }
        Ok(PhoneNumber {
            country_code: cc,
            national,
            extension,
        })
    }

    /// Parses and refuses an extension unless `allow_extension` (office phones only).
    pub(crate) fn parse_for(
        raw: &str,
        allow_extension: bool,
    ) -> Result<PhoneNumber, PhoneFormatError> {
        let number = PhoneNumber::parse(raw)?;
        if number.extension.is_some() && !allow_extension {
            return Err(PhoneFormatError::ExtensionNotAllowed);
        }
        Ok(number)
    }

    pub(crate) fn canonical(&self) -> String {
        match &self.extension {
            Some(ext) => format!("+{} {}x{}", self.country_code, self.national, ext),
            None => format!("+{} {}", self.country_code, self.national),
        }
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The digits of a stored number without its extension: the key for "same number" checks.
pub(crate) fn digits_key(stored: &str) -> String {
    let main = stored.split(['x', 'X']).next().unwrap_or(stored);
    main.chars().filter(char::is_ascii_digit).collect()
}

/// What an Authentication Administrator sees: the country code and the last two digits,
/// e.g. `+1 XXXXXXXX34`.
pub(crate) fn mask(stored: &str) -> String {
    match PhoneNumber::parse(stored) {
        Ok(n) => {
            let keep = n.national.len().saturating_sub(2);
            format!(
                "+{} {}{}",
                n.country_code,
                "X".repeat(keep),
                &n.national[keep..]
            )
        }
        Err(_) => "XXXXXXXX".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calling_codes_are_prefix_free() {
        for a in CALLING_CODES {
            for b in CALLING_CODES {
                assert!(a == b || !b.starts_with(a), "{a} is a prefix of {b}");
            }
        }
    }

    #[test]
    fn space_is_inserted_after_the_country_code() {
        assert_eq!(
            PhoneNumber::parse("+31612345678").unwrap().canonical(),
            "+31 612345678"
        );
        assert_eq!(
            PhoneNumber::parse("+14255550123").unwrap().canonical(),
            "+1 4255550123"
        );
        assert_eq!(
            PhoneNumber::parse("+3531234567").unwrap().country_code,
            "353"
        );
        assert_eq!(
            PhoneNumber::parse("+1 4255550123x42").unwrap().canonical(),
            "+1 4255550123x42"
        );
    }

    #[test]
    fn bad_numbers_are_refused() {
        for bad in [
            "",
            "0612345678",
            "+",
            "+1 42a5550123",
            "+31 6 12345678",
            "+1 123",
            "+1 4255550123x",
            "+999 12345678",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            PhoneNumber::parse_for("+1 4255550123x9", false),
            Err(PhoneFormatError::ExtensionNotAllowed)
        );
    }

    #[test]
    fn masking_keeps_country_code_and_last_two_digits() {
        assert_eq!(mask("+1 4255550134"), "+1 XXXXXXXX34");
        assert_eq!(mask("+49 301234567x12"), "+49 XXXXXXX67");
        assert_eq!(digits_key("+31 612345678"), "31612345678");
        assert_eq!(digits_key("+1 4255550123x7"), "14255550123");
    }
}
