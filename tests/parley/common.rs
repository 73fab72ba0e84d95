//! The hermetic test environment: a temporary store, a pinned clock (`PARLEY_NOW`), a
//! fixed recorder, and helpers to run the `parley` binary and read what it printed.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The clock every test runs at unless it says otherwise.
pub const NOW: &str = "2025-12-01T09:00:00Z";

/// A temporary directory with a store in it.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub now: String,
}

/// What one run of `parley` did.
#[derive(Debug)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with both streams unless the run succeeded.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.status, 0,
            "parley failed:\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    /// Panics unless the run failed with a user error (exit 1).
    #[track_caller]
    pub fn user_error(self) -> Run {
        assert_eq!(
            self.status, 1,
            "expected exit 1:\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("temp dir"),
            now: NOW.to_owned(),
        }
    }

    /// The store directory.
    pub fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    /// A path inside the test directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file in the test directory and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write test file");
        path
    }

    /// A `parley` command with the environment pinned.
    pub fn command(&self, args: &[&str]) -> Command {
        self.command_via(&[], args)
    }

    /// A `parley` command run through `wrapper` (such as `setpriv --reuid=nobody …`),
    /// with the environment pinned.
    pub fn command_via(&self, wrapper: &[&str], args: &[&str]) -> Command {
        let parley = env!("CARGO_BIN_EXE_parley");
        let mut command = match wrapper.split_first() {
            Some((program, rest)) => {
                let mut command = Command::new(program);
                command.args(rest).arg(parley);
                command
            }
            None => Command::new(parley),
        };
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("PARLEY_STORE", self.store())
            .env("PARLEY_NOW", &self.now)
            .env("PARLEY_USER", "tester")
            .env("PARLEY_SEED", "1")
            .env_remove("RUST_BACKTRACE")
            .env_remove("PARLEY_SIGNING_KEY")
            .env_remove("COLUMNS")
            .stdin(Stdio::null());
        command
    }

    /// Runs `parley` with `args`.
    pub fn run(&self, args: &[&str]) -> Run {
        self.command(args).output().expect("run parley").into()
    }

    /// Runs `parley` with `input` on standard input.
    pub fn run_with_input(&self, args: &[&str], input: &[u8]) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn parley");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
        child.wait_with_output().expect("wait for parley").into()
    }

    /// Imports journal text, which must succeed.
    pub fn import(&self, text: &str) -> Run {
        let path = self.write("import.ndjson", text);
        self.run(&["import", path.to_str().expect("utf-8 path")])
            .ok()
    }

    /// `text` with the test directory's path written `$TMP`, so output that names a
    /// file or the store can be compared whole.
    pub fn masked(&self, text: &str) -> String {
        text.replace(self.dir.path().to_str().expect("utf-8 path"), "$TMP")
    }

    /// Exports a negotiation to a string.
    pub fn export(&self, slug: &str) -> String {
        self.run(&["export", slug]).ok().stdout
    }
}

/// Whether the tests run in CI (env `CI` set, and not to `false` or `0`), where a test
/// must not skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "false" | "0"))
}

/// Says on stderr that a test is skipped because `why`; with `CI=true`, fails it instead.
#[track_caller]
pub fn skip(why: &str) {
    assert!(!in_ci(), "CI=true, so this test may not skip: {why}");
    eprintln!("skipped: {why}");
}

/// The path of a bundled journal.
pub fn bundled(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("journals")
        .join(name)
}

/// A two-party opening line with a numeric `tariff` issue (KR lower, US higher), an
/// `autos` issue and a `security` issue on another track.
pub const OPENING: &str = r#"{"kind":"opening","negotiation":"t","at":"2025-03-01","title":"Test talks","parties":[{"code":"KR","name":"Korea"},{"code":"US","name":"United States"}],"issues":[{"key":"tariff","title":"Tariff","unit":"%","track":"trade","prefer":{"KR":"lower","US":"higher"}},{"key":"autos","title":"Auto tariff","unit":"%","track":"trade","prefer":{"KR":"lower","US":"higher"}},{"key":"security","title":"Cost sharing","track":"security"}],"summary":"Talks open"}"#;

/// `OPENING` followed by `lines`, one per line.
pub fn journal(lines: &[&str]) -> String {
    let mut text = String::from(OPENING);
    text.push('\n');
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Whether `tool` is on the PATH. A test that needs it returns early when it is not,
/// after saying so, except under CI (`CI=true`), where a test that cannot run fails.
pub fn tool_present(tool: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()));
    if !found {
        skip(&format!("{tool} is not installed (.ci/run installs it)"));
    }
    found
}
