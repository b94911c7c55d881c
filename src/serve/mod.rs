//! `headroom serve`: a Prometheus exporter on the multi-target pattern (like blackbox_exporter):
//! Prometheus scrapes `/probe?profile=NAME` for each profile, as if each cloud account were a
//! target, and `/metrics` for the exporter itself.
//!
//! A probe is a `check` of its selection (the same config, plan, queries and thresholds),
//! rendered as `-o prometheus` is; nothing here knows a provider. The modules: `server`
//! (connections, limits, signals, drain), `routes` (endpoints, authentication, refusals),
//! `page` (the landing page), `probe` (selection, deadline, reuse of recent results, single
//! flight, the check limit), `web_config` (TLS and basic auth), `metrics` (the texts).
//!
//! It never exits because a cloud failed; only SIGTERM or SIGINT end it (exit 0), and only a
//! bad start (config, web config, address) makes it exit 3.

mod metrics;
mod page;
mod probe;
mod routes;
mod server;
mod web_config;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tokio::sync::Semaphore;

use crate::cli::ServeArgs;
use crate::commands::{AppError, CommandResult};
use crate::config::{self, Config, HistoryFlags, ProcessEnv};
use crate::exit::ExitCode;
use crate::printer::Printer;
use metrics::Metrics;
use probe::Generation;
use web_config::{Authenticator, WebConfig};

/// The address of the client, for the `-v` access log.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub SocketAddr);

/// What every request handler shares: the current config generation and web config (both
/// replaced whole on a reload), the check slots, the counters.
pub struct Server {
    generation: RwLock<Arc<Generation>>,
    web: RwLock<Arc<WebConfig>>,
    auth: Authenticator,
    checks: Arc<Semaphore>,
    metrics: Metrics,
    /// `http://ADDR` or `https://ADDR`, as announced at the start.
    base_url: String,
    config_source: ConfigSource,
    web_config_path: Option<PathBuf>,
}

/// Where a reload (SIGHUP) takes the config from.
pub enum ConfigSource {
    /// The file `check` would read (`--config`, `$HEADROOM_CONFIG`, the default path), with
    /// `--history PATH` or `--no-history` applied to it again at every reload.
    File(Option<PathBuf>, HistoryFlags),
    /// The config given at the start, again: `headroom demo serve`, whose config points at a
    /// simulated cloud that only this process runs. A reload then only forgets recent results.
    Fixed(Box<Config>),
}

impl Server {
    fn generation(&self) -> Arc<Generation> {
        Arc::clone(&self.generation.read().unwrap_or_else(|p| p.into_inner()))
    }

    fn web(&self) -> Arc<WebConfig> {
        Arc::clone(&self.web.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Loads the config and the web config again and switches to them, forgetting every
    /// recent result; on any problem, keeps both old ones. Returns a summary for the log.
    fn reload(&self) -> Result<String, String> {
        let result = self.load_again();
        self.metrics.reloaded(result.is_ok());
        result
    }

    fn load_again(&self) -> Result<String, String> {
        let config = match &self.config_source {
            ConfigSource::File(path, flags) => {
                let mut config = load(path.as_deref()).map_err(|e| e.to_string())?;
                flags.apply(&mut config.history);
                config
            }
            ConfigSource::Fixed(config) => (**config).clone(),
        };
        let web = match &self.web_config_path {
            Some(path) => Some(WebConfig::load(path)?),
            None => None,
        };
        if let Some(web) = &web
            && web.tls.is_some() != self.base_url.starts_with("https://")
        {
            return Err("the web config turns TLS on or off, which needs a restart".into());
        }
        for warning in &config.warnings {
            crate::printer::stderr(&format!("warning: {warning}"));
        }
        let profiles = config.profiles.len();
        let generation = Generation::new(config).map_err(|e| e.to_string())?;
        *self.generation.write().unwrap_or_else(|p| p.into_inner()) = generation;
        if let Some(web) = web {
            *self.web.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(web);
        }
        Ok(format!("{profiles} profiles"))
    }
}

/// The config as `check` loads it, refused when it has no profile (nothing to serve).
fn load(path: Option<&Path>) -> Result<Config, AppError> {
    let config = config::load(path, &ProcessEnv)?;
    if config.profiles.is_empty() {
        return Err(no_profiles());
    }
    Ok(config)
}

fn no_profiles() -> AppError {
    AppError::usage_hint(
        "the config has no profiles, so there is nothing to serve",
        "add one under `profiles:` (config.example.yaml shows each provider)",
    )
}

/// Starts the exporter with `config` (loaded already, its warnings printed) and serves until
/// SIGTERM or SIGINT. `config_source` is where a reload reads it again.
pub async fn run(
    printer: &Printer,
    args: &ServeArgs,
    config_source: ConfigSource,
    config: Config,
) -> CommandResult {
    if config.profiles.is_empty() {
        return Err(no_profiles());
    }
    let web = match &args.web_config {
        Some(path) => WebConfig::load(path).map_err(AppError::Other)?,
        None => WebConfig::none(),
    };
    let generation = Generation::new(config)?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| AppError::Other(format!("cannot listen on {}: {e}", args.listen)))?;
    let local = listener
        .local_addr()
        .map_err(|e| AppError::Other(format!("cannot listen on {}: {e}", args.listen)))?;
    let scheme = if web.tls.is_some() { "https" } else { "http" };
    let base_url = format!("{scheme}://{local}");
    let server = Arc::new(Server {
        generation: RwLock::new(generation),
        web: RwLock::new(Arc::new(web)),
        auth: Authenticator::default(),
        checks: Arc::new(Semaphore::new(probe::MAX_CHECKS)),
        metrics: Metrics::default(),
        base_url: base_url.clone(),
        config_source,
        web_config_path: args.web_config.clone(),
    });
    printer.problem(&format!("headroom serve: listening on {base_url}"));
    server::run(listener, server).await;
    Ok(ExitCode::Ok)
}
