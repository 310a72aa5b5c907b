//! Finding the delimiter: Excel's `sep=;` hint line, else the one of `,` `;` TAB that splits the
//! first records into a consistent number of columns. Splits exactly as `csv-core` does (a quote
//! opens a quoted field only at the start of a field), so it also finds a quote never closed.

use super::text::first_line;

/// The delimiters Prestage tries, in order of preference when the evidence ties.
const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
/// How many non-blank records the sniffer looks at.
const SAMPLE: usize = 20;

/// Excel's `sep=X` first line: the delimiter it names and the byte offset where the next line
/// starts. Tolerates quotes and trailing delimiters that a round-trip through Excel adds
/// (`"sep=;",,,`). `None` when the first line is not such a hint.
pub(crate) fn sep_line(text: &str) -> Option<(u8, usize)> {
    let (line, next) = first_line(text);
    let line = line.trim_start_matches([' ', '\u{feff}']);
    let quoted = line.strip_prefix('"');
    let line = quoted.unwrap_or(line);
    let rest = line.get(..4).filter(|p| p.eq_ignore_ascii_case("sep="))?;
    let after = &line[rest.len()..];
    let delimiter = *after.as_bytes().first()?;
    if !(delimiter.is_ascii_punctuation() || delimiter == b'\t') || delimiter == b'"' {
        return None;
    }
    let mut tail = &after[1..];
    if quoted.is_some() {
        tail = tail.strip_prefix('"')?;
    }
    let junk_only = tail
        .bytes()
        .all(|b| b == b' ' || b == delimiter || CANDIDATES.contains(&b));
    junk_only.then_some((delimiter, next))
}

/// The delimiter of `text` among `,` `;` TAB: the one whose header splits into two or more
/// columns and whose later records agree with the header most often. `,` when nothing tells.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut best = (CANDIDATES[0], (false, 0, 0));
    for (rank, &d) in CANDIDATES.iter().enumerate() {
        let counts = split(text.as_bytes(), d, SAMPLE).counts;
        let header = counts.first().copied().unwrap_or(0);
        let agree = counts.iter().filter(|c| **c == header).count();
        let score = (header >= 2, agree, header);
        if rank == 0 || score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

/// The byte offset of a quote that opens a field and is never closed: `csv` would read the
/// whole rest of the file into that one cell.
pub(crate) fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    split(text.as_bytes(), delimiter, usize::MAX).unclosed
}

struct Split {
    /// Per non-blank record, the number of fields up to the last non-blank one.
    counts: Vec<usize>,
    unclosed: Option<usize>,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote seen inside a quoted field: either the closing quote or half of `""`.
    QuoteInQuoted,
}

fn split(bytes: &[u8], delimiter: u8, max_records: usize) -> Split {
    let mut counts = Vec::new();
    let mut state = State::FieldStart;
    let (mut field, mut last_filled, mut filled) = (0usize, None::<usize>, false);
    let mut opened_at = 0;
    fn end_field(field: &mut usize, filled: &mut bool, last: &mut Option<usize>) {
        if *filled {
            *last = Some(*field);
        }
        *field += 1;
        *filled = false;
    }
    for (i, &b) in bytes.iter().enumerate() {
        let is_end = b == b'\r' || b == b'\n';
        match state {
            State::Quoted => {
                if b == b'"' {
                    state = State::QuoteInQuoted;
                } else {
                    filled |= !b.is_ascii_whitespace();
                }
                continue;
            }
            State::QuoteInQuoted if b == b'"' => {
                state = State::Quoted;
                filled = true;
                continue;
            }
            State::FieldStart if b == b'"' => {
                state = State::Quoted;
                opened_at = i;
                continue;
            }
            _ => {}
        }
        if b == delimiter {
            end_field(&mut field, &mut filled, &mut last_filled);
            state = State::FieldStart;
        } else if is_end {
            end_field(&mut field, &mut filled, &mut last_filled);
            if let Some(last) = last_filled {
                counts.push(last + 1);
                if counts.len() >= max_records {
                    return Split {
                        counts,
                        unclosed: None,
                    };
                }
            }
            (field, last_filled) = (0, None);
            state = State::FieldStart;
        } else {
            filled |= !b.is_ascii_whitespace();
            state = State::Unquoted;
        }
    }
    if state == State::Quoted {
        return Split {
            counts,
            unclosed: Some(opened_at),
        };
    }
    end_field(&mut field, &mut filled, &mut last_filled);
    if let Some(last) = last_filled {
        counts.push(last + 1);
    }
    Split {
        counts,
        unclosed: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sep_line_variants() {
        assert_eq!(sep_line("sep=;\r\nUPN;Mobile"), Some((b';', 7)));
        assert_eq!(sep_line("SEP=,\nUPN"), Some((b',', 6)));
        assert_eq!(sep_line("sep=\t\rUPN"), Some((b'\t', 6)));
        assert_eq!(sep_line("\"sep=;\",,,\nUPN"), Some((b';', 11)));
        assert_eq!(sep_line("sep=|"), Some((b'|', 5)));
        assert_eq!(sep_line("sep=;UPN\n"), None);
        assert_eq!(sep_line("sep=\nUPN"), None);
        assert_eq!(sep_line("separator,UPN\n"), None);
        assert_eq!(sep_line("UPN;Mobile\n"), None);
        assert_eq!(sep_line("sé"), None);
    }

    #[test]
    fn sniffs_comma_semicolon_tab() {
        assert_eq!(sniff_delimiter("UPN,Mobile\na@b,+1 2\n"), b',');
        assert_eq!(sniff_delimiter("UPN;Mobile\na@b;\"+1,2\"\n"), b';');
        assert_eq!(
            sniff_delimiter("UPN\tMobile\tName\na@b\t+1\tDoe, John\n"),
            b'\t'
        );
        assert_eq!(sniff_delimiter("UPN\na@b\n"), b',');
    }

    #[test]
    fn european_decimal_commas_do_not_fool_it() {
        let text = "UPN;Mobile;Score\na@b;+33 612345678;3,5\nc@d;;4,25\n";
        assert_eq!(sniff_delimiter(text), b';');
    }

    #[test]
    fn delimiters_inside_quotes_and_trailing_empties_are_ignored() {
        let text = "\"UPN;x\",Mobile,,,\n\"a;b\",\"1;2;3\",,,\n\n";
        assert_eq!(split(text.as_bytes(), b',', 10).counts, vec![2, 2]);
        // With `;`, the second quote is not at a field start, so it is literal.
        assert_eq!(split(text.as_bytes(), b';', 10).counts, vec![1, 3]);
        assert_eq!(sniff_delimiter(text), b',');
    }

    #[test]
    fn consistency_breaks_a_header_tie() {
        // Both split the header in two; only `,` agrees with the data.
        let text = "UPN,Mobile;Note\na@b,+1 2\nc@d,+1 3\n";
        assert_eq!(sniff_delimiter(text), b',');
    }

    #[test]
    fn quotes_follow_csv_core_rules() {
        assert_eq!(unclosed_quote("UPN,Note\na@b,5\" screen\n", b','), None);
        assert_eq!(unclosed_quote("UPN,Note\na@b,\"x\"\"y\"\n", b','), None);
        let text = "UPN,Note\na@b,\"never closed\nc@d,x\n";
        assert_eq!(unclosed_quote(text, b','), text.find('"'));
    }
}
