//! All authentication methods of a user, every documented `@odata.type` recognised and an unknown
//! one kept (never dropped) with its raw JSON. Deleting Authenticator / FIDO2 / OATH / TAP /
//! Windows Hello methods by kind.

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::transport::Call;
use super::{Api, GraphClient, GraphError, UserKey};

/// The kind of an authentication method, from its `@odata.type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MethodKind {
    Password,
    Phone,
    Email,
    MicrosoftAuthenticator,
    Fido2,
    SoftwareOath,
    TemporaryAccessPass,
    WindowsHelloForBusiness,
    PlatformCredential,
    External,
    QrCodePin,
    HardwareOath,
    PasswordlessMicrosoftAuthenticator,
    ResourceAccountKey,
    /// A type this version of Prestage does not know; kept with its `@odata.type`.
    Unknown(String),
}

impl MethodKind {
    /// A second factor that is not a phone (email and password are not MFA; a Temporary
    /// Access Pass is a bootstrap, not a standing method).
    pub fn is_mfa_besides_phone(&self) -> bool {
        !matches!(
            self,
            MethodKind::Password
                | MethodKind::Phone
                | MethodKind::Email
                | MethodKind::TemporaryAccessPass
        )
    }
}

const KINDS: &[(&str, MethodKind)] = &[
    ("passwordAuthenticationMethod", MethodKind::Password),
    ("phoneAuthenticationMethod", MethodKind::Phone),
    ("emailAuthenticationMethod", MethodKind::Email),
    (
        "microsoftAuthenticatorAuthenticationMethod",
        MethodKind::MicrosoftAuthenticator,
    ),
    ("fido2AuthenticationMethod", MethodKind::Fido2),
    ("softwareOathAuthenticationMethod", MethodKind::SoftwareOath),
    (
        "temporaryAccessPassAuthenticationMethod",
        MethodKind::TemporaryAccessPass,
    ),
    (
        "windowsHelloForBusinessAuthenticationMethod",
        MethodKind::WindowsHelloForBusiness,
    ),
    (
        "platformCredentialAuthenticationMethod",
        MethodKind::PlatformCredential,
    ),
    ("externalAuthenticationMethod", MethodKind::External),
    ("qrCodePinAuthenticationMethod", MethodKind::QrCodePin),
    ("hardwareOathAuthenticationMethod", MethodKind::HardwareOath),
    (
        "passwordlessMicrosoftAuthenticatorAuthenticationMethod",
        MethodKind::PasswordlessMicrosoftAuthenticator,
    ),
    (
        "resourceAccountKeyAuthenticationMethod",
        MethodKind::ResourceAccountKey,
    ),
];

impl MethodKind {
    /// From `#microsoft.graph.fido2AuthenticationMethod` (prefix optional).
    pub fn from_odata_type(odata_type: &str) -> Self {
        let short = odata_type
            .trim_start_matches('#')
            .trim_start_matches("microsoft.graph.");
        KINDS
            .iter()
            .find(|(name, _)| *name == short)
            .map(|(_, k)| k.clone())
            .unwrap_or_else(|| MethodKind::Unknown(odata_type.to_string()))
    }

    /// The per-kind collection under `/authentication`, for kinds Graph lets you delete by id.
    pub fn deletable_collection(&self) -> Option<&'static str> {
        Some(match self {
            MethodKind::MicrosoftAuthenticator => "microsoftAuthenticatorMethods",
            MethodKind::Fido2 => "fido2Methods",
            MethodKind::SoftwareOath => "softwareOathMethods",
            MethodKind::TemporaryAccessPass => "temporaryAccessPassMethods",
            MethodKind::WindowsHelloForBusiness => "windowsHelloForBusinessMethods",
            MethodKind::Phone => "phoneMethods",
            MethodKind::Email => "emailMethods",
            _ => return None,
        })
    }

    /// Counts as a multifactor method (for "phone only" and re-registration decisions).
    pub fn is_mfa(&self) -> bool {
        matches!(
            self,
            MethodKind::Phone
                | MethodKind::MicrosoftAuthenticator
                | MethodKind::Fido2
                | MethodKind::SoftwareOath
                | MethodKind::WindowsHelloForBusiness
                | MethodKind::HardwareOath
                | MethodKind::PlatformCredential
                | MethodKind::External
                | MethodKind::PasswordlessMicrosoftAuthenticator
        )
    }
}

/// One registered method: its kind, id, creation date and every property Graph sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthMethod {
    pub kind: MethodKind,
    pub id: String,
    pub created: Option<DateTime<Utc>>,
    /// All properties as Graph sent them (masked numbers stay masked).
    pub properties: Map<String, Value>,
}

impl AuthMethod {
    /// One method from its JSON (any `@odata.type`; unknown ones kept).
    pub fn from_json(value: Value) -> Result<Self, GraphError> {
        let Value::Object(properties) = value else {
            return Err(GraphError::Decode(
                "an authentication method is not an object".into(),
            ));
        };
        let odata_type = properties
            .get("@odata.type")
            .and_then(Value::as_str)
            .unwrap_or("");
        let id = properties
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let created = properties
            .get("createdDateTime")
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|d| d.with_timezone(&Utc));
        Ok(Self {
            kind: MethodKind::from_odata_type(odata_type),
            id,
            created,
            properties,
        })
    }

    pub fn str_prop(&self, name: &str) -> Option<&str> {
        self.properties.get(name).and_then(Value::as_str)
    }

    /// A one-line description for people: number, address, device or key name.
    pub fn detail(&self) -> String {
        let pick = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| self.str_prop(n))
                .map(str::to_string)
        };
        match &self.kind {
            MethodKind::Phone => {
                let kind = self.str_prop("phoneType").unwrap_or("phone");
                format!("{kind} {}", self.str_prop("phoneNumber").unwrap_or(""))
            }
            MethodKind::Email => pick(&["emailAddress"]).unwrap_or_default(),
            MethodKind::Unknown(t) => t.trim_start_matches("#microsoft.graph.").to_string(),
            _ => pick(&["displayName", "model", "deviceTag"]).unwrap_or_default(),
        }
    }
}

#[derive(Deserialize)]
struct RawPage {
    #[serde(default)]
    value: Vec<Value>,
}

impl GraphClient {
    /// Every authentication method of a user (the list takes no query options).
    pub async fn list_methods(&self, user: UserKey<'_>) -> Result<Vec<AuthMethod>, GraphError> {
        let url = self.url(Api::V1, &["users", user, "authentication", "methods"]);
        let page: RawPage = self.get_json(Call::new(Method::GET, url)).await?;
        page.value.into_iter().map(AuthMethod::from_json).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_types_are_kept() {
        let m = AuthMethod::from_json(serde_json::json!({
            "@odata.type": "#microsoft.graph.futureAuthenticationMethod", "id": "x"
        }))
        .unwrap();
        assert_eq!(
            m.kind,
            MethodKind::Unknown("#microsoft.graph.futureAuthenticationMethod".into())
        );
        assert_eq!(m.id, "x");
    }

    #[test]
    fn every_documented_type_is_recognised() {
        for (name, kind) in KINDS {
            assert_eq!(
                &MethodKind::from_odata_type(&format!("#microsoft.graph.{name}")),
                kind
            );
        }
    }
}
