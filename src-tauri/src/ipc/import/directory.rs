//! The directory source's contract with the webview: which users and attributes a directory
//! preview reads, and what it found besides the rows (the users it covered, `country` values to
//! map, the users who would depend on SMS/voice after 1 Feb 2027). Rows are the import's `RowInfo`.

use std::collections::BTreeMap;

use prestage_core::directory_source::{DirectoryPreview, Scope, SourceOptions};
use prestage_core::graph::Group;
use serde::{Deserialize, Serialize};

use super::CountsInfo;

/// The scope picked in the Import screen's Directory tab.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum ScopeChoice {
    AllMembers,
    Group { id: String, name: String },
}

impl From<ScopeChoice> for Scope {
    fn from(s: ScopeChoice) -> Self {
        match s {
            ScopeChoice::AllMembers => Scope::AllMembers,
            ScopeChoice::Group { id, name } => Scope::Group { id, name },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryOptions {
    pub scope: ScopeChoice,
    #[serde(default)]
    pub only_missing: bool,
    #[serde(default)]
    pub office: bool,
    #[serde(default)]
    pub email: bool,
    pub default_region: Option<String>,
    #[serde(default)]
    pub update_existing: bool,
    /// Free-text `country` values the admin mapped to a region.
    #[serde(default)]
    pub country_regions: BTreeMap<String, String>,
}

impl DirectoryOptions {
    pub fn source(&self) -> SourceOptions {
        SourceOptions {
            mobile: true,
            office: self.office,
            email: self.email,
            default_region: self.default_region.clone().filter(|r| !r.trim().is_empty()),
            country_regions: self.country_regions.clone(),
            update_existing: self.update_existing,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupInfo {
    pub id: String,
    pub name: String,
}

impl From<&Group> for GroupInfo {
    fn from(g: &Group) -> Self {
        Self {
            id: g.id.clone(),
            name: g.display_name.clone().unwrap_or_else(|| g.id.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CountryCount {
    pub country: String,
    pub users: usize,
}

/// Users a run would leave with SMS/voice only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetirementInfo {
    pub only_phone: usize,
    pub unknown: usize,
    /// "1 February 2027".
    pub date: String,
    /// Their UPNs (for a campaign towards another method).
    pub users: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryDone {
    /// Apply names this preview, so exactly the plan shown is applied.
    pub preview_id: u64,
    /// What the run is called in Runs ("Directory: group 'MFA staging' (transitive members)").
    pub name: String,
    pub scope_label: String,
    /// Members the scope held; rows (one per user considered).
    pub users: usize,
    pub rows: usize,
    /// Left out by "only users without MFA".
    pub already_registered: usize,
    pub counts: CountsInfo,
    pub countries_to_map: Vec<CountryCount>,
    pub retirement: RetirementInfo,
}

impl DirectoryDone {
    pub fn new(preview_id: u64, name: String, p: &DirectoryPreview) -> Self {
        let upn_of = |id: &String| {
            p.rows
                .iter()
                .filter_map(|r| r.user.as_ref())
                .find(|u| &u.id == id)
                .map_or_else(|| id.clone(), |u| u.user_principal_name.clone())
        };
        Self {
            preview_id,
            name,
            scope_label: p.source.scope_label.clone(),
            users: p.source.users,
            rows: p.rows.len(),
            already_registered: p.source.already_registered,
            counts: (&p.counts).into(),
            countries_to_map: p
                .source
                .countries_to_map
                .iter()
                .map(|(country, users)| CountryCount {
                    country: country.clone(),
                    users: *users,
                })
                .collect(),
            retirement: RetirementInfo {
                only_phone: p.retirement.only_phone,
                unknown: p.retirement.unknown,
                date: p.retirement.date.clone(),
                users: p.retirement.user_ids.iter().map(upn_of).collect(),
            },
        }
    }
}
