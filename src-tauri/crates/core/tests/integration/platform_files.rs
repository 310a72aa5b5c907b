//! What differs between Windows, macOS and Linux for the files Prestage writes, tested on the one
//! platform CI has: a profile folder with a space and non-ASCII letters (as
//! `C:\Users\José Østberg\AppData\Roaming`) for settings, the audit log and its export;
//! run ids that never differ only by case; exported CSVs in UTF-8 with a BOM and CRLF line ends
//! only; the sign-in listener on the loopback address only (no firewall prompt on Windows).

use std::path::PathBuf;

use chrono::Utc;
use prestage_core::audit::{AuditEntry, AuditLog};
use prestage_core::auth::Loopback;
use prestage_core::import::new_run_id;
use prestage_core::settings::Settings;

fn profile_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("prestage-{name}-{}", std::process::id()))
        .join("José Østberg")
        .join("App Data")
        .join("app.prestage.desktop");
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Every line ends in CRLF: no bare LF, no bare CR.
fn crlf_only(text: &str) -> bool {
    text.ends_with("\r\n")
        && text
            .match_indices('\n')
            .all(|(i, _)| i > 0 && &text[i - 1..i] == "\r")
        && text
            .match_indices('\r')
            .all(|(i, _)| text[i + 1..].starts_with('\n'))
}

#[test]
fn settings_and_the_audit_log_live_under_a_non_ascii_profile_path() {
    let dir = profile_dir("files");

    let settings = Settings {
        client_id: Some("0b8a7d10-4c1e-4f7a-9c2d-5e6f70818293".into()),
        tenant: Some("contoso.onmicrosoft.com".into()),
        ..Settings::default()
    };
    settings.save(&dir).unwrap();
    settings.save(&dir).unwrap(); // replacing the existing file works too
    assert_eq!(Settings::load(&dir).unwrap(), settings);

    // Run ids are case-insensitive-safe: they never differ from another id only by case.
    let run = new_run_id();
    assert!(run
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c.is_ascii_lowercase()));

    let log = AuditLog::in_dir(&dir);
    log.append(AuditEntry {
        time: Utc::now(),
        admin: "josé.østberg@contoso.example".into(),
        user: "zoë@contoso.example".into(),
        user_id: "id".into(),
        method: "mobile".into(),
        action: "change".into(),
        before: Some("+44 7400123456".into()),
        after: Some("+44 7400123457".into()),
        request_id: Some("r".into()),
        ok: true,
        error: None,
    })
    .unwrap();
    let exported = log.export_csv(&dir).unwrap();
    let bytes = std::fs::read(&exported).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(crlf_only(&text), "not CRLF only: {text:?}");
    assert!(text.contains("zoë@contoso.example"), "{text}");

    let _ = std::fs::remove_dir_all(dir.ancestors().nth(3).unwrap());
}

#[test]
fn the_results_export_is_crlf_with_a_bom() {
    let bytes = prestage_core::import::results_csv(&[], false);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(crlf_only(std::str::from_utf8(&bytes[3..]).unwrap()));
}

/// This machine's address on its default route (no packet is sent), unless it has none.
fn outward_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind(("0.0.0.0", 0)).ok()?;
    socket.connect(("192.0.2.1", 9)).ok()?; // TEST-NET-1: routing only
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[tokio::test]
async fn the_sign_in_listener_is_on_loopback_only() {
    let loopback = Loopback::bind().await.unwrap();
    let uri = url::Url::parse(&loopback.redirect_uri()).unwrap();
    assert_eq!(uri.host_str(), Some("localhost"));
    let port = uri.port().unwrap();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    // A listener on 0.0.0.0 would answer on the machine's network address too (and make Windows
    // Defender Firewall ask); this one must not.
    match outward_address() {
        Some(ip) => assert!(
            std::net::TcpStream::connect((ip, port)).is_err(),
            "the sign-in listener answers on {ip}"
        ),
        None => eprintln!("no network address besides loopback: only 127.0.0.1 checked"),
    }
}
