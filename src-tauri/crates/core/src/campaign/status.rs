//! Step 2, watch registration: the members' methods re-read live, who registered Authenticator,
//! a passkey / FIDO2 key or Windows Hello since their pass (they move to "registered"), who has
//! not (with the pass's expiry), passes still live after registration, counts per stage and
//! who is stuck where. Reading only; the campaign file records the stages it finds.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::file::{save, Campaign, Excluded, Stage, StepRun};
use super::passes::{recovery, Recovery};
use super::steps::{has_strong, registered_since};
use super::CampaignError;
use crate::import::{self, RunContext};
use crate::phone::PhoneType;
use crate::plan::{self, method_name, Key, Lookup, Needs};

/// One member as they are now.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserStatus {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub stage: Stage,
    pub stage_label: &'static str,
    pub changed: DateTime<Utc>,
    /// Why they are stuck, if they are.
    pub note: Option<String>,
    /// Strong methods registered since their pass, in words.
    pub registered: Vec<String>,
    /// Has Authenticator or a passkey (any time).
    pub strong: bool,
    pub pass_expires: Option<DateTime<Utc>>,
    /// A pass is live (usable) now.
    pub pass_live: bool,
    pub default_method: Option<String>,
    pub sms_sign_in: bool,
    pub phones: usize,
    /// Not readable now (deleted, or Graph refused), with why.
    pub unreadable: Option<String>,
}

/// Users per stage.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StageCount {
    pub stage: Stage,
    pub label: &'static str,
    pub users: usize,
}

/// The campaign screen and `migrate status`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignStatus {
    pub name: String,
    pub source: String,
    pub created: DateTime<Utc>,
    pub exclusion_group: Option<String>,
    pub counts: Vec<StageCount>,
    pub stuck: usize,
    /// Registered users whose pass is still live (a live pass comes first in system-preferred MFA).
    pub live_passes_after_registration: usize,
    pub users: Vec<UserStatus>,
    pub excluded: Vec<Excluded>,
    pub runs: Vec<StepRun>,
    pub recovery: Recovery,
}

fn kind_words(k: &crate::graph::MethodKind) -> String {
    use crate::graph::MethodKind as K;
    match k {
        K::MicrosoftAuthenticator => "Authenticator".into(),
        K::Fido2 => "passkey (FIDO2)".into(),
        K::WindowsHelloForBusiness => "Windows Hello".into(),
        K::SoftwareOath => "software OATH".into(),
        K::PlatformCredential => "platform credential".into(),
        K::PasswordlessMicrosoftAuthenticator => "passwordless Authenticator".into(),
        other => format!("{other:?}"),
    }
}

/// Re-reads the members live, moves users who registered since their pass to "registered",
/// saves the campaign and returns where everyone is.
pub async fn status(
    ctx: &RunContext<'_>,
    data_dir: &Path,
    campaign: &mut Campaign,
) -> Result<CampaignStatus, CampaignError> {
    let needs = Needs {
        roles: false,
        preferences: true,
        ..Needs::default()
    };
    let keys: Vec<Key> = campaign
        .members
        .iter()
        .map(|m| Key {
            key: m.id.clone(),
            needs,
        })
        .collect();
    let lookups = plan::read_states(ctx.graph, &keys, ctx.concurrency, |_, _| {}).await;
    let mut users = Vec::new();
    for (m, lookup) in campaign.members.clone().iter().zip(lookups.iter()) {
        let mut u = UserStatus {
            id: m.id.clone(),
            user_principal_name: m.user_principal_name.clone(),
            display_name: m.display_name.clone(),
            stage: m.stage,
            stage_label: m.stage.label(),
            changed: m.changed,
            note: m.note.clone(),
            registered: Vec::new(),
            strong: false,
            pass_expires: None,
            pass_live: false,
            default_method: None,
            sms_sign_in: false,
            phones: 0,
            unreadable: None,
        };
        match lookup {
            Lookup::Found(state) => {
                let since = campaign.delivery(&m.id).map(|d| d.issued);
                if let Some(since) = since {
                    u.registered = state
                        .registered
                        .iter()
                        .filter(|r| r.created.is_some_and(|c| c >= since))
                        .map(|r| kind_words(&r.kind))
                        .collect();
                    if registered_since(state, since) && has_strong(state) {
                        campaign.advance(&m.id, Stage::Registered, None, false);
                    }
                }
                u.strong = has_strong(state);
                u.pass_expires = state.tap.as_ref().and_then(|t| t.expires());
                u.pass_live = state.tap.as_ref().is_some_and(|t| t.is_live(Utc::now()));
                u.default_method = state
                    .preferences
                    .user_preferred_method_for_secondary_authentication
                    .map(method_name);
                u.sms_sign_in = state
                    .phone(PhoneType::Mobile)
                    .and_then(|p| p.sms_sign_in_state)
                    == Some(crate::graph::SmsSignInState::Ready);
                u.phones = state.phones.len();
            }
            Lookup::NotFound => {
                u.unreadable =
                    Some("no longer in the tenant: deleted since the cohort was made".into())
            }
            Lookup::Failed(e) => u.unreadable = Some(import::explain(e)),
        }
        if let Some(now) = campaign.member(&m.id) {
            u.stage = now.stage;
            u.stage_label = now.stage.label();
            u.changed = now.changed;
            u.note = now.note.clone();
        }
        users.push(u);
    }
    save(data_dir, campaign)?;
    let counts = Stage::ALL
        .iter()
        .map(|s| StageCount {
            stage: *s,
            label: s.label(),
            users: users.iter().filter(|u| u.stage == *s).count(),
        })
        .collect();
    Ok(CampaignStatus {
        name: campaign.name.clone(),
        source: campaign.source.clone(),
        created: campaign.created,
        exclusion_group: campaign
            .exclusion_group
            .as_ref()
            .map(|g| g.display_name.clone()),
        counts,
        stuck: users
            .iter()
            .filter(|u| u.note.is_some() || u.unreadable.is_some())
            .count(),
        live_passes_after_registration: users
            .iter()
            .filter(|u| u.stage >= Stage::Registered && u.pass_live)
            .count(),
        users,
        excluded: campaign.excluded.clone(),
        runs: campaign.runs.clone(),
        recovery: recovery(ctx.dir, campaign)?,
    })
}
