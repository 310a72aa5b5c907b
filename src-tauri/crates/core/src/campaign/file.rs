//! The saved campaign: `{data dir}/campaigns/{name}.json`, replaced in one step on every save.
//! It holds user ids, names, each user's stage and when it last changed, the exclusions with
//! their reasons, the runs of each step and which passes were delivered (by id) — never a pass,
//! a token or a phone number.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::CampaignError;
use crate::plan::TapSpec;

/// Where a user is in the move off SMS and voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// In the cohort; nothing done yet.
    Cohort,
    /// A pass was issued and is waiting to be saved for delivery.
    PassIssued,
    /// The pass was saved for delivery.
    PassDelivered,
    /// Registered Authenticator, a passkey or Windows Hello since the pass.
    Registered,
    DefaultSet,
    SmsSignInOff,
    PhonesRemoved,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Cohort,
        Stage::PassIssued,
        Stage::PassDelivered,
        Stage::Registered,
        Stage::DefaultSet,
        Stage::SmsSignInOff,
        Stage::PhonesRemoved,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Stage::Cohort => "in cohort",
            Stage::PassIssued => "pass issued, not saved",
            Stage::PassDelivered => "pass delivered",
            Stage::Registered => "registered",
            Stage::DefaultSet => "default set",
            Stage::SmsSignInOff => "SMS sign-in off",
            Stage::PhonesRemoved => "phones removed",
        }
    }
}

/// The steps, each a run of the bulk engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Issue Temporary Access Passes.
    Tap,
    /// Delete passes still live after the user registered.
    DeletePasses,
    /// Set push (or oath) as the default method.
    Default,
    SmsSignInOff,
    RemovePhones,
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Tap => "Temporary Access Passes",
            Step::DeletePasses => "delete used passes",
            Step::Default => "default method",
            Step::SmsSignInOff => "SMS sign-in off",
            Step::RemovePhones => "remove phone methods",
        }
    }
}

/// One member of the cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub stage: Stage,
    /// When the stage (or the note) last changed.
    pub changed: DateTime<Utc>,
    /// Why the user is stuck at their stage (the last step's reason), if they are.
    #[serde(default)]
    pub note: Option<String>,
}

/// A user left out of every step, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Excluded {
    pub id: String,
    pub user_principal_name: String,
    pub reason: String,
}

/// The exclusion group (break-glass, service, shared and room accounts), remembered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRef {
    pub id: String,
    pub display_name: String,
}

/// A run of a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepRun {
    pub step: Step,
    pub run: String,
    pub started: DateTime<Utc>,
    /// The passes asked for (TAP runs).
    #[serde(default)]
    pub tap: Option<TapSpec>,
}

/// A pass saved for delivery (by id: the pass itself is never kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub user_id: String,
    pub pass_id: String,
    pub issued: DateTime<Utc>,
    pub expires: Option<DateTime<Utc>>,
    pub delivered: DateTime<Utc>,
}

/// A named campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Campaign {
    pub name: String,
    pub tenant_id: String,
    pub created: DateTime<Utc>,
    /// Where the cohort came from, in words.
    pub source: String,
    #[serde(default)]
    pub exclusion_group: Option<GroupRef>,
    pub members: Vec<Member>,
    pub excluded: Vec<Excluded>,
    #[serde(default)]
    pub runs: Vec<StepRun>,
    #[serde(default)]
    pub delivered: Vec<Delivery>,
}

impl Campaign {
    pub fn member(&self, id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    /// Moves a member to `stage` (never back unless `back`) and sets or clears the note.
    pub(crate) fn advance(&mut self, id: &str, stage: Stage, note: Option<String>, back: bool) {
        if let Some(m) = self.members.iter_mut().find(|m| m.id == id) {
            let moved = (stage > m.stage || back) && stage != m.stage;
            if moved {
                m.stage = stage;
            }
            if moved || m.note != note {
                m.note = note;
                m.changed = Utc::now();
            }
        }
    }

    /// Sets a member's note (stuck and why) without moving them.
    pub(crate) fn note(&mut self, id: &str, note: Option<String>) {
        if let Some(m) = self.members.iter_mut().find(|m| m.id == id) {
            if m.note != note {
                m.note = note;
                m.changed = Utc::now();
            }
        }
    }

    /// The last delivered pass of a user.
    pub fn delivery(&self, user_id: &str) -> Option<&Delivery> {
        self.delivered.iter().rev().find(|d| d.user_id == user_id)
    }
}

/// Checks a campaign name: 1–64 letters, digits, spaces, `-` or `_` (it names a file), and not
/// a name Windows keeps for a device (`CON`, `NUL`, `COM1`…: `CON.json` is the console there).
pub fn check_name(name: &str) -> Result<&str, CampaignError> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_');
    if !ok {
        return Err(CampaignError::Invalid(format!(
            "'{name}' cannot name a campaign: use 1 to 64 letters, digits, spaces, '-' or '_'."
        )));
    }
    if is_windows_device_name(name) {
        return Err(CampaignError::Invalid(format!(
            "'{name}' cannot name a campaign: Windows keeps that name for a device. Add a word to it."
        )));
    }
    Ok(name)
}

/// `CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9` (any case, spaces around ignored):
/// Windows opens the device whatever the extension.
fn is_windows_device_name(name: &str) -> bool {
    let upper = name.trim_end_matches(' ').to_ascii_uppercase();
    match upper.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" => true,
        _ => {
            let (stem, digit) = upper.split_at(upper.len().saturating_sub(1));
            matches!(stem, "COM" | "LPT") && digit.chars().all(|c| c.is_ascii_digit())
        }
    }
}

/// `{data dir}/campaigns`.
pub fn campaigns_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("campaigns")
}

fn path_of(data_dir: &Path, name: &str) -> Result<PathBuf, CampaignError> {
    Ok(campaigns_dir(data_dir).join(format!("{}.json", check_name(name)?)))
}

fn file_error(path: &Path, what: &'static str, e: impl ToString) -> CampaignError {
    CampaignError::File {
        path: path.display().to_string(),
        what,
        reason: e.to_string(),
    }
}

/// Reads a campaign of `tenant_id`.
pub fn load(data_dir: &Path, name: &str, tenant_id: &str) -> Result<Campaign, CampaignError> {
    let path = path_of(data_dir, name)?;
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CampaignError::NoSuchCampaign(name.trim().to_string()))
        }
        Err(e) => return Err(file_error(&path, "read", e)),
    };
    let campaign: Campaign =
        serde_json::from_slice(&bytes).map_err(|e| file_error(&path, "read", e))?;
    if campaign.tenant_id != tenant_id {
        return Err(CampaignError::Refused(format!(
            "Campaign '{}' was made in tenant {}, and you are signed in to tenant {tenant_id}.",
            campaign.name, campaign.tenant_id
        )));
    }
    Ok(campaign)
}

/// Saves (replaces) the campaign file.
pub fn save(data_dir: &Path, campaign: &Campaign) -> Result<(), CampaignError> {
    let path = path_of(data_dir, &campaign.name)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| file_error(&path, "written", e))?;
    }
    let bytes = serde_json::to_vec_pretty(campaign).map_err(|e| file_error(&path, "written", e))?;
    crate::atomic_file::replace(&path, &bytes).map_err(|e| file_error(&path, "written", e))
}

/// Checks a name for a new campaign: a valid name no saved campaign has, in any case (Windows
/// and macOS file names ignore case, so "Wave 1" and "wave 1" would be one file there). A caller
/// with slow work before `save_new` (reading the report) asks first.
pub fn check_new_name<'a>(data_dir: &Path, name: &'a str) -> Result<&'a str, CampaignError> {
    let name = check_name(name)?;
    let path = path_of(data_dir, name)?;
    let lower = name.to_lowercase();
    let taken = list(data_dir)
        .into_iter()
        .find(|n| n.to_lowercase() == lower);
    if let Some(existing) = taken.or_else(|| path.exists().then(|| name.to_string())) {
        return Err(CampaignError::Invalid(format!(
            "A campaign named '{existing}' already exists; pick another name or continue that one."
        )));
    }
    Ok(name)
}

/// Saves a new campaign; refuses a name already used (`check_new_name`).
pub fn save_new(data_dir: &Path, campaign: &Campaign) -> Result<(), CampaignError> {
    check_new_name(data_dir, &campaign.name)?;
    save(data_dir, campaign)
}

/// The names of the saved campaigns, sorted.
pub fn list(data_dir: &Path) -> Vec<String> {
    let Ok(read) = std::fs::read_dir(campaigns_dir(data_dir)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = read
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".json")
                .map(str::to_string)
        })
        .filter(|n| check_name(n).is_ok())
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_stages_only_move_forward() {
        assert!(check_name("Feb 2027 wave-1").is_ok());
        for bad in ["", "../x", "a/b", "x.json", &"n".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        // Windows's device names, in any case; a longer name that starts with one is fine.
        for device in ["CON", "nul", "Aux", "prn", "COM1", "lpt9", "com0"] {
            let refused = check_name(device).unwrap_err().to_string();
            assert!(refused.contains("device"), "{device}: {refused}");
        }
        for fine in ["Console", "COM", "COM10", "LPT wave", "NUL 2"] {
            assert!(check_name(fine).is_ok(), "{fine}");
        }
        let mut c = Campaign {
            name: "c".into(),
            tenant_id: "t".into(),
            created: Utc::now(),
            source: "test".into(),
            exclusion_group: None,
            members: vec![Member {
                id: "u".into(),
                user_principal_name: "u@x".into(),
                display_name: "U".into(),
                stage: Stage::Registered,
                changed: Utc::now(),
                note: None,
            }],
            excluded: vec![],
            runs: vec![],
            delivered: vec![],
        };
        c.advance("u", Stage::PassIssued, None, false);
        assert_eq!(c.members[0].stage, Stage::Registered);
        c.advance("u", Stage::PhonesRemoved, None, false);
        assert_eq!(c.members[0].stage, Stage::PhonesRemoved);
        c.advance("u", Stage::SmsSignInOff, None, true);
        assert_eq!(c.members[0].stage, Stage::SmsSignInOff);
    }

    #[test]
    fn a_new_name_differing_only_in_case_is_refused() {
        let dir =
            std::env::temp_dir().join(format!("prestage-campaign-case-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let campaign = |name: &str| Campaign {
            name: name.into(),
            tenant_id: "t".into(),
            created: Utc::now(),
            source: "test".into(),
            exclusion_group: None,
            members: vec![],
            excluded: vec![],
            runs: vec![],
            delivered: vec![],
        };
        save_new(&dir, &campaign("Wave 1")).unwrap();
        let refused = save_new(&dir, &campaign("wave 1")).unwrap_err().to_string();
        assert!(refused.contains("'Wave 1' already exists"), "{refused}");
        assert_eq!(list(&dir), vec!["Wave 1".to_string()]);
        save_new(&dir, &campaign("Wave 2")).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
