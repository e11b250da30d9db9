//! The container image, without a container engine: the runtime stage of the Dockerfile
//! is read (user, environment, working and data folders) and reproduced on a folder
//! prepared as the image's, and the binary is run there as the image's numeric user with
//! the image's environment, on the default SQLite setting. Needs root (to switch user);
//! elsewhere it is skipped with a note, and under CI a missing root fails.

use crate::process::{BINARY, ServerProcess};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// What the Dockerfile's runtime stage says.
#[derive(Debug)]
struct Image {
    uid: u32,
    gid: u32,
    workdir: String,
    volume: String,
    env: BTreeMap<String, String>,
    /// The `RUN` lines of the runtime stage, before `VOLUME`.
    prepare: String,
    command: Vec<String>,
}

fn json_words(text: &str) -> Vec<String> {
    serde_json::from_str(text.trim()).expect("a JSON array form")
}

fn read_image() -> Image {
    let dockerfile = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Dockerfile"))
        .expect("Dockerfile");
    let joined = dockerfile.replace("\\\n", " ");
    let runtime = joined
        .rsplit_once("\nFROM ")
        .map(|(_, stage)| stage)
        .expect("a runtime stage");
    let (mut user, mut workdir, mut volume, mut command) = (None, None, None, Vec::new());
    let mut env = BTreeMap::new();
    let mut prepare = String::new();
    for line in runtime.lines().map(str::trim) {
        let (instruction, rest) = line.split_once(' ').unwrap_or((line, ""));
        match instruction {
            "RUN" if volume.is_none() => prepare.push_str(rest),
            "USER" => user = Some(rest.trim().to_owned()),
            "WORKDIR" => workdir = Some(rest.trim().to_owned()),
            "VOLUME" => volume = json_words(rest).into_iter().next(),
            "ENV" => {
                for pair in rest.split_whitespace() {
                    if let Some((k, v)) = pair.split_once('=') {
                        env.insert(k.to_owned(), v.to_owned());
                    }
                }
            }
            "ENTRYPOINT" => {
                command.splice(0..0, json_words(rest));
            }
            "CMD" => command.extend(json_words(rest)),
            _ => {}
        }
    }
    let user = user.expect("USER");
    let (uid, gid) = user.split_once(':').unwrap_or((&user, &user));
    let numeric = |id: &str| {
        id.parse::<u32>()
            .unwrap_or_else(|_| panic!("USER must be numeric (uid:gid), not {user:?}"))
    };
    Image {
        uid: numeric(uid),
        gid: numeric(gid),
        workdir: workdir.expect("WORKDIR"),
        volume: volume.expect("VOLUME"),
        env,
        prepare,
        command,
    }
}

#[test]
fn the_image_runs_as_a_numeric_non_root_user_that_owns_its_data_volume() {
    let image = read_image();
    assert_ne!(image.uid, 0, "the image runs as root");
    assert!(
        image
            .prepare
            .contains(&format!("mkdir -p {}", image.volume)),
        "the data folder is not created before VOLUME: {}",
        image.prepare
    );
    let owner = format!("{}:{}", image.uid, image.gid);
    let owned = image.prepare.split("&&").any(|step| {
        let words: Vec<&str> = step.split_whitespace().collect();
        words.first() == Some(&"chown")
            && words.contains(&owner.as_str())
            && words.iter().any(|w| {
                *w == image.volume
                    || (words.contains(&"-R") && image.volume.starts_with(&format!("{w}/")))
            })
    });
    assert!(
        owned,
        "the data folder is not chowned to {owner} before VOLUME"
    );
    assert!(
        image.env["DATABASE_URL"].starts_with(&format!("sqlite://{}/", image.volume)),
        "the default database is not in the volume"
    );
    assert_eq!(image.command, ["cemr-api", "serve"]);
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// A root folder laid out as the image: the binary at /usr/local/bin, and the folders
/// the runtime stage creates, owned as it owns them (unless `root_owned_volume`).
fn lay_out(image: &Image, root_owned_volume: bool) -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let inside = |path: &str| root.path().join(path.trim_start_matches('/'));
    let bin = inside("usr/local/bin");
    std::fs::create_dir_all(&bin).expect("bin folder");
    let binary = bin.join("cemr-api");
    if std::fs::hard_link(BINARY, &binary).is_err() {
        std::fs::copy(BINARY, &binary).expect("copy the binary");
    }
    std::fs::create_dir_all(inside(&image.volume)).expect("data folder");
    std::fs::create_dir_all(inside(&image.workdir)).expect("workdir");
    // As in an image: every folder down to the working folder is root's, open to read.
    set_mode(root.path(), 0o755);
    if !root_owned_volume {
        for folder in [inside(&image.workdir), inside(&image.volume)] {
            std::os::unix::fs::chown(&folder, Some(image.uid), Some(image.gid)).expect("chown");
        }
    }
    (root, binary)
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// The image's command as its user, with its environment moved under `root` and on a
/// free port.
fn as_image_user(image: &Image, root: &Path, binary: &Path, args: &[&str], port: u16) -> Command {
    let mut command = Command::new("setpriv");
    command
        .args([
            &format!("--reuid={}", image.uid),
            &format!("--regid={}", image.gid),
            "--clear-groups",
            "--",
        ])
        .arg(binary)
        .args(args)
        .env_clear()
        .current_dir(root.join(image.workdir.trim_start_matches('/')))
        .stdin(Stdio::null());
    let home = image.workdir.as_str();
    for (key, value) in &image.env {
        let value = value
            .replace(home, &format!("{}{home}", root.display()))
            .replace(":8080", &format!(":{port}"));
        command.env(key, value);
    }
    command.env("SHUTDOWN_DRAIN_SECS", "0");
    command
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[tokio::test]
async fn the_binary_serves_as_the_image_user_on_the_image_layout_and_default_sqlite() {
    if !is_root() {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
        assert!(
            !ci,
            "the container check needs root to switch to the image's user"
        );
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "note: not root, so the container layout check was skipped"
        );
        return;
    }
    let image = read_image();
    let (root, binary) = lay_out(&image, false);
    let port = free_port();
    let mut server = ServerProcess::start(as_image_user(
        &image,
        root.path(),
        &binary,
        &["serve"],
        port,
    ))
    .await;
    assert_eq!(server.port, port);
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).expect("status");
    assert!(
        status.lines().any(|l| l.starts_with("Uid:")
            && l.split_whitespace().nth(1) == Some(&image.uid.to_string())),
        "not running as {}: {status}",
        image.uid
    );
    // The image's HEALTHCHECK, as the image's user.
    let health = tokio::task::spawn_blocking({
        let mut probe = as_image_user(&image, root.path(), &binary, &["healthcheck"], port);
        move || probe.status().expect("healthcheck runs")
    })
    .await
    .expect("thread");
    assert!(health.success(), "the image's health check failed");
    let ready = reqwest::get(server.url("/readyz")).await.expect("readyz");
    assert_eq!(ready.status(), 200);
    let file = root
        .path()
        .join(image.volume.trim_start_matches('/'))
        .join("cemr.sqlite");
    let owner = std::fs::metadata(&file)
        .expect("the database is in the volume")
        .uid();
    assert_eq!(owner, image.uid);
    server.terminate();
    let exit = server
        .wait(Duration::from_secs(30))
        .await
        .expect("it stops");
    assert!(exit.success(), "exit {exit}");
}

#[tokio::test]
async fn a_root_owned_volume_is_what_stops_the_image_from_starting() {
    if !is_root() {
        return;
    }
    let image = read_image();
    let (root, binary) = lay_out(&image, true);
    let output = tokio::task::spawn_blocking({
        let mut serve = as_image_user(&image, root.path(), &binary, &["migrate"], free_port());
        move || serve.output().expect("runs")
    })
    .await
    .expect("thread");
    assert!(
        !output.status.success(),
        "it started without a writable volume"
    );
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("unable to open database file"), "{said}");
}
