//! A raw HTTP/1.1 server on 127.0.0.1 for faults wiremock cannot make: a connection reset
//! after the request was read, a body cut short, or no answer at all. Each request is
//! answered by a script; [`always`] answers every request the same way.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What to do with one request.
#[derive(Clone, Debug)]
pub enum Action {
    /// Reset the connection (RST) without answering.
    Reset,
    /// Answer with a status and a JSON body.
    Json(u16, String),
    /// Answer 200 announcing a 100-byte JSON body, send 10 bytes of it, close.
    Truncate,
    /// Never answer (the connection stays open for 30 s).
    Hang,
}

/// Decides the answer to the `n`-th request (from 0) on a path.
type Script = dyn Fn(&str, usize) -> Action + Send + Sync;

/// The server: its URL, and the request paths it saw, in order.
pub struct RawServer {
    pub url: String,
    pub seen: Arc<Mutex<Vec<String>>>,
}

/// Starts a server answering every request with `action`.
pub async fn always(action: Action) -> RawServer {
    start(move |_, _| action.clone()).await
}

/// Starts a server whose `script(path, n)` decides the answer to the `n`-th request (from 0)
/// on `path`.
pub async fn start(script: impl Fn(&str, usize) -> Action + Send + Sync + 'static) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (script, log) = (Arc::new(script), seen.clone());
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (script, log) = (script.clone(), log.clone());
            tokio::spawn(serve(socket, script, log));
        }
    });
    RawServer { url, seen }
}

async fn serve(mut socket: TcpStream, script: Arc<Script>, log: Arc<Mutex<Vec<String>>>) {
    loop {
        let Some(path) = read_request(&mut socket).await else {
            return;
        };
        let n = {
            let mut log = log.lock().unwrap();
            let n = log.iter().filter(|p| **p == path).count();
            log.push(path.clone());
            n
        };
        match script(&path, n) {
            Action::Reset => {
                // A zero linger makes the close an RST; with zero it never blocks.
                #[allow(deprecated)]
                let _ = socket.set_linger(Some(std::time::Duration::ZERO));
                return;
            }
            Action::Truncate => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"token\":";
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.shutdown().await;
                return;
            }
            Action::Hang => {
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                return;
            }
            Action::Json(status, body) => {
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                if socket.write_all(head.as_bytes()).await.is_err()
                    || socket.write_all(body.as_bytes()).await.is_err()
                {
                    return;
                }
            }
        }
    }
}

/// Reads one request (head and a `content-length` body); its path, or `None` at EOF.
async fn read_request(socket: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let read = socket.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let read = socket.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buffer.extend_from_slice(&chunk[..read]);
    }
    let path = head
        .split_whitespace()
        .nth(1)?
        .split('?')
        .next()?
        .to_owned();
    Some(path)
}
