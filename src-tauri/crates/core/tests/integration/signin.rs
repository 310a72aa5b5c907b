//! Sign-in against the sandbox's identity endpoints over real HTTP: authorize → loopback → token
//! with PKCE (the browser step played by the test), the refusals (state, verifier, replayed code,
//! expired refresh token), refresh rotation kept in the store, 401 → one refresh, device code,
//! timeouts and cancel; and, `#[ignore]`d, the keychain against a real Secret Service.

use std::sync::Arc;
use std::time::Duration;

use prestage_core::auth::{
    self, exchange_code, AccountKey, AuthError, AuthorizeRequest, KeyringStore, MemoryStore,
    SignInConfig, TokenStore,
};
use prestage_core::roles::Refusal;
use prestage_core::session::{Session, Target, SANDBOX_CLIENT_ID};
use prestage_core::CoreError;
use prestage_sandbox::{AdminRole, SandboxConfig};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::harness::{quick, tenant, Tenant};

const LONG: Duration = Duration::from_secs(30);

/// A sandbox that shows its account picker (no auto-approve): a browser must choose.
fn picker() -> SandboxConfig {
    SandboxConfig {
        users: 30,
        ..SandboxConfig::default()
    }
}

fn target(t: &Tenant) -> Target {
    Target::sandbox(t.sandbox.base_url(), "organizations")
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// What a person does in the browser: open the authorize URL, see the picker, press the button
/// of `upn` (the form posts the request's own parameters back). Returns the redirect's Location.
async fn choose_account(authorize: &Url, upn: &str) -> Url {
    let http = no_redirects();
    let page = http.get(authorize.clone()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("value=\"{upn}\"")),
        "no button for {upn}"
    );
    let mut form: Vec<(String, String)> = authorize.query_pairs().into_owned().collect();
    form.retain(|(k, _)| k != "login_hint");
    form.push(("account".into(), upn.into()));
    let answer = http
        .post(authorize.as_str().split('?').next().unwrap())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"].to_str().unwrap();
    Url::parse(location).unwrap()
}

/// The browser: chooses `upn`, lets `tamper` change the redirect, then follows it to the app's
/// loopback listener.
fn browser(
    upn: String,
    tamper: fn(Url) -> Url,
) -> impl FnOnce(&Url) -> Result<(), String> + Send + 'static {
    move |url: &Url| {
        let url = url.clone();
        tokio::spawn(async move {
            let redirect = tamper(choose_account(&url, &upn).await);
            let page = no_redirects().get(redirect).send().await.unwrap();
            assert_eq!(page.status(), 200);
            let text = page.text().await.unwrap();
            assert!(text.contains("close this tab"), "{text}");
        });
        Ok(())
    }
}

fn counters(t: &Tenant) -> Value {
    t.sandbox.dump()["counters"].clone()
}

fn auth_error(result: Result<Session, CoreError>) -> AuthError {
    match result {
        Err(CoreError::Auth(e)) => e,
        Err(other) => panic!("expected a sign-in error, got {other}"),
        Ok(s) => panic!("signed in as {}", s.account().user_principal_name),
    }
}

#[tokio::test]
async fn browser_sign_in_runs_authorize_loopback_token_with_pkce_and_keeps_only_the_refresh_token()
{
    let t = tenant(picker()).await;
    let upn = t.upn(AdminRole::PrivilegedAuthenticationAdministrator);
    let store = Arc::new(MemoryStore::default());
    let cancel = CancellationToken::new();
    let session = Session::sign_in_browser(
        &target(&t),
        store.clone(),
        None,
        browser(upn.clone(), |u| u),
        LONG,
        &cancel,
    )
    .await
    .unwrap();

    let account = session.account();
    assert_eq!(account.user_principal_name, upn);
    assert_eq!(account.tenant_id, t.sandbox.tenant_id());
    assert_eq!(account.tenant_name, "Contoso Sandbox");
    assert_eq!(
        session.headline_role(),
        "Privileged Authentication Administrator"
    );
    assert!(!session.powers().sees_masked_numbers());
    let stored = store.load(&session.key()).unwrap().unwrap();
    assert!(stored.expose_secret().starts_with("sbx-rt."));
    assert_eq!(counters(&t)["authorizationCodesIssued"], 1);
    session.graph().search_users("", 5).await.unwrap();

    session.sign_out().unwrap();
    assert!(store.load(&session.key()).unwrap().is_none());
}

/// A keychain that refuses every write, as a locked or absent one does; it reads what `held`
/// holds.
struct RefusingKeychain {
    held: MemoryStore,
}

impl TokenStore for RefusingKeychain {
    fn save(&self, _: &AccountKey, _: &SecretString) -> Result<(), auth::StoreError> {
        Err(auth::StoreError::Locked)
    }
    fn load(&self, key: &AccountKey) -> Result<Option<SecretString>, auth::StoreError> {
        self.held.load(key)
    }
    fn delete(&self, _: &AccountKey) -> Result<(), auth::StoreError> {
        Ok(())
    }
}

#[tokio::test]
async fn a_keychain_that_refuses_the_token_keeps_the_session_for_this_run_and_says_so() {
    let t = tenant(quick()).await;
    let upn = t.upn(AdminRole::AuthenticationAdministrator);
    let refusing = Arc::new(RefusingKeychain {
        held: MemoryStore::default(),
    });
    let session = Session::sign_in_auto(&target(&t), refusing.clone(), &upn)
        .await
        .expect("a completed sign-in survives a refusing keychain");
    session.graph().search_users("", 5).await.unwrap();
    let warning = session.keychain_warning().expect("the session says why");
    assert!(warning.contains("sign in again next time"), "{warning}");
    assert!(warning.contains("unlock"), "{warning}");
    assert!(!warning.contains("sbx-"), "{warning}");

    let kept = Session::sign_in_auto(&target(&t), Arc::new(MemoryStore::default()), &upn)
        .await
        .unwrap();
    assert_eq!(kept.keychain_warning(), None);

    // A resume whose rotated token cannot be kept goes on too, and says so.
    let stored = SecretString::from(kept_token(&t, &upn).await);
    refusing.held.save(&kept.key(), &stored).unwrap();
    let resumed = Session::resume(&target(&t), refusing, &kept.key())
        .await
        .unwrap()
        .expect("the held token resumes");
    assert!(resumed.keychain_warning().is_some());
}

/// A fresh refresh token of `upn`, as a keychain would hold it.
async fn kept_token(t: &Tenant, upn: &str) -> String {
    let store = Arc::new(MemoryStore::default());
    let session = Session::sign_in_auto(&target(t), store.clone(), upn)
        .await
        .unwrap();
    let token = store.load(&session.key()).unwrap().unwrap();
    token.expose_secret().to_string()
}

#[tokio::test]
async fn a_redirect_with_a_wrong_state_is_ignored() {
    let t = tenant(picker()).await;
    let upn = t.upn(AdminRole::AuthenticationAdministrator);
    let wrong_state = |mut u: Url| {
        let pairs: Vec<(String, String)> = u.query_pairs().into_owned().collect();
        u.query_pairs_mut().clear();
        for (k, v) in pairs {
            let v = if k == "state" { "forged".into() } else { v };
            u.query_pairs_mut().append_pair(&k, &v);
        }
        u
    };
    // A redirect with another state is answered 400 and ignored: it cannot end (or abort)
    // this sign-in, which goes on waiting for its own redirect until it times out.
    let open = move |url: &Url| {
        let url = url.clone();
        tokio::spawn(async move {
            let redirect = wrong_state(choose_account(&url, &upn).await);
            let page = no_redirects().get(redirect).send().await.unwrap();
            assert_eq!(page.status(), 400);
        });
        Ok(())
    };
    let e = auth_error(
        Session::sign_in_browser(
            &target(&t),
            Arc::new(MemoryStore::default()),
            None,
            open,
            Duration::from_secs(3),
            &CancellationToken::new(),
        )
        .await,
    );
    assert_eq!(e, AuthError::TimedOut);
    // The code was never redeemed.
    assert_eq!(counters(&t)["accessTokensIssued"], 0);
}

/// Two authorization requests to the same redirect URI: the code of the first is redeemed with
/// the second's verifier (and state, so the state check passes).
#[tokio::test]
async fn a_wrong_verifier_a_replayed_code_and_a_wrong_redirect_are_refused() {
    let t = tenant(picker()).await;
    let upn = t.upn(AdminRole::GlobalReader);
    let config = SignInConfig::new(t.sandbox.base_url(), "organizations", SANDBOX_CLIENT_ID);
    let redirect = "http://localhost:1/";
    let code_for = |request: &AuthorizeRequest| {
        let url = request.url.clone();
        let upn = upn.clone();
        async move {
            let location = choose_account(&url, &upn).await;
            auth::read_redirect(&location).unwrap().0
        }
    };

    let first = AuthorizeRequest::new(&config, redirect, None).unwrap();
    let code = code_for(&first).await;
    let other = AuthorizeRequest::new(&config, redirect, None).unwrap();
    let state = other.state().to_string();
    let e = exchange_code(&config, other, &code, &state)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            AuthError::Rejected {
                aadsts: Some(501481),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("PKCE check failed"), "{e}");

    // The right verifier works once; the same code again is refused.
    let state = first.state().to_string();
    exchange_code(&config, first, &code, &state).await.unwrap();
    let again = AuthorizeRequest::new(&config, redirect, None).unwrap();
    let state = again.state().to_string();
    let e = exchange_code(&config, again, &code, &state)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            AuthError::Rejected {
                aadsts: Some(54005),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("already used"), "{e}");

    // A code redeemed with another redirect URI than it was issued for.
    let third = AuthorizeRequest::new(&config, redirect, None).unwrap();
    let code = code_for(&third).await;
    let elsewhere = AuthorizeRequest::new(&config, "http://localhost:2/", None).unwrap();
    let state = elsewhere.state().to_string();
    let e = exchange_code(&config, elsewhere, &code, &state)
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("Mobile and desktop applications"),
        "{e}"
    );
}

#[tokio::test]
async fn an_expired_refresh_token_means_sign_in_again_and_is_deleted() {
    let t = tenant(SandboxConfig {
        refresh_token_lifetime: Duration::from_millis(1),
        ..quick()
    })
    .await;
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::default());
    let upn = t.upn(AdminRole::GlobalAdministrator);
    let session = Session::sign_in_auto(&target(&t), store.clone(), &upn)
        .await
        .unwrap();
    let key = session.key();
    assert!(store.load(&key).unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(20)).await;

    let e = auth_error(
        Session::resume(&target(&t), store.clone(), &key)
            .await
            .map(|s| s.unwrap()),
    );
    assert_eq!(e, AuthError::SessionExpired);
    assert_eq!(e.to_string(), "Your session has expired; sign in again.");
    assert!(store.load(&key).unwrap().is_none());
    // Nothing stored any more: signed out, nothing to resume (and the authority is not asked).
    let redeemed = counters(&t)["refreshTokensRedeemed"].clone();
    assert!(Session::resume(&target(&t), store, &key)
        .await
        .unwrap()
        .is_none());
    assert_eq!(counters(&t)["refreshTokensRedeemed"], redeemed);
}

#[tokio::test]
async fn rotated_refresh_tokens_are_stored_and_resume_needs_no_browser() {
    let t = tenant(quick()).await;
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::default());
    let upn = t.upn(AdminRole::PrivilegedAuthenticationAdministrator);
    let session = Session::sign_in_auto(&target(&t), store.clone(), &upn)
        .await
        .unwrap();
    let key = session.key();
    let first = store.load(&key).unwrap().unwrap();

    t.sandbox.expire_all_tokens();
    session.graph().search_users("", 5).await.unwrap();
    let second = store.load(&key).unwrap().unwrap();
    assert_ne!(first.expose_secret(), second.expose_secret());
    assert_eq!(counters(&t)["refreshTokensRedeemed"], 1);

    let codes = counters(&t)["authorizationCodesIssued"].clone();
    let resumed = Session::resume(&target(&t), store.clone(), &key)
        .await
        .unwrap()
        .expect("a stored refresh token");
    assert_eq!(resumed.account(), session.account());
    assert_eq!(
        counters(&t)["authorizationCodesIssued"],
        codes,
        "no browser"
    );
    let third = store.load(&key).unwrap().unwrap();
    assert_ne!(third.expose_secret(), second.expose_secret());
}

#[tokio::test]
async fn a_401_mid_run_refreshes_once_and_the_run_continues() {
    let t = tenant(quick()).await;
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::default());
    let upn = t.upn(AdminRole::PrivilegedAuthenticationAdministrator);
    let session = Session::sign_in_auto(&target(&t), store.clone(), &upn)
        .await
        .unwrap();
    let g = session.graph();
    let before = g.search_users("", 10).await.unwrap();
    t.sandbox.expire_all_tokens();
    // Several requests meet the 401 at once: one refresh serves them all.
    let (a, b, c, d) = tokio::join!(
        g.search_users("", 10),
        g.me(),
        g.organization(),
        g.my_powers()
    );
    assert_eq!(a.unwrap().len(), before.len());
    b.unwrap();
    c.unwrap();
    d.unwrap();
    assert_eq!(counters(&t)["refreshTokensRedeemed"], 1);
    let kept = store.load(&session.key()).unwrap().unwrap();
    let resumed = Session::resume(&target(&t), store, &session.key()).await;
    assert!(
        matches!(resumed, Ok(Some(_))),
        "the rotated token ({} chars) works",
        kept.expose_secret().len()
    );
}

#[tokio::test]
async fn device_code_polls_until_approved_and_knows_the_admins_roles() {
    let t = tenant(picker()).await;
    let upn = t.upn(AdminRole::AuthenticationAdministrator);
    let target = target(&t);
    let code = auth::start_device_code(&target.sign_in).await.unwrap();
    assert!(code.verification_uri.ends_with("/devicelogin"));
    assert!(code.message.contains(&code.user_code));
    assert!(
        !format!("{code:?}").contains("sbx-dc"),
        "device code is secret"
    );
    let page = code.verification_uri.clone();
    let user_code = code.user_code.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let answer = reqwest::Client::new()
            .post(page)
            .form(&[("user_code", user_code.as_str()), ("account", upn.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    });
    let store = Arc::new(MemoryStore::default());
    let session = Session::sign_in_device(&target, store.clone(), &code, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(session.headline_role(), "Authentication Administrator");
    let powers = session.powers();
    assert!(!powers.reads_registration_report());
    assert!(powers.sees_masked_numbers());
    assert_eq!(powers.check_write(&[], true), Err(Refusal::SelfEdit));
    assert!(store.load(&session.key()).unwrap().is_some());
}

#[tokio::test]
async fn device_code_and_browser_sign_in_can_be_cancelled_or_time_out() {
    let t = tenant(picker()).await;
    let target = target(&t);
    let cancel = CancellationToken::new();
    let code = auth::start_device_code(&target.sign_in).await.unwrap();
    let stop = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.cancel();
    });
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::default());
    let e = auth_error(Session::sign_in_device(&target, store.clone(), &code, &cancel).await);
    assert_eq!(e, AuthError::Cancelled);

    let nobody_comes = |_: &Url| Ok(());
    let e = auth_error(
        Session::sign_in_browser(
            &target,
            store.clone(),
            None,
            nobody_comes,
            Duration::from_millis(200),
            &CancellationToken::new(),
        )
        .await,
    );
    assert_eq!(e, AuthError::TimedOut);
    assert!(e.to_string().contains("start it again"), "{e}");
    let no_browser = |_: &Url| Err("xdg-open not found".to_string());
    let e =
        auth_error(Session::sign_in_browser(&target, store, None, no_browser, LONG, &cancel).await);
    assert!(e.to_string().contains("browser could not be opened"), "{e}");
}

fn test_service() -> String {
    format!("app.prestage.test.{}", std::process::id())
}

/// `.ci/test` runs this under `dbus-run-session` with an unlocked gnome-keyring.
#[tokio::test]
#[ignore = "needs a Secret Service: .ci/test runs it under gnome-keyring"]
async fn keychain_keeps_refresh_tokens_in_the_real_secret_service() {
    let store = KeyringStore::with_service(&test_service());
    let a = AccountKey {
        tenant_id: "tenant-1".into(),
        account_id: "account-a".into(),
        binding: "b".into(),
    };
    let b = AccountKey {
        account_id: "account-b".into(),
        ..a.clone()
    };
    assert!(store.load(&a).unwrap().is_none());
    store.save(&a, &SecretString::from("rt-a-1")).unwrap();
    store.save(&b, &SecretString::from("rt-b-1")).unwrap();
    store.save(&a, &SecretString::from("rt-a-2")).unwrap();
    assert_eq!(store.load(&a).unwrap().unwrap().expose_secret(), "rt-a-2");
    assert_eq!(store.load(&b).unwrap().unwrap().expose_secret(), "rt-b-1");
    store.delete(&a).unwrap();
    store.delete(&a).unwrap();
    assert!(store.load(&a).unwrap().is_none());
    assert!(store.load(&b).unwrap().is_some());
    store.delete(&b).unwrap();

    // Longer than one Windows entry holds: split across entries, read back whole, removed whole.
    let long: String = (0..4_000)
        .map(|i| {
            char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[i % 64])
        })
        .collect();
    assert!(long.len() > auth::PART_LIMIT);
    store.save(&a, &SecretString::from(long.clone())).unwrap();
    assert_eq!(store.load(&a).unwrap().unwrap().expose_secret(), long);
    let longer = format!("{long}{long}");
    store.save(&a, &SecretString::from(longer.clone())).unwrap();
    assert_eq!(store.load(&a).unwrap().unwrap().expose_secret(), longer);
    store.save(&a, &SecretString::from("rt-a-3")).unwrap();
    assert_eq!(store.load(&a).unwrap().unwrap().expose_secret(), "rt-a-3");
    // The part entries themselves: two for 4,000 characters, none once deleted.
    let parts = || {
        (0..2)
            .flat_map(|g| (0..4).map(move |i| format!("tenant-1/account-a@b#{g}.{i}")))
            .filter(|name| {
                let entry = keyring::Entry::new(&test_service(), name).unwrap();
                !matches!(entry.get_secret(), Err(keyring::Error::NoEntry))
            })
            .count()
    };
    store.save(&a, &SecretString::from(long.clone())).unwrap();
    assert_eq!(parts(), 2);
    store.delete(&a).unwrap();
    assert!(store.load(&a).unwrap().is_none());
    assert_eq!(parts(), 0, "a part was left behind");

    // The whole round: sign in, quit (drop), resume from the keychain, sign out.
    let t = tenant(quick()).await;
    let store: Arc<dyn TokenStore> = Arc::new(KeyringStore::with_service(&test_service()));
    let upn = t.upn(AdminRole::GlobalReader);
    let key = Session::sign_in_auto(&target(&t), store.clone(), &upn)
        .await
        .unwrap()
        .key();
    let resumed = Session::resume(&target(&t), store.clone(), &key)
        .await
        .unwrap()
        .expect("the keychain holds the refresh token");
    assert_eq!(resumed.account().user_principal_name, upn);
    assert_eq!(resumed.keychain_warning(), None);
    let stored = store.load(&key).unwrap().unwrap();
    assert!(
        stored.expose_secret().len() >= 1_500,
        "the sandbox's refresh tokens are as long as Entra's"
    );
    resumed.sign_out().unwrap();
    assert!(store.load(&key).unwrap().is_none());
}

/// `.ci/test` runs this with no reachable D-Bus session: the error says what to do.
#[test]
#[ignore = "needs an unreachable Secret Service: .ci/test runs it with a bogus D-Bus address"]
fn keychain_unreachable_says_what_to_do() {
    let store = KeyringStore::with_service(&test_service());
    let key = AccountKey {
        tenant_id: "t".into(),
        account_id: "a".into(),
        binding: "b".into(),
    };
    let e = store.save(&key, &SecretString::from("rt-x")).unwrap_err();
    let text = AuthError::from(e).to_string();
    assert!(
        text.contains("Secret Service") || text.contains("unlock"),
        "{text}"
    );
    assert!(!text.contains("rt-x"));
}

/// The refresh token goes only where it came from: a resume whose authority differs (an edited
/// settings file, another PRESTAGE_AUTHORITY) is refused before anything is sent.
#[tokio::test]
async fn a_stored_token_is_never_redeemed_at_another_authority() {
    let t = tenant(quick()).await;
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::default());
    let upn = t.upn(AdminRole::GlobalReader);
    let key = Session::sign_in_auto(&target(&t), store.clone(), &upn)
        .await
        .unwrap()
        .key();
    let elsewhere = Url::parse(
        &t.sandbox
            .base_url()
            .as_str()
            .replace("127.0.0.1", "localhost"),
    )
    .unwrap();
    let before = t.sandbox.dump()["tokens"].clone();
    let refused = Session::resume(
        &Target::sandbox(elsewhere, "organizations"),
        store.clone(),
        &key,
    )
    .await;
    assert!(
        matches!(refused, Err(CoreError::Auth(AuthError::SettingsChanged))),
        "{:?}",
        refused.err()
    );
    assert_eq!(t.sandbox.dump()["tokens"], before, "nothing was sent");
    assert!(
        store.load(&key).unwrap().is_some(),
        "the entry is kept for its own settings"
    );
}
