//! A real SMTP server on loopback: `aiosmtpd` with the handler of `scripts/smtp_sink.py`, which
//! writes each accepted message as JSON into a directory (the notification tests of `app` and
//! the outbox test of the binary).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A loopback port nothing listens on (at the time of the call).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("free port: {e}"))
}

pub struct SmtpSink {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

impl SmtpSink {
    /// Starts the server on `port`, writing into `dir`; waits until it accepts connections.
    pub fn start(port: u16, dir: &Path) -> Self {
        let scripts = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "smtp_sink.Sink"])
            .arg(dir)
            .env("PYTHONPATH", scripts)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start aiosmtpd (python3 -m pip install aiosmtpd): {e}")
            });
        Self::wait_listening(child, port, dir)
    }

    /// Starts the sink behind TLS (`mode`: `starttls` or `tls`), with the certificate of
    /// `cert` (issued by a [`TestCa`]) and authentication required: `user` / `password`
    /// only, offered over TLS only.
    pub fn start_tls(
        mode: &str,
        port: u16,
        dir: &Path,
        cert: &IssuedCert,
        user: &str,
        password: &str,
    ) -> Self {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/smtp_tls_sink.py"
        );
        let child = Command::new("python3")
            .arg(script)
            .args([mode, &port.to_string()])
            .arg(&cert.cert)
            .arg(&cert.key)
            .arg(dir)
            .args([user, password])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the TLS SMTP sink: {e}"));
        Self::wait_listening(child, port, dir)
    }

    fn wait_listening(child: Child, port: u16, dir: &Path) -> Self {
        let mut sink = Self {
            child,
            port,
            dir: dir.to_owned(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = sink.child.try_wait() {
                panic!("aiosmtpd exited at start ({status}); is it installed? python3 -m pip install aiosmtpd");
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        sink
    }

    /// Every message received so far (JSON: rcpt_tos, message_id, subject, body, raw…).
    pub fn mails(&self) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return out;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().is_some_and(|x| x == "json") {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
                out.push(
                    serde_json::from_str(&text)
                        .unwrap_or_else(|err| panic!("{}: {err}", path.display())),
                );
            }
        }
        out
    }

    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A certificate authority of the tests, made with the `openssl` command (Debian's `openssl`
/// package; a test needing it fails with that name when it is missing): its certificate, and
/// server certificates it issues.
pub struct TestCa {
    dir: PathBuf,
    /// The CA certificate (PEM), to trust.
    pub cert: PathBuf,
    key: PathBuf,
}

/// A server certificate and its key (PEM files).
pub struct IssuedCert {
    pub cert: PathBuf,
    pub key: PathBuf,
}

fn openssl(args: &[&str], dir: &Path) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("openssl is needed for the TLS tests (apt-get install openssl): {e}")
        });
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl TestCa {
    /// A new CA in `dir` (created).
    pub fn new(dir: &Path) -> Self {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        openssl(
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=Mon Drive Sante test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
            dir,
        );
        Self {
            dir: dir.to_owned(),
            cert: dir.join("ca.pem"),
            key: dir.join("ca.key"),
        }
    }

    /// A server certificate for the subject alternative names `san` (e.g.
    /// `IP:127.0.0.1,DNS:localhost`), named `name` in the CA's directory.
    pub fn issue(&self, name: &str, san: &str) -> IssuedCert {
        let (key, csr, cert, ext) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
            format!("{name}.ext"),
        );
        std::fs::write(
            self.dir.join(&ext),
            format!("subjectAltName={san}\nextendedKeyUsage=serverAuth\n"),
        )
        .unwrap_or_else(|e| panic!("{ext}: {e}"));
        openssl(
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &key,
                "-out",
                &csr,
                "-subj",
                "/CN=mds test server",
            ],
            &self.dir,
        );
        let (ca_cert, ca_key) = (self.cert.to_string_lossy(), self.key.to_string_lossy());
        openssl(
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                &ca_cert,
                "-CAkey",
                &ca_key,
                "-CAcreateserial",
                "-out",
                &cert,
                "-days",
                "2",
                "-extfile",
                &ext,
            ],
            &self.dir,
        );
        IssuedCert {
            cert: self.dir.join(cert),
            key: self.dir.join(key),
        }
    }
}
