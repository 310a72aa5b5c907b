//! A signed-in session: the Graph client wired to a refreshing token source, who is signed in
//! (from /me and /organization) and what their directory roles let them do. Owns the sign-in
//! entry points the app and the CLI share — browser, device code, silent resume, sign-out — and
//! the rule that only the refresh token is persisted (through [`Keeper`]), keyed by tenant + account.

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use url::Url;

use crate::auth::{
    self, AccountKey, AuthError, DeviceCode, Keeper, RefreshingTokenSource, RotationHook,
    SignInConfig, StoreError, TokenSet, TokenStore,
};
use crate::graph::{ClientOptions, GraphClient};
use crate::import::RunContext;
use crate::plan::Actor;
use crate::roles::{Powers, Refusal, Role};
use crate::CoreError;

/// The application id Prestage presents to the sandbox tenant (any id works there).
pub const SANDBOX_CLIENT_ID: &str = "5e1b7d43-9a0c-4f2e-8d61-3b7a2c9e0f14";

/// Who is signed in, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub display_name: String,
    pub user_principal_name: String,
    pub tenant_id: String,
    /// The organization's display name (the tenant id when it has none).
    pub tenant_name: String,
}

/// Where to sign in and which Graph to call.
#[derive(Clone)]
pub struct Target {
    pub sign_in: SignInConfig,
    pub client: ClientOptions,
}

impl Target {
    /// A tenant served at `base` for both sign-in and Graph (the sandbox), as the sandbox app.
    pub fn sandbox(base: Url, tenant: &str) -> Self {
        Self {
            sign_in: SignInConfig::new(base.clone(), tenant, SANDBOX_CLIENT_ID),
            client: ClientOptions::new(base),
        }
    }
}

/// A Graph client plus the account it acts as and that account's powers.
#[derive(Clone)]
pub struct Session {
    graph: GraphClient,
    account: Account,
    powers: Powers,
    keeper: Option<Arc<Keeper>>,
    /// Why the keychain could not keep this sign-in (it still works for this run).
    not_kept: Option<StoreError>,
    /// The authority + client id this session signed in with (`SignInConfig::binding`).
    binding: String,
    /// The token source behind `graph`, for incremental consent (`Session::ask_permission`, and a
    /// run's `RunContext::permissions`);
    /// `None` for an app-only session, whose permissions are granted in its registration.
    tokens: Option<Arc<RefreshingTokenSource>>,
}

impl Session {
    /// Builds a session from fresh tokens: a refreshing token source, the client, then `/me`,
    /// `/organization` and `/me/memberOf` to learn who and where we are and what we may do.
    pub async fn from_tokens(
        sign_in: SignInConfig,
        client: ClientOptions,
        tokens: TokenSet,
        on_rotate: Option<RotationHook>,
    ) -> Result<Self, CoreError> {
        let binding = sign_in.binding();
        let source = Arc::new(RefreshingTokenSource::new(sign_in, tokens, on_rotate));
        let graph = GraphClient::new(client, source.clone())?;
        let (me, org, powers) =
            tokio::try_join!(graph.me(), graph.organization(), graph.my_powers())?;
        let account = Account {
            display_name: me.display_name.clone().unwrap_or_default(),
            user_principal_name: me.user_principal_name.clone().unwrap_or_default(),
            id: me.id,
            tenant_name: org.display_name.clone().unwrap_or_else(|| org.id.clone()),
            tenant_id: org.id,
        };
        Ok(Self {
            graph,
            account,
            powers,
            keeper: None,
            not_kept: None,
            binding,
            tokens: Some(source),
        })
    }

    /// App-only (unattended runs): a client-credentials token signed with the app's certificate.
    /// The "account" is the application; its powers are its application permissions, which
    /// Graph checks per request. Nothing is kept in the keychain (there is no refresh token).
    pub async fn app_only(
        sign_in: auth::AppSignIn,
        client: ClientOptions,
    ) -> Result<Self, CoreError> {
        let client_id = sign_in.credential.client_id().to_string();
        let (source, tenant_id) = auth::AppTokenSource::signed_in(sign_in).await?;
        let graph = GraphClient::new(client, source)?;
        Ok(Self {
            graph,
            account: Account {
                // No user: never equal to a user's id, so no row is refused as "your own".
                id: String::new(),
                display_name: format!("application {client_id}"),
                user_principal_name: format!("app:{client_id}"),
                tenant_name: tenant_id.clone(),
                tenant_id,
            },
            powers: Powers::application(),
            keeper: None,
            not_kept: None,
            binding: String::new(),
            tokens: None,
        })
    }

    /// Fresh tokens → a session whose refresh token is kept in `store` under its account.
    async fn established(
        target: &Target,
        store: Arc<dyn TokenStore>,
        tokens: TokenSet,
    ) -> Result<Self, CoreError> {
        let keeper = Keeper::unbound(store, tokens.refresh.as_ref());
        let mut session = Self::from_tokens(
            target.sign_in.clone(),
            target.client.clone(),
            tokens,
            Some(keeper.hook()),
        )
        .await?;
        // The sign-in is done: a keychain that refuses the token costs the next start, not this run.
        if let Err(error) = keeper.bind(session.key()) {
            tracing::warn!(%error, "signed in, but the refresh token could not be kept");
            session.not_kept = Some(error);
        }
        session.keeper = Some(keeper);
        Ok(session)
    }

    /// The interactive sign-in (RFC 8252): `open` shows the authorize URL in the system browser,
    /// the loopback listener takes the one redirect; the refresh token goes to `store`.
    pub async fn sign_in_browser(
        target: &Target,
        store: Arc<dyn TokenStore>,
        login_hint: Option<&str>,
        open: impl FnOnce(&Url) -> Result<(), String>,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<Self, CoreError> {
        let tokens =
            auth::sign_in_with_browser(&target.sign_in, login_hint, open, timeout, cancel).await?;
        Self::established(target, store, tokens).await
    }

    /// The device-code fallback: polls for `code` (from [`auth::start_device_code`]).
    pub async fn sign_in_device(
        target: &Target,
        store: Arc<dyn TokenStore>,
        code: &DeviceCode,
        cancel: &CancellationToken,
    ) -> Result<Self, CoreError> {
        let tokens = auth::poll_device_code(&target.sign_in, code, cancel).await?;
        Self::established(target, store, tokens).await
    }

    /// Signs in to an authority that approves at once (the sandbox tenant), keeping the refresh
    /// token in `store` like any other sign-in.
    pub async fn sign_in_auto(
        target: &Target,
        store: Arc<dyn TokenStore>,
        login_hint: &str,
    ) -> Result<Self, CoreError> {
        let tokens = auth::sign_in_auto_approved(&target.sign_in, login_hint).await?;
        Self::established(target, store, tokens).await
    }

    /// Signs in silently as `key` with its stored refresh token: no browser. `None` when no
    /// refresh token is stored (signed out). A refresh token the authority no longer accepts is
    /// deleted and the answer is [`AuthError::SessionExpired`] ("sign in again").
    pub async fn resume(
        target: &Target,
        store: Arc<dyn TokenStore>,
        key: &AccountKey,
    ) -> Result<Option<Self>, CoreError> {
        // The token was stored for one authority and app registration: never redeem it with
        // other settings (an edited settings file, another PRESTAGE_AUTHORITY).
        if key.binding != target.sign_in.binding() {
            return Err(AuthError::SettingsChanged.into());
        }
        let Some(refresh) = store.load(key).map_err(AuthError::from)? else {
            return Ok(None);
        };
        let mut sign_in = target.sign_in.clone();
        // The tenant is known now: refresh against it rather than `organizations`.
        sign_in.tenant = key.tenant_id.clone();
        let keeper = Keeper::bound(store, key.clone());
        let tokens = match auth::redeem_refresh_token(&sign_in, &refresh).await {
            Ok(tokens) => tokens,
            Err(e @ AuthError::SessionExpired) => return Err(forget(&keeper, e)),
            Err(AuthError::Rejected { error, .. }) if error == "invalid_grant" => {
                return Err(forget(&keeper, AuthError::SessionExpired))
            }
            Err(e) => return Err(e.into()),
        };
        // As after a sign-in: a keychain refusing the rotated token costs the next start only.
        let not_kept = tokens.refresh.as_ref().and_then(|r| keeper.keep(r).err());
        let mut session =
            Self::from_tokens(sign_in, target.client.clone(), tokens, Some(keeper.hook())).await?;
        if let Some(error) = not_kept {
            tracing::warn!(%error, "resumed, but the rotated refresh token could not be kept");
            session.not_kept = Some(error);
        }
        if session.key() != *key {
            return Err(AuthError::Protocol(
                "the stored sign-in belongs to another account".into(),
            )
            .into());
        }
        session.keeper = Some(keeper);
        Ok(Some(session))
    }

    /// Signs in to an authority with auto-approve (the sandbox tenant) — the same code + PKCE
    /// exchange as a browser sign-in, without the browser. Nothing is persisted.
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

    /// Deletes this session's stored refresh token. The access token goes with the session.
    pub fn sign_out(&self) -> Result<(), AuthError> {
        match &self.keeper {
            Some(keeper) => keeper.forget().map_err(AuthError::from),
            None => Ok(()),
        }
    }

    /// Set when the OS keychain refused this sign-in's refresh token: one sentence saying the
    /// session works now and the next start will ask to sign in again.
    pub fn keychain_warning(&self) -> Option<String> {
        self.not_kept.as_ref().map(|error| {
            format!(
                "Signed in for this session only: {error} Prestage will ask you to sign in again next time it starts."
            )
        })
    }

    pub fn graph(&self) -> &GraphClient {
        &self.graph
    }

    /// Incremental consent: asks for a Graph permission (e.g. `Policy.ReadWrite.AuthenticationMethod`)
    /// only when a feature first needs it; the session's token carries it from then on.
    /// `Ok(true)` when it was newly asked for.
    pub async fn ask_permission(&self, permission: &str) -> Result<bool, CoreError> {
        match &self.tokens {
            Some(tokens) => Ok(tokens.ask_permission(permission).await?),
            // An app's permissions are granted in its registration; nothing to ask for here.
            None => Ok(false),
        }
    }

    pub fn account(&self) -> &Account {
        &self.account
    }

    /// The signed-in admin's directory roles and what follows from them (pre-flight checks).
    pub fn powers(&self) -> &Powers {
        &self.powers
    }

    /// Who is acting, for the planning rules' pre-flight checks.
    pub fn actor(&self) -> Actor<'_> {
        Actor {
            powers: &self.powers,
            my_id: &self.account.id,
        }
    }

    /// The run surface for this session: journals in `dir`, `concurrency` rows in flight.
    pub fn runs<'a>(&'a self, dir: &'a std::path::Path, concurrency: usize) -> RunContext<'a> {
        RunContext {
            graph: &self.graph,
            actor: self.actor(),
            tenant_id: &self.account.tenant_id,
            admin: &self.account.user_principal_name,
            dir,
            concurrency,
            permissions: self.tokens.as_deref(),
        }
    }

    /// Campaigns made by this session's admin, kept under `data_dir`.
    pub fn campaigns<'a>(&'a self, data_dir: &'a std::path::Path) -> crate::campaign::Maker<'a> {
        crate::campaign::Maker {
            graph: &self.graph,
            me: &self.account.id,
            tenant_id: &self.account.tenant_id,
            data_dir,
        }
    }

    /// Where this session's refresh token is kept: tenant + account.
    pub fn key(&self) -> AccountKey {
        AccountKey {
            tenant_id: self.account.tenant_id.clone(),
            account_id: self.account.id.clone(),
            binding: self.binding.clone(),
        }
    }

    /// What the signed-in admin's roles allow, one sentence each (the roles panel, `whoami`).
    pub fn what_you_may_do(&self) -> Vec<String> {
        let p = &self.powers;
        let mut lines = vec![if p.writes_any_user() {
            "Can change any user's authentication methods, administrators included."
        } else if p.check_write(&[], false).is_ok() {
            "Can change the methods of users without administrator roles; administrators need a Privileged Authentication Administrator."
        } else if matches!(p.check_write(&[], false), Err(Refusal::ReadOnly { .. })) {
            "Can read other users' methods but not change them."
        } else {
            "Cannot change other users' methods (needs Authentication Administrator or Privileged Authentication Administrator)."
        }
        .to_string()];
        lines.push(
            "Cannot change your own methods through Graph: another administrator must.".into(),
        );
        lines.push(if p.sees_masked_numbers() {
            "Sees other users' phone numbers masked.".into()
        } else {
            "Sees full phone numbers.".into()
        });
        lines.push(if p.reads_registration_report() {
            "Can read the registration report.".into()
        } else {
            "Cannot read the registration report (needs Global Reader, Reports Reader or Security Reader).".into()
        });
        lines
    }

    /// The role to name in the account chip: the strongest one Prestage knows of.
    pub fn headline_role(&self) -> String {
        const ORDER: [Role; 7] = [
            Role::GlobalAdministrator,
            Role::PrivilegedAuthenticationAdministrator,
            Role::AuthenticationAdministrator,
            Role::GlobalReader,
            Role::SecurityAdministrator,
            Role::SecurityReader,
            Role::ReportsReader,
        ];
        let roles = &self.powers.roles;
        ORDER
            .iter()
            .find(|r| roles.contains(r))
            .or(roles.first())
            .map_or_else(|| "No administrator role".into(), |r| r.name().to_string())
    }
}

/// Deletes a stored refresh token the authority refused; a failing keychain does not hide `why`.
fn forget(keeper: &Keeper, why: AuthError) -> CoreError {
    if let Err(error) = keeper.forget() {
        tracing::warn!(%error, "a refused refresh token could not be deleted");
    }
    why.into()
}
