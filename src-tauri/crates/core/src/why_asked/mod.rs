//! "Why is this user still asked to register?" — one user's registered methods set against every
//! reason Entra has to prompt, in words: which reasons apply, which do not, and which cannot be
//! known with the signed-in role (and what would tell). Every reason comes from a Graph read
//! (`reads.rs`); the reasoning is pure (`rules.rs`). One call for the app and the CLI.

mod reads;
mod rules;
mod targets;

use serde::Serialize;

use crate::graph::GraphError;
use crate::session::Session;

pub use reads::{Read, READS, SIGN_IN_LOG_PERMISSION};

/// One reason Entra can have to ask a user to register security info.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Topic {
    /// A registered method the authentication methods policy does not allow for the user
    /// (targets, transitive groups), or Authenticator in a mode the policy does not allow.
    MethodsPolicy,
    /// The registration campaign ("nudge").
    RegistrationCampaign,
    /// Combined registration for self-service password reset, and reconfirmation.
    Sspr,
    SecurityDefaults,
    /// Identity Protection's multifactor authentication registration policy.
    IdentityProtection,
    /// Conditional Access policies: MFA or an authentication strength the methods do not meet.
    ConditionalAccess,
    /// A usable Temporary Access Pass.
    TemporaryAccessPass,
    /// The legacy per-user MFA state.
    PerUserMfa,
    /// Registered but not usable: phones the policy does not let ring, expired passes, SMS
    /// sign-in states.
    UnusableMethods,
}

impl Topic {
    pub fn title(self) -> &'static str {
        match self {
            Topic::MethodsPolicy => "Authentication methods policy",
            Topic::RegistrationCampaign => "Registration campaign (nudge)",
            Topic::Sspr => "Self-service password reset (combined registration)",
            Topic::SecurityDefaults => "Security defaults",
            Topic::IdentityProtection => "Identity Protection MFA registration policy",
            Topic::ConditionalAccess => "Conditional Access",
            Topic::TemporaryAccessPass => "Temporary Access Pass",
            Topic::PerUserMfa => "Per-user MFA",
            Topic::UnusableMethods => "Registered but not usable",
        }
    }
}

/// What one reason says about this user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Verdict {
    /// This makes Entra ask the user to register.
    Asks,
    /// Read, and it does not ask.
    DoesNotAsk,
    /// Not readable with the signed-in role or permissions; `needs` says what would tell.
    CannotKnow { needs: String },
}

/// One reason, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub topic: Topic,
    pub title: String,
    pub verdict: Verdict,
    pub text: String,
}

/// The answer for one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    pub user_id: String,
    pub user_principal_name: String,
    pub display_name: String,
    /// At least one readable reason asks them to register.
    pub asked: bool,
    /// Some reason could not be read with this role or these permissions (another could).
    pub partial: bool,
    /// One sentence: asked because …, or not asked by anything readable (and what was not).
    pub summary: String,
    /// What they have registered, in words.
    pub registered: Vec<String>,
    /// Every reason, the ones that ask first.
    pub findings: Vec<Finding>,
}

/// Why the diagnosis could not be made at all (the user or their methods are unreadable).
#[derive(Debug, Clone, thiserror::Error)]
pub enum WhyAskedError {
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// The signed-in role may not read this user's methods, so nothing can be diagnosed.
    #[error("Your role cannot read this user's authentication methods, so Prestage cannot say why they are asked: that needs an Authentication Administrator (for users without admin roles), a Privileged Authentication Administrator, a Global Reader or a Global Administrator.")]
    MethodsUnreadable,
}

/// Reads what decides it for `user` (object id or UPN) and says why they are asked.
pub async fn why_asked(session: &Session, user: &str) -> Result<Diagnosis, WhyAskedError> {
    let facts = reads::read(session, user).await?;
    Ok(rules::diagnose(&facts))
}
