//! Where Prestage may sign in and call Graph — so a refresh token only ever goes to Microsoft.
//! Each cloud names its sign-in and Graph hosts (Microsoft's "national cloud deployments" page);
//! the public cloud is the default and a national cloud is an explicit choice in the settings.
//! Anything else (the sandbox, a test server, plain http) needs the developer switch
//! `PRESTAGE_DEVELOPER_ENDPOINTS=1`, which the app shows on screen while it is on.

use serde::{Deserialize, Serialize};
use url::Url;

/// Turns on endpoints other than Microsoft's (tests, the out-of-process sandbox). Never saved.
pub const DEVELOPER_ENDPOINTS_VAR: &str = "PRESTAGE_DEVELOPER_ENDPOINTS";

/// A Microsoft cloud: the global service or a national cloud.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Cloud {
    #[default]
    Global,
    /// Microsoft Cloud for US Government L4 (GCC High).
    UsGovernment,
    /// Microsoft Cloud for US Government L5 (DoD).
    UsGovernmentDod,
    /// Microsoft 365 operated by 21Vianet in China.
    China,
}

impl Cloud {
    /// The Microsoft Entra sign-in host.
    pub fn sign_in_host(self) -> &'static str {
        match self {
            Cloud::Global => "login.microsoftonline.com",
            Cloud::UsGovernment | Cloud::UsGovernmentDod => "login.microsoftonline.us",
            Cloud::China => "login.chinacloudapi.cn",
        }
    }

    /// The Microsoft Graph host.
    pub fn graph_host(self) -> &'static str {
        match self {
            Cloud::Global => "graph.microsoft.com",
            Cloud::UsGovernment => "graph.microsoft.us",
            Cloud::UsGovernmentDod => "dod-graph.microsoft.us",
            Cloud::China => "microsoftgraph.chinacloudapi.cn",
        }
    }

    #[allow(clippy::expect_used)] // constant hosts that parse
    pub fn authority(self) -> Url {
        Url::parse(&format!("https://{}/", self.sign_in_host())).expect("constant URL")
    }

    #[allow(clippy::expect_used)] // constant hosts that parse
    pub fn graph(self) -> Url {
        Url::parse(&format!("https://{}/", self.graph_host())).expect("constant URL")
    }

    fn name(self) -> &'static str {
        match self {
            Cloud::Global => "Microsoft's global cloud",
            Cloud::UsGovernment => "Microsoft Cloud for US Government (L4)",
            Cloud::UsGovernmentDod => "Microsoft Cloud for US Government (DoD)",
            Cloud::China => "Microsoft 365 operated by 21Vianet",
        }
    }
}

/// Why an endpoint is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{what} {url} is not {cloud}'s ({expected}), so Prestage will not send a sign-in there. \
     Remove it from settings.json and the PRESTAGE_* variables, choose the cloud in the \
     settings, or — for a test tenant only — set {DEVELOPER_ENDPOINTS_VAR}=1."
)]
pub struct EndpointRefused {
    pub what: &'static str,
    pub url: String,
    pub cloud: &'static str,
    pub expected: String,
}

fn check(what: &'static str, url: &Url, host: &str, cloud: Cloud) -> Result<(), EndpointRefused> {
    let ok = url.scheme() == "https"
        && url.host_str() == Some(host)
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none();
    ok.then_some(()).ok_or_else(|| EndpointRefused {
        what,
        url: url.to_string(),
        cloud: cloud.name(),
        expected: format!("https://{host}/"),
    })
}

/// Checks the sign-in authority and the Graph URL against `cloud`; with `developer` on,
/// anything is allowed (the UI says so).
pub fn check_endpoints(
    authority: &Url,
    graph: &Url,
    cloud: Cloud,
    developer: bool,
) -> Result<(), EndpointRefused> {
    if developer {
        return Ok(());
    }
    check(
        "The sign-in authority",
        authority,
        cloud.sign_in_host(),
        cloud,
    )?;
    check("The Graph URL", graph, cloud.graph_host(), cloud)
}

/// The delegated scopes, spelled for `graph` (national clouds need their own Graph host in
/// every scope that names one).
pub fn scopes_for(graph: &Url, scopes: &[String]) -> Vec<String> {
    let root = graph.as_str().trim_end_matches('/');
    scopes
        .iter()
        .map(|s| match s.strip_prefix("https://graph.microsoft.com") {
            Some(rest) if !root.is_empty() && graph.scheme() == "https" => format!("{root}{rest}"),
            _ => s.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn only_microsofts_hosts_over_https_unless_the_developer_switch_is_on() {
        let (login, graph) = (Cloud::Global.authority(), Cloud::Global.graph());
        assert!(check_endpoints(&login, &graph, Cloud::Global, false).is_ok());
        for bad in [
            "http://login.microsoftonline.com/",
            "https://login.microsoftonline.com.evil.example/",
            "https://evil.example/",
            "http://127.0.0.1:8400/",
            "https://login.microsoftonline.com:8443/",
            "https://user@login.microsoftonline.com/",
            "https://login.microsoftonline.com/other/",
        ] {
            let refused = check_endpoints(&u(bad), &graph, Cloud::Global, false);
            assert!(refused.is_err(), "{bad} must be refused");
            assert!(refused
                .unwrap_err()
                .to_string()
                .contains(DEVELOPER_ENDPOINTS_VAR));
        }
        assert!(check_endpoints(&login, &u("http://127.0.0.1:9/"), Cloud::Global, false).is_err());
        assert!(check_endpoints(&u("http://127.0.0.1:9/"), &graph, Cloud::Global, true).is_ok());
    }

    #[test]
    fn a_national_cloud_is_an_explicit_choice() {
        let (login, graph) = (Cloud::UsGovernment.authority(), Cloud::UsGovernment.graph());
        assert!(check_endpoints(&login, &graph, Cloud::Global, false).is_err());
        assert!(check_endpoints(&login, &graph, Cloud::UsGovernment, false).is_ok());
        let scopes = scopes_for(
            &graph,
            &["https://graph.microsoft.com/User.Read.All".into()],
        );
        assert_eq!(scopes, ["https://graph.microsoft.us/User.Read.All"]);
    }
}
