//! Deterministic directory generation: same seed, same users, ids, phone numbers, methods,
//! groups and role holders (ChaCha8 seeded with `SandboxConfig::seed`). The five sign-in
//! accounts come first and keep their UPNs for every seed. No I/O, no wall clock except TAPs.

mod countries;
mod given;
mod staging;
mod still_asked;
mod users;
mod vocab;

use std::collections::HashSet;

use chrono::{DateTime, TimeZone, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::directory::{Directory, DirectoryRole, Group, PhoneType};
use crate::policy::Policy;
use crate::roles::{AdminRole, RoleKind};
pub(crate) use given::add_users;
pub use given::SeedUser;
pub use still_asked::STILL_ASKED;

/// The tenant's access policies from the config: security defaults, the all-users MFA
/// Conditional Access policy, and the "still asked" people with the policies behind them.
pub(crate) fn tenant_policies(s: &mut Seeded, config: &crate::SandboxConfig, now: DateTime<Utc>) {
    s.access.security_defaults = config.security_defaults;
    if config.conditional_access_mfa {
        s.access.policies.push(still_asked::all_users_mfa());
    }
    if config.still_asked {
        still_asked::seed(s, now);
    }
}
pub use staging::STAGING_GROUP;
pub(crate) use users::UserFactory;
use vocab::DEPARTMENTS;

/// The sign-in accounts, in order: (UPN local part, given name, surname, role).
///
/// * `gaby.admin@…` — Gaby Admin, Global Administrator
/// * `priya.patel@…` — Priya Patel, Privileged Authentication Administrator (the default account)
/// * `alex.wong@…` — Alex Wong, Authentication Administrator
/// * `gwen.reader@…` — Gwen Reader, Global Reader
/// * `nora.nobody@…` — Nora Nobody, no administrator role
pub(crate) const ACCOUNTS: [(&str, &str, &str, AdminRole); 5] = [
    (
        "gaby.admin",
        "Gaby",
        "Admin",
        AdminRole::GlobalAdministrator,
    ),
    (
        "priya.patel",
        "Priya",
        "Patel",
        AdminRole::PrivilegedAuthenticationAdministrator,
    ),
    (
        "alex.wong",
        "Alex",
        "Wong",
        AdminRole::AuthenticationAdministrator,
    ),
    ("gwen.reader", "Gwen", "Reader", AdminRole::GlobalReader),
    ("nora.nobody", "Nora", "Nobody", AdminRole::None),
];

/// The account `/authorize` and the device flow pick when nothing else says: Priya Patel (PAA).
pub(crate) const DEFAULT_ACCOUNT: usize = 1;

pub const TENANT_DOMAIN: &str = "contoso-sandbox.onmicrosoft.com";
pub(crate) const SMS_PILOT_GROUP: &str = "SMS sign-in pilot";

/// Extra role holders drawn from ordinary members, besides the sign-in accounts.
const EXTRA_ROLES: &[RoleKind] = &[
    RoleKind::GlobalAdministrator,
    RoleKind::UserAdministrator,
    RoleKind::UserAdministrator,
    RoleKind::HelpdeskAdministrator,
    RoleKind::HelpdeskAdministrator,
    RoleKind::HelpdeskAdministrator,
    RoleKind::PrivilegedRoleAdministrator,
    RoleKind::AuthenticationAdministrator,
    RoleKind::AuthenticationAdministrator,
    RoleKind::PasswordAdministrator,
    RoleKind::SecurityAdministrator,
    RoleKind::SecurityReader,
    RoleKind::ReportsReader,
    RoleKind::AuthenticationPolicyAdministrator,
];

pub(crate) struct Seeded {
    pub tenant_id: String,
    pub directory: Directory,
    pub policy: Policy,
    pub access: crate::access::Access,
}

/// A small, fast generator for one user's details, seeded from the tenant's ChaCha8 stream
/// (SplitMix64), so a 20,000-user seed stays quick even in debug builds.
pub(crate) struct UserRng(u64);

impl UserRng {
    pub(crate) fn derive(root: &mut ChaCha8Rng) -> UserRng {
        UserRng(root.gen())
    }
}

impl rand::RngCore for UserRng {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

pub(crate) fn uuid<R: Rng + ?Sized>(rng: &mut R) -> String {
    uuid::Builder::from_random_bytes(rng.gen())
        .into_uuid()
        .to_string()
}

/// A fixed instant `days` after 2019-01-01, so seeded dates do not depend on the clock.
pub(crate) fn epoch_plus(days: i64, seconds: i64) -> DateTime<Utc> {
    let base = Utc
        .with_ymd_and_hms(2019, 1, 1, 8, 0, 0)
        .single()
        .unwrap_or_default();
    base + chrono::Duration::days(days) + chrono::Duration::seconds(seconds)
}

/// Builds the whole tenant. `now` only dates seeded Temporary Access Passes.
pub(crate) fn build(user_count: usize, seed: u64, now: DateTime<Utc>) -> Seeded {
    let mut rng = <ChaCha8Rng as rand::SeedableRng>::seed_from_u64(seed);
    let tenant_id = uuid(&mut rng);
    let total = user_count.max(ACCOUNTS.len());
    let mut factory = UserFactory::new(TENANT_DOMAIN, now);
    let mut users = Vec::with_capacity(total);
    for (local, given, surname, role) in ACCOUNTS {
        let roles: Vec<RoleKind> = role.directory_role().into_iter().collect();
        users.push(factory.account(&mut UserRng::derive(&mut rng), local, given, surname, roles));
    }
    for _ in ACCOUNTS.len()..total {
        users.push(factory.random(&mut UserRng::derive(&mut rng)));
    }

    // Extra role holders: enabled members, not sign-in accounts.
    let candidates: Vec<usize> = (ACCOUNTS.len()..users.len())
        .filter(|i| !users[*i].external && users[*i].account_enabled)
        .collect();
    let mut taken = HashSet::new();
    for role in EXTRA_ROLES {
        if taken.len() >= candidates.len() {
            break;
        }
        loop {
            let pick = candidates[rng.gen_range(0..candidates.len())];
            if taken.insert(pick) {
                users[pick].roles.push(*role);
                break;
            }
        }
    }

    let mut groups = build_groups(&mut rng, &mut users);
    staging::add(seed, &mut users, &mut groups);
    let roles = RoleKind::ALL
        .iter()
        .map(|kind| DirectoryRole {
            id: uuid(&mut rng),
            kind: *kind,
        })
        .collect();
    let pilot_id = groups
        .iter()
        .find(|g| g.display_name == SMS_PILOT_GROUP)
        .map(|g| g.id.clone())
        .unwrap_or_default();
    let policy = Policy::seeded(&pilot_id, epoch_plus(2200, 0));
    let mut directory = Directory::new(users, groups, roles);
    share_some_mobiles(&mut rng, &mut directory);
    enable_sms_sign_in(&mut rng, &mut directory, &policy);
    Seeded {
        tenant_id,
        directory,
        policy,
        access: crate::access::Access::default(),
    }
}

fn group(rng: &mut ChaCha8Rng, name: &str, description: &str) -> Group {
    Group {
        id: uuid(rng),
        display_name: name.to_owned(),
        description: description.to_owned(),
        mail_nickname: name.to_lowercase().replace(' ', "-"),
        created: epoch_plus(rng.gen_range(0..400), 0),
        member_users: Vec::new(),
        member_groups: Vec::new(),
        transitive_users: Vec::new(),
        transitive_set: HashSet::new(),
    }
}

/// "All staff" nests the department groups; "SMS sign-in pilot" nests "Field service".
fn build_groups(rng: &mut ChaCha8Rng, users: &mut [crate::directory::User]) -> Vec<Group> {
    let mut groups = vec![group(
        rng,
        "All staff",
        "Every employee, through the department groups.",
    )];
    for (dept, _) in DEPARTMENTS {
        groups.push(group(
            rng,
            dept,
            &format!("Members of the {dept} department."),
        ));
    }
    let pilot = groups.len();
    groups.push(group(
        rng,
        SMS_PILOT_GROUP,
        "Users allowed to sign in with a text message.",
    ));
    let field = groups.len();
    groups.push(group(
        rng,
        "Field service",
        "Field technicians without a company laptop.",
    ));
    let admins = groups.len();
    groups.push(group(
        rng,
        "Privileged admins",
        "Holders of directory roles.",
    ));
    let guests = groups.len();
    groups.push(group(
        rng,
        "External partners",
        "Guest accounts from partner organisations.",
    ));

    for d in 1..=DEPARTMENTS.len() {
        groups[0].member_groups.push(d);
    }
    groups[pilot].member_groups.push(field);
    for (i, user) in users.iter_mut().enumerate() {
        let mut joined = Vec::new();
        if user.external {
            joined.push(guests);
        } else if let Some(dept) = &user.department {
            if let Some(d) = DEPARTMENTS.iter().position(|(name, _)| name == dept) {
                joined.push(d + 1);
            }
            if dept == "Operations" && rng.gen_bool(0.4) {
                joined.push(field);
            }
        }
        if !user.external && (i == 4 || rng.gen_bool(0.05)) {
            joined.push(pilot);
        }
        if !user.roles.is_empty() {
            joined.push(admins);
        }
        for g in &joined {
            groups[*g].member_users.push(i);
        }
        user.groups = joined;
    }
    groups
}

/// A few pairs of users share a mobile number (exercises `phoneNumberNotUnique`).
fn share_some_mobiles(rng: &mut ChaCha8Rng, dir: &mut Directory) {
    let with_mobile: Vec<usize> = (ACCOUNTS.len()..dir.users.len())
        .filter(|i| dir.users[*i].methods.phone(PhoneType::Mobile).is_some())
        .collect();
    if with_mobile.len() < 20 {
        return;
    }
    for _ in 0..(with_mobile.len() / 200).clamp(2, 20) {
        let a = with_mobile[rng.gen_range(0..with_mobile.len())];
        let b = with_mobile[rng.gen_range(0..with_mobile.len())];
        if a == b {
            continue;
        }
        let Some(number) = dir.users[a]
            .methods
            .phone(PhoneType::Mobile)
            .map(|p| p.number.clone())
        else {
            continue;
        };
        dir.with_mobile_change(b, |u| {
            if let Some(p) = u.methods.phone_mut(PhoneType::Mobile) {
                p.number = number;
                p.sms_sign_in = false;
            }
        });
    }
}

/// Half of the users that could use SMS sign-in have it switched on.
fn enable_sms_sign_in(rng: &mut ChaCha8Rng, dir: &mut Directory, policy: &Policy) {
    for i in 0..dir.users.len() {
        let ready = crate::policy::sms_sign_in_blocker(dir, policy, i).is_none();
        if ready && rng.gen_bool(0.5) {
            if let Some(p) = dir.users[i].methods.phone_mut(PhoneType::Mobile) {
                p.sms_sign_in = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_directory() {
        let now = Utc::now();
        let a = build(300, 7, now);
        let b = build(300, 7, now);
        assert_eq!(a.tenant_id, b.tenant_id);
        for (x, y) in a.directory.users.iter().zip(&b.directory.users) {
            assert_eq!(x.id, y.id);
            assert_eq!(x.upn, y.upn);
            assert_eq!(x.methods.phones.len(), y.methods.phones.len());
        }
        let c = build(300, 8, now);
        assert_ne!(a.directory.users[10].id, c.directory.users[10].id);
        assert_eq!(a.directory.users[0].upn, c.directory.users[0].upn);
    }

    #[test]
    fn upns_are_unique_and_accounts_are_stable() {
        let s = build(2000, 3, Utc::now());
        let mut seen = HashSet::new();
        for u in &s.directory.users {
            assert!(seen.insert(u.upn.to_lowercase()), "duplicate {}", u.upn);
        }
        assert_eq!(
            s.directory.users[1].upn,
            format!("priya.patel@{TENANT_DOMAIN}")
        );
        assert!(s
            .directory
            .users
            .iter()
            .any(|u| u.guest && u.upn.contains("#EXT#")));
        assert!(s.directory.users.iter().any(|u| !u.account_enabled));
    }
}
