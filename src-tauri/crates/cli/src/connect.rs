//! How a command reaches the tenant: `--sandbox URL` (signed in directly, no browser, no keychain)
//! or the remembered sign-in (`prestage-cli login`).

use prestage_core::session::Session;
use url::Url;

/// How to reach the tenant for import commands.
#[derive(clap::Args, Debug, Clone)]
pub struct Connect {
    /// Use the sandbox tenant served at URL (signs in with no browser; see `prestage-cli sandbox --auto-approve`).
    /// Without it, the remembered sign-in (`prestage-cli login`) is used.
    #[arg(long, value_name = "URL")]
    pub sandbox: Option<Url>,
    /// With --sandbox: the account to act as (default: the sandbox's Privileged Authentication Administrator).
    #[arg(long, value_name = "UPN")]
    pub account: Option<String>,
}

/// The session an import command acts with: a sandbox signed in directly, or the remembered one.
pub async fn session(connect: &Connect) -> Result<Session, String> {
    match &connect.sandbox {
        Some(url) => sandbox_session(url, connect.account.as_deref()).await,
        None => crate::auth_cmd::signed_in(&crate::auth_cmd::Context::from_env()?).await,
    }
}

/// Signs in to a sandbox tenant directly (no browser, no keychain).
pub async fn sandbox_session(url: &Url, account: Option<&str>) -> Result<Session, String> {
    let client = reqwest::Client::new();
    let accounts: Vec<serde_json::Value> = client
        .get(url.join("_sandbox/accounts").map_err(|e| e.to_string())?)
        .send()
        .await
        .map_err(|e| format!("the sandbox at {url} does not answer: {e}"))?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let upn = match account {
        Some(a) => a.to_string(),
        None => accounts
            .iter()
            .find(|a| a["role"] == "Privileged Authentication Administrator")
            .and_then(|a| a["userPrincipalName"].as_str())
            .ok_or("the sandbox lists no Privileged Authentication Administrator")?
            .to_string(),
    };
    Session::sign_in_auto_approved(url.clone(), url.clone(), "organizations", &upn)
        .await
        .map_err(|e| e.to_string())
}
