//! The X11 desktop around the app, for what WebDriver cannot do: find the app's window on the
//! screen, start a drag source offering a file (tests/tools/drag_source.py, GTK 3) and drag it
//! with the mouse through `xdotool` — a real XDND drag and drop, as from a file manager.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A window's place on the screen.
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    pub x: i32,
    pub y: i32,
    pub width: i32,
    pub height: i32,
}

impl Geometry {
    pub fn centre(&self) -> (i32, i32) {
        (self.x + self.width / 2, self.y + self.height / 2)
    }
}

fn xdotool(args: &[String]) -> Result<String, String> {
    let out = Command::new("xdotool")
        .args(args)
        .output()
        .map_err(|e| format!("could not run xdotool ({e}); install it with .ci/setup"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "xdotool {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The visible window titled exactly `title`, waiting up to `timeout` for it to map.
pub fn window(title: &str, timeout: Duration) -> Result<Geometry, String> {
    let deadline = Instant::now() + timeout;
    let pattern = format!("^{title}$");
    loop {
        let found = xdotool(&[
            "search".into(),
            "--onlyvisible".into(),
            "--name".into(),
            pattern.clone(),
        ]);
        if let Some(id) = found
            .ok()
            .and_then(|o| o.lines().next().map(str::to_string))
        {
            return geometry(&id);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "no visible window titled {title:?} within {timeout:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn geometry(id: &str) -> Result<Geometry, String> {
    let shell = xdotool(&["getwindowgeometry".into(), "--shell".into(), id.into()])?;
    let field = |name: &str| -> Result<i32, String> {
        shell
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| format!("xdotool gave no {name} for window {id}: {shell}"))
    };
    Ok(Geometry {
        x: field("X")?,
        y: field("Y")?,
        width: field("WIDTH")?,
        height: field("HEIGHT")?,
    })
}

/// Presses the left button at `from`, moves in steps (GTK starts a drag past its threshold and
/// the target needs motion events to accept it) and releases it at `to`.
pub fn drag(from: (i32, i32), to: (i32, i32)) -> Result<(), String> {
    let mut args: Vec<String> = Vec::new();
    let mut push = |words: &[String]| args.extend_from_slice(words);
    push(&["mousemove".into(), from.0.to_string(), from.1.to_string()]);
    push(&["mousedown".into(), "1".into(), "sleep".into(), "0.2".into()]);
    for step in 1..=10 {
        let x = from.0 + (to.0 - from.0) * step / 10;
        let y = from.1 + (to.1 - from.1) * step / 10;
        push(&["mousemove".into(), x.to_string(), y.to_string()]);
        push(&["sleep".into(), "0.1".into()]);
    }
    // A last small move over the target and a pause: the drop target's reply must arrive first.
    push(&[
        "mousemove".into(),
        (to.0 + 4).to_string(),
        (to.1 + 4).to_string(),
    ]);
    push(&["sleep".into(), "0.5".into(), "mouseup".into(), "1".into()]);
    xdotool(&args).map(|_| ())
}

/// The running drag source; killed when dropped.
pub struct DragSource {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Where to press to start dragging the file (the button's centre).
    pub handle: (i32, i32),
}

impl DragSource {
    /// Starts the drag source offering `file` and waits until its window is shown.
    pub fn start(file: &Path) -> Result<Self, String> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/drag_source.py");
        // Debian's Python, which python3-gi belongs to (not a pyenv or venv one earlier on PATH).
        let mut child = Command::new("/usr/bin/python3")
            .arg(&script)
            .arg(file)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("start {}: {e}", script.display()))?;
        let stdout = child.stdout.take().ok_or("no drag source stdout")?;
        let lines = forward_lines(stdout);
        let mut source = Self {
            child,
            lines,
            handle: (0, 0),
        };
        let ready = source
            .expect("ready", Duration::from_secs(20))
            .map_err(|e| format!("{e} (needs python3-gi and GTK 3: .ci/setup installs them)"))?;
        let mut words = ready.split_whitespace().skip(1).map(str::parse::<i32>);
        source.handle = match (words.next(), words.next()) {
            (Some(Ok(x)), Some(Ok(y))) => (x, y),
            _ => return Err(format!("drag source said {ready:?}")),
        };
        Ok(source)
    }

    /// The next line starting with `word`, within `timeout`.
    pub fn expect(&mut self, word: &str, timeout: Duration) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.starts_with(word) => return Ok(line),
                Ok(_) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(format!(
                        "the drag source exited before saying {word:?} (its error is above)"
                    ))
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "the drag source did not say {word:?} within {timeout:?}"
                    ))
                }
            }
        }
    }
}

impl Drop for DragSource {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn forward_lines(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}
