//! A CSV row becomes a plan: its own problems first, then the user Graph found for it (and whether
//! the row's identity cells name that same user), then the shared planning rules (`plan_user`).

use crate::plan::{plan_user, Actor, Lookup, RowPlan, RowStatus, UserState};

use super::local::LocalRow;

/// When the object id found the user, the row's UPN and mail cells must be that user's (and the
/// mail cell when the UPN found them): a row whose cells name two different people is refused,
/// whichever of them it was meant for. Compared without case, as Entra compares them.
fn disagreement(local: &LocalRow, state: &UserState) -> Option<String> {
    use crate::csv::shorten;
    let found = &state.user;
    let differs = |cell: &str, have: &str| !cell.trim().eq_ignore_ascii_case(have.trim());
    if let Some(upn) = &local.expect_upn {
        if differs(upn, &found.user_principal_name) && differs(upn, &found.id) {
            return Some(format!(
                "the UPN '{}' does not match the user the object id '{}' finds (UPN '{}'); \
                 correct whichever of the two is wrong",
                shorten(upn),
                shorten(&local.user_input),
                found.user_principal_name
            ));
        }
    }
    if let Some(mail) = &local.expect_mail {
        let have = state.mail.as_deref().unwrap_or("");
        if differs(mail, have) {
            let have = if have.is_empty() { "none" } else { have };
            return Some(format!(
                "the mail '{}' does not match the user '{}' finds (UPN '{}', mail '{have}'); \
                 correct whichever of the two is wrong",
                shorten(mail),
                shorten(&local.user_input),
                found.user_principal_name
            ));
        }
    }
    None
}

/// Plans one CSV row against what Graph said about its user (`None`: not looked up).
pub(crate) fn plan(
    line: usize,
    local: &LocalRow,
    lookup: Option<&Lookup>,
    actor: &Actor<'_>,
) -> RowPlan {
    let mut plan = RowPlan {
        line,
        user_input: local.user_input.clone(),
        user: None,
        status: RowStatus::Invalid,
        changes: Vec::new(),
        problems: local.problems.clone(),
        warnings: local.warnings.clone(),
        desired: local.desired.clone(),
        fingerprint: String::new(),
        region: None,
    };
    if !plan.problems.is_empty() {
        return plan;
    }
    let Some(desired) = local.desired.as_ref() else {
        return plan;
    };
    let state = match lookup {
        Some(Lookup::Found(state)) => state,
        Some(Lookup::NotFound) | None => {
            plan.problems.push(format!(
                "no user '{}' in this tenant (looked up by UPN, object id and mail)",
                crate::csv::shorten(&local.user_input)
            ));
            return plan;
        }
        Some(Lookup::Failed(e)) => {
            plan.status = RowStatus::Skipped;
            plan.problems.push(format!("could not read the user: {e}"));
            return plan;
        }
    };
    plan.user = Some(state.user.clone());
    if let Some(problem) = disagreement(local, state) {
        plan.problems.push(problem);
        return plan;
    }
    plan.fingerprint = state.fingerprint(local.desired.as_ref());
    let user_plan = plan_user(desired, state, actor);
    plan.warnings.extend(user_plan.warnings);
    plan.status = user_plan.status;
    plan.changes = user_plan.changes;
    plan.problems = user_plan.problems;
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures::state;

    #[test]
    fn identity_cells_must_name_the_user_found() {
        let st = state(vec![], None);
        let mut local = LocalRow {
            user_input: "u".into(),
            expect_upn: Some("U@X.example".into()),
            expect_mail: Some("u.mail@x.example".into()),
            desired: None,
            problems: vec![],
            warnings: vec![],
        };
        assert_eq!(disagreement(&local, &st), None, "case does not matter");
        local.expect_upn = Some("u".into());
        assert_eq!(
            disagreement(&local, &st),
            None,
            "the id in the UPN column agrees"
        );
        local.expect_upn = Some("other@x.example".into());
        assert_eq!(
            disagreement(&local, &st).unwrap(),
            "the UPN 'other@x.example' does not match the user the object id 'u' finds \
             (UPN 'u@x.example'); correct whichever of the two is wrong"
        );
        local.expect_upn = None;
        local.expect_mail = Some("other@x.example".into());
        let problem = disagreement(&local, &st).unwrap();
        assert!(problem.contains("'other@x.example'"), "{problem}");
        assert!(problem.contains("mail 'u.mail@x.example'"), "{problem}");
        let mut no_mail = st.clone();
        no_mail.mail = None;
        assert!(disagreement(&local, &no_mail)
            .unwrap()
            .contains("mail 'none'"));
    }
}
