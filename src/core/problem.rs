//! Input the run could not use as it is (an unreadable file, broken C#, invalid JSON, a vault
//! that cannot be listed, an option file that cannot be read, a path that does not exist): said
//! on standard error and in every machine-readable report (JSON `problems`, SARIF tool execution
//! notifications, GitHub annotations), while the run goes on with everything else.
//!
//! A problem is a `warning` when it is about the repository or a service (a file in the tree, a
//! vault), and an `error` when something given on the command line or in the configuration
//! cannot be used (a path, an option file): an error makes the exit status 2.

use super::Severity;

/// A file or path the run could not use, with what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct InputProblem {
    pub path: String,
    pub message: String,
    /// `error` (exit status 2) or `warning`.
    pub severity: Severity,
}

impl InputProblem {
    /// A warning: the run goes on without the file and the exit status follows the findings.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        InputProblem {
            path: path.into(),
            message: message.into(),
            severity: Severity::Warning,
        }
    }

    /// An error: something given to the run cannot be used; the exit status is 2.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        InputProblem {
            severity: Severity::Error,
            ..Self::new(path, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
