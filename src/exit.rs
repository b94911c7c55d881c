//! The process exit codes, one type for every command: the monitoring-plugin convention that
//! Nagios, Icinga and Sensu read (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). Usage, config,
//! credential and output errors are UNKNOWN, never clap's default 2, which would read as
//! CRITICAL.

use crate::quota::Overall;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitCode {
    /// Every query answered and nothing is at its warning threshold; a create succeeded.
    Ok,
    /// A quota at or over its warning threshold, none critical, no failed query.
    Warning,
    /// A quota at or over its critical threshold, or not enough left for what is needed.
    Critical,
    /// A failed query, or a config, usage, credential, network or output error.
    Unknown,
}

impl ExitCode {
    pub fn code(self) -> u8 {
        match self {
            ExitCode::Ok => 0,
            ExitCode::Warning => 1,
            ExitCode::Critical => 2,
            ExitCode::Unknown => 3,
        }
    }
}

impl From<Overall> for ExitCode {
    fn from(overall: Overall) -> Self {
        match overall {
            Overall::Ok => ExitCode::Ok,
            Overall::Warning => ExitCode::Warning,
            Overall::Critical => ExitCode::Critical,
            Overall::Unknown => ExitCode::Unknown,
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_plugin_convention() {
        let codes: Vec<u8> = [
            ExitCode::Ok,
            ExitCode::Warning,
            ExitCode::Critical,
            ExitCode::Unknown,
        ]
        .map(ExitCode::code)
        .to_vec();
        assert_eq!(codes, [0, 1, 2, 3]);
        assert_eq!(ExitCode::from(Overall::Unknown), ExitCode::Unknown);
        assert_eq!(ExitCode::from(Overall::Critical), ExitCode::Critical);
        assert_eq!(ExitCode::from(Overall::Warning).code(), 1);
        assert_eq!(ExitCode::from(Overall::Ok).code(), 0);
    }
}
