//! Interactive commands in a real terminal: tmux runs `parley` in a detached session of a
//! fixed size, `send-keys` types, `capture-pane` reads the screen as a person sees it.
//!
//! Without tmux these tests fail under CI (`CI=true`) and say so elsewhere.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;

/// A tmux server of its own (its own socket), with one session running one command.
pub struct Terminal {
    socket: PathBuf,
    /// Where the command's exit status is written when it ends: tmux does not always
    /// record a dead pane's status.
    status: PathBuf,
}

impl Terminal {
    /// Starts `parley ARGS` in a `width` × `height` terminal, with the test environment's
    /// variables. `None` (after saying why) when tmux is missing outside CI.
    pub fn start(env: &TestEnv, args: &[&str], width: u16, height: u16) -> Option<Terminal> {
        let mut command = vec![env!("CARGO_BIN_EXE_parley")];
        command.extend(args);
        Terminal::run(env, &command, width, height)
    }

    /// Starts `command` (a program and its arguments) as [`Terminal::start`] does.
    pub fn run(env: &TestEnv, command: &[&str], width: u16, height: u16) -> Option<Terminal> {
        if !tool_present("tmux") {
            return None;
        }
        let socket = env.path("tmux.sock");
        let mut line = vec![
            "env".to_owned(),
            format!("PARLEY_STORE={}", env.store().display()),
            format!("PARLEY_NOW={}", env.now),
            "PARLEY_USER=tester".to_owned(),
            "PARLEY_SEED=1".to_owned(),
            "TERM=xterm-256color".to_owned(),
        ];
        line.extend(command.iter().map(|a| (*a).to_owned()));
        let status = env.path("tmux.status");
        let terminal = Terminal { socket, status };
        terminal.tmux(&[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
        terminal.tmux(&["set-option", "-t", "t", "remain-on-exit", "on"]);
        terminal.tmux(&["set-option", "-t", "t", "remain-on-exit-format", ""]);
        let command = line
            .iter()
            .map(|part| format!("'{}'", part.replace('\'', r"'\''")))
            .collect::<Vec<_>>()
            .join(" ");
        let command = format!("{command}; echo $? > '{}'", terminal.status.display());
        terminal.tmux(&["respawn-pane", "-k", "-t", "t", &command]);
        Some(terminal)
    }

    fn tmux(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("-f")
            .arg("/dev/null")
            .args(args)
            .output()
            .expect("run tmux");
        assert!(
            output.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Types `keys` (tmux key names such as `Enter`, `Tab`, or literal text).
    pub fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend(keys);
        self.tmux(&args);
    }

    /// The screen as it is now, trailing blanks and empty lines at the bottom removed.
    pub fn screen(&self) -> String {
        let text = self.tmux(&["capture-pane", "-p", "-t", "t"]);
        let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
        let end = lines
            .iter()
            .rposition(|l| !l.is_empty())
            .map_or(0, |i| i + 1);
        lines[..end].join("\n") + "\n"
    }

    /// Waits until the screen's last line is `last` (and stays so for a moment), and
    /// returns the screen.
    pub fn wait_until_last_line(&self, last: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.lines().last() == Some(last) {
                std::thread::sleep(Duration::from_millis(100));
                let again = self.screen();
                if again == screen {
                    return screen;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the screen never ended with {last:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Terminal {
    /// Waits for the command to exit and returns its exit status.
    pub fn wait_for_exit(&self) -> i32 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let written = std::fs::read_to_string(&self.status).unwrap_or_default();
            if let Ok(status) = written.trim().parse() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the command never exited:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

fn two_moves() -> TestEnv {
    let env = TestEnv::new();
    env.import(&journal(&[
        r#"{"kind":"threat","at":"2025-04-02","by":"US","issue":"tariff","position":25,"summary":"US threatens 25%","channel":"public","ref":"lib-day"}"#,
        r#"{"kind":"offer","at":"2025-04-24","by":"KR","issue":"tariff","position":10,"summary":"Korea offers 10%","responds_to":"lib-day"}"#,
    ]));
    env
}

#[test]
fn replay_step_waits_for_enter_between_steps_and_q_quits() {
    let env = two_moves();
    let Some(terminal) = Terminal::start(&env, &["replay", "t", "--step"], 80, 24) else {
        return;
    };
    let prompt = "[Enter: next step, q: quit]";
    let first = terminal.wait_until_last_line(prompt);
    assert_eq!(
        first,
        "t — Test talks
3 events, now, every correction applied

2025-03-01  opening  · seq 1
    “Test talks”. Talks open
    → party added: KR (Korea)
    → party added: US (United States)
    → issue added: tariff (Tariff)
    → issue added: autos (Auto tariff)
    → issue added: security (Cost sharing)

[Enter: next step, q: quit]
"
    );
    terminal.send(&["Enter"]);
    let second = terminal.wait_until_last_line(prompt);
    assert_eq!(
        second,
        "t — Test talks
3 events, now, every correction applied

2025-03-01  opening  · seq 1
    “Test talks”. Talks open
    → party added: KR (Korea)
    → party added: US (United States)
    → issue added: tariff (Tariff)
    → issue added: autos (Auto tariff)
    → issue added: security (Cost sharing)

[Enter: next step, q: quit]
2025-04-02  US threat [public] on tariff  · seq 2
    US threatens 25%
    → tariff: US — → 25

[Enter: next step, q: quit]
"
    );
    terminal.send(&["q", "Enter"]);
    assert_eq!(terminal.wait_for_exit(), 0);
    assert_eq!(terminal.screen(), second.trim_end().to_owned() + " q\n");
}

#[test]
fn a_session_completes_names_echoes_each_move_refuses_a_bad_line_and_undoes() {
    let env = two_moves();
    let Some(terminal) = Terminal::start(&env, &["session", "t"], 100, 30) else {
        return;
    };
    terminal.wait_until_last_line("t>");
    terminal.send(&["K", "Tab", "conc", "Tab"]);
    assert_eq!(
        terminal.wait_until_last_line("t> KR concession"),
        "t — one move per line; help for the form, quit to leave\nt> KR concession\n"
    );
    terminal.send(&["-l", r#"tariff=12 "Korea moves to 12%" @2025-04-25"#]);
    terminal.send(&["Enter"]);
    terminal.wait_until_last_line("t>");
    terminal.send(&["-l", r#"KR concesion tariff=11 "typo""#]);
    terminal.send(&["Enter"]);
    terminal.wait_until_last_line("t>");
    terminal.send(&[
        "-l",
        r#"us acc tariff=12 "US accepts 12%" @2025-04-26 public"#,
    ]);
    terminal.send(&["Enter"]);
    terminal.wait_until_last_line("t>");
    terminal.send(&["-l", "undo"]);
    terminal.send(&["Enter"]);
    assert_eq!(
        terminal.wait_until_last_line("t>"),
        r#"t — one move per line; help for the form, quit to leave
t> KR concession tariff=12 "Korea moves to 12%" @2025-04-25
2025-04-25  KR concession on tariff  · seq 4
    Korea moves to 12%
    → tariff: KR 10 → 12 (gap 15 → 13)

t> KR concesion tariff=11 "typo"
parley: kind: "concesion" is not one, did you mean "concession"? (kinds: offer, demand, concession,
acceptance, rejection, rebuttal, threat, sanction, implementation, meeting, statement, linkage, retr
action)
t> us acc tariff=12 "US accepts 12%" @2025-04-26 public
2025-04-26  US acceptance [public] on tariff  · seq 5
    US accepts 12%
    → tariff: US 25 → 12 (gap 13 → 0)
    → tariff: open → agreed

t> undo
seq 6 voids seq 5
t>
"#
    );
    terminal.send(&["-l", "quit"]);
    terminal.send(&["Enter"]);
    assert_eq!(terminal.wait_for_exit(), 0);
    insta::assert_snapshot!(
        "session_events_after_undo",
        env.run(&["events", "t"]).ok().stdout
    );
}

#[test]
fn bash_completes_commands_and_flags_from_parley_completions() {
    let env = TestEnv::new();
    let script = env.path("parley.bash");
    let generated = env.run(&["completions", "bash"]).ok().stdout;
    std::fs::write(&script, generated).expect("write the completion script");
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_parley"));
    let path = format!(
        "PATH={}:/usr/bin:/bin",
        bin.parent().expect("the binary's directory").display()
    );
    let Some(terminal) = Terminal::run(
        &env,
        &["env", &path, "PS1=$ ", "bash", "--norc", "--noprofile"],
        80,
        10,
    ) else {
        return;
    };
    terminal.wait_until_last_line("$");
    terminal.send(&["-l", &format!("source {}", script.display())]);
    terminal.send(&["Enter"]);
    terminal.wait_until_last_line("$");
    terminal.send(&["clear", "Enter"]);
    terminal.wait_until_last_line("$");
    terminal.send(&["-l", "parley posi"]);
    terminal.send(&["Tab"]);
    terminal.wait_until_last_line("$ parley positions");
    terminal.send(&["-l", "korea --kno"]);
    terminal.send(&["Tab"]);
    assert_eq!(
        terminal.wait_until_last_line("$ parley positions korea --known-at"),
        "$ parley positions korea --known-at\n"
    );
}

#[test]
fn long_output_goes_through_the_pager_on_a_terminal_and_q_leaves_it() {
    if !tool_present("less") {
        return;
    }
    let mut env = TestEnv::new();
    env.now = crate::reliability::LATER.into();
    let file = bundled("korea-us-2025.ndjson");
    env.run(&["import", file.to_str().expect("utf-8 path")])
        .ok();
    let Some(terminal) = Terminal::run(
        &env,
        &[
            "env",
            "PAGER=less",
            "LESS=",
            "NO_COLOR=1",
            env!("CARGO_BIN_EXE_parley"),
            "events",
            "korea-us-2025",
        ],
        100,
        12,
    ) else {
        return;
    };
    let screen = terminal.wait_until_last_line(":");
    // One screen of the table, fitted to the terminal's 100 columns, and less's prompt.
    insta::assert_snapshot!("pager_first_screen", screen);
    terminal.send(&["q"]);
    assert_eq!(terminal.wait_for_exit(), 0);
}
