//! App-only sign-in for unattended runs (`prepopulate --from-directory` on a schedule):
//! `--app-client-id` plus the certificate's private key from a PEM file (refused when others can
//! read it) or the OS keychain (`app-auth store-key`). `app-auth check` says what is missing —
//! the key, the certificate, its dates, the sign-in, each application permission — before a
//! scheduled run meets it. Prints no key, assertion or token.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use prestage_core::auth::{read_key_file, AppCredential, AppSignIn, KeyringStore};
use prestage_core::graph::ClientOptions;
use prestage_core::session::Session;
use url::Url;

/// The authority app-only tokens come from when no sandbox is given.
const ENTRA_AUTHORITY: &str = "https://login.microsoftonline.com/";
const GRAPH: &str = "https://graph.microsoft.com/";

/// Who the app is and where its key is.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct AppArgs {
    /// The app registration's Application (client) ID.
    #[arg(long, value_name = "GUID")]
    pub app_client_id: Option<String>,
    /// The certificate's private key as PEM (PKCS#8 or PKCS#1), unencrypted, readable only by
    /// you; it may also hold the certificate.
    #[arg(long, value_name = "KEY_PEM")]
    pub app_certificate_key: Option<PathBuf>,
    /// The certificate (PEM) when the key file does not hold it.
    #[arg(long, value_name = "CERT_PEM")]
    pub app_certificate: Option<PathBuf>,
    /// Read the key (and certificate) from the OS keychain, stored with `app-auth store-key`.
    #[arg(long, conflicts_with = "app_certificate_key")]
    pub app_key_from_keychain: bool,
    /// The tenant: its ID (GUID) or a verified domain (app-only sign-in needs one).
    #[arg(long)]
    pub tenant: Option<String>,
    /// Use the sandbox tenant served at URL for sign-in and Graph.
    #[arg(long, value_name = "URL")]
    pub sandbox: Option<Url>,
}

#[derive(clap::Subcommand, Debug)]
pub enum AppAuthCommand {
    /// Check the key, certificate, sign-in and application permissions; say what is missing.
    Check(AppArgs),
    /// Keep the key PEM in the OS keychain (then use --app-key-from-keychain), split over
    /// entries where one cannot hold it (Windows).
    StoreKey(AppArgs),
    /// Delete the key this client id keeps in the OS keychain.
    ForgetKey(AppArgs),
}

fn keychain() -> Result<KeyringStore, String> {
    Ok(KeyringStore::with_service(
        &crate::auth_cmd::places()?.keychain_service,
    ))
}

impl AppArgs {
    pub fn client_id(&self) -> Result<&str, String> {
        self.app_client_id
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                "--app-client-id is missing: the app registration's Application (client) ID".into()
            })
    }

    /// The key PEM text and where it came from.
    fn key_pem(&self) -> Result<(secrecy::zeroize::Zeroizing<String>, String), String> {
        let client_id = self.client_id()?;
        if self.app_key_from_keychain {
            let pem = keychain()?
                .load_app_key(client_id)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("The OS keychain holds no key for app {client_id}: store it with `prestage-cli app-auth store-key --app-client-id {client_id} --app-certificate-key KEY_PEM`."))?;
            return Ok((pem, "the OS keychain".into()));
        }
        let path = self
            .app_certificate_key
            .as_ref()
            .ok_or("no key: pass --app-certificate-key KEY_PEM or --app-key-from-keychain")?;
        let pem = read_key_file(path).map_err(|e| e.to_string())?;
        Ok((pem, path.display().to_string()))
    }

    pub fn credential(&self) -> Result<AppCredential, String> {
        let (pem, source) = self.key_pem()?;
        let cert =
            match &self.app_certificate {
                Some(p) => Some(std::fs::read_to_string(p).map_err(|e| {
                    format!("The certificate {} could not be read: {e}", p.display())
                })?),
                None => None,
            };
        AppCredential::from_pem(self.client_id()?, &pem, cert.as_deref(), &source)
            .map_err(|e| e.to_string())
    }

    /// The authority, tenant and Graph base for this run.
    fn target(&self) -> Result<(Url, String, ClientOptions), String> {
        let parse = |u: &str| Url::parse(u).map_err(|e| e.to_string());
        match &self.sandbox {
            Some(url) => {
                let tenant = match &self.tenant {
                    Some(t) => t.clone(),
                    // Every seed's tenant has this domain; the token's `tid` gives the id.
                    None => prestage_sandbox::TENANT_DOMAIN.to_string(),
                };
                Ok((url.clone(), tenant, ClientOptions::new(url.clone())))
            }
            None => {
                let tenant = self
                    .tenant
                    .clone()
                    .filter(|t| !matches!(t.as_str(), "organizations" | "common"))
                    .ok_or("--tenant is missing: app-only sign-in needs the tenant's ID or domain (not `organizations`)")?;
                Ok((
                    parse(ENTRA_AUTHORITY)?,
                    tenant,
                    ClientOptions::new(parse(GRAPH)?),
                ))
            }
        }
    }

    /// Signs in as the application.
    pub async fn session(&self) -> Result<Session, String> {
        let credential = self.credential()?;
        let (authority, tenant, client) = self.target()?;
        Session::app_only(
            AppSignIn {
                authority,
                tenant,
                credential,
            },
            client,
        )
        .await
        .map_err(|e| format!("app sign-in failed: {e}"))
    }
}

pub async fn run(command: AppAuthCommand) -> ExitCode {
    let mut out = std::io::stdout();
    let result = match command {
        AppAuthCommand::Check(args) => check(&args, &mut out).await,
        AppAuthCommand::StoreKey(args) => store_key(&args, &mut out),
        AppAuthCommand::ForgetKey(args) => args
            .client_id()
            .and_then(|id| {
                keychain()?.delete_app_key(id).map_err(|e| e.to_string())?;
                writeln!(out, "The key of app {id} is no longer in the OS keychain.")
                    .map_err(|e| e.to_string())
            })
            .map(|()| true),
    };
    crate::ending::exit(result)
}

fn store_key(args: &AppArgs, out: &mut dyn Write) -> Result<bool, String> {
    if args.app_key_from_keychain {
        return Err("store-key reads the key from --app-certificate-key KEY_PEM".into());
    }
    let credential = args.credential()?;
    let (pem, _) = args.key_pem()?;
    let mut text = secrecy::zeroize::Zeroizing::new(pem.to_string());
    if let Some(p) = &args.app_certificate {
        let cert = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        text.push('\n');
        text.push_str(&cert);
    }
    keychain()?
        .save_app_key(credential.client_id(), &text)
        .map_err(|e| e.to_string())?;
    writeln!(
        out,
        "The key of app {} (certificate x5t#S256 {}) is in the OS keychain; run with --app-key-from-keychain. You may now delete the PEM file.",
        credential.client_id(),
        credential.certificate().thumbprint_s256()
    )
    .map_err(|e| e.to_string())?;
    Ok(true)
}

/// One probe of an application permission: a read the run makes.
async fn probe(session: &Session, path: &str) -> Result<(), String> {
    session
        .graph()
        .raw(
            reqwest::Method::GET,
            prestage_core::graph::Api::V1,
            path,
            None,
        )
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

async fn check(args: &AppArgs, out: &mut dyn Write) -> Result<bool, String> {
    let w = |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(|e| e.to_string());
    let credential = match args.credential() {
        Ok(c) => c,
        Err(e) => {
            w(out, format!("key:         MISSING — {e}"))?;
            return Ok(false);
        }
    };
    let cert = credential.certificate();
    w(
        out,
        format!(
            "key:         ok (matches the certificate, x5t#S256 {})",
            cert.thumbprint_s256()
        ),
    )?;
    let now = Utc::now();
    let dates_ok = cert.not_before <= now && now < cert.not_after;
    let days_left = (cert.not_after - now).num_days();
    w(
        out,
        if !dates_ok {
            format!("certificate: NOT VALID NOW (valid {} to {}) — make a new one and upload it to the app registration", cert.not_before.date_naive(), cert.not_after.date_naive())
        } else if days_left < 30 {
            format!(
                "certificate: expires in {days_left} days ({}) — upload a new one before then",
                cert.not_after.date_naive()
            )
        } else {
            format!(
                "certificate: ok (valid until {})",
                cert.not_after.date_naive()
            )
        },
    )?;
    let session = match args.session().await {
        Ok(s) => s,
        Err(e) => {
            w(out, format!("sign-in:     FAILED — {e}"))?;
            return Ok(false);
        }
    };
    w(
        out,
        format!(
            "sign-in:     ok (app {} in tenant {})",
            credential.client_id(),
            session.account().tenant_id
        ),
    )?;
    let mut all = dates_ok;
    let user = session.graph().source_users(None).await;
    let first = user
        .as_ref()
        .ok()
        .and_then(|u| u.first().map(|u| u.id.clone()));
    let probes: Vec<(&str, String, &str)> = vec![
        (
            "User.Read.All",
            "users?$top=1&$select=id".into(),
            "needed: reads each user's mobilePhone, businessPhones, otherMails, usageLocation",
        ),
        (
            "GroupMember.Read.All",
            "groups?$top=1&$select=id".into(),
            "needed for --group",
        ),
        (
            "UserAuthMethod-Phone.ReadWrite.All",
            first
                .as_ref()
                .map(|id| format!("users/{id}/authentication/phoneMethods"))
                .unwrap_or_default(),
            "needed: reads and adds phone methods",
        ),
    ];
    for (role, path, why) in probes {
        let result = if path.is_empty() {
            Err("no user to test with".to_string())
        } else {
            probe(&session, &path).await
        };
        match result {
            Ok(()) => w(out, format!("permission:  {role} ok"))?,
            Err(e) => {
                all = false;
                w(out, format!("permission:  {role} MISSING ({why}) — {e}"))?;
            }
        }
    }
    w(out, "write access (phone writes, UserAuthMethod-Email.ReadWrite.All for --email, AuditLog.Read.All for --only-missing) is checked by the first run's preview: it never writes without --yes".into())?;
    Ok(all)
}
