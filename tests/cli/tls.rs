//! The real TLS path, which the plain-HTTP fake cannot show: an `openssl s_server` on
//! 127.0.0.1 with certificates made for the test. Skipped (with a note) where there is no
//! `openssl` command.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// `openssl s_server -www` on a free port, killed when dropped.
struct TlsServer {
    child: Child,
    port: u16,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn openssl(dir: &Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A CA, a leaf certificate for 127.0.0.1 signed by it, and a self-signed one.
fn make_certificates(dir: &Path) -> bool {
    std::fs::write(
        dir.join("leaf.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let rsa = "rsa:2048";
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            rsa,
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "1",
            "-subj",
            "/CN=headroom test CA",
        ],
    ) && openssl(
        dir,
        &[
            "req",
            "-newkey",
            rsa,
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    ) && openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "1",
            "-extfile",
            "leaf.cnf",
        ],
    ) && openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            rsa,
            "-nodes",
            "-keyout",
            "self.key",
            "-out",
            "self.pem",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
    )
}

fn serve(dir: &Path, cert: &str, key: &str) -> Option<TlsServer> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new("openssl")
        .args([
            "s_server",
            "-accept",
            &port.to_string(),
            "-cert",
            cert,
            "-key",
            key,
            "-www",
            "-quiet",
        ])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let server = TlsServer { child, port };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(server)
}

fn config(world: &World, port: u16) -> std::path::PathBuf {
    world.write_config(&format!(
        "profiles:\n  hw:\n    provider: huaweicloud\n    region: cn-north-4\n    project_id: {HW_PROJECT}\n    access_key: {HW_KEY}\n    secret_key: ${{HW_SECRET}}\n    services: [vpc]\n    endpoints:\n      vpc: https://127.0.0.1:{port}\n"
    ))
}

fn setup() -> Option<(World, std::path::PathBuf)> {
    let world = World::standard();
    let dir = world.dir.path().join("tls");
    std::fs::create_dir_all(&dir).unwrap();
    if !make_certificates(&dir) {
        eprintln!("skipped: no usable `openssl` command here");
        return None;
    }
    Some((world, dir))
}

#[test]
fn an_untrusted_certificate_is_refused() {
    let Some((world, dir)) = setup() else { return };
    let Some(server) = serve(&dir, "self.pem", "self.key") else {
        eprintln!("skipped: openssl s_server did not start");
        return;
    };
    let config = config(&world, server.port);
    let output = world
        .headroom()
        .arg("--config")
        .arg(&config)
        .args(["-o", "json", "--retries", "0"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    assert_eq!(doc["errors"][0]["kind"], "network", "{doc:#}");
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("certificate"),
        "{doc:#}"
    );
}

#[test]
fn a_trusted_certificate_completes_the_handshake() {
    let Some((world, dir)) = setup() else { return };
    let Some(server) = serve(&dir, "leaf.pem", "leaf.key") else {
        eprintln!("skipped: openssl s_server did not start");
        return;
    };
    let config = config(&world, server.port);
    // The system's trust store plus the test CA (rustls-native-certs reads SSL_CERT_FILE).
    let output = world
        .headroom()
        .env("SSL_CERT_FILE", dir.join("ca.pem"))
        .arg("--config")
        .arg(&config)
        .args(["-o", "json", "--retries", "0"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 3);
    let doc = json(&output);
    // s_server -www answers an HTML status page over TLS: the handshake and the request went
    // through, and the answer is judged like any other (not JSON: bad_response).
    let error = &doc["errors"][0];
    assert_eq!(error["kind"], "bad_response", "{doc:#}");
    assert_eq!(error["http_status"], 200, "{doc:#}");
}
