//! The Import screen's Directory tab on the Rust side: group search for the scope picker and
//! the directory preview, whose rows are kept exactly like a file's (apply takes the preview id
//! and ticked lines; runs, resume, undo and export are the import's). One core call each.

use prestage_core::directory_source::{self, find_groups, Scope};
use prestage_core::import::PlanOptions;

use crate::import_state::ImportState;
use crate::ipc::{DirectoryDone, DirectoryOptions, GroupInfo, IpcError, RowInfo};
use crate::state::AppState;

impl ImportState {
    /// Groups whose name contains `text` (or whose id is `text`), for the scope picker.
    pub async fn find_groups(
        &self,
        state: &AppState,
        text: &str,
    ) -> Result<Vec<GroupInfo>, IpcError> {
        let connection = state.connection().await?;
        let groups = find_groups(connection.session().graph(), text).await?;
        Ok(groups.iter().map(GroupInfo::from).collect())
    }

    /// Reads the scope's users and plans a row per user from their attributes; rows stream to
    /// `on_rows` and are kept for apply like a file's.
    pub async fn preview_directory(
        &self,
        state: &AppState,
        options: DirectoryOptions,
        on_rows: impl Fn(Vec<RowInfo>) + Send,
    ) -> Result<DirectoryDone, IpcError> {
        let connection = state.connection().await?;
        let source = options.source();
        let scope: Scope = options.scope.clone().into();
        let name = directory_source::run_name(&scope, options.only_missing);
        let (id, cancel) = self.begin_preview();
        let session = connection.session();
        let actor = session.actor();
        let work = directory_source::preview(
            session.graph(),
            &actor,
            &scope,
            options.only_missing,
            &source,
            prestage_core::import::PREVIEW_BATCHES_IN_FLIGHT,
            |rows| on_rows(rows.iter().map(RowInfo::from).collect()),
        );
        let previewed = tokio::select! {
            done = work => done.map_err(|e| IpcError::refused(e.to_string()))?,
            () = cancel.cancelled() => {
                return Err(IpcError::refused("A newer preview replaced this one."))
            }
        };
        let done = DirectoryDone::new(id, name.clone(), &previewed);
        let plan_options = PlanOptions {
            default_region: source.default_region.clone(),
            blank_removes: false,
        };
        self.keep_plan(id, name, plan_options, previewed.rows);
        Ok(done)
    }
}
