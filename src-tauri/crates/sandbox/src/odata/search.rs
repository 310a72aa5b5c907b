//! `$search="displayName:jo" OR "mail:jo"` for directory objects: clauses joined by AND/OR with
//! parentheses; displayName matches by tokens (split on spaces, case change, symbols, digits;
//! each search token a prefix of some name token), other properties by case-insensitive prefix.

use crate::errors::GraphError;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Search {
    Clause {
        prop: String,
        tokens: Vec<String>,
        text: String,
    },
    And(Box<Search>, Box<Search>),
    Or(Box<Search>, Box<Search>),
}

/// Splits text into lower-case search tokens the way the directory indexes displayName.
pub(crate) fn tokenize(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<char> = None;
    for c in s.chars() {
        let boundary = match prev {
            None => false,
            Some(p) => {
                !c.is_alphanumeric()
                    || (p.is_lowercase() && c.is_uppercase())
                    || (p.is_alphabetic() && c.is_numeric())
                    || (p.is_numeric() && c.is_alphabetic())
            }
        };
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur).to_lowercase());
        }
        if c.is_alphanumeric() {
            cur.push(c);
            prev = Some(c);
        } else {
            prev = Some(' ');
        }
    }
    if !cur.is_empty() {
        out.push(cur.to_lowercase());
    }
    out
}

#[derive(Debug, PartialEq)]
enum Tok {
    Quoted(String),
    And,
    Or,
    Open,
    Close,
}

fn bad(src: &str) -> GraphError {
    GraphError::odata(format!("Syntax error: invalid $search expression '{src}'."))
}

fn lex(src: &str) -> Result<Vec<Tok>, GraphError> {
    let mut out = Vec::new();
    let mut it = src.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            ' ' => {}
            '(' => out.push(Tok::Open),
            ')' => out.push(Tok::Close),
            '"' => {
                let mut s = String::new();
                loop {
                    match it.next() {
                        Some('"') => break,
                        Some(ch) => s.push(ch),
                        None => return Err(bad(src)),
                    }
                }
                out.push(Tok::Quoted(s));
            }
            c if c.is_ascii_alphabetic() => {
                let mut w = String::from(c);
                while let Some(n) = it.peek().filter(|n| n.is_ascii_alphabetic()) {
                    w.push(*n);
                    it.next();
                }
                match w.as_str() {
                    "AND" => out.push(Tok::And),
                    "OR" => out.push(Tok::Or),
                    _ => return Err(bad(src)),
                }
            }
            _ => return Err(bad(src)),
        }
    }
    Ok(out)
}

/// Parses a `$search` value. `supported` lists the searchable properties (lower-case).
pub(crate) fn parse(src: &str, supported: &[&str]) -> Result<Search, GraphError> {
    let toks = lex(src)?;
    let mut pos = 0;
    let s = or(&toks, &mut pos, src, supported)?;
    if pos != toks.len() {
        return Err(bad(src));
    }
    Ok(s)
}

fn or(t: &[Tok], pos: &mut usize, src: &str, sup: &[&str]) -> Result<Search, GraphError> {
    let mut left = and(t, pos, src, sup)?;
    while t.get(*pos) == Some(&Tok::Or) {
        *pos += 1;
        left = Search::Or(Box::new(left), Box::new(and(t, pos, src, sup)?));
    }
    Ok(left)
}

fn and(t: &[Tok], pos: &mut usize, src: &str, sup: &[&str]) -> Result<Search, GraphError> {
    let mut left = atom(t, pos, src, sup)?;
    while t.get(*pos) == Some(&Tok::And) {
        *pos += 1;
        left = Search::And(Box::new(left), Box::new(atom(t, pos, src, sup)?));
    }
    Ok(left)
}

fn atom(t: &[Tok], pos: &mut usize, src: &str, sup: &[&str]) -> Result<Search, GraphError> {
    let tok = t.get(*pos).ok_or_else(|| bad(src))?;
    *pos += 1;
    match tok {
        Tok::Open => {
            let s = or(t, pos, src, sup)?;
            if t.get(*pos) != Some(&Tok::Close) {
                return Err(bad(src));
            }
            *pos += 1;
            Ok(s)
        }
        Tok::Quoted(clause) => {
            let (prop, text) = clause.split_once(':').ok_or_else(|| {
                GraphError::unsupported_query(format!(
                    "Unsupported $search clause '{clause}': use \"property:text\"."
                ))
            })?;
            let prop = prop.trim().to_ascii_lowercase();
            if !sup.contains(&prop.as_str()) {
                return Err(GraphError::unsupported_query(format!(
                    "Property '{prop}' is not supported for $search."
                )));
            }
            Ok(Search::Clause {
                prop,
                tokens: tokenize(text),
                text: text.to_lowercase(),
            })
        }
        _ => Err(bad(src)),
    }
}

/// What a searchable object offers: displayName tokens and lower-case property values.
pub(crate) trait Searchable {
    fn tokens(&self, prop: &str) -> Option<&[String]>;
    fn lower(&self, prop: &str) -> Option<&str>;
}

impl Search {
    pub(crate) fn matches(&self, item: &dyn Searchable) -> bool {
        match self {
            Search::And(a, b) => a.matches(item) && b.matches(item),
            Search::Or(a, b) => a.matches(item) || b.matches(item),
            Search::Clause { prop, tokens, text } => match item.tokens(prop) {
                Some(have) => {
                    !tokens.is_empty()
                        && tokens
                            .iter()
                            .all(|q| have.iter().any(|h| h.starts_with(q.as_str())))
                }
                None => item
                    .lower(prop)
                    .is_some_and(|v| !text.is_empty() && v.starts_with(text.as_str())),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_on_case_symbols_and_digits() {
        assert_eq!(tokenize("Jean-Luc O'Brien"), ["jean", "luc", "o", "brien"]);
        assert_eq!(tokenize("McDonald"), ["mc", "donald"]);
        assert_eq!(tokenize("LAPTOP42x"), ["laptop", "42", "x"]);
        assert_eq!(tokenize("Jürgen Müller"), ["jürgen", "müller"]);
    }

    struct U(Vec<String>, &'static str);
    impl Searchable for U {
        fn tokens(&self, prop: &str) -> Option<&[String]> {
            (prop == "displayname").then_some(self.0.as_slice())
        }
        fn lower(&self, prop: &str) -> Option<&str> {
            (prop == "mail").then_some(self.1)
        }
    }

    #[test]
    fn clauses_match() {
        let u = U(
            tokenize("Maria van den Berg"),
            "maria.vandenberg@contoso.com",
        );
        let sup = ["displayname", "mail"];
        assert!(parse("\"displayName:berg\"", &sup).unwrap().matches(&u));
        assert!(parse("\"displayName:ma be\"", &sup).unwrap().matches(&u));
        assert!(!parse("\"displayName:aria\"", &sup).unwrap().matches(&u));
        assert!(parse("\"displayName:zz\" OR \"mail:maria.v\"", &sup)
            .unwrap()
            .matches(&u));
        assert!(!parse("\"displayName:zz\" AND \"mail:maria\"", &sup)
            .unwrap()
            .matches(&u));
        assert!(parse("displayName:x", &sup).is_err());
        assert!(parse("\"jobTitle:x\"", &sup).is_err());
    }
}
