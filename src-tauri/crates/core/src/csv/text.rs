//! Text helpers shared by the CSV reader: physical line numbers (CRLF, LF and a lone CR — as old
//! Excel for Mac wrote — each end a line), the rule for what counts as a blank cell, and how a
//! cell is quoted in a message (shortened, so a hostile cell cannot flood it).

/// Byte offsets where each physical line starts, to turn a byte offset into a 1-based line.
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i + 1);
                }
                b'\n' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Lines { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_at(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// The first line of `text` (without its line end) and the byte offset where the next begins.
pub(crate) fn first_line(text: &str) -> (&str, usize) {
    let end = text.find(['\r', '\n']).unwrap_or(text.len());
    let next = match text.as_bytes().get(end..end + 2) {
        Some(b"\r\n") => end + 2,
        _ => (end + 1).min(text.len()),
    };
    (&text[..end], next)
}

/// Characters of a cell shown in a message before it is cut with "…".
const QUOTED_CHARS: usize = 40;

/// `value` in double quotes for a message, cut after 40 characters.
pub(crate) fn quoted(value: &str) -> String {
    quoted_up_to(value, QUOTED_CHARS)
}

/// `value` in double quotes for a message, cut after `max` characters.
pub(crate) fn quoted_up_to(value: &str, max: usize) -> String {
    format!("\"{}\"", cut(value, max))
}

/// A cell as a message shows it: cut with "…" after 40 characters, so a hostile file cannot
/// flood the preview, the terminal or a results export.
pub fn shorten(value: &str) -> String {
    cut(value, QUOTED_CHARS)
}

fn cut(value: &str, max: usize) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// The 1-based line on which `text` ends (where a reader would be after reading it all).
pub(crate) fn last_line(text: &str) -> usize {
    Lines::new(text).line_at(text.len())
}

/// Characters trimmed from both ends of a cell: Unicode whitespace (incl. the non-breaking space
/// Excel and web pages paste), a stray byte-order mark and the zero-width space.
pub(crate) fn is_blank_char(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}')
}

/// A cell as Prestage keeps it: trimmed, `None` when nothing is left.
pub(crate) fn clean(cell: &str) -> Option<String> {
    let t = cell.trim_matches(is_blank_char);
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_crlf_lf_and_lone_cr() {
        let text = "a\r\nb\nc\rd";
        let lines = Lines::new(text);
        let at = |c: char| lines.line_at(text.find(c).unwrap());
        assert_eq!((at('a'), at('b'), at('c'), at('d')), (1, 2, 3, 4));
        assert_eq!(lines.line_at(2), 1, "the LF of a CRLF is still line 1");
        assert_eq!(last_line("x\r\n\r\n"), 3);
        assert_eq!(last_line(""), 1);
    }

    #[test]
    fn first_line_and_quoted() {
        assert_eq!(first_line("a\r\nb"), ("a", 3));
        assert_eq!(first_line("a\rb"), ("a", 2));
        assert_eq!(first_line("a"), ("a", 1));
        assert_eq!(quoted("+1 2"), "\"+1 2\"");
        let long = "x".repeat(41);
        assert_eq!(quoted(&long), format!("\"{}…\"", "x".repeat(40)));
    }

    #[test]
    fn clean_trims_nbsp_and_bom() {
        assert_eq!(clean("\u{a0} +44 7400 \t"), Some("+44 7400".into()));
        assert_eq!(clean("\u{feff}UPN"), Some("UPN".into()));
        assert_eq!(clean(" \u{a0}\u{200b} "), None);
        assert_eq!(clean(""), None);
    }
}
