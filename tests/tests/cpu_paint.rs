//! The app as it runs on a machine with no GPU (a virtual machine, a remote desktop): the
//! webview paints on the CPU and the app's own process loads no OpenGL
//! (src-tauri/src/webview_gpu.rs). The other end-to-end tests take the GPU path, because
//! WebKitGTK's WebDriver screenshot can hang on the CPU path (tests/src/lib.rs); this one takes no
//! screenshot. It lists users, narrows them by a search, opens one, and then reads the app's
//! memory map: no Mesa driver, no LLVM, no EGL or GLX vendor library.

use prestage_e2e::page::{no_error, text, wait_shown};
use prestage_e2e::processes::{descendants, driven_app_pid};
use prestage_e2e::sandbox_app::SandboxApp;
use prestage_e2e::{app_binary, wait_for, Poll};

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

/// Libraries that mean OpenGL was loaded: Mesa's driver (and the LLVM it links), and the
/// vendor halves of EGL and GLX.
const GL_LIBRARIES: [&str; 5] = [
    "libLLVM",
    "_dri.so",
    "libgallium",
    "libEGL_mesa",
    "libGLX_mesa",
];

async fn row_count(client: &Client) -> Result<usize, String> {
    let n = client
        .execute(
            "return document.querySelectorAll('[data-testid=user-row]').length;",
            vec![],
        )
        .await
        .map_err(|e| format!("count rows: {e}"))?;
    Ok(n.as_u64().unwrap_or(0) as usize)
}

async fn flow(client: &Client) -> Result<(), String> {
    wait_shown(client, "[data-testid=user-row]").await?;
    let all = row_count(client).await?;
    client
        .find(Locator::Css("[data-testid=user-search]"))
        .await
        .map_err(|e| format!("find search box: {e}"))?
        .send_keys("Patel")
        .await
        .map_err(|e| format!("type into search box: {e}"))?;
    wait_for("the list to narrow to Patel", WAIT, || async {
        no_error(client).await?;
        let n = row_count(client).await?;
        let first = text(client, "[data-testid=user-row] .user-name").await?;
        Ok(if n > 0 && n < all && first.contains("Patel") {
            Poll::Ready(())
        } else {
            Poll::Pending(format!("{n} of {all} rows, first {first:?}"))
        })
    })
    .await?;
    // Down selects the first row, Enter opens it (the keyboard path of the list).
    for key in [Key::Down, Key::Enter] {
        client
            .find(Locator::Css("[data-testid=user-search]"))
            .await
            .map_err(|e| format!("find search box: {e}"))?
            .send_keys(&key)
            .await
            .map_err(|e| format!("press {key:?}: {e}"))?;
    }
    wait_for("a Patel's panel", WAIT, || async {
        no_error(client).await?;
        Ok(match text(client, "[data-testid=user-name]").await {
            Ok(name) if name.contains("Patel") => Poll::Ready(()),
            Ok(name) => Poll::Pending(format!("panel of {name:?}")),
            Err(e) => Poll::Pending(e),
        })
    })
    .await?;
    wait_shown(client, "[data-testid=user-methods]").await?;
    let panel = text(client, "[data-testid=user-methods]").await?;
    if panel.trim().is_empty() {
        return Err("the user's methods panel is empty".into());
    }
    no_error(client).await
}

/// The app's mapped files that belong to OpenGL, and its WebKit web process if it runs.
fn gl_in_app(pid: u32) -> Result<(Vec<String>, bool), String> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps"))
        .map_err(|e| format!("read the app's memory map: {e}"))?;
    let mut gl: Vec<String> = maps
        .lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .filter(|path| GL_LIBRARIES.iter().any(|lib| path.contains(lib)))
        .map(str::to_owned)
        .collect();
    gl.sort_unstable();
    gl.dedup();
    let web_process = descendants(pid)
        .iter()
        .any(|(_, comm)| comm.starts_with("WebKitWebProces"));
    Ok((gl, web_process))
}

#[tokio::test(flavor = "multi_thread")]
async fn with_no_gpu_the_app_paints_on_the_cpu_and_loads_no_opengl() {
    let env = [("PRESTAGE_WEBVIEW_GPU", "off".to_string())];
    let app = SandboxApp::launch("cpu-paint", &env).await.unwrap();
    let outcome = async {
        flow(&app.client).await?;
        let pid = driven_app_pid(&app_binary()?)?;
        let (gl, web_process) = gl_in_app(pid)?;
        if !gl.is_empty() {
            return Err(format!("the app process loaded OpenGL: {gl:?}"));
        }
        if !web_process {
            return Err("no WebKit web process under the app".into());
        }
        eprintln!("app process {pid}: no OpenGL library mapped; the page painted on the CPU");
        Ok(())
    }
    .await;
    app.finish(outcome).await.unwrap();
}
