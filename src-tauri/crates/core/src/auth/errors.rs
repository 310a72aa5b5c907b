//! Sign-in failures, each with a sentence an IT generalist can act on. Never contains token text.

/// Why a sign-in or a token refresh failed.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("The sign-in endpoint could not be reached: {0}")]
    Network(String),
    #[error(
        "The sign-in answer did not match this request (state mismatch); start the sign-in again."
    )]
    StateMismatch,
    #[error("The sign-in was cancelled; start it again when you are ready.")]
    Cancelled,
    #[error("The sign-in did not finish in time; start it again and complete it in the browser.")]
    TimedOut,
    #[error("{0}")]
    Keychain(#[from] super::store_error::StoreError),
    #[error("Your session has expired; sign in again.")]
    SessionExpired,
    #[error("{}", advice(*.aadsts, .error, .description))]
    Rejected {
        /// OAuth error code, e.g. `invalid_grant`.
        error: String,
        /// AADSTS code when present, e.g. 70008.
        aadsts: Option<u32>,
        description: String,
    },
    #[error("The sign-in service answered something unexpected: {0}")]
    Protocol(String),
    #[error("The sign-in settings (authority or app registration) changed since this account signed in, so its stored sign-in is not used; sign in again.")]
    SettingsChanged,
    #[error(
        "You were signed out (here, in another window or by `prestage-cli logout`); sign in again."
    )]
    SignedOut,
}

impl AuthError {
    /// Builds a [`AuthError::Rejected`] from the OAuth error JSON fields.
    pub fn rejected(error: &str, description: Option<&str>) -> Self {
        let description = description.unwrap_or(error).to_string();
        let aadsts = description
            .strip_prefix("AADSTS")
            .map(|rest| {
                rest.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .and_then(|digits| digits.parse().ok());
        // An expired or revoked refresh token means "sign in again", which the UI treats apart.
        if error == "invalid_grant" && matches!(aadsts, Some(700082) | Some(50173) | Some(70043)) {
            return AuthError::SessionExpired;
        }
        AuthError::Rejected {
            error: error.to_string(),
            aadsts,
            description,
        }
    }
}

/// One sentence an IT generalist can act on, for the AADSTS codes Prestage can meet.
fn advice(aadsts: Option<u32>, error: &str, description: &str) -> String {
    let first_line = description.lines().next().unwrap_or(description);
    let text = match aadsts {
        Some(65001) => "The app has no consent in this tenant yet: open the admin-consent link from the setup screen (a Global Administrator must approve), then sign in again.",
        Some(90094) | Some(90095) => "An administrator must consent to Prestage's permissions: open the admin-consent link from the setup screen, then sign in again.",
        Some(65004) => "Consent was declined in the browser; sign in again and accept the permissions.",
        Some(50011) => "The redirect URI is not registered: add http://localhost under \"Mobile and desktop applications\" in the app registration.",
        Some(7000218) => "The app registration is not a public client: register the redirect under \"Mobile and desktop applications\" (not Web) and set \"Allow public client flows\" to Yes.",
        Some(700016) => "This application id is not known in that tenant: check the client ID and tenant on the setup screen (a single-tenant app only works in its own tenant).",
        Some(53003) => "Conditional Access blocked this sign-in: ask whoever manages Conditional Access to allow Prestage from this device.",
        Some(50076) | Some(50079) => "Multifactor authentication is required: complete it in the browser and try again.",
        Some(54005) | Some(70008) => "The sign-in code was already used or has expired; start the sign-in again.",
        Some(700027) => "The certificate that signed the sign-in is not the one uploaded to the app registration, or the key does not match it: upload this certificate under Certificates & secrets, or use the key it was made with (`prestage-cli app-auth check`).",
        Some(700024) => "The sign-in assertion was outside its valid time: this computer's clock is probably wrong; correct it (NTP) and run again.",
        Some(700021) | Some(700023) => "The sign-in assertion names another application than the client id: check --app-client-id.",
        Some(7000215) | Some(7000216) => "The app registration has no such credential: upload the certificate under Certificates & secrets.",
        Some(1002012) => "App-only sign-in asks for Graph's .default scope; this is a Prestage bug, please report it.",
        Some(501481) => "The sign-in answer did not match this request (PKCE check failed); start the sign-in again.",
        _ if error == "access_denied" => "The sign-in was cancelled in the browser; start it again when you are ready.",
        _ if error == "authorization_declined" => "The sign-in was declined on the verification page; start again and approve it.",
        _ if error == "expired_token" => "The device code expired before it was used; start again and enter the new code within 15 minutes.",
        _ if error == "bad_verification_code" => "The device code was not recognised; start again and enter the new code exactly as shown.",
        _ => return format!("The sign-in service refused the request ({error}): {first_line}"),
    };
    match aadsts {
        Some(code) => format!("{text} (AADSTS{code})"),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_get_advice_and_expired_refresh_means_sign_in_again() {
        let e = AuthError::rejected(
            "invalid_grant",
            Some("AADSTS65001: The user or administrator has not consented"),
        );
        assert!(
            e.to_string().contains("admin-consent link")
                && e.to_string().ends_with("(AADSTS65001)")
        );
        assert_eq!(
            AuthError::rejected("invalid_grant", Some("AADSTS700082: expired")),
            AuthError::SessionExpired
        );
        let other = AuthError::rejected(
            "invalid_request",
            Some("AADSTS900144: missing field\nTrace ID: x"),
        );
        assert!(
            other.to_string().contains("AADSTS900144") && !other.to_string().contains("Trace ID")
        );
    }

    /// Issue #3's list: each failure says in one sentence what to do.
    #[test]
    fn every_listed_failure_says_what_to_do() {
        let cases = [
            (
                AuthError::rejected("invalid_grant", Some("AADSTS65001: no consent")),
                "admin-consent link",
            ),
            (
                AuthError::rejected("invalid_request", Some("AADSTS90094: admin")),
                "admin-consent link",
            ),
            (
                AuthError::rejected("invalid_request", Some("AADSTS50011: redirect")),
                "http://localhost",
            ),
            (
                AuthError::rejected("invalid_client", Some("AADSTS7000218: secret")),
                "Allow public client flows",
            ),
            (
                AuthError::rejected("unauthorized_client", Some("AADSTS700016: not found")),
                "check the client ID and tenant",
            ),
            (
                AuthError::rejected("invalid_grant", Some("AADSTS53003: blocked")),
                "Conditional Access",
            ),
            (AuthError::rejected("access_denied", None), "start it again"),
            (
                AuthError::rejected("authorization_declined", None),
                "start again",
            ),
            (
                AuthError::rejected("expired_token", Some("AADSTS70020: expired")),
                "start again",
            ),
            (AuthError::Cancelled, "start it again"),
            (AuthError::TimedOut, "start it again"),
            (
                AuthError::Keychain(super::super::StoreError::Locked),
                "unlock it",
            ),
            (
                AuthError::Keychain(super::super::StoreError::Unavailable("x".into())),
                "start a Secret Service",
            ),
        ];
        for (error, action) in cases {
            let text = error.to_string();
            assert!(text.contains(action), "{text:?} lacks {action:?}");
            let sentence = text.split(" (AADSTS").next().unwrap_or_default();
            assert_eq!(sentence.matches(". ").count(), 0, "one sentence: {text}");
        }
    }
}
