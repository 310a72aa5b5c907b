//! The import screen's books on the Rust side: the file the person chose (its path never crosses
//! to the webview), the last finished preview (apply takes line numbers and applies exactly those
//! previewed rows, never rows sent by the webview), the run under way (pause / resume / cancel)
//! and the last run's results for the export. Each method makes one core call and keeps the books.

use std::collections::HashSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use prestage_core::csv::{template, Column};
use prestage_core::import::{
    list_runs, preview, results_csv, ApplyControl, ImportPrefs, JournalError, PlanOptions,
    PrefsError, RowResult, RunLock, RunOutcome, ROWS_IN_FLIGHT,
};
use prestage_core::plan::RowPlan;
use tokio_util::sync::CancellationToken;

use crate::ipc::{
    ChosenFile, ColumnInfo, FileInfo, ImportSettings, IpcError, PreviewDone, PreviewOptions,
    RowInfo, RunControl, RunDone, RunEvent, RunsInfo, UndoPreviewInfo,
};
use crate::state::AppState;

struct Plan {
    id: u64,
    file_name: String,
    options: PlanOptions,
    rows: Vec<RowPlan>,
}

#[derive(Default)]
struct Books {
    chosen: Option<PathBuf>,
    previews: u64,
    preview_cancel: Option<CancellationToken>,
    plan: Option<Plan>,
    running: Option<ApplyControl>,
    results: Vec<RowResult>,
    last_run: Option<String>,
}

#[derive(Default)]
pub struct ImportState {
    books: Mutex<Books>,
}

fn journal(error: JournalError) -> IpcError {
    match error {
        JournalError::Locked(_) | JournalError::Refused(_) | JournalError::NoSuchRun(_) => {
            IpcError::refused(error.to_string())
        }
        other => IpcError::internal(other.to_string()),
    }
}

fn prefs_error(error: PrefsError) -> IpcError {
    IpcError::internal(error.to_string())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string())
}

/// Clears the run under way however the run ends (also when its future is dropped).
struct Running<'a>(&'a ImportState);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.books().running = None;
    }
}

impl ImportState {
    fn books(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `path` (dropped or picked) is the file the next preview reads.
    pub fn choose(&self, path: PathBuf) -> ChosenFile {
        let name = file_name(&path);
        let mut books = self.books();
        books.chosen = Some(path);
        books.plan = None;
        ChosenFile { name }
    }

    /// The tenant's country as the default region, else the last one chosen; the columns.
    pub async fn settings(&self, state: &AppState) -> Result<ImportSettings, IpcError> {
        let connection = state.connection().await?;
        let tenant = match connection.session().graph().organization().await {
            Ok(org) => org.country_letter_code.filter(|c| !c.trim().is_empty()),
            Err(error) => {
                tracing::warn!(%error, "the tenant's country could not be read");
                None
            }
        };
        let remembered = ImportPrefs::load(state.dir()?).map_err(prefs_error)?.region;
        Ok(ImportSettings {
            region_from_tenant: tenant.is_some(),
            default_region: tenant.or(remembered),
            columns: Column::ALL.into_iter().map(ColumnInfo::from).collect(),
        })
    }

    /// Remembers (or, with `None`, forgets) which column an unknown header means.
    pub fn map_header(
        &self,
        state: &AppState,
        header: &str,
        column: Option<Column>,
    ) -> Result<(), IpcError> {
        let dir = state.dir()?;
        let mut remembered = ImportPrefs::load(dir).map_err(prefs_error)?;
        remembered.map(header, column);
        remembered.save(dir).map_err(prefs_error)
    }

    pub(crate) fn chosen(&self) -> Result<PathBuf, IpcError> {
        self.books()
            .chosen
            .clone()
            .ok_or_else(|| IpcError::refused("Choose or drop a CSV file first."))
    }

    /// A new preview supersedes one still running.
    pub(crate) fn begin_preview(&self) -> (u64, CancellationToken) {
        let cancel = CancellationToken::new();
        let mut books = self.books();
        if let Some(old) = books.preview_cancel.replace(cancel.clone()) {
            old.cancel();
        }
        books.previews += 1;
        (books.previews, cancel)
    }

    /// Reads the chosen file and plans every row against the tenant; rows stream to `on_rows`.
    pub async fn preview(
        &self,
        state: &AppState,
        options: PreviewOptions,
        on_rows: impl Fn(Vec<RowInfo>) + Send,
    ) -> Result<PreviewDone, IpcError> {
        let connection = state.connection().await?;
        let path = self.chosen()?;
        let name = file_name(&path);
        let read = tokio::task::spawn_blocking(move || prestage_core::csv::read_file(&path)).await;
        let bytes = read
            .map_err(|e| IpcError::internal(format!("reading {name} stopped: {e}")))?
            .map_err(|e| IpcError::InvalidCsv {
                line: e.line(),
                message: format!("{name}: {e}"),
            })?;
        let dir = state.dir()?;
        let mut prefs = ImportPrefs::load(dir).map_err(prefs_error)?;
        let region = options.default_region.filter(|r| !r.trim().is_empty());
        if region.is_some() && region != prefs.region {
            prefs.region.clone_from(&region);
            if let Err(error) = prefs.save(dir) {
                tracing::warn!(%error, "the default region could not be remembered");
            }
        }
        let plan_options = PlanOptions {
            default_region: region,
            blank_removes: options.blank_removes,
        };
        let (id, cancel) = self.begin_preview();
        let session = connection.session();
        let actor = session.actor();
        let remembered = prefs.remembered();
        let work = preview(
            session.graph(),
            &actor,
            &bytes,
            &remembered,
            &plan_options,
            prestage_core::import::PREVIEW_BATCHES_IN_FLIGHT,
            |rows| on_rows(rows.iter().map(RowInfo::from).collect()),
        );
        let previewed = tokio::select! {
            done = work => done?,
            () = cancel.cancelled() => {
                return Err(IpcError::refused("A newer preview of the file replaced this one."))
            }
        };
        let done = PreviewDone {
            preview_id: id,
            file: FileInfo::new(&name, &previewed.file),
            counts: (&previewed.counts).into(),
        };
        let mut books = self.books();
        if books.previews == id {
            books.preview_cancel = None;
            books.plan = Some(Plan {
                id,
                file_name: name,
                options: plan_options,
                rows: previewed.rows,
            });
        }
        Ok(done)
    }

    /// Keeps preview `id`'s rows for apply, unless a newer preview started meanwhile.
    pub(crate) fn keep_plan(
        &self,
        id: u64,
        name: String,
        options: PlanOptions,
        rows: Vec<RowPlan>,
    ) {
        let mut books = self.books();
        if books.previews == id {
            books.preview_cancel = None;
            books.plan = Some(Plan {
                id,
                file_name: name,
                options,
                rows,
            });
        }
    }

    /// The previewed rows on `lines` of preview `id`: each must be one that writes.
    fn ticked(
        &self,
        id: u64,
        lines: &[usize],
    ) -> Result<(Vec<RowPlan>, String, PlanOptions), IpcError> {
        let books = self.books();
        let plan = books.plan.as_ref().filter(|p| p.id == id).ok_or_else(|| {
            IpcError::refused(
                "The preview changed since you reviewed it; review it again before applying.",
            )
        })?;
        let wanted: HashSet<usize> = lines.iter().copied().collect();
        let rows: Vec<RowPlan> = plan
            .rows
            .iter()
            .filter(|r| wanted.contains(&r.line) && r.writes())
            .cloned()
            .collect();
        if rows.is_empty() || rows.len() != wanted.len() {
            return Err(IpcError::invalid(
                Some("lines"),
                "Only rows that add or update something can be applied; tick at least one.",
            ));
        }
        Ok((rows, plan.file_name.clone(), plan.options.clone()))
    }

    fn begin_run(&self) -> Result<(ApplyControl, Running<'_>), IpcError> {
        let mut books = self.books();
        if books.running.is_some() {
            return Err(IpcError::refused(
                "An import run is already under way; wait for it or cancel it first.",
            ));
        }
        let control = ApplyControl::default();
        books.running = Some(control.clone());
        Ok((control, Running(self)))
    }

    fn finished(&self, outcome: Result<RunOutcome, JournalError>) -> Result<RunDone, IpcError> {
        let outcome = outcome.map_err(journal)?;
        let done = RunDone::from(&outcome);
        let mut books = self.books();
        books.results = outcome.report.results;
        books.last_run = Some(outcome.run);
        Ok(done)
    }

    /// Applies exactly the ticked rows of the reviewed preview, journaled in `runs_dir`.
    pub async fn apply(
        &self,
        state: &AppState,
        runs_dir: PathBuf,
        preview_id: u64,
        lines: &[usize],
        on_event: impl Fn(RunEvent) + Send + Sync + 'static,
    ) -> Result<RunDone, IpcError> {
        let connection = state.connection().await?;
        let (rows, file_name, options) = self.ticked(preview_id, lines)?;
        let (control, _running) = self.begin_run()?;
        let outcome = off_the_runtime(move || async move {
            connection
                .session()
                .runs(&runs_dir, ROWS_IN_FLIGHT)
                .start(&file_name, &options, rows, &control, |r, p| {
                    on_event(RunEvent::new(r, p))
                })
                .await
        })
        .await?;
        self.finished(outcome)
    }

    /// Finishes an interrupted or cancelled run.
    pub async fn resume(
        &self,
        state: &AppState,
        runs_dir: PathBuf,
        run: String,
        on_event: impl Fn(RunEvent) + Send + Sync + 'static,
    ) -> Result<RunDone, IpcError> {
        let connection = state.connection().await?;
        let (control, _running) = self.begin_run()?;
        let outcome = off_the_runtime(move || async move {
            connection
                .session()
                .runs(&runs_dir, ROWS_IN_FLIGHT)
                .resume(&run, &control, |r, p| on_event(RunEvent::new(r, p)))
                .await
        })
        .await?;
        self.finished(outcome)
    }

    /// What undoing `run` would write now (nothing is written).
    pub async fn undo_preview(
        &self,
        state: &AppState,
        runs_dir: PathBuf,
        run: String,
    ) -> Result<UndoPreviewInfo, IpcError> {
        let connection = state.connection().await?;
        let preview = off_the_runtime(move || async move {
            connection
                .session()
                .runs(&runs_dir, ROWS_IN_FLIGHT)
                .undo_preview(&run)
                .await
        })
        .await?
        .map_err(journal)?;
        Ok(UndoPreviewInfo::from(&preview))
    }

    /// Restores what `run` replaced, where the previous values are known and each slot still
    /// holds what the run left there.
    pub async fn undo(
        &self,
        state: &AppState,
        runs_dir: PathBuf,
        run: String,
        on_event: impl Fn(RunEvent) + Send + Sync + 'static,
    ) -> Result<RunDone, IpcError> {
        let connection = state.connection().await?;
        let (control, _running) = self.begin_run()?;
        let outcome = off_the_runtime(move || async move {
            connection
                .session()
                .runs(&runs_dir, ROWS_IN_FLIGHT)
                .undo(&run, &control, |r, p| on_event(RunEvent::new(r, p)))
                .await
        })
        .await?;
        self.finished(outcome)
    }

    /// Sign-out or a switch of tenant: the preview being read and the run under way stop (rows
    /// in flight finish, so their outcome is journaled), and the last preview is forgotten.
    pub fn stop_all(&self) {
        self.control(RunControl::Cancel);
        let mut books = self.books();
        if let Some(cancel) = books.preview_cancel.take() {
            cancel.cancel();
        }
        books.plan = None;
    }

    /// Pause, resume or cancel the run under way (nothing to do when none is).
    pub fn control(&self, action: RunControl) {
        if let Some(control) = &self.books().running {
            match action {
                RunControl::Pause => control.pause(),
                RunControl::Resume => control.resume(),
                RunControl::Cancel => {
                    // A paused run must wake up to see the cancel.
                    control.cancel();
                    control.resume();
                }
            }
        }
    }

    /// Every run journaled in `runs_dir`, newest first.
    pub async fn runs(&self, state: &AppState, runs_dir: &Path) -> Result<RunsInfo, IpcError> {
        let connection = state.connection().await?;
        let tenant = &connection.session().account().tenant_id;
        Ok(RunsInfo::new(&list_runs(runs_dir), tenant, |run| {
            RunLock::is_held_elsewhere(runs_dir, run)
        }))
    }

    /// The last run's results as CSV bytes (numbers masked when the role sees them masked) and
    /// the file name to suggest.
    pub async fn results(&self, state: &AppState) -> Result<(Vec<u8>, String), IpcError> {
        let connection = state.connection().await?;
        let masked = connection.session().powers().sees_masked_numbers();
        let books = self.books();
        let run = books
            .last_run
            .as_deref()
            .ok_or_else(|| IpcError::refused("There are no results to export yet."))?;
        Ok((
            results_csv(&books.results, masked),
            format!("prestage-results-{run}.csv"),
        ))
    }

    /// The downloadable template (UTF-8 with BOM) and its file name.
    pub fn template() -> (Vec<u8>, &'static str) {
        (template(), "prestage-template.csv")
    }
}

/// Runs a core run on a blocking thread that drives it on the runtime. The compiler cannot prove
/// the engine's future `Send` (a known limit with borrowed closures in `buffer_unordered`), which
/// an async command needs; the work is the same, only the thread polling it differs.
pub(crate) async fn off_the_runtime<T, Fut>(
    make: impl FnOnce() -> Fut + Send + 'static,
) -> Result<T, IpcError>
where
    Fut: Future<Output = T>,
    T: Send + 'static,
{
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || handle.block_on(make()))
        .await
        .map_err(|e| IpcError::internal(format!("The import run stopped unexpectedly: {e}")))
}

/// Writes `bytes` to `path`, saying where it failed.
pub fn write(path: &Path, bytes: &[u8]) -> Result<String, IpcError> {
    std::fs::write(path, bytes).map_err(|e| {
        IpcError::internal(format!("{} could not be written: {e}.", path.display()))
    })?;
    Ok(file_name(path))
}

#[cfg(test)]
mod tests;
