//! For unit tests: an environment as a lookup (`name → value`), the shape `Launch::from_env`
//! and `webview_gpu::decide` read variables through.

/// The variables `pairs`, and no other.
pub(crate) fn env(
    pairs: &'static [(&'static str, &'static str)],
) -> impl Fn(&str) -> Option<String> {
    move |k| {
        pairs
            .iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| v.to_string())
    }
}
