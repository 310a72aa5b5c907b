//! A `$filter` subset: `eq`/`ne` against strings, booleans and null, `startswith`/`endswith`,
//! `prop/any(x: x eq 'v')`, `and`/`or`/`not`, parentheses. String comparisons are
//! case-insensitive like the directory's. Each resource says which properties it supports.

use crate::errors::GraphError;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Literal {
    Str(String),
    Bool(bool),
    Null,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Eq {
        prop: String,
        value: Literal,
        negated: bool,
    },
    StartsWith {
        prop: String,
        value: String,
    },
    EndsWith {
        prop: String,
        value: String,
    },
    Any {
        prop: String,
        var: String,
        inner: Box<Expr>,
    },
}

/// A property's value as the filter sees it.
pub(crate) enum Field<'a> {
    Str(Option<&'a str>),
    Bool(Option<bool>),
    List(Vec<&'a str>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Str,
    Bool,
    List,
}

/// A filterable resource: names its properties (lower-case) and yields their values.
pub(crate) trait Filterable {
    fn field(&self, prop: &str) -> Field<'_>;
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Open,
    Close,
    Comma,
    Colon,
}

fn lex(s: &str) -> Result<Vec<Tok>, GraphError> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => i += 1,
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            ':' => {
                out.push(Tok::Colon);
                i += 1;
            }
            '\'' => {
                let mut lit = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(syntax(s)),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            lit.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            lit.push(*ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(lit));
            }
            c if c.is_alphanumeric() || c == '_' || c == '/' || c == '.' || c == '-' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '/' | '.' | '-'))
                {
                    i += 1;
                }
                out.push(Tok::Ident(chars[start..i].iter().collect()));
            }
            _ => return Err(syntax(s)),
        }
    }
    Ok(out)
}

fn syntax(s: &str) -> GraphError {
    GraphError::odata(format!("Invalid filter clause: syntax error in '{s}'."))
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    src: &'a str,
}

impl Parser<'_> {
    fn peek_kw(&self, kw: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Ident(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expect(&mut self, t: Tok) -> Result<(), GraphError> {
        if self.next() == Some(t) {
            Ok(())
        } else {
            Err(syntax(self.src))
        }
    }

    fn or(&mut self) -> Result<Expr, GraphError> {
        let mut left = self.and()?;
        while self.peek_kw("or") {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, GraphError> {
        let mut left = self.unary()?;
        while self.peek_kw("and") {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, GraphError> {
        if self.peek_kw("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, GraphError> {
        match self.next() {
            Some(Tok::Open) => {
                let e = self.or()?;
                self.expect(Tok::Close)?;
                Ok(e)
            }
            Some(Tok::Ident(name)) => {
                let lower = name.to_ascii_lowercase();
                if lower == "startswith" || lower == "endswith" {
                    self.expect(Tok::Open)?;
                    let Some(Tok::Ident(prop)) = self.next() else {
                        return Err(syntax(self.src));
                    };
                    self.expect(Tok::Comma)?;
                    let Some(Tok::Str(value)) = self.next() else {
                        return Err(syntax(self.src));
                    };
                    self.expect(Tok::Close)?;
                    let prop = prop.to_ascii_lowercase();
                    return Ok(if lower == "startswith" {
                        Expr::StartsWith { prop, value }
                    } else {
                        Expr::EndsWith { prop, value }
                    });
                }
                if let Some(prop) = lower.strip_suffix("/any") {
                    self.expect(Tok::Open)?;
                    let Some(Tok::Ident(var)) = self.next() else {
                        return Err(syntax(self.src));
                    };
                    self.expect(Tok::Colon)?;
                    let inner = self.or()?;
                    self.expect(Tok::Close)?;
                    return Ok(Expr::Any {
                        prop: prop.to_owned(),
                        var: var.to_ascii_lowercase(),
                        inner: Box::new(inner),
                    });
                }
                let op = match self.next() {
                    Some(Tok::Ident(op)) => op.to_ascii_lowercase(),
                    _ => return Err(syntax(self.src)),
                };
                let value = match self.next() {
                    Some(Tok::Str(s)) => Literal::Str(s),
                    Some(Tok::Ident(w)) if w == "true" => Literal::Bool(true),
                    Some(Tok::Ident(w)) if w == "false" => Literal::Bool(false),
                    Some(Tok::Ident(w)) if w == "null" => Literal::Null,
                    _ => return Err(syntax(self.src)),
                };
                match op.as_str() {
                    "eq" => Ok(Expr::Eq {
                        prop: lower,
                        value,
                        negated: false,
                    }),
                    "ne" => Ok(Expr::Eq {
                        prop: lower,
                        value,
                        negated: true,
                    }),
                    _ => Err(GraphError::unsupported_query(format!(
                        "Unsupported query operator '{op}'."
                    ))),
                }
            }
            _ => Err(syntax(self.src)),
        }
    }
}

pub(crate) fn parse(src: &str) -> Result<Expr, GraphError> {
    let mut p = Parser {
        toks: lex(src)?,
        pos: 0,
        src,
    };
    let e = p.or()?;
    if p.pos != p.toks.len() {
        return Err(syntax(src));
    }
    Ok(e)
}

impl Expr {
    /// Checks every property against `schema` (lower-case name → kind); `resource` names the
    /// type in the error.
    pub(crate) fn validate(
        &self,
        schema: &dyn Fn(&str) -> Option<Kind>,
        resource: &str,
    ) -> Result<(), GraphError> {
        let unsupported = |prop: &str| {
            GraphError::unsupported_query(format!(
                "Unsupported or invalid query filter clause specified for property '{prop}' of resource '{resource}'."
            ))
        };
        match self {
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.validate(schema, resource)?;
                b.validate(schema, resource)
            }
            Expr::Not(a) => a.validate(schema, resource),
            Expr::Eq { prop, value, .. } => match (schema(prop), value) {
                (Some(Kind::Str), Literal::Str(_) | Literal::Null)
                | (Some(Kind::Bool), Literal::Bool(_) | Literal::Null) => Ok(()),
                _ => Err(unsupported(prop)),
            },
            Expr::StartsWith { prop, .. } | Expr::EndsWith { prop, .. } => match schema(prop) {
                Some(Kind::Str) => Ok(()),
                _ => Err(unsupported(prop)),
            },
            Expr::Any { prop, var, inner } => {
                if schema(prop) != Some(Kind::List) {
                    return Err(unsupported(prop));
                }
                let var = var.clone();
                inner.validate(&move |p: &str| (p == var).then_some(Kind::Str), resource)
            }
        }
    }

    /// Uses an operator that the directory only allows as an advanced query (`ne`, `not`, `endswith`).
    pub(crate) fn is_advanced(&self) -> bool {
        match self {
            Expr::And(a, b) | Expr::Or(a, b) => a.is_advanced() || b.is_advanced(),
            Expr::Not(_) | Expr::EndsWith { .. } => true,
            Expr::Eq { negated, .. } => *negated,
            Expr::StartsWith { .. } => false,
            Expr::Any { inner, .. } => inner.is_advanced(),
        }
    }

    pub(crate) fn matches(&self, item: &dyn Filterable) -> bool {
        self.eval(item, None)
    }

    fn eval(&self, item: &dyn Filterable, bound: Option<(&str, &str)>) -> bool {
        let field = |prop: &str| -> Field<'_> {
            match bound {
                Some((var, value)) if var == prop => Field::Str(Some(value)),
                _ => item.field(prop),
            }
        };
        match self {
            Expr::And(a, b) => a.eval(item, bound) && b.eval(item, bound),
            Expr::Or(a, b) => a.eval(item, bound) || b.eval(item, bound),
            Expr::Not(a) => !a.eval(item, bound),
            Expr::Eq {
                prop,
                value,
                negated,
            } => {
                let eq = match (field(prop), value) {
                    (Field::Str(v), Literal::Str(s)) => v.is_some_and(|v| {
                        v.eq_ignore_ascii_case(s) || v.to_lowercase() == s.to_lowercase()
                    }),
                    (Field::Str(v), Literal::Null) => v.is_none(),
                    (Field::Bool(v), Literal::Bool(b)) => v == Some(*b),
                    (Field::Bool(v), Literal::Null) => v.is_none(),
                    _ => false,
                };
                eq != *negated
            }
            Expr::StartsWith { prop, value } => match field(prop) {
                Field::Str(Some(v)) => v.to_lowercase().starts_with(&value.to_lowercase()),
                _ => false,
            },
            Expr::EndsWith { prop, value } => match field(prop) {
                Field::Str(Some(v)) => v.to_lowercase().ends_with(&value.to_lowercase()),
                _ => false,
            },
            Expr::Any { prop, var, inner } => match item.field(prop) {
                Field::List(values) => values.iter().any(|v| inner.eval(item, Some((var, v)))),
                _ => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Row {
        name: &'static str,
        enabled: bool,
        methods: Vec<&'static str>,
    }

    impl Filterable for Row {
        fn field(&self, prop: &str) -> Field<'_> {
            match prop {
                "displayname" => Field::Str(Some(self.name)),
                "accountenabled" => Field::Bool(Some(self.enabled)),
                "methodsregistered" => Field::List(self.methods.clone()),
                _ => Field::Str(None),
            }
        }
    }

    fn schema(p: &str) -> Option<Kind> {
        match p {
            "displayname" => Some(Kind::Str),
            "accountenabled" => Some(Kind::Bool),
            "methodsregistered" => Some(Kind::List),
            _ => None,
        }
    }

    #[test]
    fn parses_and_evaluates() {
        let row = Row {
            name: "Jürgen Müller",
            enabled: false,
            methods: vec!["mobilePhone"],
        };
        for (f, want) in [
            ("startswith(displayName,'jü')", true),
            ("accountEnabled eq false", true),
            (
                "accountEnabled eq true or startsWith(displayName,'X')",
                false,
            ),
            (
                "(accountEnabled eq false) and startswith(displayName,'J')",
                true,
            ),
            ("methodsRegistered/any(x: x eq 'mobilePhone')", true),
            ("methodsRegistered/any(m:m eq 'email')", false),
            ("not (accountEnabled eq true)", true),
        ] {
            let e = parse(f).unwrap();
            e.validate(&schema, "User").unwrap();
            assert_eq!(e.matches(&row), want, "{f}");
        }
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(
            parse("startswith(displayName,'x'").unwrap_err().code,
            "BadRequest"
        );
        let e = parse("jobTitle eq 'x'").unwrap();
        assert_eq!(
            e.validate(&schema, "User").unwrap_err().code,
            "Request_UnsupportedQuery"
        );
        assert!(parse("accountEnabled gt 3").is_err());
    }
}
