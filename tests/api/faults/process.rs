//! The real binary as a child process, for faults that need one: limits on its files,
//! two processes starting together, a restart.

use crate::helpers::TEST_SECRET;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `cemr-api` process, killed when dropped.
pub struct Service {
    pub child: Child,
    pub port: u16,
    pub log: std::path::PathBuf,
}

/// A free local port (a listener bound to port 0, then closed).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The binary's command with the test environment: the database, the test secret, JSON
/// logs into `log`. With a `shell_prefix` (e.g. `trap "" XFSZ;`) it runs through `sh`,
/// which then `exec`s the binary, so the process id stays the binary's.
pub fn command(
    database_url: &str,
    log: &Path,
    shell_prefix: Option<&str>,
    args: &[&str],
) -> Command {
    let binary = env!("CARGO_BIN_EXE_cemr-api");
    let mut command = match shell_prefix {
        None => Command::new(binary),
        Some(prefix) => {
            let mut shell = Command::new("sh");
            shell
                .arg("-c")
                .arg(format!("{prefix} exec \"$0\" \"$@\""))
                .arg(binary);
            shell
        }
    };
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("APP_ENV", "production")
        .env("JWT_SECRET", TEST_SECRET)
        .env("LOG_FORMAT", "json")
        .env("LOG_LEVEL", "info")
        .env("RATE_LIMIT_PER_MINUTE", "0")
        .env("SHUTDOWN_DRAIN_SECS", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("log file"));
    command
}

impl Service {
    /// Starts `cemr-api serve` on a free port and waits until `/healthz` answers.
    pub async fn start(
        database_url: &str,
        log: &Path,
        shell_prefix: Option<&str>,
        env: &[(&str, &str)],
    ) -> Self {
        let port = free_port();
        let mut command = command(database_url, log, shell_prefix, &["serve"]);
        command.env("BIND", format!("127.0.0.1:{port}"));
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().expect("the binary starts");
        let service = Self {
            child,
            port,
            log: log.to_owned(),
        };
        service.wait_healthy(Duration::from_secs(60)).await;
        service
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    async fn wait_healthy(&self, within: Duration) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(response) = client.get(self.url("/healthz")).send().await
                && response.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "the service did not come up; its log:\n{}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }

    /// Stops the process with SIGTERM and waits for it to exit.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
