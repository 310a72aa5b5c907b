//! Graph's rules for authentication methods and who may touch them, each with the status and
//! error code the sandbox answers. Handlers call these; they never invent their own errors for
//! these situations.
//!
//! | # | Rule | Status | Code | Source |
//! |---|------|--------|------|--------|
//! | 1 | POST a phone type the user already has | 400 | `badRequest` | **guess** (§11: status undocumented; 409 avoided) |
//! | 2 | POST `alternateMobile` without a `mobile` | 400 | `badRequest` | **guess** (rule documented, status not) |
//! | 3 | DELETE `mobile` while `alternateMobile` exists | 400 | `badRequest` | **guess** (rule documented, status not) |
//! | 4 | DELETE the phone behind the default (preferred) method | 400 | `badRequest` | **guess** (rule documented, status not) |
//! | 5 | Number not `+CC NUMBER[xEXT]`, extension on a non-office phone | 400 | `badRequest` | **guess** (docs: "rejected") |
//! | 5 | PATCH changing `phoneType` | 400 | `badRequest` | **guess** |
//! | 5 | POST phone missing `phoneNumber`/`phoneType`, or with `smsSignInState` | 400 | `badRequest` | **guess** |
//! | – | Unknown `phoneType` / enum value, unknown property, bad JSON | 400 | `BadRequest` | OData layer, documented shape |
//! | 6 | Signed-in admin writes their own methods, signInPreferences or requirements (`/me` or own id) | 403 | `accessDenied` | **guess** (docs: self-service unsupported) |
//! | 7 | Authentication Administrator writes a protected admin (graph-api.md §6) | 403 | `accessDenied` "Request Authorization failed" | documented |
//! | 7 | Global Reader writes; a no-role user reads or writes others' methods | 403 | `accessDenied` | documented shape |
//! | 7 | Authentication Administrator / Global Reader read others' phones | 200, numbers masked `+1 XXXXXXXX34` | – | documented (masking), mask format a guess |
//! | 8 | `enableSmsSignIn` when the state is not `notEnabled`/`ready` or phone is not mobile | 400 | `badRequest` | **guess** |
//! | 9 | POST an email method when one exists | 400 | `badRequest` | **guess** |
//! | 10 | TAP `lifetimeInMinutes` outside 10–43200 or the policy's min/max; `isUsableOnce:false` when policy forces one-time | 400 | `badRequest` | **guess**; a pass for a user the TAP policy does not enable is created with `isUsable: false`, `DisabledByPolicy` (documented) |
//! | 11 | signInPreferences: preferred method the user has not registered | 400 | `badRequest` | **guess** |
//! | 11 | signInPreferences under /v1.0 | 400 | `BadRequest` "Resource not found for the segment" | documented behaviour of unknown segments |
//! | 12 | Registration report in a tenant without P1/P2 | 403 | `Authentication_RequestFromNonPremiumTenantOrB2CTenant` | documented |
//! | 12 | Registration report read by a role outside graph-api.md §2 (incl. Authentication Administrator and — by choice — Privileged Authentication Administrator) | 403 | `accessDenied` | documented list; code a guess |
//! | 13 | `$search` without `ConsistencyLevel: eventual` | 400 | `Request_UnsupportedQuery` | documented |
//! | 14 | `$top` outside 1–999 | 400 | `Request_BadRequest` "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive." | documented |
//! | 15 | Paging | 200 + absolute `@odata.nextLink` with opaque `$skiptoken` | – | documented |
//! | 16 | Unknown user (id or UPN) | 404 | `Request_ResourceNotFound` | documented |
//! | 16 | Unknown method id | 404 | `itemNotFound` | **guess** |
//! | – | Missing / unknown / expired bearer token | 401 | `InvalidAuthenticationToken` | documented |
//! | – | Throttled (write or resource-unit bucket) | 429 | `TooManyRequests` + `Retry-After` | documented |
//! | – | Injected outage | 503 | `serviceNotAvailable` + `Retry-After: 1` | code a guess |
//! | – | `$batch` with more than 20 requests or duplicate ids, unknown `dependsOn` | 400 (whole batch) | `BadRequest` | status documented, code a guess |
//! | – | Batch sub-request with a body but no Content-Type | 400 (sub-response) | `BadRequest` | documented |
//! | – | Batch sub-request whose `dependsOn` failed | 424 (sub-response) | `FailedDependency` | documented status |
//! | 12 | Registration report: reports bucket, 5 requests per 10 s per app (own bucket, not the identity RU bucket) | 429 | `TooManyRequests` + `Retry-After`, `x-ms-throttle-information: ReportsLimitExceeded` | documented quota; header value a guess |
//! | 12 | Registration report page size when the client sends no `$top` | 200 | [`REPORT_PAGE_SIZE`] rows + `@odata.nextLink` | **guess** (docs: only `$filter`/`$orderby`; the server picks the page size) |
//! | 12 | Registration report: disabled accounts | absent from the list; `/{id}` → 404 `Request_ResourceNotFound` | – | documented ("does not list disabled users"); 404 a guess |
//! | 12 | Registration report rows lag changes by `SandboxConfig::report_lag` (`lastUpdatedDateTime` = when the row was refreshed) | 200 | – | documented ("up to a few hours"); the lag a guess |
//! | 12 | `methodsRegistered`: Authenticator → `microsoftAuthenticatorPush`, plus `softwareOneTimePasscode` when its `deviceTag` is `SoftwareTokenActivated`; FIDO2 → `passKeyDeviceBound` / `passKeySynced` (`passKeyDeviceBoundAuthenticator` for Microsoft Authenticator's AAGUIDs) | – | – | documented values; the deviceTag link a guess |
//! | – | beta `lastUsedDateTime` of a seeded method: a fixed date after its creation (about one in eight never used); methods created through the API: null | – | – | property documented, values a guess |
//! | 18 | Per-user MFA (`requirements`) read by a role other than Global Reader, Authentication Policy Administrator or Global Administrator | 403 | `accessDenied` | documented roles; code a guess |
//! | 18 | Per-user MFA changed by a role other than Authentication Policy Administrator or Global Administrator | 403 | `accessDenied` | documented role; code a guess |
//! | 18 | Per-user MFA read without `Policy.Read.All` (or `Policy.ReadWrite.AuthenticationMethod`) in the token; changed without `Policy.ReadWrite.AuthenticationMethod` | 403 | `Authorization_RequestDenied` | documented permissions; code a guess |
//! | 18 | Per-user MFA set to `enabled` for a user who has an MFA method registered (phone, Authenticator, OATH, passkey, Windows Hello) | 204, state becomes `enforced` | – | documented |
//! | 18 | `perUserMfaState` other than disabled / enabled / enforced | 400 | `badRequest` | **guess** |
//! | 18 | A refresh token redeemed for more scopes than signed in with (incremental consent: `Policy.ReadWrite.AuthenticationMethod` on the first per-user MFA change) | 200, the token carries them | – | models a tenant whose admin consented to the app's permissions; real Entra answers `invalid_grant` AADSTS65001 for a permission not consented |
//! | 17 | `/directoryRoles/{id}/members` without `RoleManagement.Read.Directory` / `Directory.Read.All` in the token | 403 | `Authorization_RequestDenied` "Insufficient privileges to complete the operation." | documented shape and permissions |
//! | 19 | Security defaults / Conditional Access policies / authentication strengths read by a role other than Global Reader, Security Reader, Security Administrator, Global Administrator (Conditional Access Administrator is not modelled), or without `Policy.Read.All` | 403 | `accessDenied` / `Authorization_RequestDenied` | documented permission and roles (`rbac-conditionalaccess-apis-read`, `rbac-authenticationstrength-apis-read`; security defaults name none); codes a guess |
//! | 20 | Sign-in log (`auditLogs/signIns`) read by a role other than Global Reader, Reports Reader, Security Reader, Security Administrator, Global Administrator (Security Operator is not modelled), or without both `AuditLog.Read.All` and `Directory.Read.All`; a tenant without P1/P2 | 403 | `accessDenied` / `Authorization_RequestDenied` / `Authentication_RequestFromNonPremiumTenantOrB2CTenant` | documented roles and permissions (signin-list, "known issue": both permissions); codes a guess. Only `$filter=userId eq '{id}'` is answered; consent is not modelled (a scope asked for on refresh is granted) |

use crate::directory::{Directory, PhoneType};
use crate::errors::GraphError;
use crate::state::Caller;

/// Rows per page of the registration report when the client sends no `$top` (rule 12, a guess).
pub(crate) const REPORT_PAGE_SIZE: usize = 1000;

/// Rule 17: role members need a directory read permission.
pub(crate) fn role_members_unreadable() -> GraphError {
    GraphError::new(
        axum::http::StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    )
}

/// A Graph permission the token lacks: 403 `Authorization_RequestDenied` (rules 18, 19).
pub(crate) fn missing_permission() -> GraphError {
    role_members_unreadable()
}

/// Rule 18: may `caller` read per-user MFA state?
pub(crate) fn authorize_mfa_state_read(caller: &Caller) -> Result<(), GraphError> {
    if !caller.powers.read_mfa_state {
        return Err(GraphError::access_denied());
    }
    if !caller.reads_policy {
        return Err(missing_permission());
    }
    Ok(())
}

/// Rules 6 and 18: may `caller` change `target`'s per-user MFA state?
pub(crate) fn authorize_mfa_state_write(caller: &Caller, target: usize) -> Result<(), GraphError> {
    if caller.user == Some(target) {
        return Err(self_service());
    }
    if !caller.powers.write_mfa_state {
        return Err(GraphError::access_denied());
    }
    if !caller.writes_auth_method_policy {
        return Err(missing_permission());
    }
    Ok(())
}

/// Rule 20: may `caller` read the sign-in log?
pub(crate) fn authorize_sign_in_log_read(caller: &Caller) -> Result<(), GraphError> {
    if !caller.powers.read_reports {
        return Err(GraphError::access_denied());
    }
    if !caller.reads_sign_ins {
        return Err(missing_permission());
    }
    Ok(())
}

/// Rule 19: may `caller` read security defaults and Conditional Access policies?
pub(crate) fn authorize_security_policies_read(caller: &Caller) -> Result<(), GraphError> {
    if !caller.powers.read_security_policies {
        return Err(GraphError::access_denied());
    }
    if !caller.reads_policy {
        return Err(missing_permission());
    }
    Ok(())
}

fn self_service() -> GraphError {
    GraphError::new(
        axum::http::StatusCode::FORBIDDEN,
        "accessDenied",
        "Request Authorization failed: self-service operations on authentication methods are not supported.",
    )
}

/// How the caller sees another user's phone numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum View {
    Full,
    Masked,
}

/// May `caller` read `target`'s methods? Self-reads are allowed and unmasked.
pub(crate) fn authorize_read(caller: &Caller, target: usize) -> Result<View, GraphError> {
    if caller.user == Some(target) || caller.powers.read_full {
        Ok(View::Full)
    } else if caller.powers.read_masked {
        Ok(View::Masked)
    } else {
        Err(GraphError::access_denied())
    }
}

/// May `caller` change `target`'s methods (rules 6 and 7)?
pub(crate) fn authorize_write(
    caller: &Caller,
    dir: &Directory,
    target: usize,
) -> Result<(), GraphError> {
    if caller.user == Some(target) {
        return Err(self_service());
    }
    if caller.powers.may_write_target(&dir.users[target].roles) {
        Ok(())
    } else {
        Err(GraphError::access_denied())
    }
}

pub(crate) fn duplicate_phone(kind: PhoneType) -> GraphError {
    GraphError::bad_request(format!(
        "A phone method of type '{}' already exists for this user. Update or delete it instead.",
        kind.as_str()
    ))
}

pub(crate) fn alternate_needs_mobile() -> GraphError {
    GraphError::bad_request(
        "An alternateMobile phone can only be added when the user has a mobile phone.",
    )
}

pub(crate) fn mobile_has_alternate() -> GraphError {
    GraphError::bad_request(
        "The mobile phone can't be deleted while an alternateMobile phone exists. Delete the alternateMobile phone first or update the mobile number.",
    )
}

pub(crate) fn phone_is_default(preferred: &str) -> GraphError {
    GraphError::bad_request(format!(
        "This phone is the user's default sign-in method ('{preferred}') and can't be deleted. Change the default method first."
    ))
}

pub(crate) fn invalid_phone_number(raw: &str, extension_refused: bool) -> GraphError {
    if extension_refused {
        GraphError::bad_request(format!(
            "Invalid phone number '{raw}': extensions are only allowed on office phones."
        ))
    } else {
        GraphError::bad_request(format!(
            "Invalid phone number '{raw}'. The number must be in the format '+{{country code}} {{number}}x{{extension}}', e.g. '+1 5555551234'."
        ))
    }
}

pub(crate) fn phone_type_change() -> GraphError {
    GraphError::bad_request(
        "The phoneType of an existing phone method can't be changed. Add a phone of the new type and delete the old one.",
    )
}

pub(crate) fn sms_sign_in_unavailable(state: &str) -> GraphError {
    GraphError::bad_request(format!(
        "SMS sign-in can't be enabled for this phone method: its smsSignInState is '{state}'."
    ))
}

pub(crate) fn duplicate_email() -> GraphError {
    GraphError::bad_request(
        "An email method already exists for this user. Update or delete it instead.",
    )
}

pub(crate) fn preferred_not_registered(method: &str) -> GraphError {
    GraphError::bad_request(format!(
        "The user has not registered a method that supports '{method}' as default sign-in method."
    ))
}

/// Does `preferred` (a signInPreferences value) depend on this phone? (rule 4)
pub(crate) fn preferred_uses_phone(preferred: &str, kind: PhoneType) -> bool {
    matches!(
        (preferred, kind),
        ("sms" | "voiceMobile", PhoneType::Mobile)
            | ("voiceAlternateMobile", PhoneType::AlternateMobile)
            | ("voiceOffice", PhoneType::Office)
    )
}
