//! A first line that tools write above the header and that is not part of the table: Windows
//! PowerShell's `#TYPE <type name>` (Export-Csv without `-NoTypeInformation`; its Import-Csv skips
//! it) and the Entra admin center's `version:v1.0` (its bulk templates). Only the very first line
//! is ever skipped, and the preview says so; nothing else is dropped here.

use super::text::{first_line, quoted_up_to};

/// Characters of the skipped line shown (a type name is long, and it says where the file came from).
const SHOWN: usize = 100;

/// Why the first line of `text` is not the header, as a sentence for the preview's file line,
/// and the byte offset where the next line starts. `None` when the first line may be the header.
pub(crate) fn skipped_line(text: &str) -> Option<(String, usize)> {
    let (line, next) = first_line(text);
    // Excel pads every line of a sheet to its width on save (`version:v1.0,,,,`) and may quote it.
    let bare = line
        .trim_start_matches([' ', '\u{feff}'])
        .trim_end_matches([',', ';', '\t', ' ']);
    let bare = bare
        .strip_prefix('"')
        .and_then(|b| b.strip_suffix('"'))
        .unwrap_or(bare);
    let why = if type_line(bare) {
        "the type line Windows PowerShell's Export-Csv writes (add -NoTypeInformation to leave it out)"
    } else if version_line(bare) {
        "the version line of the Entra admin center's bulk templates"
    } else {
        return None;
    };
    Some((
        format!("Line 1 skipped: {} is {why}.", quoted_up_to(bare, SHOWN)),
        next,
    ))
}

/// `#TYPE System.Management.Automation.PSCustomObject` and the like.
fn type_line(line: &str) -> bool {
    line.get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("#TYPE "))
        && !line[6..].trim().is_empty()
}

/// `version:v1.0`: one token of letters, digits and dots after the prefix.
fn version_line(line: &str) -> bool {
    let Some(prefix) = line.get(..8).filter(|p| p.eq_ignore_ascii_case("version:")) else {
        return false;
    };
    let version = &line[prefix.len()..];
    !version.is_empty()
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powershell_type_lines() {
        let text =
            "#TYPE Selected.Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser\r\n\"Id\"\r\n";
        let (why, next) = skipped_line(text).unwrap();
        assert_eq!(next, text.find('"').unwrap());
        let shown = format!("Line 1 skipped: \"{}\" is the type line", &text[..67]);
        assert!(why.starts_with(&shown), "{why}");
        let long = format!("#TYPE {}\nUPN", "X".repeat(200));
        assert!(skipped_line(&long)
            .unwrap()
            .0
            .contains(&format!("{}…\"", "X".repeat(94))));
        assert!(why.contains("Export-Csv"), "{why}");
        assert!(skipped_line("#type X,,,\nUPN").is_some());
        assert_eq!(skipped_line("#TYPE \nUPN"), None);
        assert_eq!(skipped_line("#TYPEX\nUPN"), None);
        assert_eq!(skipped_line("# comment\nUPN"), None);
    }

    #[test]
    fn admin_center_version_lines() {
        for text in [
            "version:v1.0\r\nUser name [userPrincipalName] Required\r\n",
            "version:v1.0,,,,\r\nx",
            "\"version:v1.0\";;\nx",
            "VERSION:2\nx",
        ] {
            let (why, next) = skipped_line(text).unwrap();
            assert!(why.contains("admin center"), "{why}");
            assert!(text[next..].starts_with(['U', 'x']), "{text:?}");
        }
        assert_eq!(skipped_line("version:\nUPN"), None);
        assert_eq!(skipped_line("version: v1,UPN\nx"), None);
        assert_eq!(skipped_line("Version,UPN\n1,a@b"), None);
        assert_eq!(skipped_line("UPN,Mobile\n"), None);
        assert_eq!(skipped_line(""), None);
    }
}
