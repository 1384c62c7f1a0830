//! Starting a stdio server and ending it for sure.
//!
//! The server runs in a process group of its own (a job object on Windows),
//! so that stopping it also stops what it started: `npx` runs a shell that
//! runs node, and killing only the first leaves the server behind. Stopping
//! follows MCP's stdio shutdown: close its stdin, wait, then SIGTERM to the
//! group, wait, then SIGKILL to the group. A [`ServerProcess`] dropped
//! without that (a panic, the runtime ending) kills the group at once.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use halley_responses::SecretString;
use process_wrap::tokio::{ChildWrapper, CommandWrap};
use tokio::io::AsyncReadExt;
use tokio::process::{ChildStderr, ChildStdin, ChildStdout};

use crate::Error;

/// What to start: the config with its secrets filled in.
pub struct Launch {
    pub command: String,
    pub args: Vec<String>,
    pub env: Vec<(String, LaunchValue)>,
    pub cwd: Option<PathBuf>,
}

pub enum LaunchValue {
    Plain(String),
    Secret(SecretString),
}

/// A running server process, its group, and the tail of what it wrote on stderr.
pub struct ServerProcess {
    child: Mutex<Option<Box<dyn ChildWrapper>>>,
    pub pid: u32,
    pub stderr: Arc<StderrTail>,
}

pub struct Pipes {
    pub stdin: ChildStdin,
    pub stdout: ChildStdout,
}

impl ServerProcess {
    pub fn spawn(launch: &Launch, stderr_limit: usize) -> Result<(Self, Pipes), Error> {
        let mut command = tokio::process::Command::new(&launch.command);
        command
            .args(&launch.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in &launch.env {
            match value {
                LaunchValue::Plain(v) => command.env(name, v),
                LaunchValue::Secret(v) => command.env(name, v.expose()),
            };
        }
        if let Some(cwd) = &launch.cwd {
            command.current_dir(cwd);
        }
        let mut wrap = CommandWrap::from(command);
        #[cfg(unix)]
        wrap.wrap(process_wrap::tokio::ProcessGroup::leader());
        #[cfg(windows)]
        wrap.wrap(process_wrap::tokio::JobObject);
        wrap.wrap(process_wrap::tokio::KillOnDrop);
        let mut child = wrap.spawn().map_err(|e| spawn_error(&launch.command, &e))?;
        let pid = child.id().unwrap_or(0);
        let (Some(stdin), Some(stdout), stderr) = (
            child.stdin().take(),
            child.stdout().take(),
            child.stderr().take(),
        ) else {
            let _ = child.start_kill();
            return Err(Error::Start(
                "the server's stdin or stdout could not be opened".into(),
            ));
        };
        let tail = Arc::new(StderrTail::new(stderr_limit));
        if let Some(stderr) = stderr {
            tokio::spawn(read_stderr(stderr, tail.clone()));
        }
        Ok((
            Self {
                child: Mutex::new(Some(child)),
                pid,
                stderr: tail,
            },
            Pipes { stdin, stdout },
        ))
    }

    fn child(&self) -> std::sync::MutexGuard<'_, Option<Box<dyn ChildWrapper>>> {
        self.child
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The exit status, if the server has ended.
    pub fn try_exit(&self) -> Option<ExitStatus> {
        self.child()
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    /// Waits (polling: the child is shared with [`Self::kill_now`]) until
    /// the server ends, up to `limit`.
    pub async fn wait_exit(&self, limit: Duration) -> Option<ExitStatus> {
        let until = tokio::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.try_exit() {
                return Some(status);
            }
            if tokio::time::Instant::now() >= until {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The second half of a graceful stop (the caller has closed stdin
    /// already): wait `grace`, SIGTERM the group, wait `grace`, SIGKILL it.
    pub async fn stop(&self, grace: Duration) -> Option<ExitStatus> {
        if let Some(status) = self.wait_exit(grace).await {
            self.kill_now(); // what the server left running in its group
            return Some(status);
        }
        #[cfg(unix)]
        if let Some(child) = self.child().as_ref() {
            let _ = child.signal(15); // SIGTERM, to the whole group
        }
        if let Some(status) = self.wait_exit(grace).await {
            self.kill_now();
            return Some(status);
        }
        self.kill_now();
        self.wait_exit(grace).await
    }

    /// SIGKILL to the whole group, now (a job object's termination on Windows).
    pub fn kill_now(&self) {
        if let Some(child) = self.child().as_mut() {
            if let Err(error) = child.start_kill() {
                // ESRCH: the group is gone already.
                tracing::debug!("killing MCP server group {}: {error}", self.pid);
            }
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill_now();
    }
}

fn spawn_error(command: &str, error: &std::io::Error) -> Error {
    match error.kind() {
        std::io::ErrorKind::NotFound => Error::Start(format!(
            "the command {command:?} was not found; check its name, or give its full path"
        )),
        std::io::ErrorKind::PermissionDenied => Error::Start(format!(
            "the command {command:?} cannot be run (permission denied)"
        )),
        _ => Error::Start(format!(
            "the command {command:?} could not be started: {error}"
        )),
    }
}

/// The last bytes a server wrote on stderr, kept for its "failed" state.
pub struct StderrTail {
    limit: usize,
    bytes: Mutex<VecDeque<u8>>,
    /// Set when stderr reached its end (the server and its children closed it).
    ended: tokio::sync::watch::Sender<bool>,
}

impl StderrTail {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            bytes: Mutex::new(VecDeque::with_capacity(limit.min(64 * 1024))),
            ended: tokio::sync::watch::channel(false).0,
        }
    }

    /// Waits up to `limit` for stderr to end: a server that just exited may
    /// have written its last words a moment before, still in the pipe.
    pub async fn wait_end(&self, limit: Duration) {
        let mut ended = self.ended.subscribe();
        let _ = tokio::time::timeout(limit, ended.wait_for(|e| *e)).await;
    }

    fn push(&self, chunk: &[u8]) {
        let mut bytes = self
            .bytes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for &b in chunk.iter().skip(chunk.len().saturating_sub(self.limit)) {
            if bytes.len() == self.limit {
                bytes.pop_front();
            }
            bytes.push_back(b);
        }
    }

    /// The tail as text (lossy UTF-8, starting at a line when it was cut).
    pub fn text(&self) -> String {
        let bytes = self
            .bytes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let raw: Vec<u8> = bytes.iter().copied().collect();
        let text = String::from_utf8_lossy(&raw).into_owned();
        if raw.len() >= self.limit {
            if let Some(at) = text.find('\n') {
                return text[at + 1..].trim_end().to_owned();
            }
        }
        text.trim_end().to_owned()
    }
}

async fn read_stderr(mut stderr: ChildStderr, tail: Arc<StderrTail>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = stderr.read(&mut buf).await {
        if n == 0 {
            break;
        }
        tail.push(&buf[..n]);
    }
    tail.ended.send_replace(true);
}
