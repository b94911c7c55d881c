//! `--web-config FILE`: the Prometheus exporter-toolkit's web configuration, the part headroom
//! implements: `tls_server_config: {cert_file, key_file}` (TLS with rustls) and
//! `basic_auth_users: {NAME: BCRYPT_HASH}`. Any other key, unknown or a toolkit key headroom
//! does not implement, stops the start with the file, line and key: a setting that is silently
//! ignored (client certificates, say) would leave the operator believing in a protection that
//! is not there.
//!
//! The password hashes are secrets too: no message, log line or `Debug` output shows one, nor
//! a password or an `Authorization` header.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::config::{did_you_mean, locate};

/// Every key of the exporter-toolkit's format, by section, for the "not implemented" message.
const TOOLKIT_TOP: &[&str] = &[
    "tls_server_config",
    "http_server_config",
    "basic_auth_users",
    "rate_limit",
];
const TOOLKIT_TLS: &[&str] = &[
    "cert_file",
    "key_file",
    "cert",
    "key",
    "client_ca",
    "client_ca_file",
    "client_auth_type",
    "client_allowed_sans",
    "min_version",
    "max_version",
    "cipher_suites",
    "prefer_server_cipher_suites",
    "curve_preferences",
];

/// Authentication results remembered, so that a scraper's every request does not cost a bcrypt
/// verification (tens of milliseconds of CPU at the usual cost of 10).
const MAX_REMEMBERED: usize = 256;
/// A bcrypt hash of a password nobody has, verified for unknown users so that the time of a
/// refusal does not tell which user names exist.
const DECOY_HASH: &str = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebConfig {
    tls_server_config: Option<RawTls>,
    // A mapping refuses a user named twice (a map would keep the last one silently).
    basic_auth_users: Option<serde_yaml::Mapping>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    cert_file: Option<String>,
    key_file: Option<String>,
}

/// A loaded web configuration. Not `Debug`: it holds the password hashes.
pub struct WebConfig {
    /// The TLS settings, when TLS is on.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// User name to bcrypt hash; empty: no authentication.
    users: BTreeMap<String, String>,
}

impl WebConfig {
    /// No file: plain HTTP, no authentication.
    pub fn none() -> WebConfig {
        WebConfig {
            tls: None,
            users: BTreeMap::new(),
        }
    }

    pub fn requires_auth(&self) -> bool {
        !self.users.is_empty()
    }

    /// Reads and checks the file; every error names the file, the line and the key.
    pub fn load(path: &Path) -> Result<WebConfig, String> {
        let at = |location: Option<(usize, usize)>| match location {
            Some((line, column)) => format!("{}:{line}:{column}", path.display()),
            None => path.display().to_string(),
        };
        let bytes = read_capped(path)
            .map_err(|e| format!("{}: cannot read the web config: {e}", path.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("{}: the web config is not UTF-8 text", path.display()))?;
        let raw: RawWebConfig = if text.trim().is_empty() {
            RawWebConfig {
                tls_server_config: None,
                basic_auth_users: None,
            }
        } else {
            serde_yaml::from_str(&text).map_err(|e| {
                let location = e.location().map(|l| (l.line(), l.column()));
                format!("{}: {}", at(location), yaml_message(&e))
            })?
        };
        let fail = |keys: &[&str], message: String| {
            let key = keys.join(".");
            format!("{}: {key}: {message}", at(locate(&text, keys)))
        };
        let base = path.parent().unwrap_or(Path::new("."));
        let tls = match raw.tls_server_config {
            None => None,
            Some(tls) => Some(Arc::new(tls_config(&tls, base, &fail)?)),
        };
        let mut users = BTreeMap::new();
        for (user, hash) in raw.basic_auth_users.unwrap_or_default() {
            let user = match user {
                serde_yaml::Value::String(user) => user,
                serde_yaml::Value::Number(number) => number.to_string(),
                _ => {
                    return Err(fail(
                        &["basic_auth_users"],
                        "user names must be strings".into(),
                    ));
                }
            };
            let name = crate::output::clean(&user, 60);
            if user.is_empty() || user.contains(':') || user.chars().any(char::is_control) {
                return Err(fail(
                    &["basic_auth_users"],
                    format!(
                        "`{name}` cannot be a basic-auth user name (no `:`, no control \
                         characters, not empty)"
                    ),
                ));
            }
            // The value is never quoted: it is a password hash, or a password by mistake.
            let hash = match hash {
                serde_yaml::Value::String(hash) => hash,
                _ => {
                    return Err(fail(
                        &["basic_auth_users", &user],
                        "the password hash must be a string".into(),
                    ));
                }
            };
            if hash.parse::<bcrypt::HashParts>().is_err() {
                return Err(fail(
                    &["basic_auth_users", &user],
                    "not a bcrypt hash ($2a$, $2b$ or $2y$, e.g. from `htpasswd -nBC 10 \"\" | tr -d ':\\n'`); \
                     the value is not shown"
                        .into(),
                ));
            }
            users.insert(user, hash);
        }
        Ok(WebConfig { tls, users })
    }
}

/// The largest web config, certificate or key file read: each is a few kilobytes, and a path
/// to a device (`/dev/zero`) must not be read forever.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err("it is a directory".into());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err("it is over 1 MiB, more than any such file".into());
    }
    Ok(bytes)
}

/// A serde error as a message: an unknown key named, with what headroom implements, a
/// "did you mean", or that the toolkit has it and headroom does not.
fn yaml_message(error: &serde_yaml::Error) -> String {
    let mut message = error.to_string();
    if let Some(index) = message.find(" at line ") {
        message.truncate(index);
    }
    // The types' names mean nothing to the reader; say what is expected instead.
    let message = message
        .replace(
            "struct RawWebConfig",
            "a mapping of tls_server_config and basic_auth_users",
        )
        .replace("struct RawTls", "a mapping of cert_file and key_file");
    let Some(field) = message
        .split("unknown field `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .map(str::to_string)
    else {
        return message;
    };
    let in_tls = message.contains("expected `cert_file` or `key_file`");
    let (section, known, implemented) = if in_tls {
        (
            "tls_server_config.",
            TOOLKIT_TLS,
            "tls_server_config takes cert_file and key_file",
        )
    } else {
        (
            "",
            TOOLKIT_TOP,
            "headroom implements tls_server_config and basic_auth_users",
        )
    };
    if known.contains(&field.as_str()) {
        format!(
            "{section}{field}: an exporter-toolkit setting headroom does not implement; remove \
             it ({implemented})"
        )
    } else {
        let hint = did_you_mean(&field, known)
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        format!("{section}{field}: unknown key ({implemented}){hint}")
    }
}

/// rustls' server settings from the certificate chain and key files (relative paths are
/// relative to the web config's folder, as in the toolkit). HTTP/1.1 only.
fn tls_config(
    raw: &RawTls,
    base: &Path,
    fail: &dyn Fn(&[&str], String) -> String,
) -> Result<rustls::ServerConfig, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    let (Some(cert_file), Some(key_file)) = (&raw.cert_file, &raw.key_file) else {
        return Err(fail(
            &["tls_server_config"],
            "TLS needs both cert_file and key_file".into(),
        ));
    };
    let resolve = |file: &str| -> PathBuf {
        let path = Path::new(file);
        if path.is_relative() {
            base.join(path)
        } else {
            path.to_path_buf()
        }
    };
    let cert_path = resolve(cert_file);
    let key_path = resolve(key_file);
    let read = |key: &str, path: &Path| {
        read_capped(path).map_err(|e| {
            fail(
                &["tls_server_config", key],
                format!("cannot read {}: {e}", path.display()),
            )
        })
    };
    let cert_pem = read("cert_file", &cert_path)?;
    let key_pem = read("key_file", &key_path)?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| {
            fail(
                &["tls_server_config", "cert_file"],
                format!("{}: not PEM certificates: {e}", cert_path.display()),
            )
        })?;
    if chain.is_empty() {
        return Err(fail(
            &["tls_server_config", "cert_file"],
            format!("{}: no PEM certificate in it", cert_path.display()),
        ));
    }
    // The parser's error could quote a line of the key file: only the path is said.
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|_| {
        fail(
            &["tls_server_config", "key_file"],
            format!(
                "{}: no PEM private key in it (PKCS#8, PKCS#1 or SEC1)",
                key_path.display()
            ),
        )
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fail(&["tls_server_config"], e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| {
            fail(
                &["tls_server_config"],
                format!("the certificate and the key do not go together: {e}"),
            )
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Checks `Authorization: Basic` headers against the configured users, with bcrypt run one at
/// a time off the async thread, and results remembered by a salted digest of the user, the hash
/// and the password (never the password itself).
pub struct Authenticator {
    salt: [u8; 16],
    remembered: Mutex<HashMap<[u8; 32], bool>>,
    /// bcrypt is CPU-bound by design: one verification at a time, so a flood of bad passwords
    /// takes one core, not all.
    one_at_a_time: tokio::sync::Mutex<()>,
}

impl Default for Authenticator {
    fn default() -> Self {
        Authenticator {
            salt: *uuid::Uuid::new_v4().as_bytes(),
            remembered: Mutex::new(HashMap::new()),
            one_at_a_time: tokio::sync::Mutex::new(()),
        }
    }
}

impl Authenticator {
    /// Whether `authorization` (the header's value) names a configured user with the right
    /// password. Without users, everyone is let in.
    pub async fn allows(&self, web: &WebConfig, authorization: Option<&[u8]>) -> bool {
        if !web.requires_auth() {
            return true;
        }
        let Some((user, password)) = authorization.and_then(basic_credentials) else {
            return false;
        };
        let known = web.users.get(&user);
        let hash = known.map_or(DECOY_HASH, String::as_str).to_string();
        let key = self.key(&user, &hash, &password);
        let remembered = lock(&self.remembered).get(&key).copied();
        let verified = match remembered {
            Some(verified) => verified,
            None => {
                let _turn = self.one_at_a_time.lock().await;
                let verified = tokio::task::spawn_blocking(move || {
                    bcrypt::verify(password.as_bytes(), &hash).unwrap_or(false)
                })
                .await
                .unwrap_or(false);
                let mut remembered = lock(&self.remembered);
                if remembered.len() >= MAX_REMEMBERED {
                    remembered.clear();
                }
                remembered.insert(key, verified);
                verified
            }
        };
        verified && known.is_some()
    }

    fn key(&self, user: &str, hash: &str, password: &str) -> [u8; 32] {
        let mut digest = Sha256::new();
        digest.update(self.salt);
        for part in [user, hash, password] {
            digest.update((part.len() as u64).to_be_bytes());
            digest.update(part.as_bytes());
        }
        digest.finalize().into()
    }
}

/// `Basic base64(user:password)` as (user, password).
fn basic_credentials(header: &[u8]) -> Option<(String, String)> {
    let header = std::str::from_utf8(header).ok()?.trim();
    let (scheme, encoded) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<WebConfig, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("web.yml");
        std::fs::write(&path, text).unwrap();
        WebConfig::load(&path).map_err(|e| e.replace(&dir.path().display().to_string(), "DIR"))
    }

    #[test]
    fn unknown_and_unimplemented_keys_are_named_and_located() {
        let error = load("rate_limit:\n  interval: 1s\n").err().unwrap();
        assert_eq!(
            error,
            "DIR/web.yml:1:1: rate_limit: an exporter-toolkit setting headroom does not \
             implement; remove it (headroom implements tls_server_config and basic_auth_users)"
        );
        let error = load("basic_auth_user:\n  a: b\n").err().unwrap();
        assert!(
            error.starts_with("DIR/web.yml:1:1: basic_auth_user: unknown key"),
            "{error}"
        );
        assert!(
            error.ends_with("did you mean `basic_auth_users`?"),
            "{error}"
        );
        let error = load("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n")
            .err()
            .unwrap();
        assert!(
            error.starts_with(
                "DIR/web.yml:4:3: tls_server_config.client_auth_type: an exporter-toolkit \
                 setting headroom does not implement"
            ),
            "{error}"
        );
        let error = load("tls_server_config:\n  cert_fille: a\n").err().unwrap();
        assert!(
            error.contains("tls_server_config.cert_fille: unknown key"),
            "{error}"
        );
        assert!(error.ends_with("did you mean `cert_file`?"), "{error}");
    }

    #[test]
    fn hashes_are_checked_and_never_shown() {
        let error = load("basic_auth_users:\n  alice: hunter2-in-clear\n")
            .err()
            .unwrap();
        assert!(error.starts_with("DIR/web.yml:2:3: basic_auth_users.alice: not a bcrypt hash"));
        assert!(!error.contains("hunter2"), "{error}");
        let error = load("basic_auth_users:\n  alice: 12345678\n")
            .err()
            .unwrap();
        assert!(!error.contains("12345678"), "{error}");
        let error = load("basic_auth_users:\n  \"a:b\": x\n").err().unwrap();
        assert!(
            error.contains("cannot be a basic-auth user name"),
            "{error}"
        );
        let web = load(&format!("basic_auth_users:\n  alice: '{DECOY_HASH}'\n")).unwrap();
        assert!(web.requires_auth() && web.tls.is_none());
        assert!(!load("").unwrap().requires_auth());
    }

    #[test]
    fn hostile_files_are_errors_not_panics() {
        for (text, expected) in [
            (
                "- a\n- b\n",
                "expected a mapping of tls_server_config and basic_auth_users",
            ),
            (
                "just words",
                "expected a mapping of tls_server_config and basic_auth_users",
            ),
            (
                "tls_server_config: 5\n",
                "expected a mapping of cert_file and key_file",
            ),
            ("basic_auth_users: [a, b]\n", "basic_auth_users"),
            ("basic_auth_users:\n  a: x\n  a: y\n", "duplicate"),
            ("tls_server_config:\n  cert_file: [a]\n", "cert_file"),
            ("{{{{", "DIR/web.yml:1:"),
        ] {
            let error = load(text)
                .err()
                .unwrap_or_else(|| panic!("{text:?} loaded"));
            assert!(error.starts_with("DIR/web.yml"), "{text:?}: {error}");
            assert!(error.contains(expected), "{text:?}: {error}");
            assert!(!error.contains("Raw"), "{text:?}: {error}");
        }
        let dir = tempfile::tempdir().unwrap();
        let error = WebConfig::load(dir.path()).err().unwrap();
        assert!(error.contains("is a directory"), "{error}");
        #[cfg(unix)]
        {
            let error = WebConfig::load(Path::new("/dev/zero")).err().unwrap();
            assert!(error.contains("over 1 MiB"), "{error}");
            let web = dir.path().join("web.yml");
            std::fs::write(
                &web,
                "tls_server_config:\n  cert_file: /dev/zero\n  key_file: /dev/zero\n",
            )
            .unwrap();
            let error = WebConfig::load(&web).err().unwrap();
            assert!(
                error.contains(
                    "tls_server_config.cert_file: cannot read /dev/zero: it is over 1 MiB"
                ),
                "{error}"
            );
        }
        std::fs::write(dir.path().join("bad.yml"), b"\xff\xfe").unwrap();
        let error = WebConfig::load(&dir.path().join("bad.yml")).err().unwrap();
        assert!(error.contains("not UTF-8"), "{error}");
    }

    #[test]
    fn tls_needs_both_files_that_exist() {
        let error = load("tls_server_config:\n  cert_file: a.pem\n")
            .err()
            .unwrap();
        assert!(error.contains("tls_server_config: TLS needs both cert_file and key_file"));
        let error = load("tls_server_config:\n  cert_file: a.pem\n  key_file: a.key\n")
            .err()
            .unwrap();
        assert!(
            error
                .starts_with("DIR/web.yml:2:3: tls_server_config.cert_file: cannot read DIR/a.pem"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn basic_auth_with_bcrypt() {
        let hash = bcrypt::hash("s3cret", 4).unwrap();
        let web = load(&format!("basic_auth_users:\n  alice: '{hash}'\n")).unwrap();
        let auth = Authenticator::default();
        let header = |user: &str, password: &str| {
            let encoded =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            format!("Basic {encoded}").into_bytes()
        };
        assert!(auth.allows(&web, Some(&header("alice", "s3cret"))).await);
        // Remembered: the same answer again.
        assert!(auth.allows(&web, Some(&header("alice", "s3cret"))).await);
        assert!(!auth.allows(&web, Some(&header("alice", "wrong"))).await);
        assert!(!auth.allows(&web, Some(&header("bob", "s3cret"))).await);
        assert!(!auth.allows(&web, None).await);
        assert!(!auth.allows(&web, Some(b"Bearer abc")).await);
        assert!(!auth.allows(&web, Some(b"Basic !!!")).await);
        assert!(auth.allows(&WebConfig::none(), None).await);
    }
}
