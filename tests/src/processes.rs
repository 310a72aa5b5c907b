//! The processes a test or benchmark started, read from `/proc` (Linux): the driven app is a
//! grandchild (tauri-driver → WebKitWebDriver → the app), its web processes are its children.

use std::path::Path;

/// Every descendant of `pid` with its command name.
pub fn descendants(pid: u32) -> Vec<(u32, String)> {
    let mut parent_of = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let comm = head
            .split_once('(')
            .map(|(_, c)| c)
            .unwrap_or("")
            .to_string();
        if let Some(ppid) = rest
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok())
        {
            parent_of.push((child, ppid, comm));
        }
    }
    let mut out = Vec::new();
    let mut frontier = vec![pid];
    while let Some(p) = frontier.pop() {
        for (child, ppid, comm) in &parent_of {
            if *ppid == p {
                out.push((*child, comm.clone()));
                frontier.push(*child);
            }
        }
    }
    out
}

/// The process id of the app binary `app` that this process drove into being (through
/// tauri-driver): the descendant whose command name is the binary's (the kernel keeps 15 bytes).
pub fn driven_app_pid(app: &Path) -> Result<u32, String> {
    let name: String = app
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(15).collect())
        .unwrap_or_default();
    descendants(std::process::id())
        .into_iter()
        .find(|(_, comm)| *comm == name)
        .map(|(pid, _)| pid)
        .ok_or_else(|| "the driven app's process was not found".into())
}
