//! A real PostgreSQL server for the tests: one throw-away cluster per run of the test
//! binary, a database per test.
//!
//! The cluster is made by `initdb` in a temporary directory, as an unprivileged user when
//! the tests run as root (`postgres`, else `nobody`, through `setpriv`), with trust
//! authentication, listening on 127.0.0.1 on a free port, started with `pg_ctl start -w`.
//! A shell started beside it stops the server and removes the directory when the test
//! binary exits: it waits on a pipe that only the test binary holds open, so the cluster
//! goes away even after a panic.
//!
//! The server's programs are found in `PG_BIN`, else on the `PATH`, else in
//! `/usr/lib/postgresql/*/bin`. Without them [`database`] says so and returns `None`
//! (the test skips), except under CI, where the test fails.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use parley::store::contract::Fixture;
use parley::store::{Access, PostgresLog};

use super::common;

/// The running cluster.
pub struct Cluster {
    /// 127.0.0.1's port it listens on.
    pub port: u16,
    /// Held open for as long as the test binary lives; its end stops the cluster.
    _stop: Mutex<ChildStdin>,
    _watcher: Mutex<Child>,
}

static CLUSTER: OnceLock<Option<Cluster>> = OnceLock::new();

/// The cluster of this run, started on first use; `None` (the test skips) when the
/// PostgreSQL programs are missing outside CI.
pub fn cluster() -> Option<&'static Cluster> {
    CLUSTER.get_or_init(start).as_ref()
}

/// A new, empty database for one test, as a URL (`postgres://postgres@127.0.0.1:PORT/NAME`);
/// `None` when the test must skip.
pub fn database(name: &str) -> Option<String> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let cluster = cluster()?;
    let name = format!("{name}_{}", NEXT.fetch_add(1, Ordering::Relaxed));
    let mut admin = cluster.admin("postgres");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create a test database");
    Some(cluster.url(&name))
}

/// `url` with the server's clock pinned at `now` (RFC 3339) in every session it opens:
/// the setting `parley.now` ([`parley::store::postgres::NOW_SETTING`]), passed as a
/// startup option, which the server's clock then reads as its time.
pub fn pinned(url: &str, now: &str) -> String {
    let setting = parley::store::postgres::NOW_SETTING;
    format!("{url}?options=-c%20{setting}%3D{now}")
}

impl Cluster {
    /// The URL of database `db`, as the superuser.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// A superuser connection to database `db`.
    pub fn admin(&self, db: &str) -> postgres::Client {
        postgres::Client::connect(&self.url(db), postgres::NoTls).expect("connect as superuser")
    }
}

/// A superuser connection to the database `url` names.
pub fn admin(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).expect("connect as superuser")
}

/// Where `initdb` and `pg_ctl` are, if anywhere.
fn bin_dir() -> Option<PathBuf> {
    let has = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os("PG_BIN")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
    {
        return has(&dir).then_some(dir);
    }
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.flatten().map(|d| d.path().join("bin")).collect())
        .unwrap_or_default();
    debian.sort();
    on_path
        .into_iter()
        .chain(debian.into_iter().rev())
        .find(|dir| has(dir))
}

/// The user the server runs as: `postgres` or `nobody` when the tests run as root (the
/// server refuses root), else the user running the tests.
fn server_user() -> Option<&'static str> {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0");
    if !root {
        return None;
    }
    let exists = |user: &str| {
        Command::new("id")
            .arg(user)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    Some(if exists("postgres") {
        "postgres"
    } else {
        "nobody"
    })
}

fn start() -> Option<Cluster> {
    let Some(bin) = bin_dir() else {
        common::skip("PostgreSQL is not installed (initdb, pg_ctl; .ci/run installs it)");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let dir = tempfile::Builder::new()
        .prefix("parley-pg-")
        .tempdir()
        .expect("a directory for the cluster")
        .keep();
    let as_user = match server_user() {
        Some(user) => {
            let chown = Command::new("chown").arg(user).arg(&dir).status();
            assert!(
                chown.is_ok_and(|s| s.success()),
                "chown {user} {}",
                dir.display()
            );
            format!("setpriv --reuid={user} --regid=$(id -g {user}) --clear-groups")
        }
        None => String::new(),
    };
    // The watcher: start the cluster, say "ready", wait for the test binary to close its
    // standard input (it exits), then stop the cluster and remove it.
    let script = format!(
        r#"set -u
d='{dir}'; b='{bin}'
{as_user} "$b/initdb" -D "$d/data" -U postgres --auth=trust -E UTF8 --no-locale >"$d/initdb.log" 2>&1 || {{ cat "$d/initdb.log" >&2; echo failed; exit 1; }}
{as_user} "$b/pg_ctl" -D "$d/data" -l "$d/data/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p {port} -k $d/data -c max_connections=100" start >/dev/null 2>&1 \
  || {{ cat "$d/data/server.log" >&2; echo failed; exit 1; }}
echo ready
cat >/dev/null
{as_user} "$b/pg_ctl" -D "$d/data" -m immediate -w stop >/dev/null 2>&1
rm -rf "$d"
"#,
        dir = dir.display(),
        bin = bin.display(),
    );
    let mut watcher = Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the cluster's watcher");
    let mut said = String::new();
    let stdout = watcher.stdout.take().expect("the watcher's stdout");
    BufReader::new(stdout)
        .read_line(&mut said)
        .expect("read the watcher");
    assert_eq!(
        said, "ready\n",
        "the PostgreSQL cluster did not start (see stderr)"
    );
    let stop = watcher.stdin.take().expect("the watcher's stdin");
    Some(Cluster {
        port,
        _stop: Mutex::new(stop),
        _watcher: Mutex::new(watcher),
    })
}

/// The contract suite's fixture: a fresh database; each `open` connects again.
pub struct PgFixture(String);

impl PgFixture {
    /// A fixture on a new database, or `None` when the test must skip.
    pub fn new() -> Option<PgFixture> {
        database("contract").map(PgFixture)
    }
}

impl Fixture for PgFixture {
    type Log = PostgresLog;

    fn open(&mut self) -> PostgresLog {
        let wait = std::time::Duration::from_secs(10);
        PostgresLog::open(&self.0, Access::Write, wait).expect("open the PostgreSQL log")
    }
}
