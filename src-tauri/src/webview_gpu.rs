//! Whether the webview composites through the GPU (Linux only). WebKitGTK renders the page with
//! OpenGL by default. On a machine with no GPU to render with (a virtual machine, a remote
//! desktop, a CI runner under Xvfb) that OpenGL is Mesa's software rasteriser, llvmpipe, which
//! compiles every shader with LLVM before the first frame: about a second of CPU on a 2-core
//! machine, most of the time to the first screen (BENCHMARKS.md, "Start-up and memory"). There,
//! Prestage asks WebKitGTK to paint on the CPU instead, as Chromium does on Mesa's software
//! rasterisers, and keeps OpenGL out of the app's own process (`prepare`). With a GPU (a DRM
//! render node, or NVIDIA's driver) nothing changes.
//!
//! `PRESTAGE_WEBVIEW_GPU=on` or `off` overrides the decision (`auto`, or unset: decide). Windows
//! (WebView2) and macOS (WKWebView) are not touched: their webviews pick GPU or software
//! rendering themselves.

/// Overrides the decision: `on`, `off` or `auto`.
pub const GPU_VAR: &str = "PRESTAGE_WEBVIEW_GPU";

/// What the machine offers the webview to render with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    /// GPU compositing (WebKitGTK's default).
    Gpu,
    /// Paint on the CPU: OpenGL here would only be a software rasteriser.
    Cpu,
}

/// The renderer for this machine: `var` is `std::env::var`, `device_names` the names under
/// `/dev/dri` and `nvidia` whether NVIDIA's driver is loaded (`/dev/nvidiactl`).
pub fn decide(
    var: impl Fn(&str) -> Option<String>,
    device_names: impl IntoIterator<Item = String>,
    nvidia: bool,
) -> Renderer {
    let value = |name: &str| var(name).map(|v| v.trim().to_ascii_lowercase());
    match value(GPU_VAR).as_deref() {
        Some("on") => return Renderer::Gpu,
        Some("off") => return Renderer::Cpu,
        _ => {}
    }
    // Mesa told to rasterise in software, whatever the hardware.
    if value("LIBGL_ALWAYS_SOFTWARE").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
        || value("GALLIUM_DRIVER")
            .is_some_and(|v| matches!(v.as_str(), "llvmpipe" | "softpipe" | "swrast"))
    {
        return Renderer::Cpu;
    }
    // WebKitGTK's web process renders through a DRM render node; without one (and without
    // NVIDIA's own driver) Mesa can only give it llvmpipe.
    let render_node = device_names
        .into_iter()
        .any(|name| name.starts_with("renderD"));
    if render_node || nvidia {
        Renderer::Gpu
    } else {
        Renderer::Cpu
    }
}

/// The renderer for this machine, read from the environment and `/dev`.
pub fn detect() -> Renderer {
    let names = std::fs::read_dir("/dev/dri")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned());
    decide(
        |name| std::env::var(name).ok(),
        names,
        std::path::Path::new("/dev/nvidiactl").exists(),
    )
}

/// What WebKitGTK and GTK are told, before either starts, when the webview paints on the CPU:
/// do not load OpenGL in the app's own process. WebKitGTK 2.50 otherwise opens an EGL display
/// there at the first page load to find the render node and DMA-BUF formats for its web
/// process, and GTK probes GLX for its visuals. With no GPU both load Mesa's software driver
/// and the LLVM it links: ≈ 25 MB of the app process's PSS for nothing it draws (BENCHMARKS.md,
/// "Memory"). The web process still opens its own display, as before.
///
/// - `GDK_GL=disable`: GTK makes no GL context and does not probe GLX.
/// - `WEBKIT_DISABLE_DMABUF_RENDERER=1`: no DMA-BUF buffers to negotiate; the page reaches the
///   window through shared memory, as it already did with painting on the CPU.
/// - `WEBKIT_WEB_RENDER_DEVICE_FILE`: the render node WebKit would otherwise ask EGL for. There
///   is none on such a machine; a path that names no device says so without asking.
///
/// A variable the user has set is left as it is.
pub const CPU_ENVIRONMENT: [(&str, &str); 3] = [
    ("GDK_GL", "disable"),
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    ("WEBKIT_WEB_RENDER_DEVICE_FILE", NO_RENDER_DEVICE),
];

/// A path that is no device: WebKit's web process fails to open it and renders with no GPU
/// device, as it does when the machine has none.
pub const NO_RENDER_DEVICE: &str = "/dev/null/no-render-node";

/// The variables to set for `renderer`: those of [`CPU_ENVIRONMENT`] the user has not set.
pub fn environment(
    renderer: Renderer,
    var: impl Fn(&str) -> Option<String>,
) -> Vec<(&'static str, &'static str)> {
    match renderer {
        Renderer::Gpu => Vec::new(),
        Renderer::Cpu => CPU_ENVIRONMENT
            .into_iter()
            .filter(|(name, _)| var(name).is_none())
            .collect(),
    }
}

/// Sets [`environment`] for this process and the WebKit processes it starts. Call it first thing
/// in `main`, while the process has one thread: GTK reads `GDK_GL` when it starts.
pub fn prepare(renderer: Renderer) {
    for (name, value) in environment(renderer, |name| std::env::var(name).ok()) {
        std::env::set_var(name, value);
    }
}

/// A plugin that applies `renderer` to each webview as it is created, before its page has
/// painted anything.
pub fn plugin<R: tauri::Runtime>(renderer: Renderer) -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("webview-gpu")
        .on_webview_ready(move |webview| apply(&webview, renderer))
        .build()
}

fn apply<R: tauri::Runtime>(webview: &tauri::Webview<R>, renderer: Renderer) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    if renderer == Renderer::Gpu {
        return;
    }
    let result = webview.with_webview(|platform| {
        if let Some(settings) = WebViewExt::settings(&platform.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    match result {
        Ok(()) => tracing::info!("no GPU to render with: the webview paints on the CPU"),
        Err(error) => tracing::warn!("could not set the webview's renderer: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_env::env;

    fn dri(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn a_render_node_or_nvidia_keeps_the_gpu() {
        let with_node = decide(env(&[]), dri(&["card0", "renderD128"]), false);
        assert_eq!(with_node, Renderer::Gpu);
        assert_eq!(decide(env(&[]), dri(&[]), true), Renderer::Gpu);
    }

    #[test]
    fn no_render_node_paints_on_the_cpu() {
        assert_eq!(decide(env(&[]), dri(&[]), false), Renderer::Cpu);
        // A display-only device (card0) has nothing to render with.
        assert_eq!(decide(env(&[]), dri(&["card0"]), false), Renderer::Cpu);
    }

    #[test]
    fn software_mesa_paints_on_the_cpu() {
        let node = || dri(&["renderD128"]);
        let forced = env(&[("LIBGL_ALWAYS_SOFTWARE", "1")]);
        assert_eq!(decide(forced, node(), false), Renderer::Cpu);
        let not_forced = env(&[("LIBGL_ALWAYS_SOFTWARE", "0")]);
        assert_eq!(decide(not_forced, node(), false), Renderer::Gpu);
        let llvmpipe = env(&[("GALLIUM_DRIVER", "llvmpipe")]);
        assert_eq!(decide(llvmpipe, node(), false), Renderer::Cpu);
        let hardware = env(&[("GALLIUM_DRIVER", "radeonsi")]);
        assert_eq!(decide(hardware, node(), false), Renderer::Gpu);
    }

    #[test]
    fn painting_on_the_cpu_keeps_opengl_out_of_the_app_process() {
        let none = |_: &str| None;
        assert!(environment(Renderer::Gpu, none).is_empty());
        let all = environment(Renderer::Cpu, none);
        assert_eq!(all, CPU_ENVIRONMENT.to_vec());
        // The user's own choice stands.
        let set = env(&[
            ("GDK_GL", "gles"),
            ("WEBKIT_WEB_RENDER_DEVICE_FILE", "/dev/dri/x"),
        ]);
        assert_eq!(
            environment(Renderer::Cpu, set),
            vec![("WEBKIT_DISABLE_DMABUF_RENDERER", "1")]
        );
        // Not a device, and under a file, so nothing can ever be created there.
        assert!(!std::path::Path::new(NO_RENDER_DEVICE).exists());
    }

    #[test]
    fn the_variable_overrides_the_machine() {
        let on = env(&[("PRESTAGE_WEBVIEW_GPU", " ON ")]);
        assert_eq!(decide(on, dri(&[]), false), Renderer::Gpu);
        let off = env(&[("PRESTAGE_WEBVIEW_GPU", "off")]);
        assert_eq!(decide(off, dri(&["renderD128"]), true), Renderer::Cpu);
        let auto = env(&[("PRESTAGE_WEBVIEW_GPU", "auto")]);
        assert_eq!(decide(auto, dri(&[]), false), Renderer::Cpu);
    }
}
