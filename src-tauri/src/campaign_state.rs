//! The campaigns the app drives: previews waiting for "Run", the passes a run issued (held here,
//! in Rust memory only, until they are saved once through the save dialog), and the control of
//! the run in progress. Bookkeeping only: every step is `prestage_core::campaign`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use prestage_core::campaign::{
    self, Campaign, CampaignError, NewCampaign, Pick, Step, StepOptions, StepOutcome, StepPreview,
    TapChoice,
};
use prestage_core::import::{ApplyControl, IssuedPass, RunContext, ROWS_IN_FLIGHT};
use prestage_core::report::{ReportRow, Tile};
use serde::Deserialize;

use crate::import_state::off_the_runtime;
use crate::ipc::{CampaignInfo, IpcError, PolicyInfo, ProgressInfo, StepDone, StepPreviewInfo};
use crate::state::AppState;

/// A step's work on the campaign, boxed so it may borrow what `drive` lends it.
type StepWork<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<StepOutcome, CampaignError>> + 'a>>;

/// What a campaign step run by `CampaignState::drive` works with.
struct Work<'a> {
    ctx: &'a RunContext<'a>,
    data: &'a Path,
    campaign: &'a mut Campaign,
    control: &'a ApplyControl,
}

/// What the screen asks a step to do.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepRequest {
    /// `tap`, `delete-passes`, `default`, `sms-sign-in-off`, `remove-phones`.
    pub step: String,
    pub lifetime_minutes: Option<u32>,
    #[serde(default)]
    pub once: bool,
    /// `2027-01-11T08:00+01:00`.
    pub start: Option<String>,
    pub wave: Option<usize>,
    #[serde(default)]
    pub keep_office: bool,
    pub threshold: Option<usize>,
}

#[derive(Default)]
struct Books {
    next_id: u64,
    previews: HashMap<u64, StepPreview>,
    /// Campaign name → passes issued and not yet saved.
    passes: HashMap<String, Vec<IssuedPass>>,
    control: Option<ApplyControl>,
}

#[derive(Default)]
pub struct CampaignState {
    books: Mutex<Books>,
}

fn step_of(name: &str) -> Result<Step, IpcError> {
    serde_json::from_value(serde_json::Value::String(name.to_string()))
        .map_err(|_| IpcError::invalid(Some("step"), format!("'{name}' is not a campaign step.")))
}

impl CampaignState {
    fn books(&self) -> std::sync::MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn waiting(&self, name: &str) -> usize {
        self.books().passes.get(name).map_or(0, Vec::len)
    }

    pub fn list(&self, state: &AppState) -> Result<Vec<String>, IpcError> {
        Ok(campaign::list(&state.places()?.data_dir))
    }

    /// Makes a campaign from the report's rows: a tile's users, or the selected ones.
    pub async fn create(
        &self,
        state: &AppState,
        rows: Vec<ReportRow>,
        name: &str,
        tile: Option<&str>,
        ids: &[String],
        exclusion_group: Option<&str>,
    ) -> Result<CampaignInfo, IpcError> {
        if rows.is_empty() {
            return Err(IpcError::refused(
                "Make the report first: the cohort comes from it.",
            ));
        }
        let pick = match tile {
            Some(t) => Pick::Tile(Tile::parse(t).ok_or_else(|| {
                IpcError::invalid(Some("tile"), format!("'{t}' is not a report tile."))
            })?),
            None => Pick::Ids(ids),
        };
        let connection = state.connection().await?;
        let s = connection.session();
        let data = &state.places()?.data_dir;
        let maker = s.campaigns(data);
        let c = campaign::create(
            &maker,
            &NewCampaign {
                name,
                pick,
                exclusion_group,
            },
            &rows,
        )
        .await?;
        self.status(state, &c.name).await
    }

    /// The campaign with every member's methods re-read live.
    pub async fn status(&self, state: &AppState, name: &str) -> Result<CampaignInfo, IpcError> {
        let connection = state.connection().await?;
        let (data, runs, name_owned) = (
            state.places()?.data_dir.clone(),
            state.places()?.runs_dir(),
            name.to_string(),
        );
        let status = off_the_runtime(move || async move {
            let s = connection.session();
            let mut c = campaign::load(&data, &name_owned, &s.account().tenant_id)?;
            campaign::status(&s.runs(&runs, ROWS_IN_FLIGHT), &data, &mut c).await
        })
        .await??;
        Ok(CampaignInfo {
            status,
            passes_waiting: self.waiting(name),
        })
    }

    pub async fn preview(
        &self,
        state: &AppState,
        name: &str,
        request: &StepRequest,
    ) -> Result<StepPreviewInfo, IpcError> {
        let step = step_of(&request.step)?;
        let start = request
            .start
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(campaign::parse_start)
            .transpose()?;
        let opts = StepOptions {
            tap: request.lifetime_minutes.map(|m| TapChoice {
                lifetime_minutes: m,
                once: request.once,
                start,
            }),
            keep_office: request.keep_office,
            threshold: request.threshold,
            wave: request.wave,
        };
        let connection = state.connection().await?;
        let (data, runs, name_owned) = (
            state.places()?.data_dir.clone(),
            state.places()?.runs_dir(),
            name.to_string(),
        );
        let preview = off_the_runtime(move || async move {
            let s = connection.session();
            let c = campaign::load(&data, &name_owned, &s.account().tenant_id)?;
            campaign::preview_step(&s.runs(&runs, ROWS_IN_FLIGHT), &c, step, &opts).await
        })
        .await??;
        let mut books = self.books();
        books.next_id += 1;
        let id = books.next_id;
        books.previews.insert(id, preview.clone());
        Ok(StepPreviewInfo {
            id,
            needs_confirmation: preview.needs_confirmation(),
            preview,
        })
    }

    /// Runs `work` on the campaign `name` under a new control, off the async runtime (a step runs
    /// for minutes), then keeps the passes it issued for saving.
    async fn drive(
        &self,
        state: &AppState,
        name: &str,
        work: impl for<'a> FnOnce(Work<'a>) -> StepWork<'a> + Send + 'static,
    ) -> Result<StepDone, IpcError> {
        let connection = state.connection().await?;
        let (data, runs, name_owned) = (
            state.places()?.data_dir.clone(),
            state.places()?.runs_dir(),
            name.to_string(),
        );
        let control = self.start_control()?;
        let outcome = off_the_runtime(move || async move {
            let s = connection.session();
            let mut c = campaign::load(&data, &name_owned, &s.account().tenant_id)?;
            let ctx = s.runs(&runs, ROWS_IN_FLIGHT);
            work(Work {
                ctx: &ctx,
                data: &data,
                campaign: &mut c,
                control: &control,
            })
            .await
        })
        .await;
        self.finish(name, outcome)
    }

    fn start_control(&self) -> Result<ApplyControl, IpcError> {
        let mut books = self.books();
        if books.control.as_ref().is_some_and(|c| !c.is_cancelled()) {
            return Err(IpcError::refused(
                "A campaign step is running; wait for it or cancel it.",
            ));
        }
        let control = ApplyControl::default();
        books.control = Some(control.clone());
        Ok(control)
    }

    /// Ends a run: the control is dropped and the passes it issued are kept for saving.
    fn finish(
        &self,
        name: &str,
        outcome: Result<Result<StepOutcome, CampaignError>, IpcError>,
    ) -> Result<StepDone, IpcError> {
        let mut books = self.books();
        books.control = None;
        let outcome = outcome??;
        let held = books.passes.entry(name.to_string()).or_default();
        held.extend(outcome.passes.iter().cloned());
        let passes_waiting = held.len();
        Ok(StepDone {
            outcome,
            passes_waiting,
        })
    }

    /// Runs the previewed step `preview_id` (the typed count confirms a removal over the threshold).
    pub async fn run(
        &self,
        state: &AppState,
        name: &str,
        preview_id: u64,
        confirm: Option<usize>,
        on_progress: impl Fn(ProgressInfo) + Send + Sync + 'static,
    ) -> Result<StepDone, IpcError> {
        let preview =
            self.books().previews.remove(&preview_id).ok_or_else(|| {
                IpcError::refused("That preview is gone; preview the step again.")
            })?;
        self.drive(state, name, move |w| {
            Box::pin(async move {
                campaign::run_step(
                    w.ctx,
                    w.data,
                    w.campaign,
                    preview,
                    confirm,
                    w.control,
                    |_, p| on_progress(p.into()),
                )
                .await
            })
        })
        .await
    }

    /// Finishes an interrupted pass run and issues again the passes never delivered.
    pub async fn recover(
        &self,
        state: &AppState,
        name: &str,
        on_progress: impl Fn(ProgressInfo) + Send + Sync + 'static,
    ) -> Result<StepDone, IpcError> {
        self.drive(state, name, move |w| {
            Box::pin(async move {
                campaign::recover(w.ctx, w.data, w.campaign, w.control, |_, p| {
                    on_progress(p.into())
                })
                .await
            })
        })
        .await
    }

    pub fn control(&self, action: &str) -> Result<(), IpcError> {
        let books = self.books();
        let Some(c) = books.control.as_ref() else {
            return Ok(());
        };
        match action {
            "pause" => c.pause(),
            "resume" => c.resume(),
            "cancel" => c.cancel(),
            other => {
                return Err(IpcError::invalid(
                    Some("action"),
                    format!("'{other}' is not pause, resume or cancel."),
                ))
            }
        }
        Ok(())
    }

    /// The delivery CSV of the passes waiting, and a file name; they are taken out of memory
    /// only once the file is written (`delivered`).
    pub fn passes_csv(&self, name: &str, tz: &str) -> Result<(Vec<u8>, String, usize), IpcError> {
        let tz = campaign::parse_offset(tz)?;
        let books = self.books();
        let passes = books.passes.get(name).filter(|p| !p.is_empty()).ok_or_else(|| IpcError::refused("No passes are waiting to be saved: they are saved once, after they are issued."))?;
        let file = format!("{}-passes.csv", name.replace(' ', "-"));
        Ok((
            campaign::delivery_csv(passes, tz).into_bytes(),
            file,
            passes.len(),
        ))
    }

    /// The passes were written: record them as delivered and forget them.
    pub async fn delivered(&self, state: &AppState, name: &str) -> Result<(), IpcError> {
        let passes = self.books().passes.remove(name).unwrap_or_default();
        let connection = state.connection().await?;
        let data = state.places()?.data_dir.clone();
        let mut c = campaign::load(&data, name, &connection.session().account().tenant_id)?;
        campaign::record_delivery(&data, &mut c, &passes)?;
        Ok(())
    }

    pub async fn undo(
        &self,
        state: &AppState,
        name: &str,
        run: &str,
        on_progress: impl Fn(ProgressInfo) + Send + Sync + 'static,
    ) -> Result<StepDone, IpcError> {
        let run = run.to_string();
        self.drive(state, name, move |w| {
            Box::pin(async move {
                campaign::undo_step(w.ctx, w.data, w.campaign, &run, w.control, |_, p| {
                    on_progress(p.into())
                })
                .await
                .map(|o| StepOutcome {
                    runs: vec![o],
                    passes: Vec::new(),
                    passes_issued: 0,
                })
            })
        })
        .await
    }

    pub async fn policy(&self, state: &AppState) -> Result<PolicyInfo, IpcError> {
        let connection = state.connection().await?;
        Ok(campaign::policy_context(connection.session().graph()).await)
    }

    /// Sandbox mode only: a user registers a method with their pass, as at aka.ms/mysecurityinfo.
    pub async fn sandbox_register(
        &self,
        state: &AppState,
        user: &str,
        method: &str,
        pass: &str,
    ) -> Result<(), IpcError> {
        let connection = state.connection().await?;
        let sandbox = connection.sandbox().ok_or_else(|| {
            IpcError::refused("Only the sandbox tenant lets Prestage play a user registering.")
        })?;
        sandbox
            .register_method(user, method, pass)
            .map(|_| ())
            .map_err(|e| IpcError::invalid(Some("pass"), e.to_string()))
    }
}
