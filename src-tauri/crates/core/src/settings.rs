//! The settings file (`settings.json` in the OS's app config dir, shared by the app and the CLI):
//! which app registration and tenant to sign in with, where (authority, Graph), and the last
//! account to offer on start. Never a secret: refresh tokens live in the OS keychain only.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::auth::{AccountKey, SignInConfig};
use crate::endpoints::{
    check_endpoints, scopes_for, Cloud, EndpointRefused, DEVELOPER_ENDPOINTS_VAR,
};
use crate::graph::ClientOptions;
use crate::session::{Account, Target, SANDBOX_CLIENT_ID};

/// The app's identifier: its config dir name under the OS config dir, and the keychain service.
pub const APP_ID: &str = "app.prestage.desktop";
pub const FILE_NAME: &str = "settings.json";
/// Sign-ins to a sandbox tenant (`prestage-cli login --sandbox URL`) are kept apart from the
/// real tenant's settings, so a later real setup can never inherit a sandbox's authority.
pub const SANDBOX_FILE_NAME: &str = "sandbox-settings.json";
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com/";
pub const DEFAULT_GRAPH: &str = "https://graph.microsoft.com/";
/// Any work or school tenant: the right default for a multi-tenant admin tool.
pub const DEFAULT_TENANT: &str = "organizations";

/// What can be wrong with settings, each with what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("The client ID must be the app registration's Application (client) ID, a GUID like 00000000-0000-0000-0000-000000000000.")]
    ClientId,
    #[error("The tenant must be \"organizations\", a tenant ID (GUID) or a domain like contoso.onmicrosoft.com.")]
    Tenant,
    #[error("{name} must be an http(s) URL: {value}")]
    Url { name: String, value: String },
    #[error("The settings file {path} could not be read or written ({reason}); check its permissions or delete it to start over.")]
    File { path: String, reason: String },
    #[error(transparent)]
    Endpoint(#[from] EndpointRefused),
    #[error("A sandbox tenant must be served on this machine (127.0.0.1 or localhost), not {0}.")]
    SandboxNotLocal(String),
}

/// The account signed in last (what the start screen offers). No token here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RememberedAccount {
    pub tenant_id: String,
    pub account_id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub tenant_name: String,
    /// What the keychain entry is bound to (authority + client id, a digest): a resume with
    /// other settings is refused rather than sending the token elsewhere.
    #[serde(default)]
    pub binding: String,
}

impl RememberedAccount {
    pub fn key(&self) -> AccountKey {
        AccountKey {
            tenant_id: self.tenant_id.clone(),
            account_id: self.account_id.clone(),
            binding: self.binding.clone(),
        }
    }
}

/// The settings file's content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// The app registration's Application (client) ID; `None` until setup is done.
    pub client_id: Option<String>,
    /// `organizations` (default), a tenant GUID or a domain.
    pub tenant: Option<String>,
    /// The authority (default `https://login.microsoftonline.com/`).
    pub authority: Option<Url>,
    /// Microsoft Graph's base URL (default `https://graph.microsoft.com/`).
    pub graph: Option<Url>,
    /// The Microsoft cloud (default: the global one); a national cloud is an explicit choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cloud: Option<Cloud>,
    /// Device-code sign-in is offered (opt-in on the setup screen: a code typed on another
    /// device widens the phishing surface of a high-privilege app).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub device_code: bool,
    /// A sandbox tenant's sign-in (the sandbox settings file only): loopback endpoints.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sandbox: bool,
    pub last_account: Option<RememberedAccount>,
    /// `PRESTAGE_DEVELOPER_ENDPOINTS=1`: endpoints other than Microsoft's are allowed (shown
    /// in the UI). Never saved.
    #[serde(skip)]
    pub developer_endpoints: bool,
}

/// The settings file in `dir`.
pub fn file_in(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

fn file_error(path: &Path, reason: impl std::fmt::Display) -> SettingsError {
    SettingsError::File {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

impl Settings {
    /// Reads `dir/settings.json`; a missing file means defaults.
    pub fn load(dir: &Path) -> Result<Self, SettingsError> {
        Self::load_from(&file_in(dir))
    }

    /// Reads the sandbox sign-in's settings (`dir/sandbox-settings.json`).
    pub fn load_sandbox(dir: &Path) -> Result<Self, SettingsError> {
        Self::load_from(&dir.join(SANDBOX_FILE_NAME))
    }

    /// Settings for a sandbox tenant served at `base` (loopback only), as the sandbox app.
    pub fn for_sandbox(base: Url, tenant: &str) -> Self {
        Settings {
            client_id: Some(SANDBOX_CLIENT_ID.into()),
            tenant: Some(tenant.into()),
            authority: Some(base.clone()),
            graph: Some(base),
            sandbox: true,
            ..Settings::default()
        }
    }

    fn load_from(path: &Path) -> Result<Self, SettingsError> {
        let path = path.to_path_buf();
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| file_error(&path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(file_error(&path, e)),
        }
    }

    /// Writes `dir/settings.json` (creating `dir`), replacing the old file in one step (a temp
    /// file of its own, then a rename: the app and the CLI may save at once) — or, for a sandbox
    /// sign-in, `dir/sandbox-settings.json`: a sandbox never lands in the shared file.
    pub fn save(&self, dir: &Path) -> Result<(), SettingsError> {
        self.save_as(
            dir,
            if self.sandbox {
                SANDBOX_FILE_NAME
            } else {
                FILE_NAME
            },
        )
    }

    fn save_as(&self, dir: &Path, name: &str) -> Result<(), SettingsError> {
        let path = dir.join(name);
        std::fs::create_dir_all(dir).map_err(|e| file_error(dir, e))?;
        let text = serde_json::to_vec_pretty(self).map_err(|e| file_error(&path, e))?;
        crate::atomic_file::replace(&path, &text).map_err(|e| file_error(&path, e))
    }

    /// Records the app registration chosen on the setup screen (validated).
    pub fn set_registration(&mut self, client_id: &str, tenant: &str) -> Result<(), SettingsError> {
        let client_id = valid_client_id(client_id)?;
        let tenant = valid_tenant(tenant)?;
        if self.client_id.as_deref() != Some(client_id.as_str())
            || self.tenant.as_deref() != Some(tenant.as_str())
        {
            // Another registration or tenant: the remembered account belongs to the old one.
            self.last_account = None;
        }
        self.client_id = Some(client_id);
        self.tenant = Some(tenant);
        // A real setup signs in at Microsoft's endpoints for the chosen cloud, whatever an
        // earlier file or tool left in the authority and Graph fields.
        self.authority = None;
        self.graph = None;
        self.sandbox = false;
        Ok(())
    }

    /// These settings with `overrides` (from the environment or the command line) on top.
    pub fn with(&self, overrides: &Settings) -> Settings {
        Settings {
            client_id: overrides.client_id.clone().or(self.client_id.clone()),
            tenant: overrides.tenant.clone().or(self.tenant.clone()),
            authority: overrides.authority.clone().or(self.authority.clone()),
            graph: overrides.graph.clone().or(self.graph.clone()),
            cloud: overrides.cloud.or(self.cloud),
            device_code: self.device_code,
            sandbox: self.sandbox,
            last_account: self.last_account.clone(),
            developer_endpoints: overrides.developer_endpoints || self.developer_endpoints,
        }
    }

    /// Setup is done: there is a client ID to sign in with.
    pub fn is_configured(&self) -> bool {
        self.client_id.is_some()
    }

    pub fn tenant_or_default(&self) -> &str {
        self.tenant.as_deref().unwrap_or(DEFAULT_TENANT)
    }

    /// Where and as which app to sign in; `None` before setup. Validated on every use: the
    /// client id and tenant's shapes, and the endpoints — Microsoft's for the chosen cloud over
    /// https, a loopback sandbox for sandbox settings, anything only with the developer switch.
    pub fn target(&self) -> Result<Option<Target>, SettingsError> {
        let Some(client_id) = self.client_id.as_deref() else {
            return Ok(None);
        };
        let client_id = valid_client_id(client_id)?;
        let tenant = valid_tenant(self.tenant_or_default())?;
        let cloud = self.cloud.unwrap_or_default();
        let authority = self.authority.clone().unwrap_or_else(|| cloud.authority());
        let graph = self.graph.clone().unwrap_or_else(|| cloud.graph());
        if self.sandbox && !self.developer_endpoints {
            for url in [&authority, &graph] {
                if !is_loopback(url) {
                    return Err(SettingsError::SandboxNotLocal(url.to_string()));
                }
            }
        } else {
            check_endpoints(&authority, &graph, cloud, self.developer_endpoints)?;
        }
        let mut sign_in = SignInConfig::new(authority, &tenant, &client_id);
        sign_in.scopes = scopes_for(&graph, &sign_in.scopes);
        Ok(Some(Target {
            sign_in,
            client: ClientOptions::new(graph),
        }))
    }

    /// Remembers `account` (signed in with `target`) as the one to offer on the next start.
    pub fn remember(&mut self, account: &Account, target: &Target) {
        self.last_account = Some(RememberedAccount {
            binding: target.sign_in.binding(),
            tenant_id: account.tenant_id.clone(),
            account_id: account.id.clone(),
            user_principal_name: account.user_principal_name.clone(),
            display_name: account.display_name.clone(),
            tenant_name: account.tenant_name.clone(),
        });
    }

    /// Reads `PRESTAGE_CLIENT_ID`, `PRESTAGE_TENANT`, `PRESTAGE_AUTHORITY` and `PRESTAGE_GRAPH`
    /// (`var` is `std::env::var` in production) as overrides.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
        let get = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        Ok(Settings {
            client_id: get("PRESTAGE_CLIENT_ID")
                .map(|v| valid_client_id(&v))
                .transpose()?,
            tenant: get("PRESTAGE_TENANT")
                .map(|v| valid_tenant(&v))
                .transpose()?,
            authority: get("PRESTAGE_AUTHORITY")
                .map(|v| valid_url("PRESTAGE_AUTHORITY", &v))
                .transpose()?,
            graph: get("PRESTAGE_GRAPH")
                .map(|v| valid_url("PRESTAGE_GRAPH", &v))
                .transpose()?,
            developer_endpoints: get(DEVELOPER_ENDPOINTS_VAR).is_some_and(|v| v.trim() == "1"),
            ..Settings::default()
        })
    }
}

fn default_authority() -> Url {
    Cloud::Global.authority()
}

/// A sandbox is served on this machine.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A client ID as Entra shows it (a GUID), trimmed and lower-cased.
pub fn valid_client_id(text: &str) -> Result<String, SettingsError> {
    let text = text.trim().to_ascii_lowercase();
    is_guid(&text)
        .then_some(text)
        .ok_or(SettingsError::ClientId)
}

/// `organizations`, `common`, a tenant GUID or a domain name, trimmed and lower-cased.
pub fn valid_tenant(text: &str) -> Result<String, SettingsError> {
    let text = text.trim().to_ascii_lowercase();
    let domain = text.contains('.')
        && !text.starts_with('.')
        && !text.ends_with('.')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let ok = text == "organizations" || text == "common" || is_guid(&text) || domain;
    ok.then_some(text).ok_or(SettingsError::Tenant)
}

fn valid_url(name: &str, text: &str) -> Result<Url, SettingsError> {
    let mut url = Url::parse(text.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| SettingsError::Url {
            name: name.into(),
            value: text.into(),
        })?;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// The admin-consent link for `client_id` in `tenant` (graph-api.md §8): a Global Administrator
/// opens it once to grant the delegated permissions for the whole tenant. `common` is not
/// accepted there, so it becomes `organizations`.
pub fn admin_consent_url(
    authority: Option<&Url>,
    tenant: &str,
    client_id: &str,
) -> Result<Url, SettingsError> {
    let client_id = valid_client_id(client_id)?;
    let mut tenant = valid_tenant(tenant)?;
    if tenant == "common" {
        tenant = DEFAULT_TENANT.into();
    }
    let authority = authority.cloned().unwrap_or_else(default_authority);
    let mut url = authority
        .join(&format!("{tenant}/v2.0/adminconsent"))
        .map_err(|_| SettingsError::Tenant)?;
    url.query_pairs_mut()
        .append_pair("client_id", &client_id)
        .append_pair("scope", "https://graph.microsoft.com/.default")
        .append_pair("redirect_uri", "http://localhost");
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "5E1B7D43-9a0c-4f2e-8d61-3b7a2c9e0f14";

    #[test]
    fn registration_is_validated_and_normalised() {
        let mut s = Settings::default();
        assert!(!s.is_configured());
        assert_eq!(
            s.set_registration("nope", "organizations"),
            Err(SettingsError::ClientId)
        );
        assert_eq!(
            s.set_registration(ID, "not a tenant"),
            Err(SettingsError::Tenant)
        );
        s.set_registration(&format!(" {ID} "), "Contoso.onmicrosoft.com")
            .unwrap();
        assert_eq!(
            s.client_id.as_deref(),
            Some("5e1b7d43-9a0c-4f2e-8d61-3b7a2c9e0f14")
        );
        assert_eq!(s.tenant_or_default(), "contoso.onmicrosoft.com");
        let target = s.target().unwrap().unwrap();
        assert_eq!(target.sign_in.authority.as_str(), DEFAULT_AUTHORITY);
    }

    #[test]
    fn a_refresh_token_is_only_ever_sent_to_microsoft() {
        let mut s = Settings::default();
        s.set_registration(ID, "organizations").unwrap();
        // A settings file pointing sign-in elsewhere (edited, or left by an old tool).
        s.authority = Some(Url::parse("http://127.0.0.1:8400/").unwrap());
        assert!(matches!(s.target(), Err(SettingsError::Endpoint(_))));
        s.authority = Some(Url::parse("https://login.microsoftonline.com.evil.example/").unwrap());
        assert!(matches!(s.target(), Err(SettingsError::Endpoint(_))));
        s.authority = None;
        s.graph = Some(Url::parse("https://graph.evil.example/").unwrap());
        assert!(matches!(s.target(), Err(SettingsError::Endpoint(_))));
        // Only the developer switch (from the environment, never saved) lets them through.
        let dev = s.with(&Settings {
            developer_endpoints: true,
            ..Settings::default()
        });
        assert!(dev.target().unwrap().is_some());
        let dir = std::env::temp_dir().join(format!("prestage-dev-{}", std::process::id()));
        dev.save(&dir).unwrap();
        assert!(!Settings::load(&dir).unwrap().developer_endpoints);
        std::fs::remove_dir_all(&dir).unwrap();
        // A tenant that is not a GUID, a domain or `organizations` never reaches a URL.
        s.graph = None;
        s.tenant = Some("../../evil".into());
        assert_eq!(s.target().err(), Some(SettingsError::Tenant));
    }

    #[test]
    fn a_real_setup_never_keeps_a_sandbox_or_custom_authority() {
        let mut s = Settings::for_sandbox(
            Url::parse("http://127.0.0.1:8400/").unwrap(),
            "organizations",
        );
        assert!(
            s.target().unwrap().is_some(),
            "a loopback sandbox is allowed"
        );
        s.set_registration(ID, "contoso.onmicrosoft.com").unwrap();
        assert!(!s.sandbox && s.authority.is_none() && s.graph.is_none());
        assert_eq!(
            s.target().unwrap().unwrap().sign_in.authority.as_str(),
            DEFAULT_AUTHORITY
        );
        let far = Settings::for_sandbox(
            Url::parse("http://10.0.0.5:8400/").unwrap(),
            "organizations",
        );
        assert!(matches!(
            far.target(),
            Err(SettingsError::SandboxNotLocal(_))
        ));
        let dir = std::env::temp_dir().join(format!("prestage-sbx-{}", std::process::id()));
        let local = Settings::for_sandbox(
            Url::parse("http://127.0.0.1:8400/").unwrap(),
            "organizations",
        );
        local.save(&dir).unwrap();
        assert!(
            !file_in(&dir).exists(),
            "a sandbox sign-in stays out of the shared file"
        );
        assert_eq!(Settings::load_sandbox(&dir).unwrap(), local);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn file_round_trip_holds_no_secret_fields_and_missing_means_default() {
        let dir = std::env::temp_dir().join(format!("prestage-settings-{}", std::process::id()));
        assert_eq!(Settings::load(&dir).unwrap(), Settings::default());
        let mut s = Settings::default();
        s.set_registration(ID, "organizations").unwrap();
        s.save(&dir).unwrap();
        assert_eq!(Settings::load(&dir).unwrap(), s);
        let text = std::fs::read_to_string(file_in(&dir)).unwrap();
        assert!(text.contains("clientId") && !text.to_lowercase().contains("token"));
        std::fs::write(file_in(&dir), "{not json").unwrap();
        assert!(matches!(
            Settings::load(&dir),
            Err(SettingsError::File { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn environment_overrides_win() {
        let env = |k: &str| match k {
            "PRESTAGE_AUTHORITY" => Some("http://127.0.0.1:8400".to_string()),
            "PRESTAGE_CLIENT_ID" => Some(ID.to_string()),
            _ => None,
        };
        let o = Settings::from_env(env).unwrap();
        let merged = Settings::default().with(&o);
        assert!(
            merged.target().is_err(),
            "a test authority needs the developer switch"
        );
        assert_eq!(merged.authority.unwrap().as_str(), "http://127.0.0.1:8400/");
        assert!(merged.client_id.is_some() && merged.graph.is_none());
        let bad = Settings::from_env(|k| (k == "PRESTAGE_GRAPH").then(|| "ftp://x".into()));
        assert!(matches!(bad, Err(SettingsError::Url { .. })));
    }

    #[test]
    fn admin_consent_link_follows_the_documented_shape() {
        let url = admin_consent_url(None, "common", ID).unwrap();
        assert!(url.as_str().starts_with(
            "https://login.microsoftonline.com/organizations/v2.0/adminconsent?client_id=5e1b7d43"
        ));
        assert!(url
            .as_str()
            .contains("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"));
        assert!(admin_consent_url(None, "organizations", "x").is_err());
    }

    #[test]
    fn the_app_and_the_cli_saving_at_once_never_leave_a_torn_or_missing_file() {
        let dir =
            std::env::temp_dir().join(format!("prestage-settings-race-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let saver = |tenant: &'static str| {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut s = Settings::default();
                s.set_registration(ID, tenant).unwrap();
                (0..300)
                    .map(|_| s.save(&dir))
                    .collect::<Result<Vec<_>, _>>()
            })
        };
        Settings::default().save(&dir).unwrap();
        let (a, b) = (saver("organizations"), saver("contoso.onmicrosoft.com"));
        let mut loads = 0;
        while !(a.is_finished() && b.is_finished()) {
            Settings::load(&dir).expect("a whole settings file at every moment");
            loads += 1;
        }
        a.join()
            .unwrap()
            .expect("every save of one process succeeds");
        b.join().unwrap().expect("every save of the other succeeds");
        assert!(loads > 0);
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, [FILE_NAME], "no temp file is left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
