//! Extract facts: turns the files of each project into the typed model the rules read. C# is
//! parsed with tree-sitter (patterns in `queries/*.scm`), appsettings with a comment-tolerant JSON
//! parser that keeps spans. Files that cannot matter are skipped by a byte prefilter first.

pub mod appsettings;
pub mod csharp;
pub mod external;
pub mod jwk;
pub mod keyvault;
pub mod model;
pub mod policy;
pub mod prefilter;
pub mod resolve;
