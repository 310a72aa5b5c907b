//! The JSON of every authentication method type, exactly the CSDL's property names per API
//! version (beta adds `lastUsedDateTime` and Authenticator `clientAppName`; beta's TAP type has
//! no `isUsable`/`methodUsabilityReason`). Phone numbers are masked for restricted readers.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use crate::directory::{
    Authenticator, Directory, EmailMethod, Fido2Key, HelloKey, Phone, SoftwareOath,
    TemporaryAccessPass, EMAIL_ID, PASSWORD_ID,
};
use crate::errors::iso;
use crate::phone_format::mask;
use crate::policy::{sms_sign_in_state, MethodKind, Policy};
use crate::request::ApiVersion;
use crate::rules::View;
use crate::seed::epoch_plus;

/// Seeded dates end before this many days after 2019-01-01 (2026-01-01).
const SEEDED_UNTIL_DAYS: i64 = 2557;

/// What serialising one user's methods needs.
pub(crate) struct Renderer<'a> {
    pub dir: &'a Directory,
    pub policy: &'a Policy,
    pub user: usize,
    pub view: View,
    pub version: ApiVersion,
    pub now: DateTime<Utc>,
}

impl Renderer<'_> {
    fn base(&self, kind: &str, id: &str, created: Option<DateTime<Utc>>) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(
            "@odata.type".into(),
            json!(format!("#microsoft.graph.{kind}")),
        );
        m.insert("id".into(), json!(id));
        m.insert(
            "createdDateTime".into(),
            created.map_or(Value::Null, |c| json!(iso(c))),
        );
        if self.version == ApiVersion::Beta {
            let used = created.and_then(|c| self.last_used(id, c));
            m.insert(
                "lastUsedDateTime".into(),
                used.map_or(Value::Null, |t| json!(iso(t))),
            );
        }
        m
    }

    /// beta `lastUsedDateTime`: for a seeded method a fixed date after its creation (about one
    /// in eight never used); a method created through the API has not been used yet. A guess
    /// kept deterministic (rules.rs, rule 12).
    fn last_used(&self, method_id: &str, created: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if created >= epoch_plus(SEEDED_UNTIL_DAYS, 0) {
            return None;
        }
        let user_id = &self.dir.users[self.user].id;
        let h = user_id
            .bytes()
            .chain(method_id.bytes())
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        if h % 8 == 0 {
            return None;
        }
        let days = i64::try_from((h >> 8) % 400).unwrap_or(0);
        Some((created + chrono::Duration::days(days)).min(epoch_plus(SEEDED_UNTIL_DAYS, 0)))
    }

    pub(crate) fn password(&self) -> Value {
        let u = &self.dir.users[self.user];
        let mut m = self.base(
            "passwordAuthenticationMethod",
            PASSWORD_ID,
            u.methods.password_created,
        );
        m.insert("password".into(), Value::Null);
        Value::Object(m)
    }

    pub(crate) fn phone(&self, p: &Phone) -> Value {
        let mut m = self.base("phoneAuthenticationMethod", p.kind.id(), Some(p.created));
        let number = match self.view {
            View::Full => p.number.clone(),
            View::Masked => mask(&p.number),
        };
        m.insert("phoneNumber".into(), json!(number));
        m.insert("phoneType".into(), json!(p.kind.as_str()));
        let state = sms_sign_in_state(self.dir, self.policy, self.user, p);
        m.insert("smsSignInState".into(), json!(state));
        Value::Object(m)
    }

    pub(crate) fn email(&self, e: &EmailMethod) -> Value {
        let mut m = self.base("emailAuthenticationMethod", EMAIL_ID, Some(e.created));
        m.insert("emailAddress".into(), json!(e.address));
        Value::Object(m)
    }

    pub(crate) fn authenticator(&self, a: &Authenticator) -> Value {
        let mut m = self.base(
            "microsoftAuthenticatorAuthenticationMethod",
            &a.id,
            Some(a.created),
        );
        m.insert("displayName".into(), json!(a.display_name));
        m.insert("deviceTag".into(), json!(a.device_tag));
        m.insert("phoneAppVersion".into(), json!(a.app_version));
        if self.version == ApiVersion::Beta {
            m.insert("clientAppName".into(), json!("microsoftAuthenticator"));
        }
        Value::Object(m)
    }

    pub(crate) fn fido2(&self, k: &Fido2Key) -> Value {
        let mut m = self.base("fido2AuthenticationMethod", &k.id, Some(k.created));
        m.insert("displayName".into(), json!(k.display_name));
        m.insert("aaGuid".into(), json!(k.aaguid));
        m.insert("model".into(), json!(k.model));
        m.insert("attestationCertificates".into(), json!([]));
        m.insert(
            "attestationLevel".into(),
            json!(if k.attested {
                "attested"
            } else {
                "notAttested"
            }),
        );
        m.insert(
            "passkeyType".into(),
            json!(if k.synced { "synced" } else { "deviceBound" }),
        );
        Value::Object(m)
    }

    pub(crate) fn oath(&self, o: &SoftwareOath) -> Value {
        let mut m = self.base("softwareOathAuthenticationMethod", &o.id, Some(o.created));
        m.insert("secretKey".into(), Value::Null);
        Value::Object(m)
    }

    pub(crate) fn hello(&self, h: &HelloKey) -> Value {
        let mut m = self.base(
            "windowsHelloForBusinessAuthenticationMethod",
            &h.id,
            Some(h.created),
        );
        m.insert("displayName".into(), json!(h.display_name));
        m.insert(
            "keyStrength".into(),
            json!(if h.weak { "weak" } else { "normal" }),
        );
        Value::Object(m)
    }

    /// The secret is shown only in the create response (`secret` = Some).
    pub(crate) fn tap(&self, t: &TemporaryAccessPass, secret: Option<&str>) -> Value {
        let mut m = self.base(
            "temporaryAccessPassAuthenticationMethod",
            &t.id,
            Some(t.created),
        );
        let allowed = self
            .policy
            .allows(self.dir, MethodKind::TemporaryAccessPass, self.user);
        let (usable, reason) = t.usability(self.now, allowed);
        if self.version == ApiVersion::V1 {
            m.insert("isUsable".into(), json!(usable));
            m.insert("methodUsabilityReason".into(), json!(reason));
        }
        m.insert("isUsableOnce".into(), json!(t.usable_once));
        m.insert("lifetimeInMinutes".into(), json!(t.lifetime_minutes));
        m.insert("startDateTime".into(), json!(iso(t.start)));
        m.insert(
            "temporaryAccessPass".into(),
            secret.map_or(Value::Null, |s| json!(s)),
        );
        Value::Object(m)
    }

    /// Every method of the user, as `/authentication/methods` lists them.
    pub(crate) fn all(&self) -> Vec<Value> {
        let m = &self.dir.users[self.user].methods;
        let mut out = vec![self.password()];
        out.extend(m.phones.iter().map(|p| self.phone(p)));
        out.extend(m.email.iter().map(|e| self.email(e)));
        out.extend(m.authenticators.iter().map(|a| self.authenticator(a)));
        out.extend(m.fido2.iter().map(|k| self.fido2(k)));
        out.extend(m.oath.iter().map(|o| self.oath(o)));
        out.extend(m.hello.iter().map(|h| self.hello(h)));
        out.extend(m.taps.iter().map(|t| self.tap(t, None)));
        out
    }
}
