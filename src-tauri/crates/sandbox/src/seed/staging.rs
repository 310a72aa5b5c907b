//! The runbook's staging group and the directory attributes a directory run reads, as they look
//! in real tenants: `otherMails` (personal addresses), `mobilePhone` synced from on-premises AD in
//! national format, and the usual damage — a switchboard number several people share, an
//! extension on a mobile, a landline in `mobilePhone`, "n/a", a user without `usageLocation`.
//! Drawn from its own RNG so adding it changes nothing else the seed made.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::countries::COUNTRIES;
use super::{epoch_plus, group, ACCOUNTS};
use crate::directory::{Group, User};

/// The group a directory run is pointed at (the runbook's "staging group").
pub const STAGING_GROUP: &str = "MFA staging";

/// The national trunk prefix of a seeded country (`None`: numbers are dialled without one).
fn trunk(code: &str) -> Option<&'static str> {
    match code {
        "GB" | "DE" | "FR" | "NL" | "IN" | "JP" => Some("0"),
        _ => None,
    }
}

/// `+44 7700900123` as a person in that country writes it: `07700900123` (US: `7700900123`).
fn national(number: &str, usage_location: &str) -> Option<String> {
    let country = COUNTRIES.iter().find(|c| c.code == usage_location)?;
    let rest = number
        .strip_prefix('+')?
        .strip_prefix(country.calling_code)?
        .trim();
    Some(format!("{}{rest}", trunk(usage_location).unwrap_or("")))
}

/// Adds `otherMails` to some users and the staging group with its members' messy attributes.
pub(crate) fn add(seed: u64, users: &mut [User], groups: &mut Vec<Group>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x57a6_1a6e);
    for u in users.iter_mut().skip(ACCOUNTS.len()) {
        if !u.guest && rng.gen_bool(0.3) {
            let local = format!("{}.{}", u.given_name, u.surname)
                .to_lowercase()
                .replace(|c: char| !c.is_ascii_alphanumeric() && c != '.', "");
            u.other_mails = vec![format!("{local}@example.net")];
        } else if u.guest {
            if let Some(mail) = &u.mail {
                u.other_mails = vec![mail.clone()];
            }
        }
    }
    let mut staging = group(
        &mut rng,
        STAGING_GROUP,
        "Users to pre-populate with their directory mobile number.",
    );
    staging.created = epoch_plus(2100, 0);
    let candidates: Vec<usize> = (ACCOUNTS.len()..users.len())
        .filter(|i| !users[*i].guest && users[*i].roles.is_empty())
        .collect();
    // About one in ten ordinary members, at least 12 when the tenant has them.
    let members: Vec<usize> = candidates
        .iter()
        .enumerate()
        .filter(|(k, _)| *k < 12 || rng.gen_bool(0.1))
        .map(|(_, i)| *i)
        .collect();
    let switchboard = members
        .iter()
        .find_map(|&i| users[i].business_phones.first().cloned());
    for (k, &i) in members.iter().enumerate() {
        let u = &mut users[i];
        match k {
            // A switchboard number three people share (often typed into mobilePhone).
            0..=2 => u.mobile_phone = switchboard.clone().or(u.mobile_phone.take()),
            3 => u.mobile_phone = u.mobile_phone.take().map(|m| format!("{m} ext. 4021")),
            4 => u.mobile_phone = u.business_phones.first().cloned(),
            5 => u.mobile_phone = Some("n/a".to_string()),
            // No usageLocation: a national number is read in the run's default region.
            6 => {
                if let Some(n) = u
                    .mobile_phone
                    .as_deref()
                    .and_then(|m| national(m, &u.usage_location))
                {
                    u.mobile_phone = Some(n);
                }
                u.usage_location = String::new();
            }
            _ => {}
        }
        // Synced users carry what on-premises AD held: national format.
        if u.synced && k >= 7 {
            if let Some(n) = u
                .mobile_phone
                .as_deref()
                .and_then(|m| national(m, &u.usage_location))
            {
                u.mobile_phone = Some(n);
            }
        }
    }
    let g = groups.len();
    staging.member_users = members.clone();
    groups.push(staging);
    for i in members {
        users[i].groups.push(g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_forms_follow_the_country() {
        assert_eq!(
            national("+44 7700900123", "GB").as_deref(),
            Some("07700900123")
        );
        assert_eq!(
            national("+1 2065550123", "US").as_deref(),
            Some("2065550123")
        );
        assert_eq!(
            national("+34 612345678", "ES").as_deref(),
            Some("612345678")
        );
        assert_eq!(national("+44 7700900123", "DE"), None);
    }
}
