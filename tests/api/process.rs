//! The real `cemr-api` binary, run as an operator runs it: a command line with a clean
//! environment, or a serving process found by the port it logs and stopped by a signal.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The binary Cargo built for these tests.
pub const BINARY: &str = env!("CARGO_BIN_EXE_cemr-api");

/// A command running the binary with nothing inherited from the test's environment
/// (`DATABASE_URL`, `JWT_SECRET`, … of the developer's shell must not leak in).
pub fn command(binary: &Path, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(binary);
    command
        .env_clear()
        .env("LOG_LEVEL", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::null());
    command
}

/// What a finished command printed.
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary with arguments and environment to its end, off the async runtime.
pub async fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    run_with_input(args, env, None).await
}

/// Runs the binary, writing `input` to its standard input.
pub async fn run_with_input(args: &[&str], env: &[(&str, &str)], input: Option<&str>) -> Output {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let input = input.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut command = command(Path::new(BINARY), &env);
        command
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if input.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command.spawn().expect("start cemr-api");
        if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
            use std::io::Write as _;
            stdin.write_all(input.as_bytes()).expect("write stdin");
        }
        let output = child.wait_with_output().expect("cemr-api runs");
        Output {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
    .await
    .expect("the command thread")
}

/// A serving process of the binary.
pub struct ServerProcess {
    child: Child,
    pub port: u16,
    /// Log lines after the one announcing the port; held so the reader keeps draining
    /// the pipe (a full pipe would block the server's logging).
    _log: mpsc::Receiver<String>,
}

impl ServerProcess {
    /// Starts `command` (which must log JSON at `info`, i.e. `LOG_FORMAT=json`) and waits
    /// for the line saying which port it listens on.
    pub async fn start(command: Command) -> Self {
        tokio::task::spawn_blocking(move || Self::start_blocking(command))
            .await
            .expect("the start thread")
    }

    fn start_blocking(mut command: Command) -> Self {
        command.stdout(Stdio::null()).stderr(Stdio::piped());
        let mut child = command.spawn().expect("start cemr-api");
        let stderr = child.stderr.take().expect("stderr");
        let (lines, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = Vec::new();
        let port = loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = log.recv_timeout(remaining) else {
                let _ = child.kill();
                panic!(
                    "cemr-api did not report a port; it said:\n{}",
                    seen.join("\n")
                );
            };
            let port = serde_json::from_str::<serde_json::Value>(&line)
                .ok()
                .filter(|v| v["message"] == "listening")
                .and_then(|v| v["port"].as_u64());
            match port.and_then(|p| u16::try_from(p).ok()) {
                Some(port) => break port,
                None => seen.push(line),
            }
        };
        Self {
            child,
            port,
            _log: log,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM, as an orchestrator stopping the container does.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the process to exit, at most `limit`.
    pub async fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
