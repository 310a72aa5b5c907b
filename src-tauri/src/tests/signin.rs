//! Sign-in over IPC against a sandbox tenant with its account picker: setup, the browser flow
//! (the test plays the browser), "restart" with no browser, sign-out, device code, the sandbox
//! button — and no token text in the settings dir or any answer.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use prestage_core::auth::{AccountKey, TokenStore};
use prestage_core::places::Places;
use prestage_core::settings::Settings;
use prestage_sandbox::{AdminRole, RunningSandbox, SandboxConfig};
use serde_json::{json, Value};
use url::Url;

use super::{app, invoke, memory};
use crate::launch::{Launch, Mode};
use crate::state::AppState;
use crate::Browser;

const CLIENT_ID: &str = "0b8a7d10-4c1e-4f7a-9c2d-5e6f70818293";

fn sandbox() -> RunningSandbox {
    tauri::async_runtime::block_on(prestage_sandbox::start(
        SandboxConfig {
            users: 20,
            ..Default::default()
        },
        0,
    ))
    .unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("prestage-app-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn launch(sandbox: Option<&RunningSandbox>, dir: &Path) -> Launch {
    let overrides = match sandbox {
        Some(s) => Settings {
            client_id: Some(CLIENT_ID.into()),
            tenant: Some(s.tenant_id().into()),
            authority: Some(s.base_url()),
            graph: Some(s.base_url()),
            developer_endpoints: true,
            ..Settings::default()
        },
        None => Settings::default(),
    };
    Launch {
        mode: Mode::Tenant,
        sandbox_users: Some(20),
        overrides,
        places: Places {
            config_dir: dir.to_path_buf(),
            data_dir: dir.join("data"),
            keychain_service: "app.prestage.unit-test".into(),
        },
        browser: None,
        no_updates: false,
        sandbox_url: None,
    }
}

/// The keychain key a sign-in to `tenant` as `who` is stored under.
fn key_of(tenant: &RunningSandbox, dir: &Path, who: &str) -> AccountKey {
    let account = tenant
        .accounts()
        .into_iter()
        .find(|a| a.user_principal_name == who);
    let target = launch(Some(tenant), dir)
        .overrides
        .target()
        .unwrap()
        .unwrap();
    AccountKey {
        tenant_id: tenant.tenant_id().into(),
        account_id: account.unwrap().id,
        binding: target.sign_in.binding(),
    }
}

fn upn(sandbox: &RunningSandbox, role: AdminRole) -> String {
    let account = sandbox.accounts().into_iter().find(|a| a.role == role);
    account.unwrap().user_principal_name
}

/// The person at the browser: picks `upn` on the sandbox's page and follows the redirect home.
fn person_at_the_browser(upn: String, opened: Arc<AtomicUsize>) -> Browser {
    Browser::Callback(Arc::new(move |url: &Url| {
        opened.fetch_add(1, Ordering::SeqCst);
        let (url, upn) = (url.clone(), upn.clone());
        tauri::async_runtime::spawn(async move {
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let page = http.get(url.clone()).send().await.unwrap();
            assert!(page.text().await.unwrap().contains(&upn));
            let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            form.push(("account".into(), upn));
            let action = format!("{}{}", url.origin().ascii_serialization(), url.path());
            let answer = http.post(action).form(&form).send().await.unwrap();
            let home = answer.headers()["location"].to_str().unwrap().to_string();
            http.get(home).send().await.unwrap();
        });
        Ok(())
    }))
}

/// Every file under `dir`, as text.
fn files_under(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            text.push_str(&files_under(&path));
        } else {
            text.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
    }
    text
}

#[test]
fn browser_sign_in_restart_without_browser_and_sign_out_leave_no_token_behind() {
    let tenant = sandbox();
    let dir = temp_dir("browser");
    let store = memory();
    let who = upn(&tenant, AdminRole::AuthenticationAdministrator);
    let opened = Arc::new(AtomicUsize::new(0));
    let state = || {
        AppState::new(Ok(launch(Some(&tenant), &dir)), store.clone())
            .with_browser(person_at_the_browser(who.clone(), opened.clone()))
    };
    let mut answers = Vec::<Value>::new();

    let (first, webview) = app(state());
    let status = invoke(&webview, "app_status", json!({})).unwrap();
    assert!(status["session"].is_null(), "{status}");
    assert_eq!(status["setup"]["configured"], true);
    let info = invoke(&webview, "sign_in_browser", json!({})).unwrap();
    assert_eq!(info["account"]["userPrincipalName"], who.as_str());
    assert_eq!(info["tenantName"], "Contoso Sandbox");
    assert_eq!(info["role"], "Authentication Administrator");
    assert_eq!(info["powers"]["seesMaskedNumbers"], true);
    assert_eq!(info["powers"]["canReadReports"], false);
    assert_eq!(opened.load(Ordering::SeqCst), 1);
    answers.push(info);
    answers.push(invoke(&webview, "list_users", json!({ "query": "" })).unwrap());
    drop(webview);
    drop(first); // quit

    let (second, webview) = app(state());
    let status = invoke(&webview, "app_status", json!({})).unwrap();
    assert_eq!(
        status["session"]["account"]["userPrincipalName"],
        who.as_str(),
        "{status}"
    );
    assert_eq!(opened.load(Ordering::SeqCst), 1, "no browser on restart");
    answers.push(status);
    let status = invoke(&webview, "sign_out", json!({})).unwrap();
    assert!(status["session"].is_null());
    assert_eq!(
        status["rememberedAccount"]["userPrincipalName"],
        who.as_str()
    );
    let error = invoke(&webview, "list_users", json!({ "query": "" })).unwrap_err();
    assert_eq!(error, json!({ "kind": "notSignedIn" }));
    answers.push(status);
    drop(webview);
    drop(second);

    let key = key_of(&tenant, &dir, &who);
    assert!(store.load(&key).unwrap().is_none(), "sign-out deleted it");
    let (_third, webview) = app(state());
    let status = invoke(&webview, "app_status", json!({})).unwrap();
    assert!(
        status["session"].is_null() && status["problem"].is_null(),
        "{status}"
    );
    let on_disk = files_under(&dir);
    assert!(on_disk.contains(&who), "the account is remembered");
    for text in [on_disk, format!("{answers:?}")] {
        assert!(!text.contains("sbx-"), "token text leaked: {text}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn device_code_sign_in_over_ipc() {
    let tenant = sandbox();
    let dir = temp_dir("device");
    let (_app, webview) = app(AppState::new(Ok(launch(Some(&tenant), &dir)), memory()));
    let off = invoke(&webview, "sign_in_device_start", json!({})).unwrap_err();
    assert_eq!(off["kind"], "refused", "device codes are opt-in: {off}");
    let setup = json!({ "clientId": CLIENT_ID, "tenant": tenant.tenant_id(), "deviceCode": true });
    let status = invoke(&webview, "save_setup", setup).unwrap();
    assert_eq!(status["setup"]["deviceCode"], true);
    let code = invoke(&webview, "sign_in_device_start", json!({})).unwrap();
    let user_code = code["userCode"].as_str().unwrap().to_string();
    assert!(code["message"].as_str().unwrap().contains(&user_code));
    assert!(!code.to_string().contains("sbx-dc"), "{code}");
    let page = code["verificationUri"].as_str().unwrap().to_string();
    let who = upn(&tenant, AdminRole::GlobalReader);
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let form = [("user_code", user_code), ("account", who)];
        reqwest::Client::new()
            .post(page)
            .form(&form)
            .send()
            .await
            .unwrap();
    });
    let info = invoke(&webview, "sign_in_device_finish", json!({})).unwrap();
    assert_eq!(info["role"], "Global Reader");
    assert_eq!(info["powers"]["changesNonAdmins"], false);
    assert_eq!(info["powers"]["canReadReports"], true);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn setup_is_validated_saved_and_makes_an_admin_consent_link() {
    let dir = temp_dir("setup");
    let (_app, webview) = app(AppState::new(Ok(launch(None, &dir)), memory()));
    let status = invoke(&webview, "app_status", json!({})).unwrap();
    assert_eq!(status["setup"]["configured"], false);
    assert_eq!(status["setup"]["tenant"], "organizations");
    let refused = invoke(&webview, "sign_in_browser", json!({})).unwrap_err();
    assert_eq!(refused["kind"], "invalidSetup", "{refused}");

    let bad = json!({ "clientId": "my app", "tenant": "organizations", "deviceCode": false });
    let error = invoke(&webview, "save_setup", bad).unwrap_err();
    assert_eq!(error["kind"], "invalidSetup");
    assert_eq!(error["field"], "clientId");
    let link = json!({ "clientId": CLIENT_ID, "tenant": "contoso.onmicrosoft.com" });
    let url = invoke(&webview, "admin_consent_link", link.clone()).unwrap();
    assert!(url
        .as_str()
        .unwrap()
        .starts_with("https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id=0b8a7d10"));
    let mut link = link;
    link["deviceCode"] = json!(false);
    let status = invoke(&webview, "save_setup", link).unwrap();
    assert_eq!(status["setup"]["configured"], true);
    assert_eq!(status["setup"]["clientId"], CLIENT_ID);
    assert!(Settings::load(&dir).unwrap().is_configured());

    // "Try the sandbox tenant" needs none of it, and signing out of it works the same way.
    let info = invoke(&webview, "use_sandbox", json!({})).unwrap();
    assert_eq!(info["sandbox"], true);
    let status = invoke(&webview, "sign_out", json!({})).unwrap();
    assert!(status["session"].is_null());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn trying_the_sandbox_signs_the_real_account_out_first() {
    let tenant = sandbox();
    let dir = temp_dir("sandbox-switch");
    let store = memory();
    let who = upn(&tenant, AdminRole::AuthenticationAdministrator);
    let opened = Arc::new(AtomicUsize::new(0));
    let state = || {
        AppState::new(Ok(launch(Some(&tenant), &dir)), store.clone())
            .with_browser(person_at_the_browser(who.clone(), opened.clone()))
    };
    let (first, webview) = app(state());
    invoke(&webview, "sign_in_browser", json!({})).unwrap();
    let key = key_of(&tenant, &dir, &who);
    assert!(store.load(&key).unwrap().is_some());
    let info = invoke(&webview, "use_sandbox", json!({})).unwrap();
    assert_eq!(info["tenantName"], "Contoso Sandbox");
    assert!(
        store.load(&key).unwrap().is_none(),
        "the real account's stored sign-in is gone"
    );
    drop(webview);
    drop(first);
    let (_second, webview) = app(state());
    let status = invoke(&webview, "app_status", json!({})).unwrap();
    assert!(
        status["session"].is_null(),
        "no silent sign-in to the real tenant after the sandbox: {status}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_resume_with_other_endpoints_is_refused_and_sends_nothing() {
    let tenant = sandbox();
    let dir = temp_dir("rebound");
    let store = memory();
    let who = upn(&tenant, AdminRole::AuthenticationAdministrator);
    let opened = Arc::new(AtomicUsize::new(0));
    let (first, webview) = app(
        AppState::new(Ok(launch(Some(&tenant), &dir)), store.clone())
            .with_browser(person_at_the_browser(who.clone(), opened.clone())),
    );
    invoke(&webview, "sign_in_browser", json!({})).unwrap();
    drop(webview);
    drop(first);
    // Someone points the settings at another sign-in server (here: the same sandbox under
    // another name, so a token sent there would be seen as a redeemed refresh).
    let mut elsewhere = launch(Some(&tenant), &dir);
    let other = Url::parse(&tenant.base_url().as_str().replace("127.0.0.1", "localhost")).unwrap();
    elsewhere.overrides.authority = Some(other);
    let (_second, webview) = app(AppState::new(Ok(elsewhere), store.clone()));
    let status = invoke(&webview, "app_status", json!({})).unwrap();
    assert!(status["session"].is_null(), "{status}");
    let problem = status["problem"]["message"].as_str().unwrap_or_default();
    assert!(problem.contains("changed since"), "{status}");
    assert!(
        store.load(&key_of(&tenant, &dir, &who)).unwrap().is_some(),
        "the stored sign-in is kept for the settings it belongs to"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
