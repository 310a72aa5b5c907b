//! The command line of the single-user commands: subcommands, the target user and how to reach
//! the tenant, and the value parsers for phone types and method kinds.

use std::path::PathBuf;

use prestage_core::graph::MethodKind;
use prestage_core::phone::PhoneType;

use crate::connect::Connect;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// One user's methods, default method, registration and what you may change.
    #[command(subcommand)]
    User(UserCmd),
    /// Add, change or remove a phone method, or check how a number will be sent.
    #[command(subcommand)]
    Phone(PhoneCmd),
    /// Add, change or remove the email method (SSPR).
    #[command(subcommand)]
    Email(EmailCmd),
    /// Turn SMS sign-in on or off for the user's mobile.
    #[command(subcommand)]
    SmsSignin(SmsCmd),
    /// Set the user's default MFA method (push, oath, sms, voiceMobile, voiceAlternateMobile, voiceOffice).
    #[command(subcommand)]
    DefaultMethod(DefaultCmd),
    /// Issue a Temporary Access Pass (printed once, never stored).
    #[command(subcommand)]
    Tap(TapCmd),
    /// Remove an Authenticator, FIDO2, software OATH, TAP or Windows Hello method by id.
    #[command(subcommand)]
    Method(MethodCmd),
    /// The audit log of single-user fixes.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Legacy per-user MFA (disabled, enabled, enforced): show it with the tenant's security
    /// defaults and Conditional Access, or set it.
    #[command(subcommand)]
    MfaState(MfaCmd),
}

#[derive(clap::Subcommand, Debug)]
pub enum MfaCmd {
    /// The state, whether the user has registered, and whether per-user MFA fits this tenant.
    Show(Target),
    /// Set it (asks for Policy.ReadWrite.AuthenticationMethod the first time). "enforced" is
    /// refused until the user has registered an MFA method.
    Set {
        #[command(flatten)]
        target: Target,
        /// disabled, enabled or enforced.
        #[arg(value_name = "STATE")]
        state: String,
    },
}

/// The user, how to reach the tenant, and the output format.
#[derive(clap::Args, Debug)]
pub struct Target {
    /// The user: UPN or object id.
    pub user: String,
    #[command(flatten)]
    pub connect: Connect,
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum UserCmd {
    Show(Target),
    /// Why is this user still asked to register? Every reason Entra has, read from the tenant:
    /// which apply, which do not, and which your role cannot read (and what would tell).
    WhyAsked(Target),
    /// Remove phones, Authenticator apps and software OATH tokens (needs --yes).
    Reregister {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum PhoneCmd {
    Set {
        #[command(flatten)]
        target: Target,
        #[arg(long = "type", value_name = "TYPE", value_parser = phone_type)]
        phone_type: PhoneType,
        /// As written by people: national with --region, or international.
        number: String,
        /// Region for national numbers (default: the tenant's country).
        #[arg(long)]
        region: Option<String>,
    },
    Remove {
        #[command(flatten)]
        target: Target,
        #[arg(long = "type", value_name = "TYPE", value_parser = phone_type)]
        phone_type: PhoneType,
    },
    /// Prints Graph's form of NUMBER or the reason it is not one (no tenant needed).
    Check {
        number: String,
        #[arg(long)]
        region: Option<String>,
        #[arg(long = "type", value_name = "TYPE", value_parser = phone_type)]
        phone_type: Option<PhoneType>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum EmailCmd {
    Set {
        #[command(flatten)]
        target: Target,
        address: String,
    },
    Remove(Target),
}

#[derive(clap::Subcommand, Debug)]
pub enum SmsCmd {
    Enable(Target),
    Disable(Target),
}

#[derive(clap::Subcommand, Debug)]
pub enum DefaultCmd {
    Set {
        #[command(flatten)]
        target: Target,
        method: String,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum TapCmd {
    Issue {
        #[command(flatten)]
        target: Target,
        /// Minutes the pass lives (default: the tenant policy's).
        #[arg(long)]
        lifetime_min: Option<u32>,
        /// Usable once (default: the tenant policy's).
        #[arg(long, conflicts_with = "multi_use")]
        one_time: bool,
        #[arg(long)]
        multi_use: bool,
        /// When the pass becomes usable (RFC 3339, e.g. 2026-12-01T08:00:00Z).
        #[arg(long)]
        start: Option<String>,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum MethodCmd {
    Remove {
        #[command(flatten)]
        target: Target,
        /// microsoftAuthenticator, fido2, softwareOath, temporaryAccessPass, windowsHelloForBusiness
        #[arg(long, value_parser = method_kind)]
        kind: MethodKind,
        #[arg(long)]
        id: String,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum AuditCmd {
    /// Every audited write, oldest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// The log as CSV (UTF-8 with BOM) to FILE.
    Export { file: PathBuf },
}

pub(super) fn phone_type(s: &str) -> Result<PhoneType, String> {
    serde_json::from_value(serde_json::Value::String(s.into()))
        .map_err(|_| format!("'{s}' is not mobile, alternateMobile or office"))
}

pub(super) fn method_kind(s: &str) -> Result<MethodKind, String> {
    match MethodKind::from_odata_type(&format!("{s}AuthenticationMethod")) {
        MethodKind::Unknown(_) => Err(format!(
            "'{s}' is not a method kind (e.g. microsoftAuthenticator, fido2, softwareOath)"
        )),
        k => Ok(k),
    }
}
