//! Every command-line definition (clap derive). Options are written long-first with a short
//! alias only where other cloud CLIs have taught users one (`-p`, `-s`, `-r`, `-o`, `-q`, `-v`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::output::Format;
pub use crate::output::create::CreateFormat;

#[derive(Debug, Parser)]
#[command(
    name = "headroom",
    version,
    about = "Quota usage against limits for Alibaba Cloud, Huawei Cloud and Open Telekom Cloud",
    long_about = "Quota usage against limits for Alibaba Cloud, Huawei Cloud and Open Telekom Cloud.\n\n\
        Queries every configured profile at once and prints one usage-versus-limit table (or JSON, \
        YAML, CSV, Prometheus text, a Nagios line). Without a subcommand, `headroom` runs `check`.\n\n\
        Exit codes: 0 ok, 1 warning, 2 critical, 3 unknown (a failed query, a config or usage error).",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// `headroom [check options]` is `headroom check [check options]`.
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Config file [default: $HEADROOM_CONFIG, else ~/.config/headroom/config.yaml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// When to colour the output (NO_COLOR is honoured by `auto`)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print nothing on stdout; only the exit code tells the result
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Log progress to stderr (-v queries, -vv HTTP attempts, -vvv headers); secrets are redacted
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// The usage history file [default: the config's `history.path`, else
    /// ~/.local/state/headroom/history.sqlite]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        conflicts_with = "no_history"
    )]
    pub history: Option<PathBuf>,

    /// Neither read nor write the usage history this run
    #[arg(long, global = true)]
    pub no_history: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Query every profile's quotas and print usage against limits (the default command)
    Check(CheckArgs),
    /// Create a Cloud Connect Network (Alibaba) only when the quota has room for one more
    #[command(name = "create-ccn")]
    CreateCcn(CreateCcnArgs),
    /// List the configured profiles and where their credentials come from (never a secret)
    Profiles,
    /// Print the least-privilege RAM / IAM policy that lets headroom read the selected services
    Policy(PolicyArgs),
    /// Show the local usage history: per quota its samples, trend and a sparkline (sends no query)
    History(HistoryArgs),
    /// Write or locate the config file
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Run `check` (or `create-ccn`, `profiles`) against a built-in simulated cloud on 127.0.0.1
    Demo(Box<DemoArgs>),
    /// Serve the quotas to Prometheus: `/probe?profile=NAME` runs a check, `/metrics` has the
    /// exporter's own metrics
    Serve(ServeArgs),
}

/// `headroom serve`. The long names of the Prometheus exporter-toolkit's flags work too.
#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address and port to listen on (loopback by default: quota data names accounts);
    /// `127.0.0.1:0` picks a free port
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:9878",
        alias = "web.listen-address"
    )]
    pub listen: std::net::SocketAddr,

    /// Web configuration in the Prometheus exporter-toolkit format: TLS
    /// (`tls_server_config`) and basic auth (`basic_auth_users`)
    #[arg(long, value_name = "FILE", alias = "web.config.file")]
    pub web_config: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct DemoArgs {
    #[command(subcommand)]
    pub command: Option<DemoCommand>,

    /// `headroom demo [check options]` is `headroom demo check [check options]`.
    #[command(flatten)]
    pub check: CheckArgs,
}

/// What to run against the simulated cloud (profiles `ali-demo`, `hw-demo`, `otc-demo`).
#[derive(Debug, Subcommand, Clone)]
pub enum DemoCommand {
    /// `check` against the simulated cloud (the default)
    Check(CheckArgs),
    /// `create-ccn` against the simulated cloud, e.g. `headroom demo create-ccn -p ali-demo --name test`
    #[command(name = "create-ccn")]
    CreateCcn(CreateCcnArgs),
    /// The simulated cloud's profiles
    Profiles,
    /// The least-privilege policy for the simulated cloud's profiles
    Policy(PolicyArgs),
    /// `headroom serve` on the simulated cloud, e.g. `headroom demo serve` then open
    /// http://127.0.0.1:9878/ in a browser
    Serve(ServeArgs),
    /// The usage history of the simulated profiles (30 days of simulated samples)
    History(HistoryArgs),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented starting config (mode 0600) to the config path
    Init {
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
    /// Print the path of the config file in use
    Path,
}

#[derive(Debug, Args, Clone, Default, PartialEq)]
pub struct CheckArgs {
    /// Only this profile (repeatable; `*` wildcards, e.g. 'team-a-*') [default: all]
    #[arg(short, long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,

    /// Only profiles of this provider (repeatable): alibaba, huaweicloud, otc
    #[arg(long = "provider", value_name = "NAME")]
    pub providers: Vec<String>,

    #[arg(short, long = "service", value_name = "NAME", help = crate::sources::service_help())]
    pub services: Vec<String>,

    /// Only rows of this resource (repeatable; `*` wildcards), e.g. `securityGroupRule`, `vpn_*`
    #[arg(short, long = "resource", value_name = "NAME")]
    pub resources: Vec<String>,

    /// Query these regions instead of the profiles' own (repeatable)
    #[arg(long = "region", value_name = "NAME")]
    pub regions: Vec<String>,

    /// Output format
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,

    /// Write the output to this file atomically (temporary file, then rename)
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,

    /// Warning threshold in percent of the limit (overrides the config)
    #[arg(long, value_name = "PCT")]
    pub warn: Option<f64>,

    /// Critical threshold in percent of the limit (overrides the config)
    #[arg(long, value_name = "PCT")]
    pub crit: Option<f64>,

    /// Only rows that are not ok, and failed queries
    #[arg(long)]
    pub problems: bool,

    /// Row order: by name, or by usage (highest percentage first)
    #[arg(long, value_enum, value_name = "ORDER")]
    pub sort: Option<SortOrder>,

    /// Will a deployment fit? A YAML list of what it needs (`-`: standard input); see the README
    #[arg(long, value_name = "FILE")]
    pub demand: Option<PathBuf>,

    /// With --resource: CRITICAL when fewer than N are left ("will N more fit?")
    #[arg(long, value_name = "N", requires = "resources")]
    pub need: Option<u64>,

    /// WARNING when the history's forecast says full within N days (overrides the config)
    #[arg(long, value_name = "N")]
    pub warn_days: Option<f64>,

    /// CRITICAL when the history's forecast says full within N days (overrides the config)
    #[arg(long, value_name = "N")]
    pub crit_days: Option<f64>,

    /// Only rows whose status or limit changed since the last run, and new ones
    #[arg(long)]
    pub changes: bool,

    /// Time allowed for one attempt, e.g. 10s, 500ms
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,

    /// Extra attempts for a failed read (throttling, 5xx, connection errors)
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,

    /// Requests in flight at once, all profiles together
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
}

#[derive(Debug, Args, Clone)]
pub struct PolicyArgs {
    /// Only this profile (repeatable; `*` wildcards) [default: all]
    #[arg(short, long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,

    /// Only profiles of this provider (repeatable): alibaba, huaweicloud, otc
    #[arg(long = "provider", value_name = "NAME")]
    pub providers: Vec<String>,

    #[arg(short, long = "service", value_name = "NAME", help = crate::sources::service_help())]
    pub services: Vec<String>,

    /// Add what `create-ccn` needs (create and list Cloud Connect Networks)
    #[arg(long)]
    pub with_create: bool,

    /// Output: the documents as text, or one JSON object keyed by provider
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<PolicyFormat>,
}

#[derive(Debug, Args, Clone, Default, PartialEq)]
pub struct HistoryArgs {
    /// Only this profile (repeatable; `*` wildcards); profiles no longer configured too
    #[arg(short, long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,

    /// Only this provider (repeatable): alibaba, huaweicloud, otc
    #[arg(long = "provider", value_name = "NAME")]
    pub providers: Vec<String>,

    /// Only this service (repeatable; `*` wildcards)
    #[arg(short, long = "service", value_name = "NAME")]
    pub services: Vec<String>,

    /// Only this resource (repeatable; `*` wildcards)
    #[arg(short, long = "resource", value_name = "NAME")]
    pub resources: Vec<String>,

    /// Only this region (repeatable; `*` wildcards)
    #[arg(long = "region", value_name = "NAME")]
    pub regions: Vec<String>,

    /// How far back to look, e.g. 30d, 12h, 2w
    #[arg(long, value_name = "PERIOD", default_value = "30d")]
    pub since: String,

    /// Output: a line per quota, JSON with every sample, or CSV with a line per sample
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<HistoryFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortOrder {
    Name,
    Usage,
}

#[derive(Debug, Args, Clone)]
pub struct CreateCcnArgs {
    /// The Alibaba profile to create the network with
    #[arg(short, long, value_name = "NAME")]
    pub profile: String,

    /// Region [default: the profile's first region]
    #[arg(long, value_name = "NAME")]
    pub region: Option<String>,

    /// Name: 2-128 characters, starting with a letter or a Chinese character
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// Description: 2-256 characters, starting with a letter or a Chinese character
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,

    /// Private CIDR block, e.g. 172.16.0.0/12
    #[arg(long, value_name = "CIDR")]
    pub cidr_block: Option<String>,

    /// SNAT CIDR block
    #[arg(long, value_name = "CIDR")]
    pub snat_cidr_block: Option<String>,

    /// Mark the network as the default one
    #[arg(long)]
    pub is_default: bool,

    /// Check the headroom and show what would be created, without creating it
    #[arg(long)]
    pub dry_run: bool,

    /// Output format: table, json or yaml
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<CreateFormat>,

    /// Time allowed for one attempt, e.g. 10s, 500ms
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,

    /// Extra attempts, only where the provider certainly did not act
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        super::Cli::command().debug_assert();
    }
}
