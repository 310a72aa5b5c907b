//! Each step of a campaign is a run of the bulk engine: the members' live state is read, the
//! step decides what each user should have (`Desired`), `import::plan` gives the changes (one
//! set of Graph's rules), and `RunContext` applies them with its journal, resume and undo.
//! Users a step does not apply to are listed with the reason instead of being planned.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::file::{save, Campaign, Stage, Step, StepRun};
use super::CampaignError;
use crate::graph::{GraphClient, PreferredMethod};
use crate::import::{
    self, new_run_id, ApplyControl, Counts, IssuedPass, PlanOptions, Progress, RowEnd, RowResult,
    RunContext, RunOutcome,
};
use crate::phone::PhoneType;
use crate::plan::{
    self, phone_of, plan_user, Desired, Key, Lookup, Needs, RowPlan, RowStatus, Slot, TapSpec,
    UserState, Want,
};

/// Entra Connect's accidental-delete guard defaults to 500; a campaign is stricter.
pub const DEFAULT_THRESHOLD: usize = 50;

/// The passes the admin asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TapChoice {
    pub lifetime_minutes: u32,
    pub once: bool,
    pub start: Option<DateTime<Utc>>,
}

/// What the admin chose for a step.
#[derive(Debug, Clone, Default)]
pub struct StepOptions {
    /// Step 1 only.
    pub tap: Option<TapChoice>,
    /// Remove phones: keep office phones (tenants with their own telephony provider).
    pub keep_office: bool,
    /// Remove phones: more users than this asks for a typed confirmation (None: 50).
    pub threshold: Option<usize>,
    /// Passes: at most this many users in this wave (in cohort order).
    pub wave: Option<usize>,
}

/// A user a step leaves alone (or cannot restore), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserNote {
    pub id: String,
    pub user_principal_name: String,
    pub reason: String,
}

/// What a step would do, user by user, before anything is written.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepPreview {
    pub campaign: String,
    pub step: Step,
    /// One plan per member the step applies to (line = the member's place in the cohort).
    pub rows: Vec<RowPlan>,
    pub counts: Counts,
    /// Members the step leaves alone, with the reason.
    pub notes: Vec<UserNote>,
    /// Sentences for the whole step (policy, one-time passes, what to change where).
    pub advice: Vec<String>,
    pub tap: Option<TapSpec>,
    /// Remove phones: users whose phones this run removes, and the threshold.
    pub removals: usize,
    pub threshold: usize,
    /// Remove phones: users whose numbers undo could not put back (masked for the role).
    pub cannot_restore: Vec<UserNote>,
}

impl StepPreview {
    /// The run removes phones from more users than the threshold: the admin types the count.
    pub fn needs_confirmation(&self) -> bool {
        self.step == Step::RemovePhones && self.removals > self.threshold
    }
}

/// A step's run and the passes it issued (for the save dialog or `--passes` only).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepOutcome {
    pub runs: Vec<RunOutcome>,
    #[serde(skip)]
    pub passes: Vec<IssuedPass>,
    /// How many passes are waiting to be saved.
    pub passes_issued: usize,
}

fn note(state_or_member: (&str, &str), reason: impl Into<String>) -> UserNote {
    UserNote {
        id: state_or_member.0.to_string(),
        user_principal_name: state_or_member.1.to_string(),
        reason: reason.into(),
    }
}

/// The stage a step's done rows reach.
fn stage_of(step: Step) -> Option<Stage> {
    match step {
        Step::Tap => Some(Stage::PassIssued),
        Step::DeletePasses => None,
        Step::Default => Some(Stage::DefaultSet),
        Step::SmsSignInOff => Some(Stage::SmsSignInOff),
        Step::RemovePhones => Some(Stage::PhonesRemoved),
    }
}

/// The stage a user returns to when a step is undone.
fn stage_before(step: Step) -> Option<Stage> {
    match step {
        Step::Tap => Some(Stage::Cohort),
        Step::DeletePasses => None,
        Step::Default => Some(Stage::Registered),
        Step::SmsSignInOff => Some(Stage::DefaultSet),
        Step::RemovePhones => Some(Stage::SmsSignInOff),
    }
}

/// Authenticator or a passkey / FIDO2 key / Windows Hello: another way to sign in than a phone.
pub(crate) fn has_strong(state: &UserState) -> bool {
    state.has_authenticator || state.registered.iter().any(|r| r.is_passkey())
}

fn phone_default(state: &UserState) -> Option<PhoneType> {
    state
        .preferences
        .user_preferred_method_for_secondary_authentication
        .and_then(phone_of)
}

/// What `step` wants for this user, or why it leaves them alone. `warnings` get step notes.
fn desired_for(
    step: Step,
    state: &UserState,
    opts: &StepOptions,
    spec: Option<&TapSpec>,
    campaign: &Campaign,
    warnings: &mut Vec<String>,
) -> Result<Desired, String> {
    let mut d = Desired::keep_all();
    match step {
        Step::Tap => {
            let spec = spec.ok_or("no pass lifetime was given")?;
            d.tap = Want::Set(spec.clone());
        }
        Step::DeletePasses => {
            let since = campaign.delivery(&state.user.id).map(|x| x.issued);
            let registered = since.is_some_and(|s| registered_since(state, s));
            let live = state.tap.as_ref().is_some_and(|t| t.is_live(Utc::now()));
            match (registered, live) {
                (true, true) => d.tap = Want::Remove,
                (false, _) => return Err("has not registered since the pass".into()),
                (true, false) => return Err("no live pass".into()),
            }
        }
        Step::Default => {
            if state.has_authenticator {
                d.default_method = Some(PreferredMethod::Push);
            } else if state.has_software_oath {
                d.default_method = Some(PreferredMethod::Oath);
            } else if state.registered.iter().any(|r| r.is_passkey()) {
                let phone = phone_default(state)
                    .map(|t| {
                        format!(
                            "; their {} stays while it is the default method (a default phone cannot be deleted)",
                            Slot::phone(t).label()
                        )
                    })
                    .unwrap_or_default();
                return Err(format!(
                    "passkey only: the default method cannot name a passkey, FIDO2 key or Windows Hello; system-preferred MFA (Microsoft managed: on) picks the passkey anyway{phone}"
                ));
            } else {
                return Err("has not registered Authenticator or a passkey yet".into());
            }
        }
        Step::SmsSignInOff => {
            let on = state
                .phone(PhoneType::Mobile)
                .and_then(|p| p.sms_sign_in_state)
                == Some(crate::graph::SmsSignInState::Ready);
            if !on {
                return Err("SMS sign-in is not on".into());
            }
            if !has_strong(state) {
                return Err(
                    "needs a passkey first: signs in only by SMS (turning it off would lock them out)"
                        .into(),
                );
            }
            d.sms_sign_in = Some(false);
        }
        Step::RemovePhones => {
            if !has_strong(state) {
                return Err(
                    "needs a passkey or Authenticator first: the phone is their only MFA method"
                        .into(),
                );
            }
            if state.phones.is_empty() {
                return Err("has no phone method".into());
            }
            let keep = phone_default(state);
            let mut kept = Vec::new();
            for t in PhoneType::ALL {
                if state.phone(t).is_none() {
                    continue;
                }
                let stays = match keep {
                    Some(PhoneType::Mobile) => t == PhoneType::Mobile,
                    Some(PhoneType::AlternateMobile) => t != PhoneType::Office,
                    Some(PhoneType::Office) => t == PhoneType::Office,
                    None => false,
                } || (t == PhoneType::Office && opts.keep_office);
                if stays {
                    kept.push(t);
                    continue;
                }
                match t {
                    PhoneType::Mobile => d.mobile = Want::Remove,
                    PhoneType::AlternateMobile => d.alternate_mobile = Want::Remove,
                    PhoneType::Office => d.office = Want::Remove,
                }
            }
            if let Some(t) = keep {
                warnings.push(format!(
                    "the {} stays: it is the user's default method (a default phone cannot be deleted); set the default first",
                    Slot::phone(t).label()
                ));
            }
            let sspr = state.email.is_some() || state.has_authenticator;
            if !sspr && kept.is_empty() {
                warnings.push("left with no way to reset their password: passkeys do not reset passwords and SMS/voice reset ends on 1 Feb 2027; add the email method or Authenticator".into());
            }
        }
    }
    Ok(d)
}

/// A strong method registered at or after `since`.
pub(crate) fn registered_since(state: &UserState, since: DateTime<Utc>) -> bool {
    state
        .registered
        .iter()
        .any(|r| r.created.is_some_and(|c| c >= since))
}

/// The TAP policy's verdict per user, when the role can read it.
struct TapScope {
    include_all: bool,
    include: HashSet<String>,
    exclude: HashSet<String>,
}

async fn tap_scope(graph: &GraphClient) -> Result<TapScope, crate::graph::GraphError> {
    let path = "policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass";
    let v: serde_json::Value = graph
        .raw(reqwest::Method::GET, crate::graph::Api::V1, path, None)
        .await?
        .json()?;
    let mut scope = TapScope {
        include_all: false,
        include: HashSet::new(),
        exclude: HashSet::new(),
    };
    for (key, out_all) in [("includeTargets", true), ("excludeTargets", false)] {
        for t in v[key].as_array().into_iter().flatten() {
            let id = t["id"].as_str().unwrap_or("");
            let users: Vec<String> = if id == "all_users" {
                if out_all {
                    scope.include_all = true;
                }
                continue;
            } else if t["targetType"].as_str() == Some("group") {
                graph
                    .group_transitive_users(id)
                    .await?
                    .into_iter()
                    .map(|u| u.id)
                    .collect()
            } else {
                vec![id.to_string()]
            };
            let set = if out_all {
                &mut scope.include
            } else {
                &mut scope.exclude
            };
            set.extend(users);
        }
    }
    Ok(scope)
}

/// One member's plan as a run row (line = their place in the cohort), through `plan_user`.
fn plan_row(
    line: usize,
    desired: Desired,
    state: &UserState,
    mut warnings: Vec<String>,
    actor: &plan::Actor<'_>,
) -> RowPlan {
    let planned = plan_user(&desired, state, actor);
    warnings.extend(planned.warnings);
    RowPlan {
        line,
        user_input: state.user.id.clone(),
        user: Some(state.user.clone()),
        status: planned.status,
        changes: planned.changes,
        problems: planned.problems,
        warnings,
        fingerprint: state.fingerprint(Some(&desired)),
        desired: Some(desired),
        region: None,
    }
}

/// Marks a row as refused with `problem` (nothing of it will be written).
fn refuse(row: &mut RowPlan, problem: String) {
    row.status = RowStatus::Invalid;
    row.changes.clear();
    row.problems.push(problem);
}

/// Step 1's policy checks: the choice against the TAP policy's limits, each user against its
/// targets; when the role cannot read the policy, it says so.
async fn check_tap_policy(
    graph: &GraphClient,
    choice: &TapChoice,
    rows: &mut [RowPlan],
    advice: &mut Vec<String>,
) {
    let fixes_choice = crate::fixes::TapChoice {
        lifetime_minutes: Some(choice.lifetime_minutes),
        one_time: Some(choice.once),
        start: choice.start,
    };
    match crate::fixes::tap_policy(graph).await {
        Ok(policy) => {
            if let Err(why) = crate::fixes::check_tap(Some(&policy), &fixes_choice) {
                for row in rows.iter_mut().filter(|r| r.writes()) {
                    refuse(row, why.clone());
                }
                return;
            }
            match tap_scope(graph).await {
                Ok(scope) => {
                    for row in rows.iter_mut().filter(|r| r.writes()) {
                        let id = row.user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
                        let included = scope.include_all || scope.include.contains(&id);
                        if !included || scope.exclude.contains(&id) {
                            refuse(row, "the Temporary Access Pass policy does not include this user: Graph would create a pass they cannot use (add them in Entra admin center → Protection → Authentication methods → Temporary Access Pass)".into());
                        }
                    }
                }
                Err(e) => advice.push(format!(
                    "Who the Temporary Access Pass policy includes could not be read ({}); each pass Graph creates is checked instead.",
                    e.message()
                )),
            }
        }
        Err(e) if e.status() == 403 => {
            if let Err(why) = crate::fixes::check_tap(None, &fixes_choice) {
                for row in rows.iter_mut().filter(|r| r.writes()) {
                    refuse(row, why.clone());
                }
            }
            advice.push("Your role cannot read the Temporary Access Pass policy (a Global Reader or Authentication Policy Administrator can), so this preview cannot check the lifetime against it or whom it includes. Graph creates a pass the policy makes unusable rather than refusing it: each created pass is checked, and an unusable one is reported, not handed out.".into());
        }
        Err(e) => advice.push(format!(
            "The Temporary Access Pass policy could not be read ({}); each created pass is checked instead.",
            e.message()
        )),
    }
}

/// Previews `step` for the campaign's members against their live state; nothing is written.
pub async fn preview_step(
    ctx: &RunContext<'_>,
    campaign: &Campaign,
    step: Step,
    opts: &StepOptions,
) -> Result<StepPreview, CampaignError> {
    let spec = match (step, &opts.tap) {
        (Step::Tap, Some(c)) => Some(TapSpec {
            lifetime_minutes: c.lifetime_minutes,
            once: c.once,
            start: c.start,
            issued_after: Utc::now(),
        }),
        (Step::Tap, None) => {
            return Err(CampaignError::Invalid(
                "Say how long the passes live (10 to 43200 minutes).".into(),
            ))
        }
        _ => None,
    };
    if let Some(c) = &opts.tap {
        if !(10..=43_200).contains(&c.lifetime_minutes) {
            return Err(CampaignError::Invalid(format!(
                "A Temporary Access Pass lives 10 to 43200 minutes; {} is outside that range.",
                c.lifetime_minutes
            )));
        }
    }
    let group = match &campaign.exclusion_group {
        Some(g) => Some(super::cohort::exclusion_group(ctx.graph, &g.id).await?.1),
        None => None,
    };
    let mut notes = Vec::new();
    let mut members = Vec::new();
    for (i, m) in campaign.members.iter().enumerate() {
        let who = (m.id.as_str(), m.user_principal_name.as_str());
        if m.id == ctx.actor.my_id {
            notes.push(note(
                who,
                "you, the signed-in admin: another admin moves your own methods",
            ));
        } else if group.as_ref().is_some_and(|g| g.contains(&m.id)) {
            notes.push(note(who, "now a member of the exclusion group"));
        } else if step == Step::Tap && campaign.delivery(&m.id).is_some() {
            notes.push(note(who, "already has a pass from this campaign (delivered); issue a new one from the user's page if it was lost"));
        } else if step == Step::Tap && opts.wave.is_some_and(|w| members.len() >= w) {
            notes.push(note(who, "not in this wave"));
        } else {
            members.push((i + 1, m));
        }
    }
    let needs = Needs {
        roles: !ctx.actor.powers.writes_any_user(),
        preferences: true,
        ..Needs::default()
    };
    let keys: Vec<Key> = members
        .iter()
        .map(|(_, m)| Key {
            key: m.id.clone(),
            needs,
        })
        .collect();
    let lookups = plan::read_states(ctx.graph, &keys, ctx.concurrency, |_, _| {}).await;
    let mut rows = Vec::new();
    let mut cannot_restore = Vec::new();
    let masked = ctx.actor.powers.sees_masked_numbers();
    for ((line, m), lookup) in members.iter().zip(lookups.iter()) {
        let who = (m.id.as_str(), m.user_principal_name.as_str());
        let state = match lookup {
            Lookup::Found(s) => s,
            Lookup::NotFound => {
                notes.push(note(
                    who,
                    "no longer in the tenant: deleted since the cohort was made",
                ));
                continue;
            }
            Lookup::Failed(e) => {
                notes.push(note(
                    who,
                    format!("could not be read: {}", import::explain(e)),
                ));
                continue;
            }
        };
        if !state.account_enabled {
            notes.push(note(
                who,
                "the account was disabled since the cohort was made",
            ));
            continue;
        }
        let mut warnings = Vec::new();
        let desired = match desired_for(step, state, opts, spec.as_ref(), campaign, &mut warnings) {
            Ok(d) => d,
            Err(reason) => {
                notes.push(note(who, reason));
                continue;
            }
        };
        let row = plan_row(*line, desired, state, warnings, &ctx.actor);
        if step == Step::RemovePhones && masked && row.writes() {
            cannot_restore.push(note(
                who,
                "the numbers are masked for your role, so undo could not re-add them",
            ));
        }
        rows.push(row);
    }
    let mut advice = Vec::new();
    if let (Step::Tap, Some(choice)) = (step, &opts.tap) {
        check_tap_policy(ctx.graph, choice, &mut rows, &mut advice).await;
        if choice.once {
            advice.push("One-time passes: each user must finish registering within 10 minutes of signing in with the pass.".into());
        }
        advice.push("The passes are shown by Graph only once: they are saved once, to a CSV for a mail merge or printed letters (Microsoft's end-user communication templates: https://aka.ms/mfatemplates), and never written anywhere else.".into());
    }
    if step == Step::Default {
        advice.push("The default method applies when system-preferred MFA is off; with it on (Microsoft managed), Entra picks the strongest method the user has.".into());
    }
    let removals = rows.iter().filter(|r| r.writes()).count();
    Ok(StepPreview {
        campaign: campaign.name.clone(),
        step,
        counts: Counts::of(&rows),
        rows,
        notes,
        advice,
        tap: spec,
        removals: if step == Step::RemovePhones {
            removals
        } else {
            0
        },
        threshold: opts.threshold.unwrap_or(DEFAULT_THRESHOLD),
        cannot_restore,
    })
}

/// Collects a run's results into the campaign: stages forward for done rows, the reason for
/// the others, and the passes for delivery.
struct Collector {
    passes: Mutex<Vec<IssuedPass>>,
    ends: Mutex<HashMap<String, Ended>>,
}

/// How a user's row ended: the end, its message, and whether a pass came back.
type Ended = (RowEnd, Option<String>, bool);

impl Collector {
    fn new() -> Self {
        Self {
            passes: Mutex::new(Vec::new()),
            ends: Mutex::new(HashMap::new()),
        }
    }

    fn take(&self, r: &RowResult) {
        if let Some(p) = &r.pass {
            if let Ok(mut passes) = self.passes.lock() {
                passes.push(p.clone());
            }
        }
        if let (Some(u), Ok(mut ends)) = (&r.user, self.ends.lock()) {
            ends.insert(u.id.clone(), (r.end, r.message.clone(), r.pass.is_some()));
        }
    }

    fn apply_to(&self, campaign: &mut Campaign, step: Step, undo: bool) -> Vec<IssuedPass> {
        let ends = self.ends.lock().map(|e| e.clone()).unwrap_or_default();
        for (id, (end, message, has_pass)) in ends {
            let target = if undo {
                stage_before(step)
            } else {
                stage_of(step)
            };
            match end {
                RowEnd::Done | RowEnd::AlreadyApplied => {
                    if step == Step::Tap && !undo && !has_pass {
                        campaign.note(&id, Some("a pass was issued but its text never came back: issue it again (resume)".into()));
                    } else if let Some(stage) = target {
                        campaign.advance(&id, stage, None, undo);
                    } else {
                        campaign.note(&id, None);
                    }
                }
                _ => campaign.note(&id, message),
            }
        }
        self.passes.lock().map(|p| p.clone()).unwrap_or_default()
    }
}

/// Runs a previewed step: journaled, resumable and undoable like any run. A removal over the
/// threshold needs `confirm` equal to the number of users.
pub async fn run_step(
    ctx: &RunContext<'_>,
    data_dir: &Path,
    campaign: &mut Campaign,
    preview: StepPreview,
    confirm: Option<usize>,
    control: &ApplyControl,
    on_row: impl Fn(&RowResult, &Progress) + Sync,
) -> Result<StepOutcome, CampaignError> {
    if preview.campaign != campaign.name {
        return Err(CampaignError::Invalid(
            "This preview belongs to another campaign.".into(),
        ));
    }
    if preview.needs_confirmation() && confirm != Some(preview.removals) {
        return Err(CampaignError::Refused(format!(
            "This run removes phone methods from {} users, more than the threshold of {}. Nothing was written: type {} to confirm.",
            preview.removals, preview.threshold, preview.removals
        )));
    }
    if !preview.rows.iter().any(RowPlan::writes) {
        return Err(CampaignError::Invalid(format!(
            "Nothing to do: no user of the campaign needs the step \"{}\".",
            preview.step.label()
        )));
    }
    let run = new_run_id();
    campaign.runs.push(StepRun {
        step: preview.step,
        run: run.clone(),
        started: Utc::now(),
        tap: preview.tap.clone(),
    });
    save(data_dir, campaign)?;
    let collector = Collector::new();
    let name = format!("campaign {}: {}", campaign.name, preview.step.label());
    let outcome = ctx
        .start_as(
            run,
            &name,
            &PlanOptions::default(),
            preview.rows,
            control,
            |r, p| {
                collector.take(r);
                on_row(r, p);
            },
        )
        .await?;
    let passes = collector.apply_to(campaign, preview.step, false);
    save(data_dir, campaign)?;
    Ok(StepOutcome {
        runs: vec![outcome],
        passes_issued: passes.len(),
        passes,
    })
}

/// Undoes one of the campaign's runs (a removal: the numbers go back) and moves its users back.
pub async fn undo_step(
    ctx: &RunContext<'_>,
    data_dir: &Path,
    campaign: &mut Campaign,
    run: &str,
    control: &ApplyControl,
    on_row: impl Fn(&RowResult, &Progress) + Sync,
) -> Result<RunOutcome, CampaignError> {
    let step = campaign
        .runs
        .iter()
        .find(|r| r.run == run)
        .map(|r| r.step)
        .ok_or_else(|| {
            CampaignError::Invalid(format!(
                "Run {run} is not a run of campaign '{}'.",
                campaign.name
            ))
        })?;
    let collector = Collector::new();
    let outcome = ctx
        .undo(run, control, |r, p| {
            collector.take(r);
            on_row(r, p);
        })
        .await?;
    collector.apply_to(campaign, step, true);
    save(data_dir, campaign)?;
    Ok(outcome)
}

/// Resumes `run` of the campaign (and collects the passes it issues).
pub(crate) async fn resume_run(
    ctx: &RunContext<'_>,
    campaign: &mut Campaign,
    run: &str,
    step: Step,
    control: &ApplyControl,
    on_row: &(impl Fn(&RowResult, &Progress) + Sync),
) -> Result<(RunOutcome, Vec<IssuedPass>), CampaignError> {
    let collector = Collector::new();
    let outcome = ctx
        .resume_issuing_passes(run, control, |r, p| {
            collector.take(r);
            on_row(r, p);
        })
        .await?;
    let passes = collector.apply_to(campaign, step, false);
    Ok((outcome, passes))
}
