//! `/groups`, `/groups/{id}`, and `members` / `transitiveMembers` (optionally cast to
//! `microsoft.graph.user`) with paging. Groups are read-only in the sandbox.

use axum::http::Method;
use serde_json::json;

use crate::directory::Group;
use crate::directory_json::{group_json, selectable, user_json};
use crate::errors::{GraphError, GraphResult, Reply};
use crate::odata::filter::{self, Field, Filterable, Kind};
use crate::odata::paging::{self, collection};
use crate::request::{Ctx, GraphRequest};

struct GroupView<'a>(&'a Group);

impl Filterable for GroupView<'_> {
    fn field(&self, prop: &str) -> Field<'_> {
        match prop {
            "displayname" => Field::Str(Some(&self.0.display_name)),
            "id" => Field::Str(Some(&self.0.id)),
            "mailnickname" => Field::Str(Some(&self.0.mail_nickname)),
            _ => Field::Str(None),
        }
    }
}

fn group_schema(p: &str) -> Option<Kind> {
    matches!(p, "displayname" | "id" | "mailnickname").then_some(Kind::Str)
}

fn find(ctx: &Ctx<'_>, req: &GraphRequest, id: &str) -> Result<usize, GraphError> {
    ctx.inner.dir.find_group(id).ok_or_else(|| {
        GraphError::resource_not_found(req.segments.get(1).map_or(id, String::as_str))
    })
}

pub(crate) fn list(ctx: &mut Ctx<'_>, req: &GraphRequest) -> GraphResult {
    req.only(Method::GET)?;
    let top = paging::page_size(&req.query, 100)?;
    let offset = paging::offset(&req.query)?;
    let filter = match req.query.get("filter") {
        Some(f) => {
            let e = filter::parse(f)?;
            e.validate(&group_schema, "Group")?;
            Some(e)
        }
        None => None,
    };
    let dir = &ctx.inner.dir;
    let idx: Vec<usize> = (0..dir.groups.len())
        .filter(|g| {
            filter
                .as_ref()
                .is_none_or(|e| e.matches(&GroupView(&dir.groups[*g])))
        })
        .collect();
    let page = paging::slice(&idx, offset, top);
    let values = page
        .items
        .iter()
        .map(|g| group_json(&dir.groups[*g]))
        .collect();
    let next = page
        .next_offset
        .map(|n| paging::next_link(&ctx.request_url(req), &req.query, n));
    Ok(Reply::ok(collection(
        ctx.context("groups"),
        values,
        None,
        next,
    )))
}

pub(crate) fn get(ctx: &mut Ctx<'_>, req: &GraphRequest, id: &str) -> GraphResult {
    req.only(Method::GET)?;
    let g = find(ctx, req, id)?;
    let mut v = group_json(&ctx.inner.dir.groups[g]);
    v["@odata.context"] = json!(ctx.context("groups/$entity"));
    Ok(Reply::ok(v))
}

/// `members` / `transitiveMembers`, optionally cast to users.
pub(crate) fn members(
    ctx: &mut Ctx<'_>,
    req: &GraphRequest,
    id: &str,
    nav: &str,
    cast: Option<&str>,
) -> GraphResult {
    req.only(Method::GET)?;
    let transitive = match nav {
        "members" => false,
        "transitivemembers" => true,
        _ => {
            return Err(GraphError::segment_not_found(
                req.segments.get(2).map_or(nav, String::as_str),
            ))
        }
    };
    let only_users = match cast {
        None => false,
        Some("microsoft.graph.user") => true,
        Some(_) => {
            return Err(GraphError::unsupported_query(
                "The specified type cast is not supported for this collection.",
            ))
        }
    };
    let g = find(ctx, req, id)?;
    let dir = &ctx.inner.dir;
    let group = &dir.groups[g];
    // Members are listed as (is_group, index): nested groups first unless cast to users.
    let mut all: Vec<(bool, usize)> = Vec::new();
    if !only_users {
        let nested: Vec<usize> = if transitive {
            nested_groups(dir, g)
        } else {
            group.member_groups.clone()
        };
        all.extend(nested.into_iter().map(|i| (true, i)));
    }
    let users = if transitive {
        &group.transitive_users
    } else {
        &group.member_users
    };
    all.extend(users.iter().map(|u| (false, *u)));
    let top = paging::page_size(&req.query, 100)?;
    let offset = paging::offset(&req.query)?;
    let page = paging::slice(&all, offset, top);
    let props: Vec<&str> = match req.query.select() {
        Some(s) => s.iter().filter_map(|p| selectable(p)).collect(),
        None => USER_PROPS.to_vec(),
    };
    let values = page
        .items
        .iter()
        .map(|(is_group, i)| {
            if *is_group {
                group_json(&dir.groups[*i])
            } else {
                let mut v = user_json(&dir.users[*i], &props);
                v["@odata.type"] = json!("#microsoft.graph.user");
                v
            }
        })
        .collect();
    let count = (req.eventual && req.query.count()).then_some(page.total);
    let next = page
        .next_offset
        .map(|n| paging::next_link(&ctx.request_url(req), &req.query, n));
    let fragment = if only_users {
        "users"
    } else {
        "directoryObjects"
    };
    Ok(Reply::ok(collection(
        ctx.context(fragment),
        values,
        count,
        next,
    )))
}

const USER_PROPS: [&str; 12] = [
    "id",
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "accountEnabled",
];

fn nested_groups(dir: &crate::directory::Directory, g: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack = dir.groups[g].member_groups.clone();
    while let Some(n) = stack.pop() {
        if n != g && !out.contains(&n) {
            out.push(n);
            stack.extend(dir.groups[n].member_groups.iter().copied());
        }
    }
    out.sort_unstable();
    out
}
