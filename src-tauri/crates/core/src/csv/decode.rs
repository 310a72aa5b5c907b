//! Bytes to text, for what Excel really saves: UTF-8 with or without BOM, UTF-16 LE/BE ("Unicode
//! Text"), and Windows-1252 when the bytes are not UTF-8. All decoding is `encoding_rs`'s; this
//! file only chooses the encoding and refuses workbooks, binary data and damaged UTF.

use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::error::{CsvError, MAX_BYTES};
use super::text::last_line;

/// Decodes `bytes` and names the encoding found: "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE"
/// or "windows-1252". The BOM is not part of the text.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), CsvError> {
    if bytes.len() > MAX_BYTES {
        return Err(CsvError::TooLarge { bytes: bytes.len() });
    }
    if bytes.is_empty() {
        return Err(CsvError::Empty);
    }
    if let Some(format) = workbook(bytes) {
        return Err(CsvError::Workbook {
            format: format.into(),
        });
    }
    let (mut text, name) = match Encoding::for_bom(bytes) {
        Some((encoding, bom)) => (strict(encoding, &bytes[bom..])?, bom_name(encoding)),
        None => match utf16_without_bom(bytes) {
            Some(encoding) => (strict(encoding, bytes)?, bom_name(encoding)),
            None => match std::str::from_utf8(bytes) {
                Ok(text) => (text.to_string(), "UTF-8"),
                // Every byte means something in Windows-1252, so this cannot fail.
                Err(_) => (
                    WINDOWS_1252
                        .decode_without_bom_handling(bytes)
                        .0
                        .into_owned(),
                    "windows-1252",
                ),
            },
        },
    };
    // A second BOM (a file saved twice through a BOM-adding tool) is not text either.
    if text.starts_with('\u{feff}') {
        text.remove(0);
    }
    if let Some(nul) = text.find('\0') {
        return Err(CsvError::Malformed {
            line: last_line(&text[..nul]),
            reason: "it contains binary data (NUL characters), so this is not a text file; \
                     export the sheet from Excel as \"CSV UTF-8 (Comma delimited)\""
                .into(),
        });
    }
    Ok((text, name))
}

fn bom_name(encoding: &'static Encoding) -> &'static str {
    if encoding == UTF_8 {
        "UTF-8 (BOM)"
    } else if encoding == UTF_16LE {
        "UTF-16LE"
    } else {
        "UTF-16BE"
    }
}

/// `xlsx` (a ZIP archive) or `xls` (an OLE compound file), recognised by their first bytes.
fn workbook(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some("xlsx")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("xls")
    } else {
        None
    }
}

/// UTF-16 saved without a BOM: in the first KiB, the high byte of every ASCII character is zero,
/// so one parity of positions holds many NULs and the other none.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || bytes.len() & 1 == 1 {
        return None;
    }
    let sample = &bytes[..bytes.len().min(1024)];
    let pairs = sample.len() / 2;
    let zeros_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    if even == 0 && odd * 2 >= pairs {
        Some(UTF_16LE)
    } else if odd == 0 && even * 2 >= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Decodes with malformed sequences refused, naming the line where the damage starts.
fn strict(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, CsvError> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::new();
    let mut read = 0;
    loop {
        let rest = &bytes[read..];
        let room = decoder
            .max_utf8_buffer_length_without_replacement(rest.len())
            .unwrap_or(rest.len().saturating_mul(3))
            .max(16);
        out.reserve(room);
        let (result, n) = decoder.decode_to_string_without_replacement(rest, &mut out, true);
        read += n;
        match result {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => continue,
            DecoderResult::Malformed(_, _) => {
                return Err(CsvError::Malformed {
                    line: last_line(&out),
                    reason: format!(
                        "the file is saved as {name} but this line holds bytes that are not valid \
                         {name}; the file may be truncated or two files were joined — save it \
                         again from Excel",
                        name = encoding.name()
                    ),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = if bom { "\u{feff}" } else { "" }
            .encode_utf16()
            .chain(text.encode_utf16());
        for u in units {
            let b = if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            };
            out.extend_from_slice(&b);
        }
        out
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode("UPN,é".as_bytes()).unwrap(),
            ("UPN,é".into(), "UTF-8")
        );
        let bom = [&[0xEF, 0xBB, 0xBF][..], "UPN,é".as_bytes()].concat();
        assert_eq!(decode(&bom).unwrap(), ("UPN,é".into(), "UTF-8 (BOM)"));
    }

    #[test]
    fn utf16_both_orders_with_and_without_bom() {
        let text = "UPN\tMobile\r\nzoë@contoso.com\t+1 4255550100\r\n";
        assert_eq!(
            decode(&utf16(text, false, true)).unwrap(),
            (text.into(), "UTF-16LE")
        );
        assert_eq!(
            decode(&utf16(text, true, true)).unwrap(),
            (text.into(), "UTF-16BE")
        );
        assert_eq!(
            decode(&utf16(text, false, false)).unwrap(),
            (text.into(), "UTF-16LE")
        );
        assert_eq!(
            decode(&utf16(text, true, false)).unwrap(),
            (text.into(), "UTF-16BE")
        );
    }

    #[test]
    fn windows_1252_when_not_utf8() {
        let bytes = b"UPN;Name\nj\xfcrgen@contoso.com;Jos\xe9 Pe\xf1a \x80\n";
        let (text, name) = decode(bytes).unwrap();
        assert_eq!(name, "windows-1252");
        assert_eq!(text, "UPN;Name\njürgen@contoso.com;José Peña €\n");
    }

    #[test]
    fn damaged_utf16_names_the_line() {
        let mut bytes = utf16("UPN\r\na\r\nb", false, true);
        bytes.extend_from_slice(&[0x00, 0xD8]); // a lone high surrogate at the end
        let err = decode(&bytes).unwrap_err();
        assert_eq!(err.line(), Some(3), "{err}");
        let mut bytes = utf16("UPN\r\n", true, true);
        bytes.push(b'x'); // odd length
        assert_eq!(decode(&bytes).unwrap_err().line(), Some(2));
    }

    #[test]
    fn workbooks_binary_empty_and_huge_are_refused() {
        assert!(matches!(
            decode(b"PK\x03\x04\x14\x00").unwrap_err(),
            CsvError::Workbook { format } if format == "xlsx"
        ));
        let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert!(matches!(
            decode(&xls).unwrap_err(),
            CsvError::Workbook { .. }
        ));
        assert_eq!(decode(b"UPN\nab\0c\n").unwrap_err().line(), Some(2));
        assert_eq!(decode(b"").unwrap_err(), CsvError::Empty);
        let huge = vec![b'a'; MAX_BYTES + 1];
        assert_eq!(
            decode(&huge).unwrap_err(),
            CsvError::TooLarge {
                bytes: MAX_BYTES + 1
            }
        );
    }

    #[test]
    fn a_doubled_bom_is_dropped() {
        let bytes = [&[0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF][..], b"UPN"].concat();
        assert_eq!(decode(&bytes).unwrap().0, "UPN");
    }
}
