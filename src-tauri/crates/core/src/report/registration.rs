//! The registration source: `userRegistrationDetails`, page after page on the reports lane
//! (5 requests per 10 s), joined with the directory read; SMS sign-in comes from the phone
//! methods of users with a mobile, read while the next page is on its way.

use std::collections::HashMap;

use super::directory::Roles;
use super::live;
use super::row::{compute, Facts, ReportRow, Source};
use super::vocab;
use super::ReportError;
use crate::graph::{DirectoryUser, GraphClient, RegistrationPage, UserRegistrationDetails};

/// Whether phone methods could be read so far (a refusal is reported once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phones {
    Unknown,
    Readable,
    Refused,
}

fn directory_user(r: &UserRegistrationDetails) -> DirectoryUser {
    DirectoryUser {
        id: r.id.clone(),
        display_name: r.user_display_name.clone(),
        user_principal_name: r.user_principal_name.clone(),
        account_enabled: Some(true),
        user_type: r.user_type.as_deref().map(|t| {
            if t.eq_ignore_ascii_case("guest") {
                "Guest".to_string()
            } else {
                "Member".to_string()
            }
        }),
        creation_type: None,
        external_user_state: None,
        on_premises_sync_enabled: None,
    }
}

/// The rows of one report page (SMS sign-in read for users with a mobile).
pub(crate) async fn rows_of_page(
    graph: &GraphClient,
    page: &[UserRegistrationDetails],
    directory: &HashMap<&str, &DirectoryUser>,
    roles: Option<&Roles>,
    phones: &mut Phones,
) -> Result<Vec<ReportRow>, ReportError> {
    let with_mobile: Vec<String> = page
        .iter()
        .filter(|r| r.methods_registered.iter().any(|m| m == "mobilePhone"))
        .map(|r| r.id.clone())
        .collect();
    let mut sms: HashMap<String, (bool, Option<String>)> = HashMap::new();
    if *phones != Phones::Refused && !with_mobile.is_empty() {
        let read = live::read_phones(graph, &with_mobile).await?;
        if *phones == Phones::Unknown {
            *phones = if read.iter().all(Option::is_none) {
                Phones::Refused
            } else {
                Phones::Readable
            };
        }
        for (id, r) in with_mobile.iter().zip(read) {
            if let Some(r) = r {
                sms.insert(id.clone(), r);
            }
        }
    }
    Ok(page
        .iter()
        .map(|r| {
            let fallback;
            let user = match directory.get(r.id.as_str()) {
                Some(u) => *u,
                None => {
                    fallback = directory_user(r);
                    &fallback
                }
            };
            let has_mobile = r.methods_registered.iter().any(|m| m == "mobilePhone");
            let (sms_sign_in, mobile) = match sms.get(&r.id) {
                Some((ready, number)) => (Some(*ready), number.clone()),
                None if !has_mobile => (Some(false), None),
                None => (None, None),
            };
            let facts = Facts {
                methods: Some(vocab::canonical(r.methods_registered.clone())),
                mfa_capable: r.is_mfa_capable,
                default_method: r.user_preferred_method_for_secondary_authentication.clone(),
                system_preferred: r.is_system_preferred_authentication_method_enabled,
                sms_sign_in,
                mobile,
                reported_admin: r.is_admin,
                last_updated: r.last_updated_date_time,
                note: None,
            };
            compute(
                user,
                facts,
                &Roles::facts(roles, &r.id),
                Source::Registration,
            )
        })
        .collect())
}

/// Pages through the report from `first`: each page's rows go to `on_rows` while the next page
/// is read (a 429 is retried by the engine with the same link: no duplicates, no gaps).
pub(crate) async fn read_all(
    graph: &GraphClient,
    first: RegistrationPage,
    directory: &HashMap<&str, &DirectoryUser>,
    roles: Option<&Roles>,
    phones: &mut Phones,
    mut on_rows: impl FnMut(Vec<ReportRow>),
) -> Result<(), ReportError> {
    let mut page = first;
    loop {
        let next = page.next.take();
        let fetch = async {
            match &next {
                Some(link) => graph.registration_details_page(Some(link)).await.map(Some),
                None => Ok(None),
            }
        };
        let (rows, following) = tokio::join!(
            rows_of_page(graph, &page.rows, directory, roles, phones),
            fetch
        );
        on_rows(rows?);
        match following? {
            Some(p) => page = p,
            None => return Ok(()),
        }
    }
}
