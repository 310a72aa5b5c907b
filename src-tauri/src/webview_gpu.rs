//! Whether the webview composites through the GPU (Linux only). WebKitGTK renders the page with
//! OpenGL by default. On a machine with no GPU to render with (a virtual machine, a remote
//! desktop, a CI runner under Xvfb) that OpenGL is Mesa's software rasteriser, llvmpipe, which
//! compiles every shader with LLVM before the first frame: about a second of CPU on a 2-core
//! machine, most of the time to the first screen (BENCHMARKS.md, "Start-up and memory"). There,
//! Prestage asks WebKitGTK to paint on the CPU instead, as Chromium does on Mesa's software
//! rasterisers. With a GPU (a DRM render node, or NVIDIA's driver) nothing changes.
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

/// A plugin that applies this machine's renderer to each webview as it is created, before its
/// page has painted anything.
pub fn plugin<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    let renderer = detect();
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

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        }
    }

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
    fn the_variable_overrides_the_machine() {
        let on = env(&[("PRESTAGE_WEBVIEW_GPU", " ON ")]);
        assert_eq!(decide(on, dri(&[]), false), Renderer::Gpu);
        let off = env(&[("PRESTAGE_WEBVIEW_GPU", "off")]);
        assert_eq!(decide(off, dri(&["renderD128"]), true), Renderer::Cpu);
        let auto = env(&[("PRESTAGE_WEBVIEW_GPU", "auto")]);
        assert_eq!(decide(auto, dri(&[]), false), Renderer::Cpu);
    }
}
