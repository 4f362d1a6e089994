//! Input the run could not use as it is (an unreadable file, broken C#, invalid JSON, a vault
//! that cannot be listed): said on standard error and in the machine-readable reports, while
//! the run goes on with everything else.

/// A file or path the run could not use, with what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct InputProblem {
    pub path: String,
    pub message: String,
}

impl InputProblem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        InputProblem {
            path: path.into(),
            message: message.into(),
        }
    }
}
