//! A throwaway PostgreSQL server of the test's own (initdb and pg_ctl in a temporary
//! folder, on a free port), so a test can stop and start it without touching the shared
//! server. Absent server binaries make the test skip with one line.

use super::process::free_port;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    log: PathBuf,
    pub port: u16,
    as_postgres: bool,
    _dir: tempfile::TempDir,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Cluster {
    /// Initialises and starts a cluster; None (and one line saying so) when the server
    /// binaries are not installed.
    pub fn start() -> Option<Self> {
        let bindir = Command::new("pg_config")
            .arg("--bindir")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
        let Some(bin) = bindir.filter(|b| b.join("initdb").exists() && b.join("pg_ctl").exists())
        else {
            eprintln!(
                "PostgreSQL server binaries (initdb, pg_ctl) are absent: the stopped-server test did not run"
            );
            return None;
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let as_postgres = is_root();
        if as_postgres {
            // The server refuses to run as root: the folder is the postgres user's.
            let chown = Command::new("chown")
                .arg("-R")
                .arg("postgres")
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(chown.success(), "chown to postgres failed");
        }
        let cluster = Self {
            data: dir.path().join("data"),
            log: dir.path().join("server.log"),
            port: free_port(),
            bin,
            as_postgres,
            _dir: dir,
        };
        cluster.run(
            "initdb",
            &[
                "-D",
                path(&cluster.data),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
            ],
        );
        cluster.resume();
        Some(cluster)
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Stops the server the way an operator's restart does (fast shutdown: sessions are
    /// terminated).
    pub fn stop(&self) {
        self.run(
            "pg_ctl",
            &["-D", path(&self.data), "-m", "fast", "-w", "stop"],
        );
    }

    /// Starts the (stopped) server again on the same port and data.
    pub fn resume(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            path(self.data.parent().unwrap_or(&self.data))
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                path(&self.data),
                "-l",
                path(&self.log),
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
    }

    fn run(&self, program: &str, args: &[&str]) {
        let binary = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.arg("-u").arg("postgres").arg("--").arg(&binary);
            c
        } else {
            Command::new(&binary)
        };
        let output = command.args(args).output().expect("server binary runs");
        assert!(
            output.status.success(),
            "{program} failed: {}{}",
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let binary = self.bin.join("pg_ctl");
        let data = path(&self.data).to_owned();
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.arg("-u").arg("postgres").arg("--").arg(&binary);
            c
        } else {
            Command::new(&binary)
        };
        let _ = command
            .args(["-D", &data, "-m", "immediate", "stop"])
            .output();
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}
