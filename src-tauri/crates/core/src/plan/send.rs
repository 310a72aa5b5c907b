//! The one place a planned `Change` becomes a Graph write (bulk runs, undo and single-user fixes).

use crate::graph::{GraphClient, GraphError, MethodKind, MethodWrite, SignInPreferences};
use crate::phone::PhoneNumber;

use super::methods::parse_default_method;
use super::model::{Action, Change, Slot};

fn number(text: Option<&str>) -> Result<PhoneNumber, GraphError> {
    PhoneNumber::parse_graph(text.unwrap_or(""))
        .map_err(|e| GraphError::InvalidInput(e.to_string()))
}

/// Sends one planned change through `GraphClient::write`.
pub(crate) async fn send_change(
    graph: &GraphClient,
    user: &str,
    change: &Change,
) -> Result<crate::graph::Receipt, GraphError> {
    let after = change.after.as_deref();
    match (change.slot.phone_type(), change.slot, change.action) {
        (Some(t), _, Action::Add) => {
            graph
                .write(user, MethodWrite::CreatePhone(t, &number(after)?))
                .await
        }
        (Some(t), _, Action::Update) => {
            graph
                .write(user, MethodWrite::UpdatePhone(t, &number(after)?))
                .await
        }
        (Some(t), _, Action::Remove) => graph.write(user, MethodWrite::DeletePhone(t)).await,
        (_, Slot::Email, Action::Add) => {
            graph
                .write(user, MethodWrite::CreateEmail(after.unwrap_or("")))
                .await
        }
        (_, Slot::Email, Action::Update) => {
            graph
                .write(user, MethodWrite::UpdateEmail(after.unwrap_or("")))
                .await
        }
        (_, Slot::Email, Action::Remove) => graph.write(user, MethodWrite::DeleteEmail).await,
        (_, Slot::SmsSignIn, Action::Enable) => {
            graph.write(user, MethodWrite::EnableSmsSignIn).await
        }
        (_, Slot::Tap, Action::Remove) => {
            let id = change.before.as_deref().unwrap_or("");
            graph
                .write(
                    user,
                    MethodWrite::DeleteMethod(&MethodKind::TemporaryAccessPass, id),
                )
                .await
        }
        (_, Slot::SmsSignIn, Action::Disable) => {
            graph.write(user, MethodWrite::DisableSmsSignIn).await
        }
        (_, Slot::DefaultMethod, Action::Set) => {
            let method = after
                .and_then(parse_default_method)
                .ok_or_else(|| GraphError::InvalidInput("unknown default method".into()))?;
            let prefs = SignInPreferences {
                is_system_preferred_authentication_method_enabled: None,
                user_preferred_method_for_secondary_authentication: Some(method),
            };
            graph
                .write(user, MethodWrite::SetSignInPreferences(&prefs))
                .await
        }
        (_, Slot::PerUserMfa, Action::Set) => {
            let state = after
                .unwrap_or("")
                .parse::<crate::graph::PerUserMfaState>()?;
            graph
                .write(user, MethodWrite::SetPerUserMfaState(state))
                .await
        }
        _ => Err(GraphError::InvalidInput(format!(
            "{:?} {:?} is not a write Prestage makes",
            change.action, change.slot
        ))),
    }
}
