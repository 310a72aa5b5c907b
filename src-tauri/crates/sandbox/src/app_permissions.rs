//! Which application permission (`roles` claim) each endpoint needs from an app-only caller —
//! the least-privileged set in each Graph page's permissions table, plus the broader ones that
//! imply it. A phone-only app cannot write an email method or a Temporary Access Pass.
//! Checked once per request (and per `$batch` sub-request) before dispatch.
//!
//! | # | Endpoint | Any of these roles | Missing: status, code |
//! |---|---|---|---|
//! | A1 | `/me/...` | – (delegated only) | 400 `BadRequest` "/me request is only valid with delegated authentication flow." (documented) |
//! | A2 | `GET /users`, `/users/{id}` | `User.Read.All`, `User.ReadWrite.All`, `Directory.Read.All`, `Directory.ReadWrite.All` | 403 `Authorization_RequestDenied` |
//! | A3 | `/users/{id}/memberOf`, `transitiveMemberOf` | A2's, `GroupMember.Read.All` | 403 `Authorization_RequestDenied` |
//! | A4 | `/groups...` | `GroupMember.Read.All`, `Group.Read.All`, `Directory.Read.All` (+ write forms) | 403 `Authorization_RequestDenied` |
//! | A5 | `.../authentication/phoneMethods` | read: `UserAuthMethod-Phone.Read.All`; both: `UserAuthMethod-Phone.ReadWrite.All`, `UserAuthenticationMethod.ReadWrite.All`; read: `UserAuthenticationMethod.Read.All` | 403 `accessDenied` "Request Authorization failed" |
//! | A6 | `.../authentication/emailMethods` | as A5 with `UserAuthMethod-Email.*` | same |
//! | A7 | `.../authentication/temporaryAccessPassMethods` | as A5 with `UserAuthMethod-TAP.*` | same |
//! | A7b | `.../authentication/requirements` (per-user MFA state, beta) | read: `Policy.Read.All`; both: `Policy.ReadWrite.AuthenticationMethod` | same |
//! | A8 | any other `.../authentication/...` (methods list, signInPreferences, ...) | `UserAuthenticationMethod.Read(Write).All` | same |
//! | A9 | `/reports/authenticationMethods/...` | `AuditLog.Read.All` | 403 `Authorization_RequestDenied` |
//! | A10 | `/policies/...` | read: `Policy.Read.All`; write: `Policy.ReadWrite.AuthenticationMethod` | 403 `Authorization_RequestDenied` |
//! | A11 | `/directoryRoles...` | `RoleManagement.Read.Directory`, `Directory.Read.All` | 403 `Authorization_RequestDenied` |
//! | A12 | `/organization` | `Organization.Read.All`, `Directory.Read.All` | 403 `Authorization_RequestDenied` |
//! | A13 | `POST /users/{id}/revokeSignInSessions` | `User.RevokeSessions.All`, `User.ReadWrite.All` | 403 `Authorization_RequestDenied` |
//!
//! The granular `UserAuthMethod-*` names follow Graph's current permission pages (graph-api.md §6);
//! which pages list which granular permission is taken from those pages, not measured.

use axum::http::{Method, StatusCode};

use crate::errors::GraphError;

fn directory_denied() -> GraphError {
    GraphError::new(
        StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    )
}

/// The roles that allow a method family's endpoint (`family`: `Phone`, `Email`, `TAP`).
fn method_family(family: &str, write: bool) -> Vec<String> {
    let mut ok = vec![
        format!("UserAuthMethod-{family}.ReadWrite.All"),
        "UserAuthenticationMethod.ReadWrite.All".to_string(),
    ];
    if !write {
        ok.push(format!("UserAuthMethod-{family}.Read.All"));
        ok.push("UserAuthenticationMethod.Read.All".to_string());
    }
    ok
}

/// Refuses a request `roles` do not cover. `l`: the lowercased path segments.
pub(crate) fn check(roles: &[String], method: &Method, l: &[&str]) -> Result<(), GraphError> {
    let write = *method != Method::GET;
    let has_any = |wanted: &[&str]| {
        roles
            .iter()
            .any(|r| wanted.iter().any(|w| r.eq_ignore_ascii_case(w)))
    };
    let user_read = [
        "User.Read.All",
        "User.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ];
    let allowed = match l {
        ["me", ..] => {
            return Err(GraphError::odata(
                "/me request is only valid with delegated authentication flow.",
            ))
        }
        ["users", _, "authentication", rest @ ..] => {
            let wanted = match rest.first() {
                Some(&"phonemethods") => method_family("Phone", write),
                Some(&"emailmethods") => method_family("Email", write),
                Some(&"temporaryaccesspassmethods") => method_family("TAP", write),
                // Per-user MFA state (beta): the policy permissions, as for a signed-in admin.
                Some(&"requirements") if write => {
                    vec!["Policy.ReadWrite.AuthenticationMethod".to_string()]
                }
                Some(&"requirements") => vec![
                    "Policy.Read.All".to_string(),
                    "Policy.ReadWrite.AuthenticationMethod".to_string(),
                ],
                _ => {
                    let mut ok = vec!["UserAuthenticationMethod.ReadWrite.All".to_string()];
                    if !write {
                        ok.push("UserAuthenticationMethod.Read.All".to_string());
                    }
                    ok
                }
            };
            if roles
                .iter()
                .any(|r| wanted.iter().any(|w| r.eq_ignore_ascii_case(w)))
            {
                return Ok(());
            }
            return Err(GraphError::access_denied());
        }
        ["users", _, "memberof" | "transitivememberof", ..] => {
            has_any(&user_read) || has_any(&["GroupMember.Read.All"])
        }
        ["users", _, "revokesigninsessions" | "microsoft.graph.revokesigninsessions"] => {
            has_any(&[
                "User.RevokeSessions.All",
                "User.ReadWrite.All",
                "Directory.ReadWrite.All",
            ])
        }
        ["users", ..] => !write && has_any(&user_read),
        ["groups", ..] => {
            !write
                && has_any(&[
                    "GroupMember.Read.All",
                    "Group.Read.All",
                    "Group.ReadWrite.All",
                    "Directory.Read.All",
                    "Directory.ReadWrite.All",
                ])
        }
        ["reports", ..] => has_any(&["AuditLog.Read.All"]),
        ["policies", ..] => {
            if write {
                has_any(&["Policy.ReadWrite.AuthenticationMethod"])
            } else {
                has_any(&["Policy.Read.All", "Policy.ReadWrite.AuthenticationMethod"])
            }
        }
        [first, ..] if first.starts_with("directoryroles") => {
            has_any(&["RoleManagement.Read.Directory", "Directory.Read.All"])
        }
        ["organization", ..] => has_any(&[
            "Organization.Read.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ]),
        _ => true,
    };
    if allowed {
        Ok(())
    } else {
        Err(directory_denied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(r: &[&str]) -> Vec<String> {
        r.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_phone_only_app_writes_phones_but_not_email_or_passes() {
        let phone = roles(&["UserAuthMethod-Phone.ReadWrite.All", "User.Read.All"]);
        let p = |m: Method, path: &[&str]| check(&phone, &m, path).map_err(|e| e.code);
        assert!(p(
            Method::POST,
            &["users", "u", "authentication", "phonemethods"]
        )
        .is_ok());
        assert!(p(Method::GET, &["users", "u"]).is_ok());
        assert_eq!(
            p(
                Method::POST,
                &["users", "u", "authentication", "emailmethods"]
            ),
            Err("accessDenied")
        );
        assert_eq!(
            p(
                Method::POST,
                &["users", "u", "authentication", "temporaryaccesspassmethods"]
            ),
            Err("accessDenied")
        );
        assert_eq!(
            p(Method::GET, &["users", "u", "authentication", "methods"]),
            Err("accessDenied")
        );
        assert_eq!(
            p(Method::GET, &["groups"]),
            Err("Authorization_RequestDenied")
        );
        assert_eq!(p(Method::GET, &["me"]), Err("BadRequest"));
    }

    #[test]
    fn the_broad_permission_covers_every_method_family() {
        let broad = roles(&["UserAuthenticationMethod.ReadWrite.All"]);
        for family in [
            "phonemethods",
            "emailmethods",
            "temporaryaccesspassmethods",
            "methods",
        ] {
            assert!(check(
                &broad,
                &Method::POST,
                &["users", "u", "authentication", family]
            )
            .is_ok());
        }
        let read = roles(&["UserAuthMethod-Phone.Read.All"]);
        assert!(check(
            &read,
            &Method::GET,
            &["users", "u", "authentication", "phonemethods"]
        )
        .is_ok());
        assert!(check(
            &read,
            &Method::PATCH,
            &["users", "u", "authentication", "phonemethods", "x"]
        )
        .is_err());
    }
}
