//! `/users` (list with `$select`, `$top`, `$filter`, `$search`, `$count`, `$orderby`, paging),
//! `/users/{id|upn}`, `/me`, `/users/$count`, `memberOf`/`transitiveMemberOf` and
//! `/directoryRoles`. The user JSON (default and selectable properties) is `directory_json`.

use axum::http::Method;
use serde_json::{json, Value};

use crate::directory::{DirectoryRole, User};
use crate::directory_json::{group_json, selectable, user_json, DEFAULT_PROPS, EXTRA_PROPS};
use crate::errors::{GraphError, GraphResult, Reply};
use crate::odata::filter::{self, Field, Filterable, Kind};
use crate::odata::paging::{self, collection};
use crate::odata::search::{self, Searchable};
use crate::request::{ApiVersion, Ctx, GraphRequest};

/// Resolves `$select` names (case-insensitive) to canonical ones, or 400.
fn selected(req: &GraphRequest) -> Result<Vec<&'static str>, GraphError> {
    match req.query.select() {
        None if req.version == ApiVersion::Beta => Ok(DEFAULT_PROPS
            .iter()
            .chain(EXTRA_PROPS.iter())
            .copied()
            .collect()),
        None => Ok(DEFAULT_PROPS.to_vec()),
        Some(names) => names
            .iter()
            .map(|n| {
                selectable(n).ok_or_else(|| {
                    GraphError::odata(format!(
                        "Could not find a property named '{n}' on type 'microsoft.graph.user'."
                    ))
                })
            })
            .collect(),
    }
}

struct UserView<'a>(&'a User);

impl Filterable for UserView<'_> {
    fn field(&self, prop: &str) -> Field<'_> {
        let u = self.0;
        match prop {
            "displayname" => Field::Str(Some(&u.display_name)),
            "userprincipalname" => Field::Str(Some(&u.upn)),
            "mail" => Field::Str(u.mail.as_deref()),
            "givenname" => Field::Str(Some(&u.given_name)),
            "surname" => Field::Str(Some(&u.surname)),
            "id" => Field::Str(Some(&u.id)),
            "jobtitle" => Field::Str(u.job_title.as_deref()),
            "department" => Field::Str(u.department.as_deref()),
            "usagelocation" => Field::Str(Some(&u.usage_location)),
            "city" => Field::Str(Some(&u.city)),
            "country" => Field::Str(Some(&u.country)),
            "usertype" => Field::Str(Some(if u.guest { "Guest" } else { "Member" })),
            "accountenabled" => Field::Bool(Some(u.account_enabled)),
            "onpremisessyncenabled" => Field::Bool(u.synced.then_some(true)),
            _ => Field::Str(None),
        }
    }
}

fn user_schema(p: &str) -> Option<Kind> {
    match p {
        "displayname" | "userprincipalname" | "mail" | "givenname" | "surname" | "id"
        | "jobtitle" | "department" | "usagelocation" | "city" | "country" | "usertype" => {
            Some(Kind::Str)
        }
        "accountenabled" | "onpremisessyncenabled" => Some(Kind::Bool),
        _ => None,
    }
}

impl Searchable for UserView<'_> {
    fn tokens(&self, prop: &str) -> Option<&[String]> {
        (prop == "displayname").then_some(self.0.keys.display_tokens.as_slice())
    }

    fn lower(&self, prop: &str) -> Option<&str> {
        let k = &self.0.keys;
        match prop {
            "mail" => Some(&k.mail),
            "userprincipalname" => Some(&k.upn),
            "givenname" => Some(&k.given_name),
            "surname" => Some(&k.surname),
            _ => None,
        }
    }
}

/// Indexes of the users matching the request's `$filter`/`$search`, in the requested order.
fn matching(ctx: &Ctx<'_>, req: &GraphRequest) -> Result<Vec<usize>, GraphError> {
    let filter = match req.query.get("filter") {
        Some(f) => {
            let e = filter::parse(f)?;
            e.validate(&user_schema, "User")?;
            if e.is_advanced() && !(req.eventual && req.query.count()) {
                return Err(GraphError::unsupported_query(
                    "Unsupported query: 'ne', 'not' and 'endsWith' need ConsistencyLevel: eventual and $count=true.",
                ));
            }
            Some(e)
        }
        None => None,
    };
    let search = match req.query.get("search") {
        Some(s) => {
            if !req.eventual {
                return Err(GraphError::unsupported_query(
                    "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
                ));
            }
            Some(search::parse(
                s.trim(),
                &[
                    "displayname",
                    "mail",
                    "userprincipalname",
                    "givenname",
                    "surname",
                ],
            )?)
        }
        None => None,
    };
    let dir = &ctx.inner.dir;
    let (order, descending): (Option<&Vec<usize>>, bool) = match req.query.get("orderby") {
        None => (None, false),
        Some(o) => {
            let mut parts = o.split_whitespace();
            let prop = parts.next().unwrap_or_default().to_ascii_lowercase();
            let desc = parts.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
            if filter.is_some() && !req.eventual {
                return Err(GraphError::unsupported_query(
                    "Sorting not supported for current query.",
                ));
            }
            match prop.as_str() {
                "displayname" => (Some(&dir.order_display_name), desc),
                "userprincipalname" => (Some(&dir.order_upn), desc),
                _ => {
                    return Err(GraphError::unsupported_query(format!(
                        "Sorting by '{prop}' is not supported."
                    )))
                }
            }
        }
    };
    let keep = |i: &usize| {
        let v = UserView(&dir.users[*i]);
        filter.as_ref().is_none_or(|e| e.matches(&v))
            && search.as_ref().is_none_or(|s| s.matches(&v))
    };
    let mut out: Vec<usize> = match order {
        Some(o) => o.iter().copied().filter(keep).collect(),
        None => (0..dir.users.len()).filter(keep).collect(),
    };
    if descending {
        out.reverse();
    }
    Ok(out)
}

pub(crate) fn list(ctx: &mut Ctx<'_>, req: &GraphRequest) -> GraphResult {
    req.only(Method::GET)?;
    let props = selected(req)?;
    let top = paging::page_size(&req.query, 100)?;
    let offset = paging::offset(&req.query)?;
    let all = matching(ctx, req)?;
    let page = paging::slice(&all, offset, top);
    let values = page
        .items
        .iter()
        .map(|i| user_json(&ctx.inner.dir.users[*i], &props))
        .collect();
    let fragment = match req.query.get("select") {
        Some(_) => format!("users({})", props.join(",")),
        None => "users".to_owned(),
    };
    let count = (req.eventual && req.query.count()).then_some(page.total);
    let next = page
        .next_offset
        .map(|n| paging::next_link(&ctx.request_url(req), &req.query, n));
    Ok(Reply::ok(collection(
        ctx.context(&fragment),
        values,
        count,
        next,
    )))
}

pub(crate) fn count(ctx: &mut Ctx<'_>, req: &GraphRequest) -> GraphResult {
    req.only(Method::GET)?;
    if !req.eventual {
        return Err(GraphError::directory_bad_request(
            "$count is not currently supported.",
        ));
    }
    Ok(Reply::text(matching(ctx, req)?.len().to_string()))
}

pub(crate) fn get(ctx: &mut Ctx<'_>, req: &GraphRequest, user: usize) -> GraphResult {
    req.only(Method::GET)?;
    let props = selected(req)?;
    let mut v = user_json(&ctx.inner.dir.users[user], &props);
    if let Value::Object(m) = &mut v {
        m.insert("@odata.context".into(), json!(ctx.context("users/$entity")));
    }
    Ok(Reply::ok(v))
}

pub(crate) fn role_json(r: &DirectoryRole) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.directoryRole",
        "id": r.id,
        "deletedDateTime": null,
        "description": r.kind.description(),
        "displayName": r.kind.display_name(),
        "roleTemplateId": r.kind.template_id(),
    })
}

/// Direct (or transitive) groups and the directory roles of `user`.
pub(crate) fn member_of(
    ctx: &mut Ctx<'_>,
    req: &GraphRequest,
    user: usize,
    transitive: bool,
    cast: Option<&str>,
) -> GraphResult {
    req.only(Method::GET)?;
    let (want_roles, want_groups) = match cast {
        None => (true, true),
        Some("microsoft.graph.directoryrole") => (true, false),
        Some("microsoft.graph.group") => (false, true),
        Some(_) => {
            return Err(GraphError::unsupported_query(
                "The specified type cast is not supported for this collection.",
            ))
        }
    };
    let dir = &ctx.inner.dir;
    let u = &dir.users[user];
    let mut values = Vec::new();
    if want_roles {
        for kind in &u.roles {
            if let Some(r) = dir.role_of(*kind) {
                values.push(role_json(r));
            }
        }
    }
    if want_groups {
        let groups: Vec<usize> = if transitive {
            (0..dir.groups.len())
                .filter(|g| dir.groups[*g].transitive_set.contains(&user))
                .collect()
        } else {
            u.groups.clone()
        };
        for g in groups {
            values.push(group_json(&dir.groups[g]));
        }
    }
    let top = paging::page_size(&req.query, 100)?;
    let offset = paging::offset(&req.query)?;
    let idx: Vec<usize> = (0..values.len()).collect();
    let page = paging::slice(&idx, offset, top);
    let next = page
        .next_offset
        .map(|n| paging::next_link(&ctx.request_url(req), &req.query, n));
    let items = page.items.iter().map(|i| values[*i].clone()).collect();
    Ok(Reply::ok(collection(
        ctx.context("directoryObjects"),
        items,
        None,
        next,
    )))
}

pub(crate) fn directory_roles(ctx: &mut Ctx<'_>, req: &GraphRequest) -> GraphResult {
    req.only(Method::GET)?;
    let values = ctx.inner.dir.roles.iter().map(role_json).collect();
    Ok(Reply::ok(collection(
        ctx.context("directoryRoles"),
        values,
        None,
        None,
    )))
}

/// `/directoryRoles/{id}/members` and `/directoryRoles(roleTemplateId='…')/members`: the users
/// holding the role (`id`, `displayName`, `userPrincipalName`). Needs a directory read
/// permission in the token (rule 17).
pub(crate) fn role_members(ctx: &mut Ctx<'_>, req: &GraphRequest, key: &str) -> GraphResult {
    req.only(Method::GET)?;
    let dir = &ctx.inner.dir;
    let role = match key
        .strip_prefix("(roletemplateid=")
        .and_then(|k| k.strip_suffix(')'))
    {
        Some(template) => {
            let template = template.trim_matches('\'');
            dir.roles
                .iter()
                .find(|r| r.kind.template_id().eq_ignore_ascii_case(template))
        }
        None => dir.roles.iter().find(|r| r.id.eq_ignore_ascii_case(key)),
    }
    .ok_or_else(|| GraphError::resource_not_found(key))?;
    if !ctx.caller.reads_role_members {
        return Err(crate::rules::role_members_unreadable());
    }
    let holders: Vec<usize> = (0..dir.users.len())
        .filter(|i| dir.users[*i].roles.contains(&role.kind))
        .collect();
    let top = paging::page_size(&req.query, 100)?;
    let offset = paging::offset(&req.query)?;
    let page = paging::slice(&holders, offset, top);
    let next = page
        .next_offset
        .map(|n| paging::next_link(&ctx.request_url(req), &req.query, n));
    let values = page
        .items
        .iter()
        .map(|i| {
            let u = &dir.users[*i];
            json!({
                "@odata.type": "#microsoft.graph.user",
                "id": u.id,
                "displayName": u.display_name,
                "userPrincipalName": u.upn,
            })
        })
        .collect();
    Ok(Reply::ok(collection(
        ctx.context("directoryObjects"),
        values,
        None,
        next,
    )))
}
