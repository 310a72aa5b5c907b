//! Who a directory run covers: every member, or the transitive user members of a group (the
//! runbook's staging group), optionally only those the registration report lists as without
//! MFA. Reads each user's own attributes once, with the `$select` the rows need.

use serde::{Deserialize, Serialize};

use crate::graph::{GraphClient, GraphError, SourceUser};

/// Which users a run covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Scope {
    /// Every member of the tenant (guests are left out: their methods belong to their home tenant).
    AllMembers,
    /// The users in a group, directly or through nested groups.
    Group { id: String, name: String },
}

impl Scope {
    pub fn label(&self) -> String {
        match self {
            Scope::AllMembers => "all members".into(),
            Scope::Group { name, .. } => format!("group '{name}' (transitive members)"),
        }
    }
}

/// The users in `scope` (members only), in directory order.
pub async fn users_in(graph: &GraphClient, scope: &Scope) -> Result<Vec<SourceUser>, GraphError> {
    let group = match scope {
        Scope::AllMembers => None,
        Scope::Group { id, .. } => Some(id.as_str()),
    };
    let users = graph.source_users(group).await?;
    Ok(users.into_iter().filter(|u| !u.is_guest()).collect())
}

/// Ids of the users the registration report lists as not MFA-registered (`isMfaRegistered eq
/// false`): the "only users with no MFA method yet" scope.
pub async fn without_mfa(
    graph: &GraphClient,
) -> Result<std::collections::HashSet<String>, GraphError> {
    Ok(graph
        .registration_details(Some("isMfaRegistered eq false"))
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// Groups whose name starts with `text` (the scope picker's search), at most `top`.
pub async fn find_groups(
    graph: &GraphClient,
    text: &str,
) -> Result<Vec<crate::graph::Group>, GraphError> {
    let needle = text.trim().to_lowercase();
    let mut groups = graph.groups().await?;
    groups.retain(|g| {
        needle.is_empty()
            || g.id.eq_ignore_ascii_case(&needle)
            || g.display_name
                .as_deref()
                .is_some_and(|n| n.to_lowercase().contains(&needle))
    });
    groups.truncate(50);
    Ok(groups)
}
