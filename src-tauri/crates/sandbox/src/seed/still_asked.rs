//! Users who have registered methods and are still asked to register, each for one reason Entra
//! has, plus one who is not asked, with the policies behind them (`SandboxConfig::still_asked`).
//! The people are the last ordinary members of the seed, renamed (ids kept), so the tenant's
//! size is unchanged. Deterministic: no randomness; the seeded TAP is dated from `now` like the
//! others.

use chrono::{DateTime, Utc};

use super::{epoch_plus, Seeded, ACCOUNTS, TENANT_DOMAIN};
use crate::access::{CaPolicy, SignIn, PASSWORDLESS, PHISHING_RESISTANT};
use crate::directory::{
    Authenticator, Directory, Fido2Key, Group, Methods, Phone, PhoneType, SearchKeys,
    SignInPreferences, TemporaryAccessPass, User,
};
use crate::policy::{MethodKind, Target};
use crate::roles::RoleKind;

/// The seeded "still asked" people: UPN local part and the reason the diagnosis should name.
pub const STILL_ASKED: [(&str, &str); 8] = [
    ("vera.vendor", "methodsPolicy"),
    ("nico.nudge", "registrationCampaign"),
    ("sasha.reset", "sspr"),
    ("carmen.payments", "conditionalAccess"),
    ("tariq.tap", "temporaryAccessPass"),
    ("oscar.office", "unusableMethods"),
    ("ivan.identity", "identityProtection"),
    ("wendy.ready", "none"),
];

/// Fewer users than this: no cases (small test tenants keep their directory as it was).
const MIN_USERS: usize = 40;

fn authenticator(n: u8) -> Authenticator {
    Authenticator {
        id: format!("5a1e0000-0000-4000-8000-0000000000a{n}"),
        display_name: "iPhone 15".to_owned(),
        device_tag: "SoftwareTokenActivated".to_owned(),
        app_version: "6.8.12".to_owned(),
        created: epoch_plus(2100, 0),
    }
}

fn phone(kind: PhoneType, number: &str) -> Phone {
    Phone {
        kind,
        number: number.to_owned(),
        sms_sign_in: false,
        created: epoch_plus(2000, 0),
    }
}

fn passkey(n: u8) -> Fido2Key {
    Fido2Key {
        id: format!("5a1e0000-0000-4000-8000-0000000000f{n}"),
        display_name: "YubiKey 5 NFC".to_owned(),
        model: "YubiKey 5 NFC".to_owned(),
        aaguid: "cb69481e-8ff7-4039-93ec-0a2729a154a8".to_owned(),
        attested: true,
        synced: false,
        created: epoch_plus(2150, 0),
    }
}

fn group(id: &str, name: &str, description: &str) -> Group {
    Group {
        id: id.to_owned(),
        display_name: name.to_owned(),
        description: description.to_owned(),
        mail_nickname: name.to_lowercase().replace(' ', "-"),
        created: epoch_plus(1900, 0),
        member_users: Vec::new(),
        member_groups: Vec::new(),
        transitive_users: Vec::new(),
        transitive_set: Default::default(),
    }
}

/// Renames `u` into a case person with exactly `methods`.
fn become_case(u: &mut User, local: &str, given: &str, surname: &str, methods: Methods) {
    let upn = format!("{local}@{TENANT_DOMAIN}");
    u.display_name = format!("{given} {surname}");
    u.given_name = given.to_owned();
    u.surname = surname.to_owned();
    u.upn = upn.clone();
    u.mail = Some(upn.clone());
    u.account_enabled = true;
    u.guest = false;
    u.external = false;
    u.licensed = true;
    u.synced = false;
    u.mobile_phone = methods.phone(PhoneType::Mobile).map(|p| p.number.clone());
    u.methods = Methods {
        password_created: u.methods.password_created,
        ..methods
    };
    let preferred = if !u.methods.authenticators.is_empty() {
        Some("push")
    } else if u.methods.phone(PhoneType::Mobile).is_some() {
        Some("sms")
    } else if u.methods.phone(PhoneType::Office).is_some() {
        Some("voiceOffice")
    } else {
        None
    };
    u.prefs = SignInPreferences {
        system_preferred: true,
        preferred: preferred.map(str::to_owned),
        per_user_mfa: "disabled",
    };
    u.report_view = None;
    u.keys = SearchKeys::of(&u.display_name, &upn, Some(&upn), given, surname);
}

/// "Require multifactor authentication for all users" (`SandboxConfig::conditional_access_mfa`).
pub(crate) fn all_users_mfa() -> CaPolicy {
    CaPolicy {
        id: "7d2a9c1e-5b43-4f6e-a0d8-3c91b2e4f705".into(),
        display_name: "Require multifactor authentication for all users".into(),
        state: "enabled",
        include_users: vec!["All".into()],
        built_in: vec!["mfa"],
        created: epoch_plus(1950, 0),
        ..CaPolicy::default()
    }
}

/// Turns the last ordinary members into the cases and adds the policies behind them (nothing
/// when the tenant has fewer than [`MIN_USERS`]). The directory is rebuilt so every index
/// (groups, nesting, UPNs, mobile numbers) follows.
pub(crate) fn seed(s: &mut Seeded, now: DateTime<Utc>) {
    let old = std::mem::take(&mut s.directory);
    let (mut users, mut groups, roles) = (old.users, old.groups, old.roles);
    let policy = &mut s.policy;
    let access = &mut s.access;
    let slots: Vec<usize> = (ACCOUNTS.len()..users.len())
        .rev()
        .filter(|i| users[*i].roles.is_empty() && !users[*i].external && !users[*i].guest)
        .take(STILL_ASKED.len())
        .collect();
    if users.len() < MIN_USERS || slots.len() < STILL_ASKED.len() {
        s.directory = Directory::new(users, groups, roles);
        return;
    }
    let [vera, nico, sasha, carmen, tariq, oscar, ivan, wendy] = [
        slots[0], slots[1], slots[2], slots[3], slots[4], slots[5], slots[6], slots[7],
    ];

    // Vera: Authenticator only, in "Vendors", nested in "Contractors", which the Authenticator
    // policy excludes.
    let contractors = groups.len();
    groups.push(group(
        "c0a1b2c3-0000-4000-8000-00000000c001",
        "Contractors",
        "External contractors; Authenticator is not allowed for them.",
    ));
    let vendors = groups.len();
    groups.push(group(
        "c0a1b2c3-0000-4000-8000-00000000c002",
        "Vendors",
        "Vendor staff (nested in Contractors).",
    ));
    groups[contractors].member_groups.push(vendors);
    let payments = groups.len();
    groups.push(group(
        "c0a1b2c3-0000-4000-8000-00000000c003",
        "Payments team",
        "People who approve payments: phishing-resistant MFA.",
    ));
    if let Some(c) = policy.config_mut(MethodKind::MicrosoftAuthenticator) {
        c.exclude.push(Target::group(&groups[contractors].id));
    }
    access.policies.push(CaPolicy {
        id: "c0a1b2c3-0000-4000-8000-000000000002".into(),
        display_name: "Payments team: phishing-resistant MFA".into(),
        state: "enabled",
        include_groups: vec![groups[payments].id.clone()],
        strength: Some(PHISHING_RESISTANT),
        created: epoch_plus(2000, 0),
        ..CaPolicy::default()
    });
    access.policies.push(CaPolicy {
        id: "c0a1b2c3-0000-4000-8000-000000000003".into(),
        display_name: "Administrators: passwordless MFA (report-only)".into(),
        state: "enabledForReportingButNotEnforced",
        include_roles: vec![RoleKind::GlobalAdministrator.template_id().into()],
        strength: Some(PASSWORDLESS),
        created: epoch_plus(2010, 0),
        ..CaPolicy::default()
    });

    let cases: [(usize, &str, &str, &str, Methods); 8] = [
        (
            vera,
            STILL_ASKED[0].0,
            "Vera",
            "Vendor",
            Methods {
                authenticators: vec![authenticator(1)],
                ..Methods::default()
            },
        ),
        (
            nico,
            STILL_ASKED[1].0,
            "Nico",
            "Nudge",
            Methods {
                phones: vec![phone(PhoneType::Mobile, "+1 4255550171")],
                ..Methods::default()
            },
        ),
        (
            sasha,
            STILL_ASKED[2].0,
            "Sasha",
            "Reset",
            Methods {
                fido2: vec![passkey(1)],
                ..Methods::default()
            },
        ),
        (
            carmen,
            STILL_ASKED[3].0,
            "Carmen",
            "Payments",
            Methods {
                authenticators: vec![authenticator(2)],
                phones: vec![phone(PhoneType::Mobile, "+1 4255550174")],
                ..Methods::default()
            },
        ),
        (
            tariq,
            STILL_ASKED[4].0,
            "Tariq",
            "Tap",
            Methods {
                authenticators: vec![authenticator(3)],
                taps: vec![TemporaryAccessPass {
                    id: "5a1e0000-0000-4000-8000-0000000000e1".into(),
                    start: now - chrono::Duration::minutes(30),
                    lifetime_minutes: 480,
                    usable_once: false,
                    created: now - chrono::Duration::minutes(30),
                    used: false,
                    // A seeded pass nobody holds: no text hashes to this.
                    digest: [0; 32],
                }],
                ..Methods::default()
            },
        ),
        (
            oscar,
            STILL_ASKED[5].0,
            "Oscar",
            "Office",
            Methods {
                phones: vec![phone(PhoneType::Office, "+1 4255550176")],
                ..Methods::default()
            },
        ),
        (
            ivan,
            STILL_ASKED[6].0,
            "Ivan",
            "Identity",
            Methods {
                email: Some(crate::directory::EmailMethod {
                    address: "ivan.identity@fabrikam.example".into(),
                    created: epoch_plus(2180, 0),
                }),
                ..Methods::default()
            },
        ),
        (
            wendy,
            STILL_ASKED[7].0,
            "Wendy",
            "Ready",
            Methods {
                authenticators: vec![authenticator(4)],
                fido2: vec![passkey(2)],
                phones: vec![phone(PhoneType::Mobile, "+1 4255550177")],
                ..Methods::default()
            },
        ),
    ];
    for (i, local, given, surname, methods) in cases {
        become_case(&mut users[i], local, given, surname, methods);
    }
    // Oscar's office phone takes voice calls only, and the voice policy excludes him.
    if let Some(c) = policy.config_mut(MethodKind::Voice) {
        c.exclude.push(Target {
            is_group: false,
            ..Target::group(&users[oscar].id)
        });
    }
    for (user, g) in [(vera, vendors), (carmen, payments)] {
        groups[g].member_users.push(user);
        users[user].groups.push(g);
    }
    // Identity Protection's MFA registration policy has no Graph read: it shows only in the
    // sign-in log, on Ivan's sign-ins. Wendy's sign-in asked for nothing.
    let sign_in = |n: u8, hours_ago, requirement| SignIn {
        id: format!("5a1e0000-0000-4000-8000-0000000005{n:02}"),
        hours_ago,
        requirement,
    };
    let ip = Some((
        "mfaRegistrationRequiredByIdentityProtectionPolicy",
        "Multifactor authentication registration policy",
    ));
    access
        .sign_ins
        .insert(ivan, vec![sign_in(1, 2, ip), sign_in(2, 26, ip)]);
    access.sign_ins.insert(wendy, vec![sign_in(3, 5, None)]);
    s.directory = Directory::new(users, groups, roles);
}
