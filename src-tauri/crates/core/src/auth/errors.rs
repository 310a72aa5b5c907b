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
    #[error("The sign-in was cancelled.")]
    Cancelled,
    #[error("Your session has expired; sign in again.")]
    SessionExpired,
    #[error("The sign-in service refused the request: {description}")]
    Rejected {
        /// OAuth error code, e.g. `invalid_grant`.
        error: String,
        /// AADSTS code when present, e.g. 70008.
        aadsts: Option<u32>,
        description: String,
    },
    #[error("The sign-in service answered something unexpected: {0}")]
    Protocol(String),
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
