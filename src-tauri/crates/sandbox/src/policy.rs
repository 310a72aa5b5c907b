//! The tenant's authentication methods policy (SMS, Voice, TAP, Authenticator, FIDO2, software
//! OATH, Email configurations with include/exclude targets) and the questions asked of it:
//! is a method allowed for a user, and what is a mobile number's `smsSignInState`.

use chrono::{DateTime, Utc};

use crate::directory::{Directory, Phone, PhoneType};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MethodKind {
    Sms,
    Voice,
    TemporaryAccessPass,
    MicrosoftAuthenticator,
    Fido2,
    SoftwareOath,
    Email,
}

impl MethodKind {
    pub(crate) const ALL: [MethodKind; 7] = [
        MethodKind::Fido2,
        MethodKind::MicrosoftAuthenticator,
        MethodKind::Sms,
        MethodKind::TemporaryAccessPass,
        MethodKind::SoftwareOath,
        MethodKind::Voice,
        MethodKind::Email,
    ];

    /// The configuration id in `authenticationMethodConfigurations/{id}`.
    pub(crate) fn id(self) -> &'static str {
        match self {
            MethodKind::Sms => "Sms",
            MethodKind::Voice => "Voice",
            MethodKind::TemporaryAccessPass => "TemporaryAccessPass",
            MethodKind::MicrosoftAuthenticator => "MicrosoftAuthenticator",
            MethodKind::Fido2 => "Fido2",
            MethodKind::SoftwareOath => "SoftwareOath",
            MethodKind::Email => "Email",
        }
    }

    pub(crate) fn odata_type(self) -> &'static str {
        match self {
            MethodKind::Sms => "#microsoft.graph.smsAuthenticationMethodConfiguration",
            MethodKind::Voice => "#microsoft.graph.voiceAuthenticationMethodConfiguration",
            MethodKind::TemporaryAccessPass => {
                "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration"
            }
            MethodKind::MicrosoftAuthenticator => {
                "#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration"
            }
            MethodKind::Fido2 => "#microsoft.graph.fido2AuthenticationMethodConfiguration",
            MethodKind::SoftwareOath => {
                "#microsoft.graph.softwareOathAuthenticationMethodConfiguration"
            }
            MethodKind::Email => "#microsoft.graph.emailAuthenticationMethodConfiguration",
        }
    }

    pub(crate) fn from_id(id: &str) -> Option<MethodKind> {
        MethodKind::ALL
            .into_iter()
            .find(|k| k.id().eq_ignore_ascii_case(id))
    }
}

/// An include target (`authenticationMethodTarget` and its SMS / Authenticator subtypes).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Target {
    /// A group or user object id, or `all_users`.
    pub id: String,
    pub is_group: bool,
    pub registration_required: bool,
    /// SMS only: `isUsableForSignIn`.
    pub usable_for_sign_in: bool,
    /// Microsoft Authenticator only: `authenticationMode` (`any`, `push`, `deviceBasedPush`).
    pub authenticator_mode: &'static str,
}

impl Target {
    pub(crate) fn all_users() -> Target {
        Target {
            id: "all_users".into(),
            is_group: true,
            registration_required: false,
            usable_for_sign_in: false,
            authenticator_mode: "any",
        }
    }

    /// A group target of `kind`'s configuration.
    pub(crate) fn group(id: &str) -> Target {
        Target {
            id: id.to_owned(),
            ..Target::all_users()
        }
    }

    pub(crate) fn covers(&self, dir: &Directory, user: usize) -> bool {
        if self.id == "all_users" {
            return true;
        }
        if self.is_group {
            dir.in_group(user, &self.id)
        } else {
            dir.users[user].id.eq_ignore_ascii_case(&self.id)
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct MethodConfig {
    pub kind: MethodKind,
    pub enabled: bool,
    pub include: Vec<Target>,
    pub exclude: Vec<Target>,
}

/// Temporary Access Pass settings (`temporaryAccessPassAuthenticationMethodConfiguration`).
#[derive(Clone, Debug)]
pub(crate) struct TapSettings {
    pub default_lifetime: i64,
    pub minimum_lifetime: i64,
    pub maximum_lifetime: i64,
    pub default_length: i64,
    pub usable_once: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Policy {
    pub last_modified: DateTime<Utc>,
    pub configs: Vec<MethodConfig>,
    pub office_phone_allowed: bool,
    pub tap: TapSettings,
    pub authenticator_software_oath: bool,
    pub fido2_attestation_enforced: bool,
    pub fido2_self_service: bool,
    pub email_external_otp: String,
    /// `registrationEnforcement.authenticationMethodsRegistrationCampaign`.
    pub campaign: Campaign,
    /// beta `reconfirmationInDays`: how often users are asked to reconfirm their methods.
    pub reconfirmation_days: i64,
}

/// The registration campaign ("nudge"): `advancedConfigState` `default` (Microsoft managed),
/// `enabled` or `disabled`, its targets (each with `targetedAuthenticationMethod`) and snoozes.
#[derive(Clone, Debug)]
pub(crate) struct Campaign {
    pub state: &'static str,
    pub snooze_days: i64,
    pub enforce_after_snoozes: bool,
    /// (target, `targetedAuthenticationMethod`).
    pub include: Vec<(Target, &'static str)>,
    pub exclude: Vec<Target>,
}

impl Policy {
    /// SMS for all users (not for sign-in) plus the pilot group (sign-in); Voice with office
    /// phones; TAP 60–480 minutes; every other method for all users.
    pub(crate) fn seeded(pilot_group_id: &str, last_modified: DateTime<Utc>) -> Policy {
        let all = |kind| MethodConfig {
            kind,
            enabled: true,
            include: vec![Target::all_users()],
            exclude: Vec::new(),
        };
        let mut sms = all(MethodKind::Sms);
        sms.include.push(Target {
            usable_for_sign_in: true,
            ..Target::group(pilot_group_id)
        });
        Policy {
            last_modified,
            configs: vec![
                all(MethodKind::Fido2),
                all(MethodKind::MicrosoftAuthenticator),
                sms,
                all(MethodKind::TemporaryAccessPass),
                all(MethodKind::SoftwareOath),
                all(MethodKind::Voice),
                all(MethodKind::Email),
            ],
            office_phone_allowed: true,
            tap: TapSettings {
                default_lifetime: 60,
                minimum_lifetime: 60,
                maximum_lifetime: 480,
                default_length: 8,
                usable_once: false,
            },
            authenticator_software_oath: false,
            fido2_attestation_enforced: false,
            fido2_self_service: true,
            email_external_otp: "default".into(),
            // Microsoft managed since September 2026 (sms-voice-retirement.md): Authenticator
            // for everyone, unlimited snoozes.
            campaign: Campaign {
                state: "default",
                snooze_days: 1,
                enforce_after_snoozes: false,
                include: vec![(Target::all_users(), "microsoftAuthenticator")],
                exclude: Vec::new(),
            },
            reconfirmation_days: 0,
        }
    }

    pub(crate) fn config(&self, kind: MethodKind) -> Option<&MethodConfig> {
        self.configs.iter().find(|c| c.kind == kind)
    }

    pub(crate) fn config_mut(&mut self, kind: MethodKind) -> Option<&mut MethodConfig> {
        self.configs.iter_mut().find(|c| c.kind == kind)
    }

    /// The include targets of an enabled method that cover `user`, none if excluded.
    pub(crate) fn targets_for<'a>(
        &'a self,
        dir: &Directory,
        kind: MethodKind,
        user: usize,
    ) -> Vec<&'a Target> {
        let Some(c) = self.config(kind).filter(|c| c.enabled) else {
            return Vec::new();
        };
        if c.exclude.iter().any(|t| t.covers(dir, user)) {
            return Vec::new();
        }
        c.include.iter().filter(|t| t.covers(dir, user)).collect()
    }

    pub(crate) fn allows(&self, dir: &Directory, kind: MethodKind, user: usize) -> bool {
        !self.targets_for(dir, kind, user).is_empty()
    }

    /// Is a phone of this type usable for MFA under the policy?
    pub(crate) fn allows_phone(&self, dir: &Directory, kind: PhoneType, user: usize) -> bool {
        let voice = self.allows(dir, MethodKind::Voice, user);
        match kind {
            PhoneType::Mobile => voice || self.allows(dir, MethodKind::Sms, user),
            PhoneType::AlternateMobile => voice,
            PhoneType::Office => voice && self.office_phone_allowed,
        }
    }
}

/// Why `user`'s mobile number could not be used for SMS sign-in, as an `smsSignInState`
/// (`None`: nothing stops it; the state is then `ready` or `notEnabled`).
pub(crate) fn sms_sign_in_blocker(
    dir: &Directory,
    policy: &Policy,
    user: usize,
) -> Option<&'static str> {
    let u = &dir.users[user];
    let Some(mobile) = u.methods.phone(PhoneType::Mobile) else {
        return Some("notSupported");
    };
    let targeted = policy
        .targets_for(dir, MethodKind::Sms, user)
        .iter()
        .any(|t| t.usable_for_sign_in);
    if !targeted || u.external {
        return Some("notAllowedByPolicy");
    }
    if !u.licensed {
        return Some("notConfigured");
    }
    if dir.mobile_shared(user, &mobile.number) {
        return Some("phoneNumberNotUnique");
    }
    None
}

/// `smsSignInState` of one of `user`'s phones.
pub(crate) fn sms_sign_in_state(
    dir: &Directory,
    policy: &Policy,
    user: usize,
    phone: &Phone,
) -> &'static str {
    if phone.kind != PhoneType::Mobile {
        return "notSupported";
    }
    match sms_sign_in_blocker(dir, policy, user) {
        Some(state) => state,
        None if phone.sms_sign_in => "ready",
        None => "notEnabled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed;

    #[test]
    fn sms_sign_in_states_follow_policy_licence_and_uniqueness() {
        let s = seed::build(60, 1, Utc::now());
        let mut dir = s.directory;
        let mut policy = s.policy;
        // Nora (index 4) is in the SMS sign-in pilot, licensed, with a mobile.
        let nora = 4;
        assert_eq!(sms_sign_in_blocker(&dir, &policy, nora), None);
        let mobile = dir.users[nora]
            .methods
            .phone(PhoneType::Mobile)
            .cloned()
            .unwrap();
        assert!(matches!(
            sms_sign_in_state(&dir, &policy, nora, &mobile),
            "ready" | "notEnabled"
        ));
        let office = Phone {
            kind: PhoneType::Office,
            ..mobile.clone()
        };
        assert_eq!(
            sms_sign_in_state(&dir, &policy, nora, &office),
            "notSupported"
        );
        dir.users[nora].licensed = false;
        assert_eq!(
            sms_sign_in_blocker(&dir, &policy, nora),
            Some("notConfigured")
        );
        dir.users[nora].licensed = true;
        let other = 5;
        let number = mobile.number.clone();
        dir.with_mobile_change(other, |u| {
            u.methods.phones.retain(|p| p.kind != PhoneType::Mobile);
            u.methods.phones.push(Phone {
                kind: PhoneType::Mobile,
                number,
                sms_sign_in: false,
                created: Utc::now(),
            });
        });
        assert_eq!(
            sms_sign_in_blocker(&dir, &policy, nora),
            Some("phoneNumberNotUnique")
        );
        dir.with_mobile_change(other, |u| {
            u.methods.phones.retain(|p| p.kind != PhoneType::Mobile)
        });
        assert_eq!(sms_sign_in_blocker(&dir, &policy, nora), None);
        if let Some(c) = policy.config_mut(MethodKind::Sms) {
            c.exclude.push(Target {
                is_group: false,
                ..Target::group(&dir.users[nora].id)
            });
        }
        assert_eq!(
            sms_sign_in_blocker(&dir, &policy, nora),
            Some("notAllowedByPolicy")
        );
        assert_eq!(
            sms_sign_in_blocker(&dir, &policy, 0),
            Some("notAllowedByPolicy"),
            "all_users is not usable for sign-in"
        );
    }
}
