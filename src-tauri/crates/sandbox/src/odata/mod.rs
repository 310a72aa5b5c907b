//! OData query options as Graph's directory applies them: parsing `$top`/`$select`/...,
//! `$filter` and `$search` expressions, and paging with an opaque `$skiptoken`.

pub(crate) mod filter;
pub(crate) mod paging;
pub(crate) mod search;

/// The query string of one request, keys normalised (`$top`, `top`, `$TOP` are one option).
#[derive(Clone, Debug, Default)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Query {
        let pairs = raw
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (normalize(&k), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Query { pairs }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Options to carry into a next link (everything but the skip token).
    pub(crate) fn carried(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs
            .iter()
            .filter(|(k, _)| k != "skiptoken")
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `$count=true`.
    pub(crate) fn count(&self) -> bool {
        self.get("count")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// `$select` property names, trimmed.
    pub(crate) fn select(&self) -> Option<Vec<String>> {
        self.get("select").map(|s| {
            s.split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect()
        })
    }
}

fn normalize(key: &str) -> String {
    key.trim_start_matches('$').to_ascii_lowercase()
}
