//! The import books against the in-process sandbox tenant: rows stream and match the summary,
//! apply takes exactly the ticked lines of the reviewed preview, a stale preview or a row that
//! writes nothing is refused, the export is masked per role and formula-safe, runs are listed,
//! and a remembered header mapping applies to the next preview.

use prestage_core::places::Places;
use std::sync::{Arc, Mutex};

use prestage_core::auth::MemoryStore;

use super::*;
use crate::ipc::RowEndInfo;
use crate::launch::Launch;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("prestage-import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn previews_applies_the_ticked_rows_exports_and_lists_runs() {
    let dir = temp_dir("flow");
    let mut launch = Launch::sandbox(Some(30));
    launch.places = Places::under(&dir);
    let state = AppState::new(Ok(launch), Arc::new(MemoryStore::default()));
    let connection = state.connection().await.unwrap();
    let me = connection.session().account().user_principal_name.clone();
    let users = connection
        .session()
        .graph()
        .search_users("", 30)
        .await
        .unwrap();
    let others: Vec<String> = users
        .into_iter()
        .filter_map(|u| u.user_principal_name)
        .filter(|u| *u != me)
        .take(2)
        .collect();
    let csv = dir.join("users.csv");
    std::fs::write(
        &csv,
        format!(
            "UPN,Mobile\r\n{},+1 4255550141\r\n{},+1 4255550142\r\nnobody@contoso.example,+1 4255550143\r\n",
            others[0], others[1]
        ),
    )
    .unwrap();
    let import = ImportState::default();
    assert_eq!(import.choose(csv.clone()).name, "users.csv");

    let streamed = Arc::new(Mutex::new(Vec::new()));
    let sink = streamed.clone();
    let done = import
        .preview(&state, PreviewOptions::default(), move |rows| {
            sink.lock().unwrap().extend(rows)
        })
        .await
        .unwrap();
    let rows = streamed.lock().unwrap().clone();
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 4]);
    assert!(rows[0].writes && rows[1].writes && !rows[2].writes);
    assert_eq!((done.file.rows, done.file.name.as_str()), (3, "users.csv"));
    assert_eq!(done.counts.invalid, 1);
    assert_eq!(done.counts.add + done.counts.update, 2);

    let runs_dir = dir.join("runs");
    let refused = import
        .apply(&state, runs_dir.clone(), done.preview_id, &[4], |_| {})
        .await;
    assert!(
        matches!(refused, Err(IpcError::InvalidInput { .. })),
        "{refused:?}"
    );
    let stale = import
        .apply(&state, runs_dir.clone(), done.preview_id + 1, &[2], |_| {})
        .await;
    assert!(matches!(stale, Err(IpcError::Refused { .. })), "{stale:?}");

    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let run = import
        .apply(&state, runs_dir.clone(), done.preview_id, &[3], move |e| {
            sink.lock().unwrap().push(e)
        })
        .await
        .unwrap();
    assert_eq!(run.results.len(), 1);
    assert_eq!(
        (run.results[0].line, run.results[0].end),
        (3, RowEndInfo::Done)
    );
    let events = events.lock().unwrap().clone();
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].progress.finished, events[0].progress.total),
        (1, 1)
    );

    let (bytes, name) = import.results(&state).await.unwrap();
    assert_eq!(name, format!("prestage-results-{}.csv", run.run));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("\u{feff}Row,User,Action"), "{text}");
    assert!(text.contains(",'+1 4255550142,done,"), "{text}");

    let list = import.runs(&state, &runs_dir).await.unwrap();
    assert!(list.unreadable.is_empty());
    let runs = list.runs;
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].rows, runs[0].done), (1, 1));
    assert!(runs[0].undoable && !runs[0].resumable && runs[0].finished);

    // A header the reader does not know, mapped once, is read as that column from then on.
    let odd = dir.join("odd.csv");
    std::fs::write(
        &odd,
        format!("UPN,Handy\r\n{},+1 4255550144\r\n", others[0]),
    )
    .unwrap();
    import.choose(odd);
    let before = import
        .preview(&state, PreviewOptions::default(), |_| {})
        .await
        .unwrap();
    assert_eq!(before.file.unknown_headers, ["Handy"]);
    import
        .map_header(&state, "Handy", Some(Column::MobilePhone))
        .unwrap();
    let after = import
        .preview(&state, PreviewOptions::default(), |_| {})
        .await
        .unwrap();
    assert!(after.file.unknown_headers.is_empty());
    assert_eq!(after.counts.update, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_file_is_an_invalid_csv_error() {
    let dir = temp_dir("unreadable");
    let mut launch = Launch::sandbox(Some(10));
    launch.places = Places::under(&dir);
    let state = AppState::new(Ok(launch), Arc::new(MemoryStore::default()));
    let import = ImportState::default();
    let none = import
        .preview(&state, PreviewOptions::default(), |_| {})
        .await;
    assert!(matches!(none, Err(IpcError::Refused { .. })), "{none:?}");
    import.choose(dir.join("missing.csv"));
    let missing = import
        .preview(&state, PreviewOptions::default(), |_| {})
        .await;
    assert!(
        matches!(&missing, Err(IpcError::InvalidCsv { line: None, message }) if message.contains("missing.csv")),
        "{missing:?}"
    );
    let book = dir.join("book.xlsx");
    std::fs::write(&book, b"PK\x03\x04 not a csv").unwrap();
    import.choose(book);
    let workbook = import
        .preview(&state, PreviewOptions::default(), |_| {})
        .await;
    assert!(
        matches!(&workbook, Err(IpcError::InvalidCsv { message, .. }) if message.contains("Excel workbook")),
        "{workbook:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 13 item 7: a named pipe chosen as the file is refused at once; the app used to wait on
/// it forever (a preview that never ends and a blocked thread).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = temp_dir("fifo");
    let mut launch = Launch::sandbox(Some(10));
    launch.places = Places::under(&dir);
    let state = AppState::new(Ok(launch), Arc::new(MemoryStore::default()));
    let fifo = dir.join("users.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.unwrap().success(), "mkfifo");
    let import = ImportState::default();
    import.choose(fifo.clone());
    let preview = import.preview(&state, PreviewOptions::default(), |_| {});
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(30), preview).await;
    if outcome.is_err() {
        // Free the reader stuck in open() so the runtime can stop.
        let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
    }
    let result = outcome.expect("the preview waits on the FIFO");
    assert!(
        matches!(&result, Err(IpcError::InvalidCsv { message, .. })
            if message.starts_with("users.csv: This is a named pipe (FIFO), not a file")),
        "{result:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
