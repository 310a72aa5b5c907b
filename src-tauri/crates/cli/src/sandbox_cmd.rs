//! `prestage-cli sandbox`: starts the sandbox tenant in the foreground, prints where Graph and
//! the authority are and which accounts can sign in, and runs until Ctrl-C.

use std::process::ExitCode;
use std::time::Duration;

use prestage_sandbox::{AdminRole, Faults, SandboxConfig};

fn rate(s: &str) -> Result<f64, String> {
    let r: f64 = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
    if (0.0..=1.0).contains(&r) {
        Ok(r)
    } else {
        Err(format!("{r} is not between 0 and 1"))
    }
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Users in the directory, the five sign-in accounts included.
    #[arg(long, default_value_t = 250)]
    users: usize,
    /// Same seed, same directory.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Fixed latency added to every Graph and token request.
    #[arg(long, default_value_t = 40)]
    latency_ms: u64,
    /// Uniform extra latency, 0..jitter.
    #[arg(long, default_value_t = 20)]
    jitter_ms: u64,
    /// Writes allowed per write window (per app).
    #[arg(long, default_value_t = 3000)]
    write_limit: u32,
    /// The write window in seconds.
    #[arg(long, default_value_t = 150)]
    write_window_s: u64,
    /// Resource units per 10 s (0 = from the tenant size, as Graph does).
    #[arg(long, default_value_t = 0)]
    read_ru: u32,
    /// Share of Graph requests answered 503 (0..1).
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    fault_rate: f64,
    /// Share of Graph requests whose connection is dropped (0..1).
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    drop_rate: f64,
    /// Share of Graph requests answered slowly (0..1).
    #[arg(long, default_value_t = 0.0, value_parser = rate)]
    slow_rate: f64,
    /// Extra delay of a slow answer.
    #[arg(long, default_value_t = 2000)]
    slow_ms: u64,
    /// Access-token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    token_lifetime_s: u64,
    /// The tenant has no Entra ID P1/P2 (the registration report answers 403).
    #[arg(long)]
    non_premium: bool,
    /// Sign in at once without the account picker (login_hint chooses the account).
    #[arg(long)]
    auto_approve: bool,
    /// Send Retry-After as an HTTP-date instead of seconds.
    #[arg(long)]
    retry_after_date: bool,
    /// Security defaults are on (per-user MFA is then the wrong tool).
    #[arg(long)]
    security_defaults: bool,
    /// One enabled Conditional Access policy requires MFA for all users.
    #[arg(long)]
    conditional_access_mfa: bool,
    /// Seed the "still asked" people and the policies behind them (see `user why-asked`).
    #[arg(long)]
    still_asked: bool,
    /// Register an application for app-only sign-in with this public certificate (PEM); prints
    /// its client id. Repeatable (one app per certificate).
    #[arg(long, value_name = "CERT_PEM")]
    app_certificate: Vec<std::path::PathBuf>,
    /// The application permissions granted to those apps (comma-separated; default: the
    /// narrowest a directory run needs).
    #[arg(long, value_name = "ROLES", value_delimiter = ',')]
    app_roles: Vec<String>,
}

impl Args {
    fn config(&self) -> SandboxConfig {
        SandboxConfig {
            users: self.users,
            seed: self.seed,
            latency: Duration::from_millis(self.latency_ms),
            latency_jitter: Duration::from_millis(self.jitter_ms),
            write_quota: self.write_limit,
            write_window: Duration::from_secs(self.write_window_s.max(1)),
            read_ru_per_10s: self.read_ru,
            faults: Faults {
                rate_503: self.fault_rate,
                rate_drop: self.drop_rate,
                rate_slow: self.slow_rate,
                slow: Duration::from_millis(self.slow_ms),
            },
            token_lifetime: Duration::from_secs(self.token_lifetime_s.max(1)),
            non_premium: self.non_premium,
            auto_approve: self.auto_approve,
            retry_after_http_date: self.retry_after_date,
            security_defaults: self.security_defaults,
            conditional_access_mfa: self.conditional_access_mfa,
            still_asked: self.still_asked,
            ..SandboxConfig::default()
        }
    }
}

pub async fn run(args: Args) -> ExitCode {
    let sandbox = match prestage_sandbox::start(args.config(), args.port).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: could not start the sandbox on 127.0.0.1:{}: {e}",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let roles: Vec<&str> = if args.app_roles.is_empty() {
        prestage_sandbox::DEFAULT_APP_ROLES.to_vec()
    } else {
        args.app_roles.iter().map(|r| r.trim()).collect()
    };
    let mut apps = Vec::new();
    for path in &args.app_certificate {
        let registered = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|pem| sandbox.register_app(&pem, &roles));
        match registered {
            Ok(id) => apps.push(id),
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                sandbox.shutdown().await;
                return ExitCode::FAILURE;
            }
        }
    }
    let base = sandbox.base_url();
    println!(
        "Prestage sandbox tenant — {} ({} users, seed {})",
        sandbox.tenant_domain(),
        args.users.max(5),
        args.seed
    );
    println!("  Graph:      {base}v1.0/   (beta: {base}beta/)");
    println!(
        "  Authority:  {base}{}   (or {base}organizations)",
        sandbox.tenant_id()
    );
    println!("  Tenant id:  {}", sandbox.tenant_id());
    println!("  State:      {base}_sandbox/state");
    println!("  Sign-in accounts:");
    for a in sandbox.accounts() {
        let default = if a.role == AdminRole::PrivilegedAuthenticationAdministrator {
            "  (default)"
        } else {
            ""
        };
        println!("    {:<48} {}{default}", a.user_principal_name, a.role);
    }
    for id in &apps {
        println!("  app client id: {id}   (roles: {})", roles.join(", "));
    }
    println!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C: {e}");
    }
    sandbox.shutdown().await;
    println!("Sandbox stopped.");
    ExitCode::SUCCESS
}
