//! Conditional Access: which enabled policies take this user in and whether their grant
//! controls (MFA, authentication strengths) ask for a registration.

use super::*;

/// Does the policy's user condition take in this user?
pub(super) fn ca_applies(
    users: &crate::graph::ConditionalAccessUsers,
    who: &Membership,
    f: &Facts,
) -> Cover {
    let guest = f
        .user
        .user_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("guest"));
    let id = f.user.id.as_str();
    let by_id = |list: &[String]| {
        list.iter().any(|x| {
            x.eq_ignore_ascii_case(id)
                || x.eq_ignore_ascii_case("All")
                || (guest && x.eq_ignore_ascii_case("GuestsOrExternalUsers"))
        })
    };
    let by_role = |list: &[String]| {
        list.iter()
            .any(|r| who.roles.iter().any(|x| x.eq_ignore_ascii_case(r)))
    };
    let by_group = |list: &[String]| {
        let covers: Vec<Cover> = list.iter().map(|g| who.in_group(g)).collect();
        if covers.iter().any(|c| matches!(c, Cover::Yes(_))) {
            Cover::Yes(String::new())
        } else if covers.contains(&Cover::Unknown) {
            Cover::Unknown
        } else {
            Cover::No
        }
    };
    if by_id(&users.exclude_users) || by_role(&users.exclude_roles) {
        return Cover::No;
    }
    match by_group(&users.exclude_groups) {
        Cover::Yes(_) => return Cover::No,
        Cover::Unknown => return Cover::Unknown,
        Cover::No => {}
    }
    if by_id(&users.include_users) || by_role(&users.include_roles) {
        return Cover::Yes(String::new());
    }
    by_group(&users.include_groups)
}

pub(super) fn ca_finding(f: &Facts, who: &Membership, uses: &[MethodUse]) -> Finding {
    let topic = Topic::ConditionalAccess;
    let policies = match &f.conditional_access {
        Read::Got(p) => p,
        Read::NotReadable { needs } => {
            return cannot(topic, needs, "Conditional Access policies (which can require MFA or an authentication strength) could not be read.")
        }
        Read::Failed(msg) => return failed(topic, "Conditional Access policies", msg),
    };
    let modes = modes(uses);
    let has_mfa = !usable_mfa(uses).is_empty();
    let mut asks = Vec::new();
    let mut fine = Vec::new();
    let mut unknown = Vec::new();
    for p in policies {
        let name = p.display_name.clone().unwrap_or_else(|| p.id.clone());
        let state = p.state.as_deref().unwrap_or("enabled");
        let users = p
            .conditions
            .as_ref()
            .and_then(|c| c.users.clone())
            .unwrap_or_default();
        match ca_applies(&users, who, f) {
            Cover::No => continue,
            Cover::Unknown => {
                unknown.push(name);
                continue;
            }
            Cover::Yes(_) => {}
        }
        if state.eq_ignore_ascii_case("disabled") {
            continue;
        }
        let grant = p.grant_controls.clone().unwrap_or_default();
        let report_only = state.eq_ignore_ascii_case("enabledForReportingButNotEnforced");
        let need = if let Some(s) = &grant.authentication_strength {
            let combos = if s.allowed_combinations.is_empty() {
                f.strengths
                    .got()
                    .and_then(|all| all.iter().find(|x| x.id == s.id))
                    .map(|x| x.allowed_combinations.clone())
                    .unwrap_or_default()
            } else {
                s.allowed_combinations.clone()
            };
            let strength = s.display_name.clone().unwrap_or_else(|| s.id.clone());
            if combos.is_empty() {
                unknown.push(format!("{name} (strength \"{strength}\")"));
                continue;
            }
            (!satisfies(&modes, &combos)).then(|| {
                format!(
                    "\"{name}\" requires the authentication strength \"{strength}\" ({}), which none of their methods meets",
                    combinations_words(&combos)
                )
            })
        } else if grant.built_in_controls.iter().any(|c| c == "mfa") {
            (!has_mfa).then(|| {
                format!("\"{name}\" requires MFA and none of their methods can be used for it")
            })
        } else {
            None
        };
        match (need, report_only) {
            (Some(n), false) => asks.push(n),
            (Some(n), true) => fine.push(format!("{n}, but it is report-only and does not ask")),
            (None, _) => fine.push(format!(
                "\"{name}\" applies to them and their methods meet it"
            )),
        }
    }
    if !asks.is_empty() {
        return finding(
            topic,
            Verdict::Asks,
            format!(
                "{}: Entra asks them to register a method that does.",
                asks.join("; ")
            ),
        );
    }
    if !unknown.is_empty() {
        return cannot(
            topic,
            crate::why_asked::reads::GROUPS_NEEDS,
            format!(
                "Whether these policies apply to them could not be told: {}.",
                unknown.join(", ")
            ),
        );
    }
    if fine.is_empty() {
        return finding(
            topic,
            Verdict::DoesNotAsk,
            "No enabled Conditional Access policy applies to them.",
        );
    }
    finding(topic, Verdict::DoesNotAsk, format!("{}.", fine.join("; ")))
}
