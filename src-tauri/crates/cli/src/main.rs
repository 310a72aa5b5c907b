//! prestage-cli: the headless twin of the Prestage app. One module per subcommand; this file
//! only parses the command line and dispatches.

mod app_auth_cmd;
mod auth_cmd;
mod connect;
mod ending;
mod import_cmd;
mod migrate_cmd;
mod prepopulate_cmd;
mod report_cmd;
mod sandbox_cmd;
mod user_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "prestage-cli", version, about = "Prestage without the window.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the sandbox tenant (simulated Microsoft Graph + sign-in) in the foreground.
    Sandbox(sandbox_cmd::Args),
    /// Sign in (system browser, device code, or a sandbox URL with no browser) and remember it.
    Login(auth_cmd::LoginArgs),
    /// Who is signed in, to which tenant, and what their roles allow (signs in silently).
    Whoami(auth_cmd::AccountArgs),
    /// Delete the remembered sign-in's refresh token from the OS keychain.
    Logout(auth_cmd::AccountArgs),
    /// Show, per CSV row, what would change in the tenant (nothing is written).
    Preview(import_cmd::PreviewArgs),
    /// Apply a CSV's previewed changes (needs --yes), journaled so it can be resumed and undone.
    Apply(import_cmd::ApplyArgs),
    /// List import runs (newest first), with what is pending.
    Runs(import_cmd::RunsArgs),
    /// Finish the rows of an interrupted or cancelled run.
    Resume(import_cmd::RunArgs),
    /// Show what undoing a run would restore now; with --yes, restore it (slots changed since the
    /// run are left alone; what cannot be restored is listed).
    Undo(import_cmd::RunArgs),
    /// Pre-populate methods from each user's directory attributes, unattended (app-only
    /// certificate sign-in); previews without --yes.
    Prepopulate(prepopulate_cmd::PrepopulateArgs),
    /// App-only sign-in for unattended runs: check it, or keep its key in the OS keychain.
    #[command(subcommand)]
    AppAuth(app_auth_cmd::AppAuthCommand),
    /// The tenant report: who is registered with what, who cannot do MFA, who breaks on 1 Feb 2027.
    Report(report_cmd::ReportArgs),
    /// The move off SMS and voice before 1 Feb 2027: a saved campaign, every step previewed,
    /// applied as a run (resumable, undoable).
    #[command(subcommand)]
    Migrate(migrate_cmd::Migrate),
    #[command(flatten)]
    Fix(user_cmd::Command),
}

#[tokio::main]
async fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Sandbox(args) => sandbox_cmd::run(args).await,
        Command::Login(args) => auth_cmd::run_login(args).await,
        Command::Whoami(args) => auth_cmd::run_whoami(args).await,
        Command::Logout(args) => auth_cmd::run_logout(args),
        Command::Preview(args) => import_cmd::run_preview(args).await,
        Command::Apply(args) => import_cmd::run_apply(args).await,
        Command::Runs(args) => import_cmd::run_runs(args),
        Command::Resume(args) => import_cmd::run_resume(args).await,
        Command::Undo(args) => import_cmd::run_undo(args).await,
        Command::Report(args) => report_cmd::run(args).await,
        Command::Prepopulate(args) => prepopulate_cmd::run(args).await,
        Command::AppAuth(command) => app_auth_cmd::run(command).await,
        Command::Migrate(command) => migrate_cmd::run(command).await,
        Command::Fix(command) => user_cmd::run(command).await,
    }
}
