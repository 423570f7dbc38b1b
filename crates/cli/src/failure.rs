//! [`Failure`]: why a command failed, as one line on stderr and an exit code.

use std::fmt;
use std::process::ExitCode;

use sdk::{AuthError, ErrorKind};

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// Refused before anything was sent: a flag or body that does not fit the operation.
    Usage(String),
    /// The call failed: the SDK's error, whose kind decides the exit code.
    Api(sdk::Error),
    /// The answer arrived but could not be printed.
    Output(String),
}

impl Failure {
    /// A usage failure (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage(message.into())
    }

    /// An operation the command line does not know.
    pub fn unknown_operation(api: &str, operation: &str) -> Self {
        Self::usage(format!("`{api}` has no operation `{operation}`"))
    }

    /// The exit code: 1 API error, 2 usage (nothing sent), 3 auth failure or missing
    /// credentials.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Self::Usage(_) => 2,
            Self::Api(error) => match error.kind() {
                ErrorKind::Auth | ErrorKind::Config => 3,
                ErrorKind::InvalidRequest => 2,
                _ => 1,
            },
            Self::Output(_) => 1,
        })
    }
}

impl fmt::Display for Failure {
    /// One line: the error kind first (`auth failure: …`, `rejected (HTTP 400, …): …`,
    /// `invalid request: …`), then the vendor's details when it sent any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(message) => write!(f, "invalid request: {message}"),
            Self::Api(error) => {
                write!(f, "{error}")?;
                match error.details() {
                    Some(details) => write!(f, " details: {details}"),
                    None => Ok(()),
                }
            }
            Self::Output(message) => write!(f, "invalid response: {message}"),
        }
    }
}

impl From<sdk::Error> for Failure {
    fn from(error: sdk::Error) -> Self {
        Self::Api(error)
    }
}

impl From<AuthError> for Failure {
    fn from(error: AuthError) -> Self {
        Self::Api(error.into())
    }
}
