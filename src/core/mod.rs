//! The bottom layer: the vocabulary every stage shares. Source files and the places in them
//! (`SourceFile`, `Span`, `Site`), input the run could not use (`InputProblem`), severities,
//! typed rule codes, the catalogue of the legacy API, and whole-file writes. Nothing here
//! imports from the stages above it.

pub mod catalogue;
pub mod code;
pub mod paths;
pub mod problem;
pub mod regions;
pub mod severity;
pub mod site;
pub mod source;
pub mod write;

pub use code::Code;
pub use problem::InputProblem;
pub use regions::Regions;
pub use severity::Severity;
pub use site::Site;
pub use source::{Encoding, Fallback, Position, ReadError, SourceFile, Span, display_path};
