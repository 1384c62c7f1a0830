//! Starting and stopping a server.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::request_log::{RecordedRequest, RequestLog};
use crate::routes::{router, AppState};
use crate::scenarios::Attempts;
use crate::store::Store;

/// A server running on 127.0.0.1. Dropping it stops it (in the background);
/// [`RunningServer::shutdown`] stops it and waits.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    log: RequestLog,
    shutdown: CancellationToken,
    task: Option<JoinHandle<io::Result<()>>>,
}

/// Binds 127.0.0.1 on `config.port` (0 = any free port) and serves until the
/// returned handle is dropped or shut down.
pub async fn serve(config: Config) -> Result<RunningServer, io::Error> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let shutdown = CancellationToken::new();
    let log = RequestLog::default();
    let state = Arc::new(AppState {
        config,
        store: Store::default(),
        attempts: Attempts::default(),
        files: crate::files::Files::default(),
        batches: Default::default(),
        shutdown: shutdown.clone(),
    });
    let app = router(state, log.clone());
    let stop = shutdown.clone();
    // Without TCP_NODELAY, Nagle's algorithm holds each small SSE write
    // back until the client's delayed ACK (about 40 ms a request on Linux
    // loopback); real servers send at once, and so does this one.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await
    });
    Ok(RunningServer {
        addr,
        log,
        shutdown,
        task: Some(task),
    })
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base, like `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.log
            .lock()
            .map(|entries| entries.clone())
            .unwrap_or_default()
    }

    /// Stops accepting, ends open streams, and waits for the server to stop.
    pub async fn shutdown(mut self) -> Result<(), io::Error> {
        self.shutdown.cancel();
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
