//! The last tenant report the app made: its rows (for "refresh these users" and "export the
//! selection") and whether the role sees masked numbers. Bookkeeping only: the report itself is
//! `prestage_core::report::run`, called once per run.

use std::sync::Mutex;

use prestage_core::report::{self, export, ReportRow, SourceChoice};

use crate::ipc::{IpcError, ReportDone, ReportMessage, ReportRowInfo};
use crate::state::AppState;

#[derive(Default)]
pub struct ReportState {
    rows: Mutex<Vec<ReportRow>>,
}

impl ReportState {
    /// Makes the report with `source` (`auto`, `registration` or `methods`), streaming through
    /// `send`, and keeps the rows.
    pub async fn run(
        &self,
        state: &AppState,
        source: &str,
        mut send: impl FnMut(ReportMessage),
    ) -> Result<ReportDone, IpcError> {
        let choice = SourceChoice::parse(source).ok_or_else(|| {
            IpcError::internal(format!("'{source}' is not auto, registration or methods."))
        })?;
        let connection = state.connection().await?;
        let mut rows = Vec::new();
        let summary = report::run(report::Reader::of(connection.session()), choice, |e| {
            if let report::ReportEvent::Rows { rows: r, .. } = &e {
                rows.extend(r.iter().cloned());
            }
            send(ReportMessage::from(&e));
        })
        .await?;
        if let Ok(mut kept) = self.rows.lock() {
            *kept = rows;
        }
        Ok(ReportDone {
            source: (&summary.source).into(),
            users: summary.users,
            warnings: summary.warnings,
        })
    }

    /// Every row of the last report (a campaign's cohort comes from them).
    pub fn rows(&self) -> Vec<ReportRow> {
        self.rows.lock().map(|r| r.clone()).unwrap_or_default()
    }

    fn pick(&self, ids: &[String]) -> Vec<ReportRow> {
        self.rows
            .lock()
            .map(|rows| {
                rows.iter()
                    .filter(|r| ids.contains(&r.id))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Re-reads the live methods of the rows `ids`; returns them as the table shows them.
    pub async fn refresh(
        &self,
        state: &AppState,
        ids: &[String],
    ) -> Result<Vec<ReportRowInfo>, IpcError> {
        let connection = state.connection().await?;
        let session = connection.session();
        let fresh = report::refresh(session.graph(), session.powers(), &self.pick(ids)).await?;
        if let Ok(mut rows) = self.rows.lock() {
            for f in &fresh {
                if let Some(r) = rows.iter_mut().find(|r| r.id == f.id) {
                    *r = f.clone();
                }
            }
        }
        Ok(fresh.iter().map(ReportRowInfo::from).collect())
    }

    /// Reads every kept row's per-user MFA state (one read per user, on request); returns the
    /// rows as the table shows them.
    pub async fn per_user_mfa(&self, state: &AppState) -> Result<Vec<ReportRowInfo>, IpcError> {
        let connection = state.connection().await?;
        let session = connection.session();
        let mut rows = self.rows.lock().map(|r| r.clone()).unwrap_or_default();
        report::per_user_mfa(session.graph(), session.powers(), &mut rows).await?;
        let shown = rows.iter().map(ReportRowInfo::from).collect();
        if let Ok(mut kept) = self.rows.lock() {
            for r in rows {
                if let Some(k) = kept.iter_mut().find(|k| k.id == r.id) {
                    k.per_user_mfa = r.per_user_mfa;
                }
            }
        }
        Ok(shown)
    }

    /// The CSV of the rows `ids` (all rows when empty) and a file name to suggest.
    pub async fn export(
        &self,
        state: &AppState,
        ids: &[String],
    ) -> Result<(Vec<u8>, String), IpcError> {
        let mask = state
            .connection()
            .await?
            .session()
            .powers()
            .sees_masked_numbers();
        let rows = if ids.is_empty() {
            self.rows.lock().map(|r| r.clone()).unwrap_or_default()
        } else {
            self.pick(ids)
        };
        if rows.is_empty() {
            return Err(IpcError::internal(
                "Make the report first: there are no rows to export.",
            ));
        }
        let refs: Vec<&ReportRow> = rows.iter().collect();
        Ok((export::csv(&refs, mask), "prestage-report.csv".to_string()))
    }
}
