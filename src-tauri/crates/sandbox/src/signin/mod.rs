//! The Microsoft identity platform endpoints of the sandbox tenant: `/authorize` (account picker
//! or auto-approve, PKCE), `/devicecode` + `/devicelogin`, `/token` (authorization_code,
//! refresh_token and device_code grants) and the OAuth error shapes (`AADSTS…`).
//! Tokens are opaque; the id_token is an unsigned JWT.

pub(crate) mod authorize;
pub(crate) mod client_credentials;
pub(crate) mod device;
pub(crate) mod issue;
pub(crate) mod token;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use url::Url;

use crate::state::Shared;

/// Is `{tenant}` this tenant: `organizations`, `common`, the GUID or the domain?
pub(crate) fn tenant_matches(shared: &Shared, tenant: &str) -> bool {
    let t = tenant.to_ascii_lowercase();
    t == "organizations" || t == "common" || t == shared.tenant_id || t == shared.tenant_domain
}

/// Loopback redirect URIs only (`http://localhost[:port][/path]`, `http://127.0.0.1…`); the
/// port is ignored for matching, as Entra does for native clients.
pub(crate) fn redirect_allowed(raw: &str) -> bool {
    match Url::parse(raw) {
        Ok(u) => {
            u.scheme() == "http"
                && matches!(u.host_str(), Some("localhost" | "127.0.0.1"))
                && u.fragment().is_none()
                && u.username().is_empty()
        }
        Err(_) => false,
    }
}

/// A redirect URI as compared at redemption: parsed and re-serialised (trailing `/` added).
pub(crate) fn normalize_redirect(raw: &str) -> String {
    Url::parse(raw).map_or_else(|_| raw.to_owned(), |u| u.to_string())
}

/// `{"error","error_description","error_codes","timestamp","trace_id","correlation_id"}`.
pub(crate) fn oauth_error(status: StatusCode, error: &str, aadsts: u32, text: &str) -> Response {
    let trace = uuid::Uuid::new_v4().to_string();
    let correlation = uuid::Uuid::new_v4().to_string();
    let timestamp = chrono::Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string();
    let body = json!({
        "error": error,
        "error_description": format!("AADSTS{aadsts}: {text} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {timestamp}"),
        "error_codes": [aadsts],
        "timestamp": timestamp,
        "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": format!("https://login.microsoftonline.com/error?code={aadsts}"),
    });
    (status, Json(body)).into_response()
}

/// Minimal HTML escaping for the sign-in pages.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_redirects() {
        assert!(redirect_allowed("http://localhost"));
        assert!(redirect_allowed("http://localhost:53123/callback"));
        assert!(redirect_allowed("http://127.0.0.1:8400/"));
        assert!(!redirect_allowed("https://localhost/"));
        assert!(!redirect_allowed("http://example.com/"));
        assert!(!redirect_allowed("http://[::1]:80/"));
        assert!(!redirect_allowed("not a url"));
    }
}
