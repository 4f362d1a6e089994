//! Source files as the pipeline sees them: text without the BOM, byte offsets into the original
//! file, and 1-based line/column positions for reports.

use std::path::{Path, PathBuf};

/// A byte range in a file's original bytes (a UTF-8 BOM, when present, counts as the first 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// 1-based line and column (columns count Unicode characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A text file read for analysis.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given on the file system.
    pub path: PathBuf,
    /// The path shown in reports: relative to the current directory, with `/`.
    pub display: String,
    /// The text after the BOM.
    pub text: String,
    /// Whether the file starts with a UTF-8 BOM (offsets then start at 3).
    pub bom: bool,
    line_starts: Vec<usize>,
}

/// Why a file could not be read as text.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    NotUtf8 {
        valid_up_to: usize,
    },
    /// A FIFO, socket or device: reading it could block forever or never end.
    NotRegular {
        kind: &'static str,
    },
    /// Larger than the limit (`max-file-size`); not read.
    TooLarge {
        size: u64,
        limit: u64,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read the file: {e}"),
            ReadError::NotUtf8 { valid_up_to } => write!(
                f,
                "the file is not valid UTF-8 (first bad byte at offset {valid_up_to}); save it as UTF-8 to have it checked"
            ),
            ReadError::NotRegular { kind } => write!(f, "not a regular file ({kind})"),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "the file is {size} bytes, more than max-file-size ({limit} bytes)"
            ),
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// No limit on a file's size (option files given on the command line).
pub const NO_LIMIT: u64 = u64::MAX;

/// Reads a file of the tree: only a regular file (a symbolic link is followed), and only when it
/// is at most `limit` bytes. A FIFO is opened without blocking, so it is refused, not waited on.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            kind: file_kind(&meta.file_type()),
        });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // A file that grows while it is read still stops at the limit.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// What a file that is not a regular file is, in words.
pub fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

impl SourceFile {
    /// Reads a file of any size (an option file given on the command line; a FIFO such as
    /// `<(command)` is fine there).
    pub fn read(path: &Path) -> Result<SourceFile, ReadError> {
        let bytes = std::fs::read(path).map_err(ReadError::Io)?;
        Self::from_bytes(path, bytes)
    }

    /// Reads a file of the tree (`read_regular`).
    pub fn read_limited(path: &Path, limit: u64) -> Result<SourceFile, ReadError> {
        Self::from_bytes(path, read_regular(path, limit)?)
    }

    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<SourceFile, ReadError> {
        let bom = bytes.starts_with(BOM);
        let body = if bom { bytes[3..].to_vec() } else { bytes };
        let text = String::from_utf8(body).map_err(|e| ReadError::NotUtf8 {
            valid_up_to: e.utf8_error().valid_up_to() + if bom { 3 } else { 0 },
        })?;
        Ok(Self::from_text(path, text, bom))
    }

    pub fn from_text(path: &Path, text: String, bom: bool) -> SourceFile {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.to_path_buf(),
            display: display_path(path),
            text,
            bom,
            line_starts,
        }
    }

    /// Offset of the text inside the original bytes.
    pub fn text_offset(&self) -> usize {
        if self.bom { 3 } else { 0 }
    }

    /// Converts a range inside `text` to a span of the original file.
    pub fn span_of_text(&self, start: usize, end: usize) -> Span {
        Span::new(start + self.text_offset(), end + self.text_offset())
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        let off = self.text_offset();
        &self.text[span.start - off..span.end - off]
    }

    /// 1-based position of a byte offset of the original file.
    pub fn position(&self, byte: usize) -> Position {
        let mut at = byte.saturating_sub(self.text_offset()).min(self.text.len());
        // An offset inside a character (a parser's error position) counts as that character.
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        let line_index = self.line_starts.partition_point(|&s| s <= at) - 1;
        let line_start = self.line_starts[line_index];
        let column = self.text[line_start..at].chars().count() + 1;
        Position {
            line: line_index + 1,
            column,
        }
    }

    /// How many lines the text has (a final line ending starts an empty last line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Where line `line` (1-based) starts and ends in the text, its line ending included.
    pub fn line_bounds(&self, line: usize) -> (usize, usize) {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        (start, end)
    }

    /// The text of line `line` (1-based), without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Leading whitespace of the line that holds `byte`.
    pub fn indentation_at(&self, byte: usize) -> &str {
        let line = self.line_text(self.position(byte).line);
        &line[..line.len() - line.trim_start().len()]
    }
}

/// A path relative to the current directory when it lies below it, always with `/` (on Windows
/// the separator `\` becomes `/`; on Unix a `\` is part of a name and stays).
pub fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let text = relative.to_string_lossy();
    let text = if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    };
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_skip_the_bom() {
        let mut bytes = BOM.to_vec();
        bytes.extend_from_slice("ab\r\næø x\n".as_bytes());
        let file = SourceFile::from_bytes(Path::new("f.cs"), bytes).unwrap();
        assert!(file.bom);
        let x = file.text.find('x').unwrap() + 3;
        assert_eq!(file.position(x), Position { line: 2, column: 4 });
        assert_eq!(file.line_text(1), "ab");
        assert_eq!(file.slice(Span::new(3, 5)), "ab");
    }

    #[test]
    fn a_position_inside_a_character_is_that_character() {
        let file = SourceFile::from_text(Path::new("f.xml"), "\u{feff}?<x".into(), false);
        assert_eq!(file.position(1), Position { line: 1, column: 1 });
        assert_eq!(file.position(4), Position { line: 1, column: 3 });
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let err = SourceFile::from_bytes(Path::new("f.cs"), b"ok\xff".to_vec()).unwrap_err();
        assert!(err.to_string().contains("offset 2"));
    }
}
