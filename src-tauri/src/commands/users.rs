//! Directory users, as rows for the user table.

use tauri::State;

use crate::ipc::{IpcError, UserRow};
use crate::state::AppState;

/// Rows per search: the first page only, since the table refreshes as the user types.
const PAGE_SIZE: u32 = 100;

/// The first page of users for an empty `query`; otherwise users whose name, UPN or mail match.
#[tauri::command]
pub async fn list_users(
    state: State<'_, AppState>,
    query: String,
) -> Result<Vec<UserRow>, IpcError> {
    let connection = state.connection().await?;
    let users = connection
        .session()
        .graph()
        .search_users(&query, PAGE_SIZE)
        .await?;
    Ok(users.into_iter().map(UserRow::from).collect())
}
