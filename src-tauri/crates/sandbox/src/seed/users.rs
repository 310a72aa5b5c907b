//! One seeded user at a time: name, UPN (deduplicated), profile phones, licence, sync state and
//! a realistic mix of authentication methods and sign-in preferences.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rand::seq::SliceRandom;
use rand::Rng;

use super::countries::{Country, COUNTRIES};
use super::vocab::{
    ascii_fold, AUTHENTICATOR_DEVICES, DEPARTMENTS, FIDO2_MODELS, GUEST_DOMAINS,
    PERSONAL_MAIL_DOMAINS,
};
use super::{epoch_plus, uuid, UserRng};
use crate::directory::{
    Authenticator, EmailMethod, Fido2Key, HelloKey, Methods, Phone, PhoneType, SearchKeys,
    SignInPreferences, SoftwareOath, TemporaryAccessPass, User,
};
use crate::roles::RoleKind;

pub(crate) struct UserFactory {
    domain: &'static str,
    used_upns: HashSet<String>,
    total_weight: u32,
    now: DateTime<Utc>,
}

fn pick<'a, T>(rng: &mut UserRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn digits(rng: &mut UserRng, n: usize) -> String {
    (0..n)
        .map(|i| {
            let d = if i == 0 {
                rng.gen_range(2..10)
            } else {
                rng.gen_range(0..10)
            };
            char::from(b'0' + d)
        })
        .collect()
}

fn mobile_number(rng: &mut UserRng, c: &Country) -> String {
    format!(
        "+{} {}{}",
        c.calling_code,
        pick(rng, c.mobile_prefixes),
        digits(rng, c.mobile_digits)
    )
}

fn office_number(rng: &mut UserRng, c: &Country) -> String {
    format!(
        "+{} {}{}",
        c.calling_code,
        pick(rng, c.office_prefixes),
        digits(rng, c.office_digits)
    )
}

impl UserFactory {
    pub(crate) fn new(domain: &'static str, now: DateTime<Utc>) -> Self {
        let used_upns = super::ACCOUNTS
            .iter()
            .map(|(local, ..)| format!("{local}@{domain}"))
            .collect();
        let total_weight = COUNTRIES.iter().map(|c| c.weight).sum();
        Self {
            domain,
            used_upns,
            total_weight,
            now,
        }
    }

    fn country(&self, rng: &mut UserRng) -> &'static Country {
        let mut roll = rng.gen_range(0..self.total_weight);
        for c in COUNTRIES {
            if roll < c.weight {
                return c;
            }
            roll -= c.weight;
        }
        &COUNTRIES[0]
    }

    fn unique_local(&mut self, base: &str, suffix: &str) -> String {
        let mut n = 1;
        loop {
            let local = if n == 1 {
                base.to_owned()
            } else {
                format!("{base}{n}")
            };
            let upn = format!("{local}{suffix}");
            if self.used_upns.insert(upn.to_lowercase()) {
                return local;
            }
            n += 1;
        }
    }

    /// A sign-in account: a full-time, licensed, cloud-only member with a fixed UPN.
    pub(crate) fn account(
        &mut self,
        rng: &mut UserRng,
        local: &str,
        given: &str,
        surname: &str,
        roles: Vec<RoleKind>,
    ) -> User {
        let country = &COUNTRIES[0];
        let upn = format!("{local}@{}", self.domain);
        let mut user = self.base(rng, country, given, surname, upn.clone(), Some(upn), false);
        user.department = Some("IT".to_owned());
        user.job_title = Some(
            if roles.is_empty() {
                "IT Intern"
            } else {
                "Identity Administrator"
            }
            .to_owned(),
        );
        user.licensed = true;
        user.account_enabled = true;
        user.synced = false;
        user.roles = roles;
        let mobile = mobile_number(rng, country);
        user.mobile_phone = Some(mobile.clone());
        user.methods.phones = vec![Phone {
            kind: PhoneType::Mobile,
            number: mobile,
            sms_sign_in: false,
            created: epoch_plus(1500, 0),
        }];
        user.methods.authenticators.push(self.authenticator(rng));
        user.prefs = SignInPreferences {
            system_preferred: true,
            preferred: Some("push".to_owned()),
            per_user_mfa: "disabled",
        };
        user
    }

    /// An ordinary member or guest.
    pub(crate) fn random(&mut self, rng: &mut UserRng) -> User {
        let country = self.country(rng);
        let given = *pick(rng, country.first_names);
        let surname = *pick(rng, country.last_names);
        let guest = rng.gen_bool(0.03);
        let base = format!("{}.{}", ascii_fold(given), ascii_fold(surname));
        let (upn, mail) = if guest {
            let home = *pick(rng, GUEST_DOMAINS);
            let suffix = format!("_{}#EXT#@{}", home, self.domain);
            let local = self.unique_local(&base, &suffix);
            (format!("{local}{suffix}"), Some(format!("{local}@{home}")))
        } else {
            let suffix = format!("@{}", self.domain);
            let local = self.unique_local(&base, &suffix);
            let upn = format!("{local}{suffix}");
            (upn.clone(), Some(upn))
        };
        let mut user = self.base(rng, country, given, surname, upn, mail, guest);
        self.add_methods(rng, country, &mut user);
        // Drawn last, so the rest of the seeded directory is unchanged: about one member in a
        // hundred is an internal guest (a local account with userType Guest).
        if !guest && rng.gen_bool(0.01) {
            user.guest = true;
        }
        user
    }

    #[allow(clippy::too_many_arguments)]
    fn base(
        &mut self,
        rng: &mut UserRng,
        country: &Country,
        given: &str,
        surname: &str,
        upn: String,
        mail: Option<String>,
        guest: bool,
    ) -> User {
        let display_name = format!("{given} {surname}");
        let (dept, titles) = *pick(rng, DEPARTMENTS);
        let city = *pick(rng, country.cities);
        let created = epoch_plus(rng.gen_range(0..2200), rng.gen_range(0..86_400));
        let mobile_phone = (!guest && rng.gen_bool(0.65)).then(|| mobile_number(rng, country));
        let business_phones = if !guest && rng.gen_bool(0.55) {
            vec![office_number(rng, country)]
        } else {
            Vec::new()
        };
        let keys = SearchKeys::of(&display_name, &upn, mail.as_deref(), given, surname);
        User {
            id: uuid(rng),
            display_name,
            given_name: given.to_owned(),
            surname: surname.to_owned(),
            upn,
            mail,
            mobile_phone,
            business_phones,
            other_mails: Vec::new(),
            job_title: (!guest).then(|| (*pick(rng, titles)).to_owned()),
            department: (!guest).then(|| dept.to_owned()),
            office_location: (!guest).then(|| format!("{city} {}", rng.gen_range(1..6))),
            city: city.to_owned(),
            country: country.name.to_owned(),
            usage_location: country.code.to_owned(),
            preferred_language: country.language.to_owned(),
            account_enabled: !rng.gen_bool(0.03),
            guest,
            external: guest,
            synced: !guest && rng.gen_bool(0.45),
            licensed: !guest && rng.gen_bool(0.92),
            created,
            roles: Vec::new(),
            groups: Vec::new(),
            methods: Methods {
                password_created: Some(created + chrono::Duration::days(rng.gen_range(0..300))),
                ..Methods::default()
            },
            prefs: SignInPreferences::default(),
            methods_updated: created + chrono::Duration::days(rng.gen_range(0..400)),
            report_view: None,
            keys,
        }
    }

    fn authenticator(&self, rng: &mut UserRng) -> Authenticator {
        Authenticator {
            id: uuid(rng),
            display_name: (*pick(rng, AUTHENTICATOR_DEVICES)).to_owned(),
            device_tag: "SoftwareTokenActivated".to_owned(),
            app_version: format!("6.{}.{}", rng.gen_range(6..9), rng.gen_range(0..30)),
            created: epoch_plus(rng.gen_range(600..2300), 0),
        }
    }

    fn add_methods(&self, rng: &mut UserRng, country: &Country, user: &mut User) {
        let member = !user.guest;
        let created =
            |rng: &mut UserRng| epoch_plus(rng.gen_range(400..2300), rng.gen_range(0..86_400));
        let m = &mut user.methods;
        if rng.gen_bool(if member { 0.5 } else { 0.2 }) {
            let number = match &user.mobile_phone {
                Some(p) if rng.gen_bool(0.8) => p.clone(),
                _ => mobile_number(rng, country),
            };
            m.phones.push(Phone {
                kind: PhoneType::Mobile,
                number,
                sms_sign_in: false,
                created: created(rng),
            });
            if rng.gen_bool(0.12) {
                let number = mobile_number(rng, country);
                m.phones.push(Phone {
                    kind: PhoneType::AlternateMobile,
                    number,
                    sms_sign_in: false,
                    created: created(rng),
                });
            }
        }
        if member && rng.gen_bool(0.18) {
            let mut number = match user.business_phones.first() {
                Some(p) => p.clone(),
                None => office_number(rng, country),
            };
            if rng.gen_bool(0.3) {
                number.push_str(&format!("x{}", rng.gen_range(100..10_000)));
            }
            m.phones.push(Phone {
                kind: PhoneType::Office,
                number,
                sms_sign_in: false,
                created: created(rng),
            });
        }
        if rng.gen_bool(0.2) {
            let domain = *pick(rng, PERSONAL_MAIL_DOMAINS);
            let local = ascii_fold(&user.given_name) + "." + &ascii_fold(&user.surname);
            m.email = Some(EmailMethod {
                address: format!("{local}@{domain}"),
                created: created(rng),
            });
        }
        if rng.gen_bool(if member { 0.4 } else { 0.15 }) {
            m.authenticators.push(self.authenticator(rng));
            if rng.gen_bool(0.08) {
                m.authenticators.push(self.authenticator(rng));
            }
        }
        if member && rng.gen_bool(0.08) {
            let (model, aaguid, device_bound) = *pick(rng, FIDO2_MODELS);
            m.fido2.push(Fido2Key {
                id: uuid(rng),
                display_name: model.to_owned(),
                model: model.to_owned(),
                aaguid: aaguid.to_owned(),
                attested: device_bound,
                synced: !device_bound,
                created: created(rng),
            });
        }
        if rng.gen_bool(0.06) {
            m.oath.push(SoftwareOath {
                id: uuid(rng),
                created: created(rng),
            });
        }
        if member && rng.gen_bool(0.12) {
            let prefix = if rng.gen_bool(0.6) {
                "LAPTOP"
            } else {
                "DESKTOP"
            };
            m.hello.push(HelloKey {
                id: uuid(rng),
                display_name: format!("{prefix}-{}", digits(rng, 6)),
                weak: rng.gen_bool(0.05),
                created: created(rng),
            });
        }
        if member && rng.gen_bool(0.01) {
            let usable = rng.gen_bool(0.5);
            let start = if usable {
                self.now - chrono::Duration::minutes(30)
            } else {
                epoch_plus(2000, 0)
            };
            m.taps.push(TemporaryAccessPass {
                id: uuid(rng),
                start,
                lifetime_minutes: 480,
                usable_once: false,
                created: start,
                used: false,
                digest: [0; 32],
            });
        }
        let mobile = m.phone(PhoneType::Mobile).is_some();
        let alternate = m.phone(PhoneType::AlternateMobile).is_some();
        let office = m.phone(PhoneType::Office).is_some();
        let preferred = if !m.authenticators.is_empty() {
            Some("push")
        } else if alternate && rng.gen_bool(0.1) {
            Some("voiceAlternateMobile")
        } else if mobile {
            Some(if rng.gen_bool(0.75) {
                "sms"
            } else {
                "voiceMobile"
            })
        } else if office {
            Some("voiceOffice")
        } else if !m.oath.is_empty() {
            Some("oath")
        } else {
            None
        };
        user.prefs = SignInPreferences {
            system_preferred: rng.gen_bool(0.85),
            preferred: preferred.map(str::to_owned),
            per_user_mfa: if rng.gen_bool(0.05) {
                "enforced"
            } else {
                "disabled"
            },
        };
        m.phones.shuffle(rng);
        m.phones.sort_by_key(|p| p.kind);
    }
}
