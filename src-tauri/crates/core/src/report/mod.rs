//! The tenant report: one row per user of the directory — methods registered, MFA capable,
//! default method, SMS sign-in, password reset after the retirement, and when the user breaks
//! (graph-api.md §2, sms-voice-retirement.md). One streaming call for the app and the CLI:
//! rows arrive in pages with progress. Two sources, one table: the registration report (P1/P2
//! and a reader role; can be hours old) or each user's methods in `$batch`es (live). The source
//! in use is always stated with its reason. Never writes anything.

mod directory;
pub mod export;
mod live;
mod mfa;
mod registration;
mod row;
mod vocab;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

pub use mfa::per_user_mfa;
pub use row::{ReportRow, Source, Tile, UserKind, RETIREMENT, RETIREMENT_LATE};
pub use vocab::{default_words, words};

use crate::graph::{DirectoryUser, GraphClient, GraphError};
use crate::roles::Powers;
use directory::Roles;
use live::Read;
use row::{compute, Facts};

/// Which source the admin asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceChoice {
    /// The registration report when Graph serves it, else each user's methods.
    #[default]
    Auto,
    Registration,
    Methods,
}

impl SourceChoice {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "auto" => Some(Self::Auto),
            "registration" => Some(Self::Registration),
            "methods" => Some(Self::Methods),
            _ => None,
        }
    }
}

/// The source in use and why, in a sentence for the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceInfo {
    pub source: Source,
    pub reason: String,
}

/// What a running report tells its caller.
#[derive(Debug, Clone)]
pub enum ReportEvent {
    /// Sent once, before any row.
    Started { source: SourceInfo, total: usize },
    /// New rows (each user once), with how many of `total` are in.
    Rows {
        rows: Vec<ReportRow>,
        done: usize,
        total: usize,
    },
    /// Something the admin should know that does not stop the report.
    Warning(String),
}

/// Why the report could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReportError {
    /// The signed-in role can read neither the registration report nor other users' methods.
    #[error("{0}")]
    NoAccess(String),
    /// The admin asked for the registration report and Graph does not serve it to them.
    #[error("{0}")]
    RegistrationUnavailable(String),
    #[error(transparent)]
    Graph(#[from] GraphError),
}

/// How a finished report went.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportSummary {
    pub source: SourceInfo,
    pub users: usize,
    pub warnings: Vec<String>,
}

/// Hands rows on once each, counting.
struct Out<F: FnMut(ReportEvent)> {
    seen: HashSet<String>,
    total: usize,
    on_event: F,
    warnings: Vec<String>,
}

impl<F: FnMut(ReportEvent)> Out<F> {
    fn rows(&mut self, rows: Vec<ReportRow>) {
        let rows: Vec<ReportRow> = rows
            .into_iter()
            .filter(|r| self.seen.insert(r.id.clone()))
            .collect();
        if rows.is_empty() {
            return;
        }
        self.total = self.total.max(self.seen.len());
        (self.on_event)(ReportEvent::Rows {
            rows,
            done: self.seen.len(),
            total: self.total,
        });
    }

    fn warn(&mut self, text: String) {
        self.warnings.push(text.clone());
        (self.on_event)(ReportEvent::Warning(text));
    }
}

fn role_names(powers: &Powers) -> String {
    if powers.roles.is_empty() {
        "no administrator role".into()
    } else {
        powers
            .roles
            .iter()
            .map(|r| r.name().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

const READER_ROLES: &str =
    "Reports Reader, Security Reader, Security Administrator, Global Reader or Global Administrator";

/// Why Graph did not serve the registration report, or None when the error is not a refusal.
fn refusal(e: &GraphError, powers: &Powers) -> Option<String> {
    match (e.status(), e.code()) {
        (403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant") => Some(
            "This tenant has no Microsoft Entra ID P1/P2 licence, so Graph does not serve the registration report (Authentication_RequestFromNonPremiumTenantOrB2CTenant).".into(),
        ),
        (403, _) => Some(format!(
            "Your role ({}) may not read the registration report; {READER_ROLES} may.",
            role_names(powers)
        )),
        _ => None,
    }
}

fn no_access(powers: &Powers) -> ReportError {
    ReportError::NoAccess(format!(
        "Your role ({}) can read neither the registration report nor other users' authentication methods. Sign in as a Global Reader (reads both), or as a {READER_ROLES} for the report plus an Authentication Administrator for the methods.",
        role_names(powers)
    ))
}

/// Who reads: the client, the signed-in admin's powers and object id (their own methods are
/// readable to them whatever their role).
#[derive(Clone, Copy)]
pub struct Reader<'a> {
    pub graph: &'a GraphClient,
    pub powers: &'a Powers,
    pub me: &'a str,
}

impl<'a> Reader<'a> {
    pub fn of(session: &'a crate::session::Session) -> Self {
        Self {
            graph: session.graph(),
            powers: session.powers(),
            me: &session.account().id,
        }
    }
}

/// Rows for `users` from their live methods. `strict`: when Graph refuses everyone but the
/// admin themself, that is an error (the methods source); otherwise refused users get rows
/// without methods.
async fn live_rows<F: FnMut(ReportEvent)>(
    reader: Reader<'_>,
    users: &[&DirectoryUser],
    roles: Option<&Roles>,
    note: impl Fn(&DirectoryUser) -> Option<String>,
    strict: bool,
    out: &mut Out<F>,
) -> Result<(), ReportError> {
    let Reader { graph, powers, me } = reader;
    let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    let mut read_others = false;
    let mut refused = 0usize;
    live::read_methods(graph, &ids, |offset, reads| {
        let chunk = &users[offset..offset + reads.len()];
        let mut others = chunk
            .iter()
            .zip(&reads)
            .filter(|(u, _)| u.id != me)
            .peekable();
        if strict
            && !read_others
            && others.peek().is_some()
            && others.all(|(_, r)| matches!(r, Read::Denied))
        {
            return Err(no_access(powers));
        }
        let rows = chunk
            .iter()
            .zip(reads)
            .map(|(u, read)| {
                let facts = match read {
                    Read::Facts(f) => {
                        read_others |= u.id != me;
                        Facts {
                            note: note(u),
                            ..*f
                        }
                    }
                    Read::Denied => {
                        refused += 1;
                        Facts {
                            note: Some(
                                note(u).map_or_else(String::new, |n| format!("{n} "))
                                    + "Graph refused to read this user's methods (403).",
                            ),
                            ..Facts::default()
                        }
                    }
                };
                compute(u, facts, &Roles::facts(roles, &u.id), Source::Methods)
            })
            .collect();
        out.rows(rows);
        Ok(())
    })
    .await?;
    if refused > 0 {
        out.warn(format!(
            "Graph refused to read the methods of {refused} user(s) for your role ({}); their rows show no methods.",
            role_names(powers)
        ));
    }
    Ok(())
}

/// Makes the report: reads the directory and the role holders, picks the source, streams rows
/// through `on_event` (each user once) and returns how it went. Cancel through the client's
/// cancellation token.
pub async fn run(
    reader: Reader<'_>,
    choice: SourceChoice,
    on_event: impl FnMut(ReportEvent),
) -> Result<ReportSummary, ReportError> {
    let Reader { graph, powers, .. } = reader;
    let users = directory::read_users(graph).await?;
    let mut out = Out {
        seen: HashSet::new(),
        total: users.len(),
        on_event,
        warnings: Vec::new(),
    };
    let roles = directory::read_roles(graph).await?;
    let by_id: HashMap<&str, &DirectoryUser> = users.iter().map(|u| (u.id.as_str(), u)).collect();
    let first = match choice {
        SourceChoice::Methods => None,
        _ => match graph.registration_details_page(None).await {
            Ok(page) => Some(Ok(page)),
            Err(e) => match (refusal(&e, powers), choice) {
                (Some(reason), SourceChoice::Auto) => Some(Err(reason)),
                (Some(reason), _) => return Err(ReportError::RegistrationUnavailable(reason)),
                (None, _) => return Err(e.into()),
            },
        },
    };
    let source = match &first {
        Some(Ok(_)) => SourceInfo {
            source: Source::Registration,
            reason: "Graph's registration report (Entra ID P1/P2): one read per page of users on its own quota; rows can be a few hours old — refresh the users you work on.".into(),
        },
        Some(Err(reason)) => SourceInfo {
            source: Source::Methods,
            reason: format!("{reason} Reading each user's methods instead (live, slower on large tenants)."),
        },
        None => SourceInfo {
            source: Source::Methods,
            reason: "You chose to read each user's methods (live, not hours old; slower on large tenants).".into(),
        },
    };
    (out.on_event)(ReportEvent::Started {
        source: source.clone(),
        total: users.len(),
    });
    if roles.is_none() {
        out.warn("Who holds which admin role is not readable (the RoleManagement.Read.Directory permission was not granted), so admins whose only methods are SMS/voice show \"date depends on role\".".into());
    }
    let everyone: Vec<&DirectoryUser> = users.iter().collect();
    match first {
        Some(Ok(page)) => {
            let mut phones = registration::Phones::Unknown;
            registration::read_all(graph, page, &by_id, roles.as_ref(), &mut phones, |rows| {
                out.rows(rows)
            })
            .await?;
            if phones == registration::Phones::Refused {
                out.warn(format!(
                    "Your role ({}) may not read users' phone methods, so SMS sign-in is unknown.",
                    role_names(powers)
                ));
            }
            // Disabled accounts (and users newer than the report) are not in it: live reads.
            let missing: Vec<&DirectoryUser> = everyone
                .iter()
                .copied()
                .filter(|u| !out.seen.contains(&u.id))
                .collect();
            let note = |u: &DirectoryUser| {
                Some(if u.account_enabled == Some(false) {
                    "Not covered by the registration report (disabled account); methods read live."
                        .to_string()
                } else {
                    "Not in the registration report yet; methods read live.".to_string()
                })
            };
            live_rows(reader, &missing, roles.as_ref(), note, false, &mut out).await?;
        }
        _ => {
            let note = |u: &DirectoryUser| {
                (u.account_enabled == Some(false)).then(|| "Disabled account.".to_string())
            };
            live_rows(reader, &everyone, roles.as_ref(), note, true, &mut out).await?;
        }
    }
    Ok(ReportSummary {
        source,
        users: out.seen.len(),
        warnings: out.warnings,
    })
}

/// "Refresh these users": re-reads the live methods of the given rows (report rows can be
/// hours old) and returns them recomputed, source `methods`.
pub async fn refresh(
    graph: &GraphClient,
    powers: &Powers,
    rows: &[ReportRow],
) -> Result<Vec<ReportRow>, ReportError> {
    let users: Vec<DirectoryUser> = rows.iter().map(directory_user_of).collect();
    let refs: Vec<&DirectoryUser> = users.iter().collect();
    let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    let mut out = Vec::with_capacity(rows.len());
    live::read_methods(graph, &ids, |offset, reads| {
        for (i, read) in reads.into_iter().enumerate() {
            let row = &rows[offset + i];
            let facts = match read {
                Read::Facts(f) => Facts {
                    reported_admin: row.is_admin,
                    note: Some("Refreshed: methods read live.".into()),
                    ..*f
                },
                Read::Denied => return Err(no_access(powers)),
            };
            let roles = row::RoleFacts {
                roles: row.admin_roles.clone(),
                global_admin: row.global_admin,
            };
            out.push(compute(refs[offset + i], facts, &roles, Source::Methods));
        }
        Ok(())
    })
    .await?;
    Ok(out)
}

fn directory_user_of(r: &ReportRow) -> DirectoryUser {
    DirectoryUser {
        id: r.id.clone(),
        display_name: Some(r.display_name.clone()),
        user_principal_name: Some(r.user_principal_name.clone()),
        account_enabled: Some(r.account_enabled),
        user_type: Some(r.user_type.clone()),
        creation_type: None,
        external_user_state: (r.kind == UserKind::External).then(|| "Accepted".to_string()),
        on_premises_sync_enabled: r.synced.then_some(true),
    }
}
