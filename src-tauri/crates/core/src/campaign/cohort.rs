//! Making the cohort: the report's rows of a tile (or a selection of them), minus the exclusions
//! — the signed-in admin, members of the named exclusion group, disabled accounts and external
//! (B2B) users — each excluded user listed with the reason. An empty cohort is refused, nothing
//! saved.

use std::collections::HashSet;
use std::path::Path;

use chrono::Utc;

use super::file::{save_new, Campaign, Excluded, GroupRef, Member, Stage};
use super::CampaignError;
use crate::graph::GraphClient;
use crate::report::{ReportRow, Tile, UserKind};

/// Which users of the report the campaign starts from.
pub enum Pick<'a> {
    /// Every row of a tile (`--only breaks-2027-02-01`, a tile click).
    Tile(Tile),
    /// The rows the admin selected, by user id.
    Ids(&'a [String]),
}

/// What the admin asked for.
pub struct NewCampaign<'a> {
    pub name: &'a str,
    pub pick: Pick<'a>,
    /// A group's id or display name whose members are left out of every step.
    pub exclusion_group: Option<&'a str>,
}

/// Who made the campaign, and where it is saved.
pub struct Maker<'a> {
    pub graph: &'a GraphClient,
    /// The signed-in admin's object id.
    pub me: &'a str,
    pub tenant_id: &'a str,
    pub data_dir: &'a Path,
}

/// The exclusion group and its members (directly or through nested groups).
pub(crate) async fn exclusion_group(
    graph: &GraphClient,
    wanted: &str,
) -> Result<(GroupRef, HashSet<String>), CampaignError> {
    let wanted = wanted.trim();
    let groups = graph.groups().await?;
    let group = groups
        .iter()
        .find(|g| g.id.eq_ignore_ascii_case(wanted))
        .or_else(|| {
            groups.iter().find(|g| {
                g.display_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
            })
        })
        .ok_or_else(|| {
            CampaignError::Invalid(format!(
                "There is no group '{wanted}' in this tenant (looked up by id and name)."
            ))
        })?;
    let members = graph
        .group_transitive_users(&group.id)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    Ok((
        GroupRef {
            id: group.id.clone(),
            display_name: group
                .display_name
                .clone()
                .unwrap_or_else(|| group.id.clone()),
        },
        members,
    ))
}

/// Why a report row is left out of every step, if it is.
fn exclusion(
    row: &ReportRow,
    me: &str,
    group: Option<&(GroupRef, HashSet<String>)>,
) -> Option<String> {
    if row.id == me {
        return Some(
            "you, the signed-in admin: Graph does not let an admin change their own methods; another admin moves yours".into(),
        );
    }
    if let Some((g, members)) = group {
        if members.contains(&row.id) {
            return Some(format!(
                "member of the exclusion group '{}' (break-glass, service, shared and room accounts)",
                g.display_name
            ));
        }
    }
    if !row.account_enabled {
        return Some("the account is disabled".into());
    }
    if row.kind == UserKind::External {
        return Some(
            "external (B2B) user: signs in with their home tenant's methods, so gets no pass from this tenant".into(),
        );
    }
    None
}

/// Makes and saves a campaign from the report's `rows`.
pub async fn create(
    maker: &Maker<'_>,
    new: &NewCampaign<'_>,
    rows: &[ReportRow],
) -> Result<Campaign, CampaignError> {
    let name = super::file::check_name(new.name)?.to_string();
    let group = match new.exclusion_group.filter(|g| !g.trim().is_empty()) {
        Some(g) => Some(exclusion_group(maker.graph, g).await?),
        None => None,
    };
    let (picked, source, mut excluded): (Vec<&ReportRow>, String, Vec<Excluded>) = match &new.pick {
        Pick::Tile(tile) => (
            rows.iter().filter(|r| r.tiles.contains(tile)).collect(),
            format!("report tile \"{}\"", tile.label()),
            Vec::new(),
        ),
        Pick::Ids(ids) => {
            let mut missing = Vec::new();
            let mut picked = Vec::new();
            for id in ids.iter() {
                match rows.iter().find(|r| &r.id == id) {
                    Some(r) => picked.push(r),
                    None => missing.push(Excluded {
                        id: id.clone(),
                        user_principal_name: id.clone(),
                        reason: "not in the report: deleted since, or not a user of this tenant"
                            .into(),
                    }),
                }
            }
            (
                picked,
                format!("{} users selected in the report", ids.len()),
                missing,
            )
        }
    };
    let now = Utc::now();
    let mut members = Vec::new();
    for row in picked {
        match exclusion(row, maker.me, group.as_ref()) {
            Some(reason) => excluded.push(Excluded {
                id: row.id.clone(),
                user_principal_name: row.user_principal_name.clone(),
                reason,
            }),
            None => members.push(Member {
                id: row.id.clone(),
                user_principal_name: row.user_principal_name.clone(),
                display_name: row.display_name.clone(),
                stage: Stage::Cohort,
                changed: now,
                note: None,
            }),
        }
    }
    if members.is_empty() {
        let why = if excluded.is_empty() {
            format!("the {source} holds no users")
        } else {
            format!(
                "every user of the {source} is excluded ({} excluded)",
                excluded.len()
            )
        };
        return Err(CampaignError::Invalid(format!(
            "The cohort is empty: {why}. Nothing was saved."
        )));
    }
    let campaign = Campaign {
        name,
        tenant_id: maker.tenant_id.to_string(),
        created: now,
        source,
        exclusion_group: group.map(|(g, _)| g),
        members,
        excluded,
        runs: Vec::new(),
        delivered: Vec::new(),
    };
    save_new(maker.data_dir, &campaign)?;
    Ok(campaign)
}
