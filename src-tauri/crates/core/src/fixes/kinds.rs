//! How the fix screens name a method kind, and which kinds they remove by id: shared by the
//! overview, the verdicts and the removals.

use crate::graph::MethodKind;

/// A method kind as the admin reads it, e.g. "FIDO2 security key / passkey".
pub(crate) fn kind_label(k: &MethodKind) -> String {
    match k {
        MethodKind::Password => "Password",
        MethodKind::Phone => "Phone",
        MethodKind::Email => "Email",
        MethodKind::MicrosoftAuthenticator => "Microsoft Authenticator",
        MethodKind::Fido2 => "FIDO2 security key / passkey",
        MethodKind::SoftwareOath => "Software OATH token",
        MethodKind::TemporaryAccessPass => "Temporary Access Pass",
        MethodKind::WindowsHelloForBusiness => "Windows Hello for Business",
        MethodKind::PlatformCredential => "Platform credential (macOS)",
        MethodKind::External => "External authentication method",
        MethodKind::QrCodePin => "QR code + PIN",
        MethodKind::HardwareOath => "Hardware OATH token",
        MethodKind::PasswordlessMicrosoftAuthenticator => "Passwordless Authenticator",
        MethodKind::ResourceAccountKey => "Resource account key",
        MethodKind::Unknown(t) => return t.trim_start_matches("#microsoft.graph.").to_string(),
    }
    .to_string()
}

/// The kinds this screen removes by id (phones and email go through their editors).
pub(crate) fn removable(k: &MethodKind) -> bool {
    matches!(
        k,
        MethodKind::MicrosoftAuthenticator
            | MethodKind::Fido2
            | MethodKind::SoftwareOath
            | MethodKind::TemporaryAccessPass
            | MethodKind::WindowsHelloForBusiness
    )
}
