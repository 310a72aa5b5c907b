//! How the import commands print: rows, changes, progress and results for people (JSON is
//! printed by the callers with serde).

use std::io::Write;

use prestage_core::import::{Progress, RowResult, RunOutcome, UndoPreview};
use prestage_core::plan::{Change, RowPlan, RowStatus};

pub(super) fn status_word(s: RowStatus) -> &'static str {
    match s {
        RowStatus::Add => "add",
        RowStatus::Update => "update",
        RowStatus::Unchanged => "unchanged",
        RowStatus::Skipped => "skipped",
        RowStatus::Invalid => "invalid",
    }
}

pub(super) fn describe(c: &Change) -> String {
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    format!(
        "{} {}: {} → {}",
        format!("{:?}", c.action).to_lowercase(),
        c.slot.label(),
        show(&c.before),
        show(&c.after)
    )
}

pub(crate) fn print_row(out: &mut dyn Write, r: &RowPlan) {
    let user = r
        .user
        .as_ref()
        .map(|u| u.user_principal_name.as_str())
        .unwrap_or(r.user_input.as_str());
    let _ = writeln!(out, "{:>6}  {:<9}  {user}", r.line, status_word(r.status));
    for c in &r.changes {
        let _ = writeln!(out, "{:>6}  {:<9}    {}", "", "", describe(c));
    }
    for p in &r.problems {
        let _ = writeln!(out, "{:>6}  {:<9}    ✗ {p}", "", "");
    }
    for w in &r.warnings {
        let _ = writeln!(out, "{:>6}  {:<9}    ! {w}", "", "");
    }
}

pub(crate) fn progress_line(p: &Progress) {
    let eta = p
        .eta_s
        .map(|s| format!(", ~{s:.0} s left"))
        .unwrap_or_default();
    eprint!(
        "\r{}/{} rows ({} done, {} failed, {} changed since preview) {:.1} rows/s{eta}   ",
        p.finished, p.total, p.done, p.failed, p.changed_since_preview, p.rate_per_s
    );
}

pub(super) fn print_outcome(
    out: &mut dyn Write,
    outcome: &RunOutcome,
    json: bool,
) -> Result<bool, String> {
    eprintln!();
    if json {
        serde_json::to_writer_pretty(&mut *out, outcome).map_err(|e| e.to_string())?;
        let _ = writeln!(out);
    } else {
        for r in &outcome.report.results {
            print_result(out, r);
        }
        for c in &outcome.cannot_undo {
            let _ = writeln!(out, "{:>6}  cannot undo  {}: {}", c.line, c.user, c.reason);
        }
        if outcome.report.cancelled {
            let _ = writeln!(
                out,
                "cancelled: {} rows were not started; `prestage-cli resume {}` finishes them",
                outcome.report.not_started.len(),
                outcome.run
            );
        }
        let _ = writeln!(out, "run {}", outcome.run);
    }
    let failed = outcome
        .report
        .results
        .iter()
        .any(|r| matches!(r.end, prestage_core::import::RowEnd::Failed));
    Ok(!failed && !outcome.report.cancelled)
}

/// What `undo RUN` would write now, and how to do it.
pub(super) fn print_undo_preview(
    out: &mut dyn Write,
    preview: &UndoPreview,
    json: bool,
) -> Result<(), String> {
    if json {
        serde_json::to_writer_pretty(&mut *out, preview).map_err(|e| e.to_string())?;
        let _ = writeln!(out);
        return Ok(());
    }
    for r in &preview.rows {
        print_row(out, r);
    }
    for c in &preview.cannot_undo {
        let _ = writeln!(out, "{:>6}  cannot undo  {}: {}", c.line, c.user, c.reason);
    }
    let writes = preview.rows.iter().filter(|r| r.writes()).count();
    let left = preview
        .rows
        .iter()
        .filter(|r| r.status == RowStatus::Skipped)
        .count();
    let _ = writeln!(
        out,
        "undo would restore {writes} rows; {left} changed since the run and stay as they are; \
         {} cannot be restored. Nothing was written: add --yes to undo run {}",
        preview.cannot_undo.len(),
        preview.run
    );
    Ok(())
}

pub(super) fn print_result(out: &mut dyn Write, r: &RowResult) {
    let user = r
        .user
        .as_ref()
        .map(|u| u.user_principal_name.as_str())
        .unwrap_or("");
    let _ = writeln!(out, "{:>6}  {:<22}  {user}", r.line, format!("{:?}", r.end));
    for c in &r.changes {
        let mark = if c.ok { "✓" } else { "✗" };
        let _ = writeln!(
            out,
            "{:>6}  {:<22}    {mark} {}  {}",
            "",
            "",
            describe(&c.change),
            c.request_id.as_deref().unwrap_or("")
        );
    }
    if let Some(m) = &r.message {
        let _ = writeln!(out, "{:>6}  {:<22}    {m}", "", "");
    }
}
