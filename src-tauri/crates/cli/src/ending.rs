//! How a command ends: its exit code, and Ctrl-C cancelling a run (rows in flight finish, the
//! rest stay untouched).

use std::process::ExitCode;

use prestage_core::import::ApplyControl;

/// Exit code for a command that may have failed rows.
pub fn exit(result: Result<bool, String>) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// A control that cancels on Ctrl-C: rows in flight finish, the rest stay untouched.
pub(crate) fn control() -> ApplyControl {
    control_of("rows")
}

/// `control` for a run that counts `unit` ("rows", "users").
pub(crate) fn control_of(unit: &'static str) -> ApplyControl {
    let control = ApplyControl::default();
    let c = control.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\ncancelling: {unit} in flight finish, the rest stay untouched");
            c.cancel();
        }
    });
    control
}
