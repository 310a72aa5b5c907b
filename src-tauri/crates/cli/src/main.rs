//! prestage-cli: the headless twin of the Prestage app. One module per subcommand; this file
//! only parses the command line and dispatches.

mod sandbox_cmd;

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
}

#[tokio::main]
async fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Sandbox(args) => sandbox_cmd::run(args).await,
    }
}
