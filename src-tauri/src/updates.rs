//! Updates: once at start-up, Rust asks the release feed (`latest.json` of the project's latest
//! release, baked into release builds by the release workflow) whether a newer Prestage exists,
//! and if so asks the person in a native dialog before downloading and installing it. The
//! webview has no updater permission; nothing is installed without a click.
//!
//! No check at all: in sandbox mode, for MSI installs (per machine, deployed and updated by
//! Intune / SCCM / PDQ — a self-update would fight the deployment and needs admin rights), for
//! builds not installed from a bundle (`cargo build`), with `PRESTAGE_NO_UPDATES=1`, and for
//! builds without an update endpoint (local and unsigned builds).

use tauri::utils::config::BundleType;
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::launch::{Launch, Mode};

/// Whether this launch looks for updates, and if not, why not (logged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Check,
    Skip(&'static str),
}

/// Decides from the launch and how this copy was installed (`bundle_type()` is patched into the
/// binary by the bundler: NSIS, MSI, .deb, AppImage; always .app on macOS).
pub fn decide(launch: Option<&Launch>, bundle: Option<BundleType>) -> Decision {
    let Some(launch) = launch else {
        return Decision::Skip("the launch settings are invalid");
    };
    if launch.mode == Mode::Sandbox {
        return Decision::Skip("sandbox mode");
    }
    if launch.no_updates {
        return Decision::Skip("PRESTAGE_NO_UPDATES is set");
    }
    match bundle {
        None => Decision::Skip("not installed from an installer"),
        Some(BundleType::Msi) => {
            Decision::Skip("installed per machine from the MSI: updates come with the deployment")
        }
        Some(_) => Decision::Check,
    }
}

/// Starts the check in the background when `decision` says so.
pub fn start<R: Runtime>(app: &AppHandle<R>, decision: Decision) {
    if let Decision::Skip(why) = decision {
        tracing::info!("update check off: {why}");
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let updater = match app.updater() {
            Ok(updater) => updater,
            Err(tauri_plugin_updater::Error::EmptyEndpoints) => {
                tracing::info!("update check off: this build has no update endpoint");
                return;
            }
            Err(error) => {
                tracing::warn!(%error, "the updater could not be set up");
                return;
            }
        };
        match updater.check().await {
            Ok(Some(update)) => ask(&app, update),
            Ok(None) => tracing::info!("Prestage is up to date"),
            Err(error) => tracing::warn!(%error, "the update check failed"),
        }
    });
}

fn ask<R: Runtime>(app: &AppHandle<R>, update: Update) {
    let notes = update
        .body
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| format!("\n\n{b}"))
        .unwrap_or_default();
    let message = format!(
        "Prestage {} is available (this is {}).{notes}\n\nInstall it now? Prestage closes and \
         starts again when it is done; an interrupted import can be resumed from Runs.",
        update.version, update.current_version
    );
    let handle = app.clone();
    app.dialog()
        .message(message)
        .title("Update available")
        .kind(MessageDialogKind::Info)
        .buttons(MessageDialogButtons::OkCancelCustom(
            "Install and restart".into(),
            "Not now".into(),
        ))
        .show(move |install| {
            if !install {
                tracing::info!(version = %update.version, "update declined");
                return;
            }
            tauri::async_runtime::spawn(async move {
                match update.download_and_install(|_, _| {}, || {}).await {
                    Ok(()) => handle.restart(),
                    Err(error) => {
                        tracing::warn!(%error, "the update could not be installed");
                        handle
                            .dialog()
                            .message(format!("The update could not be installed: {error}"))
                            .title("Update failed")
                            .kind(MessageDialogKind::Error)
                            .show(|_| {});
                    }
                }
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch(mode: Mode, no_updates: bool) -> Launch {
        Launch {
            mode,
            no_updates,
            ..Launch::sandbox(None)
        }
    }

    #[test]
    fn checks_only_installed_tenant_launches_outside_msi() {
        let tenant = launch(Mode::Tenant, false);
        for bundle in [
            BundleType::Nsis,
            BundleType::Deb,
            BundleType::AppImage,
            BundleType::App,
        ] {
            assert_eq!(decide(Some(&tenant), Some(bundle)), Decision::Check);
        }
        let skipped =
            |launch: Option<&Launch>, bundle| matches!(decide(launch, bundle), Decision::Skip(_));
        assert!(skipped(Some(&tenant), Some(BundleType::Msi)));
        assert!(skipped(Some(&tenant), None));
        assert!(skipped(
            Some(&launch(Mode::Sandbox, false)),
            Some(BundleType::Nsis)
        ));
        assert!(skipped(
            Some(&launch(Mode::Tenant, true)),
            Some(BundleType::Nsis)
        ));
        assert!(skipped(None, Some(BundleType::Nsis)));
    }
}
