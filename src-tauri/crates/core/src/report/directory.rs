//! What the report reads besides methods: every user of the directory (disabled ones too) and,
//! when the token allows it (`RoleManagement.Read.Directory`), who holds which admin role.

use std::collections::{HashMap, HashSet};

use futures::future::join_all;

use super::row::RoleFacts;
use crate::graph::{DirectoryUser, GraphClient, GraphError};

const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

/// Every user, page by page (999 per page).
pub(crate) async fn read_users(graph: &GraphClient) -> Result<Vec<DirectoryUser>, GraphError> {
    let mut users = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = graph.directory_page(next.as_deref()).await?;
        users.extend(page.users);
        match page.next {
            Some(n) => next = Some(n),
            None => return Ok(users),
        }
    }
}

/// Role holders, by user id. `None` from [`read_roles`] means role members are not readable.
#[derive(Debug, Default, Clone)]
pub(crate) struct Roles {
    by_user: HashMap<String, Vec<String>>,
    global_admins: HashSet<String>,
}

impl Roles {
    pub(crate) fn facts(roles: Option<&Roles>, user_id: &str) -> RoleFacts {
        match roles {
            Some(r) => RoleFacts {
                roles: Some(r.by_user.get(user_id).cloned().unwrap_or_default()),
                global_admin: Some(r.global_admins.contains(user_id)),
            },
            None => RoleFacts::default(),
        }
    }
}

/// The members of every activated role, read at once. A refusal (no directory read permission)
/// gives `Ok(None)`; other failures are errors.
pub(crate) async fn read_roles(graph: &GraphClient) -> Result<Option<Roles>, GraphError> {
    let roles = match graph.directory_roles().await {
        Ok(r) => r,
        Err(e) if e.status() == 403 => return Ok(None),
        Err(e) => return Err(e),
    };
    let members = join_all(roles.iter().map(|r| graph.role_members(&r.id))).await;
    let mut out = Roles::default();
    for (role, members) in roles.iter().zip(members) {
        let members = match members {
            Ok(m) => m,
            Err(e) if e.status() == 403 => return Ok(None),
            Err(e) => return Err(e),
        };
        let name = role
            .display_name
            .clone()
            .unwrap_or_else(|| "admin role".into());
        let ga = role.role_template_id.as_deref() == Some(GLOBAL_ADMINISTRATOR);
        for m in members {
            if ga {
                out.global_admins.insert(m.id.clone());
            }
            out.by_user.entry(m.id).or_default().push(name.clone());
        }
    }
    for names in out.by_user.values_mut() {
        names.sort();
    }
    Ok(Some(out))
}
