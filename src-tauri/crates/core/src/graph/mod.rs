//! The typed Microsoft Graph client. Every request goes through the throttle engine; errors come
//! back as [`GraphError`] with Graph's code and request-id. Base URL injectable (sandbox or
//! graph.microsoft.com). Never logs a token or a full phone number.

mod access;
mod batch;
mod email;
mod error;
mod groups;
mod methods;
mod phone;
mod policy;
mod preferences;
mod reports;
mod requirements;
mod source;
mod tap;
mod transport;
mod users;
mod write;

pub use access::{
    AuthenticationStrength, ConditionalAccessConditions, ConditionalAccessPolicy,
    ConditionalAccessUsers, GrantControls, MethodConfiguration, MethodsPolicy, PolicyTarget,
    RegistrationCampaign, RegistrationEnforcement, RequirementPolicy, SignInEntry,
};
pub use batch::{BatchRequest, BatchResponse};
pub use email::EmailMethod;
pub use error::{ApiError, GraphError};
pub use groups::Group;
pub use methods::{AuthMethod, MethodKind};
pub use phone::{PhoneMethod, SmsSignInState};
pub use policy::{SmsConfiguration, SmsTarget, VoiceConfiguration};
pub use preferences::{PreferredMethod, SignInPreferences};
pub use reports::{RegistrationPage, UserRegistrationDetails};
pub use requirements::{
    PerUserMfaState, SecurityDefaults, PER_USER_MFA_READ_PERMISSION, PER_USER_MFA_WRITE_PERMISSION,
};
pub use source::{SourceUser, SOURCE_SELECT};
pub use tap::{TapRequest, TemporaryAccessPass};
pub use transport::RawResponse;
pub use users::{
    DirectoryObject, DirectoryPage, DirectoryUser, Organization, User, DIRECTORY_SELECT,
    USER_SELECT,
};
pub use write::{MethodWrite, Receipt, EMAIL_METHOD_ID};

use std::sync::Arc;

use tokio_util::sync::CancellationToken;
use url::Url;

use crate::auth::TokenSource;
use crate::throttle::{Engine, EventSink, ThrottleOptions};

/// Which Graph endpoint version a call uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    V1,
    Beta,
}

impl Api {
    fn segment(self) -> &'static str {
        match self {
            Api::V1 => "v1.0",
            Api::Beta => "beta",
        }
    }
}

/// How to reach Graph.
#[derive(Clone)]
pub struct ClientOptions {
    /// `https://graph.microsoft.com/` or a sandbox's base URL.
    pub graph_base: Url,
    pub throttle: ThrottleOptions,
    /// Receives throttling and progress events.
    pub events: Option<EventSink>,
}

impl ClientOptions {
    pub fn new(graph_base: Url) -> Self {
        Self {
            graph_base,
            throttle: ThrottleOptions::default(),
            events: None,
        }
    }
}

pub(crate) struct Inner {
    http: reqwest::Client,
    base: Url,
    tokens: Arc<dyn TokenSource>,
    engine: Engine,
    events: Option<EventSink>,
}

/// A Graph client. Clones share the connection pool and the throttle engine.
#[derive(Clone)]
pub struct GraphClient {
    inner: Arc<Inner>,
    cancel: CancellationToken,
}

/// Identifies a user in a URL: object id or userPrincipalName.
pub type UserKey<'a> = &'a str;

impl GraphClient {
    pub fn new(options: ClientOptions, tokens: Arc<dyn TokenSource>) -> Result<Self, GraphError> {
        let http = reqwest::Client::builder()
            .timeout(options.throttle.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Prestage/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| GraphError::Network(e.to_string()))?;
        let mut base = options.graph_base;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let inner = Inner {
            http,
            base,
            tokens,
            engine: Engine::new(options.throttle),
            events: options.events,
        };
        Ok(Self {
            inner: Arc::new(inner),
            cancel: CancellationToken::new(),
        })
    }

    /// A handle whose calls stop waiting (and start no new attempt) once `cancel` fires.
    /// A request already on the wire is let finish so its outcome is known.
    pub fn with_cancel(&self, cancel: CancellationToken) -> Self {
        Self {
            inner: self.inner.clone(),
            cancel,
        }
    }

    /// The cancellation token of this handle.
    pub fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Builds `{base}{version}/{segments...}` with each segment percent-encoded (UPNs of guests
    /// contain `#`).
    pub(crate) fn url(&self, api: Api, segments: &[&str]) -> Url {
        let mut url = self.inner.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push(api.segment());
            for s in segments {
                path.push(s);
            }
        }
        url
    }
}
