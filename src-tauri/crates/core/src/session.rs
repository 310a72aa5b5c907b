//! A signed-in session: the Graph client wired to a refreshing token source, plus who is signed in.

use std::sync::Arc;

use url::Url;

use crate::auth::{self, RefreshingTokenSource, RotationHook, SignInConfig, TokenSet};
use crate::graph::{ClientOptions, GraphClient};
use crate::CoreError;

/// The application id Prestage presents to the sandbox tenant (any id works there).
pub const SANDBOX_CLIENT_ID: &str = "5e1b7d43-9a0c-4f2e-8d61-3b7a2c9e0f14";

/// Who is signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub display_name: String,
    pub user_principal_name: String,
    pub tenant_id: String,
}

/// A Graph client plus the account it acts as.
#[derive(Clone)]
pub struct Session {
    graph: GraphClient,
    account: Account,
}

impl Session {
    /// Builds a session from fresh tokens: a refreshing token source, the client, then `/me` and
    /// `/organization` to learn who and where we are.
    pub async fn from_tokens(
        sign_in: SignInConfig,
        client: ClientOptions,
        tokens: TokenSet,
        on_rotate: Option<RotationHook>,
    ) -> Result<Self, CoreError> {
        let source = Arc::new(RefreshingTokenSource::new(sign_in, tokens, on_rotate));
        let graph = GraphClient::new(client, source)?;
        let me = graph.me().await?;
        let org = graph.organization().await?;
        let account = Account {
            display_name: me.display_name.clone().unwrap_or_default(),
            user_principal_name: me.user_principal_name.clone().unwrap_or_default(),
            id: me.id,
            tenant_id: org.id,
        };
        Ok(Self { graph, account })
    }

    /// Signs in to an authority with auto-approve (the sandbox tenant) — the same code + PKCE
    /// exchange as a browser sign-in, without the browser.
    pub async fn sign_in_auto_approved(
        authority: Url,
        graph_base: Url,
        tenant: &str,
        login_hint: &str,
    ) -> Result<Self, CoreError> {
        Self::sign_in_auto_approved_with(
            authority,
            ClientOptions::new(graph_base),
            tenant,
            login_hint,
        )
        .await
    }

    /// As [`Session::sign_in_auto_approved`], with client options (throttle, events).
    pub async fn sign_in_auto_approved_with(
        authority: Url,
        client: ClientOptions,
        tenant: &str,
        login_hint: &str,
    ) -> Result<Self, CoreError> {
        let config = SignInConfig::new(authority, tenant, SANDBOX_CLIENT_ID);
        let tokens = auth::sign_in_auto_approved(&config, login_hint).await?;
        Self::from_tokens(config, client, tokens, None).await
    }

    pub fn graph(&self) -> &GraphClient {
        &self.graph
    }

    pub fn account(&self) -> &Account {
        &self.account
    }
}
