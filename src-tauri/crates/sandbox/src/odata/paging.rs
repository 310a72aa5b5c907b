//! `$top` validation (1–999), the opaque `$skiptoken`, `@odata.nextLink` and the collection
//! envelope (`@odata.context`, `@odata.count`, `value`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

use super::Query;
use crate::errors::GraphError;

const TOKEN_PREFIX: &str = "sbx1:";

/// The requested page size: `$top` if valid, else `default`.
pub(crate) fn page_size(q: &Query, default: usize) -> Result<usize, GraphError> {
    match q.get("top") {
        None => Ok(default),
        Some(raw) => match raw.trim().parse::<i64>() {
            Ok(n) if (1..=999).contains(&n) => Ok(usize::try_from(n).unwrap_or(default)),
            Ok(_) => Err(GraphError::directory_bad_request(format!(
                "Invalid page size specified: '{}'. Must be between 1 and 999 inclusive.",
                raw.trim()
            ))),
            Err(_) => Err(GraphError::odata(format!(
                "Invalid value '{raw}' for query option '$top'."
            ))),
        },
    }
}

/// Where this page starts.
pub(crate) fn offset(q: &Query) -> Result<usize, GraphError> {
    let Some(token) = q.get("skiptoken") else {
        return Ok(0);
    };
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix(TOKEN_PREFIX).and_then(|n| n.parse().ok()))
        .ok_or_else(|| GraphError::directory_bad_request("Skip token is null or invalid."))
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The absolute next link: same path and options, a new skip token.
pub(crate) fn next_link(url_base: &str, q: &Query, next_offset: usize) -> String {
    let mut out = String::from(url_base);
    out.push('?');
    for (k, v) in q.carried() {
        out.push('$');
        out.push_str(k);
        out.push('=');
        out.push_str(&encode(v));
        out.push('&');
    }
    out.push_str("$skiptoken=");
    out.push_str(&URL_SAFE_NO_PAD.encode(format!("{TOKEN_PREFIX}{next_offset}")));
    out
}

/// One page of a collection.
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub next_offset: Option<usize>,
    pub total: usize,
}

/// Slices `all` into the page starting at `offset`.
pub(crate) fn slice<T: Copy>(all: &[T], offset: usize, top: usize) -> Page<T> {
    let start = offset.min(all.len());
    let end = start.saturating_add(top).min(all.len());
    Page {
        items: all[start..end].to_vec(),
        next_offset: (end < all.len()).then_some(end),
        total: all.len(),
    }
}

/// `{"@odata.context", ["@odata.count"], ["@odata.nextLink"], "value"}`.
pub(crate) fn collection(
    context: String,
    values: Vec<Value>,
    count: Option<usize>,
    next: Option<String>,
) -> Value {
    let mut m = Map::new();
    m.insert("@odata.context".into(), Value::String(context));
    if let Some(c) = count {
        m.insert("@odata.count".into(), Value::from(c));
    }
    if let Some(n) = next {
        m.insert("@odata.nextLink".into(), Value::String(n));
    }
    m.insert("value".into(), Value::Array(values));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_bounds() {
        assert_eq!(
            page_size(&Query::parse(Some("$top=999")), 100).unwrap(),
            999
        );
        let e = page_size(&Query::parse(Some("$top=1000")), 100).unwrap_err();
        assert_eq!(e.code, "Request_BadRequest");
        assert!(e.message.contains("'1000'"));
        assert!(page_size(&Query::parse(Some("$top=0")), 100).is_err());
    }

    #[test]
    fn skiptoken_round_trips() {
        let q = Query::parse(Some("$top=5&$filter=accountEnabled%20eq%20false"));
        let link = next_link("http://x/v1.0/users", &q, 15);
        let query = link.split_once('?').unwrap().1;
        let q2 = Query::parse(Some(query));
        assert_eq!(offset(&q2).unwrap(), 15);
        assert_eq!(q2.get("filter"), Some("accountEnabled eq false"));
        assert!(offset(&Query::parse(Some("$skiptoken=nope"))).is_err());
    }
}
