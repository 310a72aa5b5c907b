//! Is this user covered by a target (`all_users`, their id, or a group they belong to, nested
//! groups included), and by a method configuration's include/exclude targets? When the
//! user's groups could not be read, a group target is "cannot tell", never guessed.

use std::collections::HashMap;

use crate::graph::{DirectoryObject, MethodConfiguration, PolicyTarget};

use super::reads::Read;

/// Who the user is for targeting: id, transitive groups (id → name) and role template ids.
pub(crate) struct Membership {
    user_id: String,
    /// None: the groups could not be read.
    groups: Option<HashMap<String, String>>,
    pub roles: Vec<String>,
}

/// Whether a target covers the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cover {
    /// Yes, and how ("all users", "the group \"Vendors\"", "them by name").
    Yes(String),
    No,
    /// A group target while the user's groups are unknown.
    Unknown,
}

impl Membership {
    pub(crate) fn new(user_id: &str, member_of: &Read<Vec<DirectoryObject>>) -> Membership {
        let objects = member_of.got();
        Membership {
            user_id: user_id.to_string(),
            groups: objects.map(|o| {
                o.iter()
                    .filter(|d| !d.is_directory_role())
                    .map(|d| {
                        let name = d.display_name.clone().unwrap_or_else(|| d.id.clone());
                        (d.id.to_lowercase(), name)
                    })
                    .collect()
            }),
            roles: objects
                .map(|o| {
                    o.iter()
                        .filter(|d| d.is_directory_role())
                        .filter_map(|d| d.role_template_id.clone())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Covers a target given as an id (`all_users`, the user's id, or a group id).
    pub(crate) fn covers_id(&self, id: &str) -> Cover {
        if id.eq_ignore_ascii_case("all_users") {
            return Cover::Yes("all users".into());
        }
        if id.eq_ignore_ascii_case(&self.user_id) {
            return Cover::Yes("them by name".into());
        }
        match &self.groups {
            Some(g) => match g.get(&id.to_lowercase()) {
                Some(name) => Cover::Yes(format!("the group \"{name}\"")),
                None => Cover::No,
            },
            None => Cover::Unknown,
        }
    }

    pub(crate) fn covers(&self, t: &PolicyTarget) -> Cover {
        self.covers_id(&t.id)
    }

    pub(crate) fn in_group(&self, id: &str) -> Cover {
        match &self.groups {
            Some(g) => match g.get(&id.to_lowercase()) {
                Some(name) => Cover::Yes(format!("the group \"{name}\"")),
                None => Cover::No,
            },
            None => Cover::Unknown,
        }
    }
}

/// What a method configuration says for this user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Allowed {
    /// Allowed through these include targets (how each covers the user).
    Yes(Vec<(String, Option<String>)>),
    No(String),
    /// Depends on groups that could not be read.
    Unknown,
    /// The policy has no configuration for this kind (it does not govern it).
    NotGoverned,
}

/// Applies `config`'s state, exclude targets, then include targets to the user.
pub(crate) fn allowed(config: Option<&MethodConfiguration>, m: &Membership) -> Allowed {
    let Some(c) = config else {
        return Allowed::NotGoverned;
    };
    if c.state
        .as_deref()
        .is_some_and(|s| !s.eq_ignore_ascii_case("enabled"))
    {
        return Allowed::No("the method is turned off in the tenant's policy".into());
    }
    let mut unknown = false;
    for t in &c.exclude_targets {
        match m.covers(t) {
            Cover::Yes(how) if t.id.eq_ignore_ascii_case(&m.user_id) => {
                return Allowed::No(format!("the policy excludes {how}"))
            }
            Cover::Yes(how) => {
                return Allowed::No(format!(
                    "the policy excludes {how}, which they belong to (directly or through a nested group)"
                ))
            }
            Cover::Unknown => unknown = true,
            Cover::No => {}
        }
    }
    let mut through = Vec::new();
    for t in &c.include_targets {
        match m.covers(t) {
            Cover::Yes(how) => through.push((how, t.authentication_mode.clone())),
            Cover::Unknown => unknown = true,
            Cover::No => {}
        }
    }
    if unknown {
        return Allowed::Unknown;
    }
    if through.is_empty() {
        return Allowed::No("they are not among the policy's targets for it".into());
    }
    Allowed::Yes(through)
}
