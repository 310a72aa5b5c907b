//! How `migrate` prints a step's preview and its outcome: words for a terminal, or JSON.

use std::io::Write;

use prestage_core::campaign::{Step, StepOutcome, StepPreview};

pub(super) fn print_preview(
    out: &mut dyn Write,
    p: &StepPreview,
    json: bool,
) -> Result<(), String> {
    if json {
        serde_json::to_writer_pretty(&mut *out, p).map_err(|e| e.to_string())?;
        let _ = writeln!(out);
        return Ok(());
    }
    let _ = writeln!(
        out,
        "{} — {} to write, {} unchanged, {} skipped, {} refused; {} left alone",
        p.step.label(),
        p.counts.add + p.counts.update,
        p.counts.unchanged,
        p.counts.skipped,
        p.counts.invalid,
        p.notes.len()
    );
    for a in &p.advice {
        let _ = writeln!(out, "note: {a}");
    }
    for r in &p.rows {
        let upn = r
            .user
            .as_ref()
            .map(|u| u.user_principal_name.as_str())
            .unwrap_or(&r.user_input);
        let what: Vec<String> = r
            .changes
            .iter()
            .map(|c| format!("{:?} {}", c.action, c.slot.label()).to_lowercase())
            .collect();
        let _ = writeln!(
            out,
            "  {:<9} {upn}  {}",
            format!("{:?}", r.status).to_lowercase(),
            what.join(", ")
        );
        for x in r
            .problems
            .iter()
            .map(|p| ("✗", p))
            .chain(r.warnings.iter().map(|w| ("!", w)))
        {
            let _ = writeln!(out, "            {} {}", x.0, x.1);
        }
    }
    for n in &p.notes {
        let _ = writeln!(out, "  left      {}  {}", n.user_principal_name, n.reason);
    }
    for n in &p.cannot_restore {
        let _ = writeln!(
            out,
            "  not restorable by undo: {}  {}",
            n.user_principal_name, n.reason
        );
    }
    if p.step == Step::RemovePhones {
        let _ = writeln!(
            out,
            "{} users lose phone methods (threshold {})",
            p.removals, p.threshold
        );
    }
    Ok(())
}

pub(super) fn print_outcome(
    out: &mut dyn Write,
    o: &StepOutcome,
    json: bool,
) -> Result<bool, String> {
    eprintln!();
    if json {
        serde_json::to_writer_pretty(&mut *out, o).map_err(|e| e.to_string())?;
        let _ = writeln!(out);
    }
    let mut ok = true;
    for run in &o.runs {
        let failed = run
            .report
            .results
            .iter()
            .filter(|r| {
                r.message.is_some()
                    && !matches!(
                        r.end,
                        prestage_core::import::RowEnd::Done
                            | prestage_core::import::RowEnd::AlreadyApplied
                    )
            })
            .count();
        ok &= failed == 0 && !run.report.cancelled;
        if !json {
            let _ = writeln!(
                out,
                "run {}: {} users, {failed} not done{}",
                run.run,
                run.report.results.len(),
                if run.report.cancelled {
                    " (cancelled: resume with the same command)"
                } else {
                    ""
                }
            );
            for r in run.report.results.iter().filter(|r| r.message.is_some()) {
                let upn = r
                    .user
                    .as_ref()
                    .map(|u| u.user_principal_name.as_str())
                    .unwrap_or("?");
                let _ = writeln!(out, "  {upn}: {}", r.message.as_deref().unwrap_or(""));
            }
        }
    }
    Ok(ok)
}
