//! Why a connection or an exchange failed, in words that say what to fix: the host it was
//! for and the cause (refused, DNS, TLS, timeout, reset), never the URL's path, query or
//! credentials, and never a header.

use std::error::Error as StdError;
use std::fmt;
use std::io;

/// The cause of a transport failure, read from an error's source chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportCause {
    /// Nothing listens on that port (or a firewall rejected the connection).
    ConnectionRefused,
    /// The host name did not resolve.
    Dns,
    /// The TLS handshake failed (certificate, protocol, or a plain-HTTP server on an
    /// `https` URL).
    Tls,
    /// No answer in time (connect or whole request).
    Timeout,
    /// The peer reset or closed the connection before answering completely.
    Reset,
    /// Anything else (the message then says only "connection failed").
    Other,
}

impl TransportCause {
    /// The cause of `error`, read from its source chain: I/O error kinds first, then the
    /// resolver's and TLS stack's own wording (neither exposes a typed error through reqwest).
    pub fn of(error: &(dyn StdError + 'static)) -> Self {
        let mut timeout = false;
        let mut current = Some(error);
        while let Some(error) = current {
            if let Some(io) = error.downcast_ref::<io::Error>() {
                match io.kind() {
                    io::ErrorKind::ConnectionRefused => return Self::ConnectionRefused,
                    io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::BrokenPipe
                    | io::ErrorKind::UnexpectedEof => return Self::Reset,
                    io::ErrorKind::TimedOut => timeout = true,
                    _ => {}
                }
            }
            let text = error.to_string().to_ascii_lowercase();
            if text.contains("dns error") || text.contains("lookup address") {
                return Self::Dns;
            }
            if [
                "certificate",
                "tls",
                "handshake",
                "invalidcontenttype",
                "corrupt message",
            ]
            .iter()
            .any(|marker| text.contains(marker))
            {
                return Self::Tls;
            }
            if text.contains("timed out") || text.contains("deadline has elapsed") {
                timeout = true;
            }
            if text.contains("connection closed before message completed")
                || text.contains("connection reset")
            {
                return Self::Reset;
            }
            current = error.source();
        }
        if timeout { Self::Timeout } else { Self::Other }
    }

    /// Short stable name (`connection_refused`, `dns`, `tls`, `timeout`, `reset`, `other`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConnectionRefused => "connection_refused",
            Self::Dns => "dns",
            Self::Tls => "tls",
            Self::Timeout => "timeout",
            Self::Reset => "reset",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for TransportCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ConnectionRefused => "connection refused",
            Self::Dns => "the host name did not resolve (DNS)",
            Self::Tls => "the TLS handshake failed",
            Self::Timeout => "timed out",
            Self::Reset => "the connection was reset or closed early",
            Self::Other => "connection failed",
        })
    }
}

/// `host:port` of the URL a reqwest error is about (no scheme, path, query or credentials),
/// or `None` when the error names no URL.
pub(crate) fn endpoint_of(error: &reqwest::Error) -> Option<String> {
    let url = error.url()?;
    let host = url.host_str()?;
    Some(match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// One line for a failed exchange: `could not connect to api.example:443 (connection
/// refused)`, `no complete answer from api.example:443 (timed out)`.
pub fn describe(error: &reqwest::Error) -> String {
    let cause = TransportCause::of(error);
    let host = endpoint_of(error).unwrap_or_else(|| "the server".to_owned());
    if error.is_connect() {
        format!("could not connect to {host} ({cause})")
    } else if error.is_timeout() {
        format!("no answer from {host} in time")
    } else if error.is_body() || error.is_decode() {
        format!("the answer from {host} was cut short ({cause})")
    } else {
        format!("the exchange with {host} failed ({cause})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrapped(&'static str, Option<io::Error>);

    impl fmt::Display for Wrapped {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Wrapped {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1.as_ref().map(|e| e as _)
        }
    }

    #[test]
    fn causes_come_from_io_kinds_and_the_stacks_wording() {
        let cases = [
            (
                Wrapped(
                    "tcp connect error",
                    Some(io::ErrorKind::ConnectionRefused.into()),
                ),
                TransportCause::ConnectionRefused,
            ),
            (
                Wrapped(
                    "dns error",
                    Some(io::Error::other("failed to lookup address information")),
                ),
                TransportCause::Dns,
            ),
            (
                Wrapped(
                    "client error (Connect)",
                    Some(io::Error::other("invalid peer certificate: UnknownIssuer")),
                ),
                TransportCause::Tls,
            ),
            (
                Wrapped("operation timed out", None),
                TransportCause::Timeout,
            ),
            (
                Wrapped("read", Some(io::ErrorKind::ConnectionReset.into())),
                TransportCause::Reset,
            ),
            (Wrapped("something odd", None), TransportCause::Other),
        ];
        for (error, expected) in cases {
            assert_eq!(TransportCause::of(&error), expected, "{error}");
        }
    }
}
