//! The simulated directory: users with their authentication methods and sign-in preferences,
//! groups, directory roles, and the indexes that keep 20,000-user queries fast.
//! Plain data plus lookups; Graph's rules and JSON shapes live elsewhere.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::odata::search::tokenize;
use crate::phone_format::digits_key;
use crate::roles::RoleKind;

pub(crate) const MOBILE_ID: &str = "3179e48a-750b-4051-897c-87b9720928f7";
pub(crate) const ALTERNATE_MOBILE_ID: &str = "b6332ec1-7057-4abe-9331-3d72feddfe41";
pub(crate) const OFFICE_ID: &str = "e37fc753-ff3b-4958-9484-eaa9425c82bc";
pub(crate) const EMAIL_ID: &str = "3ddfcfc8-9383-446f-83cc-3ab9be4be18f";
pub(crate) const PASSWORD_ID: &str = "28c10230-6103-485e-b985-444c60001490";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum PhoneType {
    Mobile,
    AlternateMobile,
    Office,
}

impl PhoneType {
    pub(crate) const ALL: [PhoneType; 3] = [
        PhoneType::Mobile,
        PhoneType::AlternateMobile,
        PhoneType::Office,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PhoneType::Mobile => "mobile",
            PhoneType::AlternateMobile => "alternateMobile",
            PhoneType::Office => "office",
        }
    }

    pub(crate) fn id(self) -> &'static str {
        match self {
            PhoneType::Mobile => MOBILE_ID,
            PhoneType::AlternateMobile => ALTERNATE_MOBILE_ID,
            PhoneType::Office => OFFICE_ID,
        }
    }

    pub(crate) fn parse(s: &str) -> Option<PhoneType> {
        PhoneType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
    }

    pub(crate) fn from_id(id: &str) -> Option<PhoneType> {
        PhoneType::ALL
            .into_iter()
            .find(|t| t.id().eq_ignore_ascii_case(id))
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Phone {
    pub kind: PhoneType,
    pub number: String,
    /// SMS sign-in switched on for this (mobile) number.
    pub sms_sign_in: bool,
    pub created: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub(crate) struct EmailMethod {
    pub address: String,
    pub created: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub(crate) struct Authenticator {
    pub id: String,
    pub display_name: String,
    pub device_tag: String,
    pub app_version: String,
    pub created: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub(crate) struct Fido2Key {
    pub id: String,
    pub display_name: String,
    pub model: String,
    pub aaguid: String,
    pub attested: bool,
    pub synced: bool,
    pub created: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub(crate) struct SoftwareOath {
    pub id: String,
    pub created: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub(crate) struct HelloKey {
    pub id: String,
    pub display_name: String,
    pub weak: bool,
    pub created: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub(crate) struct TemporaryAccessPass {
    pub id: String,
    pub start: DateTime<Utc>,
    pub lifetime_minutes: i64,
    pub usable_once: bool,
    pub created: DateTime<Utc>,
    /// A one-time pass someone signed in with (it stays listed, unusable: `OneTimeUsed`).
    pub used: bool,
    /// SHA-256 of the pass text, so the control plane can check a pass a "user" types; the
    /// text itself is kept nowhere (Graph returns it only in the create response).
    pub digest: [u8; 32],
}

impl TemporaryAccessPass {
    /// `methodUsabilityReason` at `now` as Graph documents it: EnabledByPolicy, DisabledByPolicy
    /// (`allowed`: the TAP policy is off or does not target the user), OneTimeUsed, NotYetValid
    /// or Expired.
    pub(crate) fn usability(&self, now: DateTime<Utc>, allowed: bool) -> (bool, &'static str) {
        if !allowed {
            (false, "DisabledByPolicy")
        } else if self.usable_once && self.used {
            (false, "OneTimeUsed")
        } else if now < self.start {
            (false, "NotYetValid")
        } else if now >= self.start + chrono::Duration::minutes(self.lifetime_minutes) {
            (false, "Expired")
        } else {
            (true, "EnabledByPolicy")
        }
    }
}

/// Every authentication method of one user. Each user has a password.
#[derive(Clone, Debug, Default)]
pub(crate) struct Methods {
    pub password_created: Option<DateTime<Utc>>,
    pub phones: Vec<Phone>,
    pub email: Option<EmailMethod>,
    pub authenticators: Vec<Authenticator>,
    pub fido2: Vec<Fido2Key>,
    pub oath: Vec<SoftwareOath>,
    pub hello: Vec<HelloKey>,
    pub taps: Vec<TemporaryAccessPass>,
}

impl Methods {
    pub(crate) fn phone(&self, kind: PhoneType) -> Option<&Phone> {
        self.phones.iter().find(|p| p.kind == kind)
    }

    pub(crate) fn phone_mut(&mut self, kind: PhoneType) -> Option<&mut Phone> {
        self.phones.iter_mut().find(|p| p.kind == kind)
    }

    /// Has the user registered a method that answers an MFA prompt (a phone, Microsoft
    /// Authenticator, an OATH token, a passkey or Windows Hello)? Email and TAP do not count.
    pub(crate) fn has_mfa_method(&self) -> bool {
        !self.phones.is_empty()
            || !self.authenticators.is_empty()
            || !self.oath.is_empty()
            || !self.fido2.is_empty()
            || !self.hello.is_empty()
    }
}

impl Default for SignInPreferences {
    fn default() -> Self {
        SignInPreferences {
            system_preferred: false,
            preferred: None,
            per_user_mfa: "disabled",
        }
    }
}

/// beta `signInPreferences` and `requirements`.
#[derive(Clone, Debug)]
pub(crate) struct SignInPreferences {
    pub system_preferred: bool,
    /// One of push, oath, voiceMobile, voiceAlternateMobile, voiceOffice, sms.
    pub preferred: Option<String>,
    /// beta `requirements.perUserMfaState`: disabled, enabled or enforced.
    pub per_user_mfa: &'static str,
}

#[derive(Clone, Debug)]
pub(crate) struct User {
    pub id: String,
    pub display_name: String,
    pub given_name: String,
    pub surname: String,
    pub upn: String,
    pub mail: Option<String>,
    pub mobile_phone: Option<String>,
    pub business_phones: Vec<String>,
    /// `otherMails`: addresses outside the tenant (personal mail, a guest's home address).
    pub other_mails: Vec<String>,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub office_location: Option<String>,
    pub city: String,
    pub country: String,
    pub usage_location: String,
    pub preferred_language: String,
    pub account_enabled: bool,
    /// `userType` Guest.
    pub guest: bool,
    /// Signs in with an identity from another organisation (B2B: `#EXT#` UPN, `creationType`
    /// Invitation, `externalUserState` Accepted). A guest that is not external is an internal
    /// guest (a local account with `userType` Guest).
    pub external: bool,
    pub synced: bool,
    pub licensed: bool,
    pub created: DateTime<Utc>,
    pub roles: Vec<RoleKind>,
    /// Groups this user is a direct member of (indexes into `Directory::groups`).
    pub groups: Vec<usize>,
    pub methods: Methods,
    pub prefs: SignInPreferences,
    pub methods_updated: DateTime<Utc>,
    /// What the registration report still shows while it lags a recent change (None: the report
    /// shows the current state).
    pub report_view: Option<Box<ReportView>>,
    pub keys: SearchKeys,
}

/// The state the registration report last refreshed from, and when.
#[derive(Clone, Debug)]
pub(crate) struct ReportView {
    pub methods: Methods,
    pub prefs: SignInPreferences,
    pub at: DateTime<Utc>,
}

impl User {
    /// Has this user registered what the sign-in method `method` needs (a `signInPreferences`
    /// name: `sms`, `voiceMobile`, `push`, ...)?
    pub(crate) fn supports(&self, method: &str) -> bool {
        let m = &self.methods;
        match method {
            "sms" | "voiceMobile" => m.phone(PhoneType::Mobile).is_some(),
            "voiceAlternateMobile" => m.phone(PhoneType::AlternateMobile).is_some(),
            "voiceOffice" => m.phone(PhoneType::Office).is_some(),
            "push" => !m.authenticators.is_empty(),
            "oath" => !m.oath.is_empty() || !m.authenticators.is_empty(),
            _ => false,
        }
    }

    /// The methods, preferences and `lastUpdatedDateTime` the registration report shows at `now`:
    /// the state before a change until `lag` has passed since it, the current state after.
    pub(crate) fn report_state(
        &self,
        now: DateTime<Utc>,
        lag: chrono::Duration,
    ) -> (&Methods, &SignInPreferences, DateTime<Utc>) {
        match &self.report_view {
            Some(v) if now < self.methods_updated + lag => (&v.methods, &v.prefs, v.at),
            Some(_) => (&self.methods, &self.prefs, self.methods_updated + lag),
            None => (&self.methods, &self.prefs, self.methods_updated),
        }
    }

    /// Called before a write to this user's methods: keeps what the report shows now, unless
    /// it already shows an older state that is still lagging.
    pub(crate) fn before_methods_write(&mut self, now: DateTime<Utc>, lag: chrono::Duration) {
        let lagging = self.report_view.is_some() && now < self.methods_updated + lag;
        if !lagging {
            let (methods, prefs, at) = self.report_state(now, lag);
            self.report_view = Some(Box::new(ReportView {
                methods: methods.clone(),
                prefs: prefs.clone(),
                at,
            }));
        }
    }
}

/// Lower-cased copies for case-insensitive filtering and `$search`.
#[derive(Clone, Debug, Default)]
pub(crate) struct SearchKeys {
    pub display_name: String,
    pub display_tokens: Vec<String>,
    pub upn: String,
    pub mail: String,
    pub given_name: String,
    pub surname: String,
}

impl SearchKeys {
    pub(crate) fn of(
        display_name: &str,
        upn: &str,
        mail: Option<&str>,
        given: &str,
        surname: &str,
    ) -> Self {
        SearchKeys {
            display_name: display_name.to_lowercase(),
            display_tokens: tokenize(display_name),
            upn: upn.to_lowercase(),
            mail: mail.unwrap_or_default().to_lowercase(),
            given_name: given.to_lowercase(),
            surname: surname.to_lowercase(),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Group {
    pub id: String,
    pub display_name: String,
    pub description: String,
    pub mail_nickname: String,
    pub created: DateTime<Utc>,
    pub member_users: Vec<usize>,
    pub member_groups: Vec<usize>,
    /// Every user reached through nested groups, in directory order.
    pub transitive_users: Vec<usize>,
    pub transitive_set: HashSet<usize>,
}

/// An activated directory role (`#microsoft.graph.directoryRole`).
#[derive(Clone, Debug)]
pub(crate) struct DirectoryRole {
    pub id: String,
    pub kind: RoleKind,
}

#[derive(Debug, Default)]
pub(crate) struct Directory {
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub roles: Vec<DirectoryRole>,
    by_id: HashMap<String, usize>,
    by_upn: HashMap<String, usize>,
    group_by_id: HashMap<String, usize>,
    pub order_display_name: Vec<usize>,
    pub order_upn: Vec<usize>,
    /// Digits of every mobile method number → how many users hold it.
    mobile_numbers: HashMap<String, u32>,
}

impl Directory {
    /// Builds the indexes over seeded users, groups and roles.
    pub(crate) fn new(users: Vec<User>, mut groups: Vec<Group>, roles: Vec<DirectoryRole>) -> Self {
        let by_id = users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.clone(), i))
            .collect();
        let by_upn = users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.upn.to_lowercase(), i))
            .collect();
        let group_by_id = groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.id.clone(), i))
            .collect();
        for gi in 0..groups.len() {
            let mut seen_groups = HashSet::new();
            let mut set = HashSet::new();
            collect_members(&groups, gi, &mut seen_groups, &mut set);
            let mut list: Vec<usize> = set.iter().copied().collect();
            list.sort_unstable();
            groups[gi].transitive_users = list;
            groups[gi].transitive_set = set;
        }
        let mut order_display_name: Vec<usize> = (0..users.len()).collect();
        order_display_name.sort_by(|a, b| {
            users[*a]
                .keys
                .display_name
                .cmp(&users[*b].keys.display_name)
        });
        let mut order_upn: Vec<usize> = (0..users.len()).collect();
        order_upn.sort_by(|a, b| users[*a].keys.upn.cmp(&users[*b].keys.upn));
        let mut dir = Directory {
            users,
            groups,
            roles,
            by_id,
            by_upn,
            group_by_id,
            order_display_name,
            order_upn,
            mobile_numbers: HashMap::new(),
        };
        for i in 0..dir.users.len() {
            if let Some(p) = dir.users[i].methods.phone(PhoneType::Mobile) {
                *dir.mobile_numbers.entry(digits_key(&p.number)).or_default() += 1;
            }
        }
        dir
    }

    /// A user by object id or user principal name (case-insensitive).
    pub(crate) fn find_user(&self, key: &str) -> Option<usize> {
        if let Some(i) = self.by_id.get(key) {
            return Some(*i);
        }
        let lower = key.to_lowercase();
        self.by_id
            .get(&lower)
            .or_else(|| self.by_upn.get(&lower))
            .copied()
    }

    pub(crate) fn find_group(&self, id: &str) -> Option<usize> {
        self.group_by_id.get(&id.to_lowercase()).copied()
    }

    /// Is `user` in group `group_id` directly or through nested groups?
    pub(crate) fn in_group(&self, user: usize, group_id: &str) -> bool {
        self.find_group(group_id)
            .is_some_and(|g| self.groups[g].transitive_set.contains(&user))
    }

    /// Does another user than `user` hold `number` as their mobile method?
    pub(crate) fn mobile_shared(&self, user: usize, number: &str) -> bool {
        let key = digits_key(number);
        let count = self.mobile_numbers.get(&key).copied().unwrap_or(0);
        let own = self.users[user]
            .methods
            .phone(PhoneType::Mobile)
            .is_some_and(|p| digits_key(&p.number) == key);
        count > u32::from(own)
    }

    /// Keeps the uniqueness index right around a change of `user`'s mobile method.
    pub(crate) fn with_mobile_change<R>(
        &mut self,
        user: usize,
        f: impl FnOnce(&mut User) -> R,
    ) -> R {
        if let Some(p) = self.users[user].methods.phone(PhoneType::Mobile) {
            let key = digits_key(&p.number);
            if let Some(c) = self.mobile_numbers.get_mut(&key) {
                *c = c.saturating_sub(1);
            }
        }
        let out = f(&mut self.users[user]);
        if let Some(p) = self.users[user].methods.phone(PhoneType::Mobile) {
            *self
                .mobile_numbers
                .entry(digits_key(&p.number))
                .or_default() += 1;
        }
        out
    }

    pub(crate) fn role_of(&self, kind: RoleKind) -> Option<&DirectoryRole> {
        self.roles.iter().find(|r| r.kind == kind)
    }
}

fn collect_members(
    groups: &[Group],
    gi: usize,
    seen: &mut HashSet<usize>,
    out: &mut HashSet<usize>,
) {
    if !seen.insert(gi) {
        return;
    }
    out.extend(groups[gi].member_users.iter().copied());
    for &child in &groups[gi].member_groups {
        collect_members(groups, child, seen, out);
    }
}
