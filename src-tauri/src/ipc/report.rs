//! The Report tab's contract: rows as the table shows them (words, not ids; numbers never),
//! the streamed messages, and the error for a role that can read nothing. Converted from the
//! core's `report` types so a rename there cannot silently change this contract.

use prestage_core::report::{
    ReportError, ReportEvent, ReportRow, Source, SourceInfo, Tile, UserKind,
};
use serde::Serialize;

use super::IpcError;

/// One row of the report table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRowInfo {
    pub id: String,
    pub display_name: String,
    pub user_principal_name: String,
    pub enabled: bool,
    /// `member`, `internalGuest` or `external`.
    pub kind: &'static str,
    pub synced: bool,
    pub admin: Option<bool>,
    pub admin_roles: Option<Vec<String>>,
    /// Methods in words; None when they could not be read.
    pub methods: Option<Vec<String>>,
    pub mfa_capable: Option<bool>,
    pub default_method: Option<String>,
    pub default_overridden: bool,
    pub sms_sign_in: Option<bool>,
    pub sspr_after_retirement: Option<bool>,
    pub phone_only: bool,
    /// `2027-02-01`, `2027-07-01` or None.
    pub breaks_on: Option<String>,
    pub breaks: String,
    /// The tiles the row counts in (`breaks-2027-02-01`, `sms-sign-in`, …).
    pub tiles: Vec<&'static str>,
    /// `registration` or `methods`.
    pub source: &'static str,
    pub note: Option<String>,
    pub last_updated: Option<String>,
    /// `disabled`, `enabled` or `enforced` once read on request; None until then.
    pub per_user_mfa: Option<String>,
}

fn source_name(s: Source) -> &'static str {
    match s {
        Source::Registration => "registration",
        Source::Methods => "methods",
    }
}

impl From<&ReportRow> for ReportRowInfo {
    fn from(r: &ReportRow) -> Self {
        Self {
            id: r.id.clone(),
            display_name: if r.display_name.trim().is_empty() {
                r.user_principal_name.clone()
            } else {
                r.display_name.clone()
            },
            user_principal_name: r.user_principal_name.clone(),
            enabled: r.account_enabled,
            kind: match r.kind {
                UserKind::Member => "member",
                UserKind::InternalGuest => "internalGuest",
                UserKind::External => "external",
            },
            synced: r.synced,
            admin: r.is_admin,
            admin_roles: r.admin_roles.clone(),
            methods: r.methods.as_ref().map(|_| r.method_words.clone()),
            mfa_capable: r.mfa_capable,
            default_method: r.default_words.clone(),
            default_overridden: r.default_overridden,
            sms_sign_in: r.sms_sign_in,
            sspr_after_retirement: r.sspr_after_retirement,
            phone_only: r.phone_only,
            breaks_on: r.breaks_on.map(|d| d.to_string()),
            breaks: r.breaks.clone(),
            tiles: r.tiles.iter().map(|t| t.name()).collect(),
            source: source_name(r.source),
            note: r.note.clone(),
            last_updated: r.last_updated.map(|t| t.to_rfc3339()),
            per_user_mfa: r.per_user_mfa.map(|s| s.to_string()),
        }
    }
}

/// A summary tile: its filter name and caption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TileInfo {
    pub name: &'static str,
    pub label: &'static str,
}

pub fn tiles() -> Vec<TileInfo> {
    Tile::ALL
        .iter()
        .map(|t| TileInfo {
            name: t.name(),
            label: t.label(),
        })
        .collect()
}

/// The source in use and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceDto {
    pub source: &'static str,
    pub reason: String,
}

impl From<&SourceInfo> for SourceDto {
    fn from(s: &SourceInfo) -> Self {
        Self {
            source: source_name(s.source),
            reason: s.reason.clone(),
        }
    }
}

/// What the report streams to the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ReportMessage {
    Started {
        source: SourceDto,
        total: usize,
        tiles: Vec<TileInfo>,
    },
    Rows {
        rows: Vec<ReportRowInfo>,
        done: usize,
        total: usize,
    },
    Warning {
        text: String,
    },
}

impl From<&ReportEvent> for ReportMessage {
    fn from(e: &ReportEvent) -> Self {
        match e {
            ReportEvent::Started { source, total } => Self::Started {
                source: source.into(),
                total: *total,
                tiles: tiles(),
            },
            ReportEvent::Rows { rows, done, total } => Self::Rows {
                rows: rows.iter().map(ReportRowInfo::from).collect(),
                done: *done,
                total: *total,
            },
            ReportEvent::Warning(text) => Self::Warning { text: text.clone() },
        }
    }
}

/// The finished report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportDone {
    pub source: SourceDto,
    pub users: usize,
    pub warnings: Vec<String>,
}

impl From<ReportError> for IpcError {
    fn from(error: ReportError) -> Self {
        match error {
            ReportError::NoAccess(message) | ReportError::RegistrationUnavailable(message) => {
                Self::ReportUnavailable { message }
            }
            ReportError::Graph(g) => g.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_unavailable_has_its_own_kind() {
        let e: IpcError = ReportError::NoAccess("Your role can read neither.".into()).into();
        assert_eq!(
            serde_json::to_value(e).unwrap(),
            serde_json::json!({"kind": "reportUnavailable", "message": "Your role can read neither."})
        );
    }
}
