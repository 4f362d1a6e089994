//! Source files as the pipeline sees them: the decoded text (every stage reads UTF-8), the
//! file's own encoding with a map from text offsets to its bytes, and 1-based line/column
//! positions for reports. A file is UTF-8 (with or without a BOM), UTF-16 LE/BE with a BOM, or,
//! for files of the tree that are not valid UTF-8, Windows-1252 (the superset of ISO-8859-1
//! that Windows editors and the C# compiler fall back to). Writing re-encodes the text in the
//! file's own encoding.

use std::path::{Path, PathBuf};

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// A byte range of a file as the pipeline reads it: offsets into the UTF-8 text, after the 3
/// bytes of a UTF-8 BOM when the file has one (so for a UTF-8 file they are the file's own
/// bytes). For a file in another encoding, `SourceFile::file_offset` gives its own bytes.
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

/// How a file's bytes encode its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Always with its BOM (a file without one is not recognised as UTF-16).
    Utf16Le,
    Utf16Be,
    /// The single-byte fallback for a file of the tree that is not valid UTF-8.
    Windows1252,
}

impl Encoding {
    /// The IANA name, as SARIF and the JSON report give it.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    /// Whether a text patch (`git apply`) can carry the file's bytes: lines end in the byte
    /// `\n` only in encodings where ASCII is one byte.
    pub fn fits_a_text_patch(self) -> bool {
        matches!(self, Encoding::Utf8 | Encoding::Windows1252)
    }

    /// The bytes of `text` in this encoding, without a BOM; the first character it cannot
    /// hold when there is one.
    pub fn encode(self, text: &str) -> Result<Vec<u8>, char> {
        match self {
            Encoding::Utf8 => Ok(text.as_bytes().to_vec()),
            Encoding::Utf16Le => Ok(text.encode_utf16().flat_map(u16::to_le_bytes).collect()),
            Encoding::Utf16Be => Ok(text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
            Encoding::Windows1252 => {
                let (bytes, _, unmappable) = WINDOWS_1252.encode(text);
                match unmappable {
                    false => Ok(bytes.into_owned()),
                    true => Err(self.first_unencodable(text).unwrap_or('\u{fffd}')),
                }
            }
        }
    }

    /// The first character of `text` this encoding cannot hold.
    pub fn first_unencodable(self, text: &str) -> Option<char> {
        if self != Encoding::Windows1252 {
            return None;
        }
        let mut buffer = [0u8; 4];
        text.chars()
            .filter(|c| !c.is_ascii())
            .find(|c| WINDOWS_1252.encode(c.encode_utf8(&mut buffer)).2)
    }

    /// How many bytes `text` takes in this encoding.
    fn width(self, text: &str) -> usize {
        match self {
            Encoding::Utf8 => text.len(),
            Encoding::Utf16Le | Encoding::Utf16Be => 2 * text.encode_utf16().count(),
            Encoding::Windows1252 => text.chars().count(),
        }
    }

    fn bom(self) -> &'static [u8] {
        match self {
            Encoding::Utf8 => BOM,
            Encoding::Utf16Le => b"\xFF\xFE",
            Encoding::Utf16Be => b"\xFE\xFF",
            Encoding::Windows1252 => b"",
        }
    }
}

/// What to do with bytes that have no BOM and are not valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Refuse them (option files given on the command line).
    None,
    /// Read them as Windows-1252 (files of the tree: legacy C# with Norwegian comments).
    Windows1252,
}

/// A text file read for analysis.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given on the file system.
    pub path: PathBuf,
    /// The path shown in reports: relative to the current directory, with `/`.
    pub display: String,
    /// The decoded text, without the BOM.
    pub text: String,
    /// Whether the file starts with a BOM (for UTF-8 its 3 bytes count in spans; a UTF-16 file
    /// always has one).
    pub bom: bool,
    pub encoding: Encoding,
    line_starts: Vec<usize>,
    /// For a file not in UTF-8: where each line starts in the file's own bytes.
    line_bytes: Vec<usize>,
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
    /// A UTF-8 BOM followed by bytes that are not UTF-8.
    BadAfterBom {
        valid_up_to: usize,
    },
    /// A UTF-16 BOM followed by bytes that are not UTF-16 (an odd length, a lone surrogate).
    BadUtf16 {
        encoding: Encoding,
        offset: usize,
    },
    /// A NUL byte without a BOM: UTF-16 without its BOM, or not text at all.
    Nul {
        offset: usize,
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
            ReadError::BadAfterBom { valid_up_to } => write!(
                f,
                "the file starts with a UTF-8 byte-order mark but is not valid UTF-8 (first bad byte at offset {valid_up_to}); save it in one encoding to have it checked"
            ),
            ReadError::BadUtf16 { encoding, offset } => write!(
                f,
                "the file starts with a {} byte-order mark but is not valid {} (first bad byte at offset {offset}); save it as UTF-8 to have it checked",
                encoding.name(),
                encoding.name()
            ),
            ReadError::Nul { offset } => write!(
                f,
                "the file holds a NUL byte (offset {offset}): UTF-16 without a byte-order mark, or not a text file; save it as UTF-8 to have it checked"
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

/// A file's text, decoded.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    pub bom: bool,
}

/// Decodes a file's bytes: by its BOM, else as UTF-8, else by `fallback`.
pub fn decode(bytes: Vec<u8>, fallback: Fallback) -> Result<Decoded, ReadError> {
    let decoded = match encoding_rs::Encoding::for_bom(&bytes) {
        Some((_, 3)) => {
            let text =
                String::from_utf8(bytes[3..].to_vec()).map_err(|e| ReadError::BadAfterBom {
                    valid_up_to: e.utf8_error().valid_up_to() + 3,
                })?;
            Decoded {
                text,
                encoding: Encoding::Utf8,
                bom: true,
            }
        }
        Some((found, _)) => {
            let encoding = if found == UTF_16LE {
                Encoding::Utf16Le
            } else {
                Encoding::Utf16Be
            };
            Decoded {
                text: decode_utf16(&bytes[2..], encoding)?,
                encoding,
                bom: true,
            }
        }
        None => {
            if let Some(offset) = bytes.iter().position(|&b| b == 0) {
                return Err(ReadError::Nul { offset });
            }
            match (String::from_utf8(bytes), fallback) {
                (Ok(text), _) => Decoded {
                    text,
                    encoding: Encoding::Utf8,
                    bom: false,
                },
                (Err(e), Fallback::None) => {
                    return Err(ReadError::NotUtf8 {
                        valid_up_to: e.utf8_error().valid_up_to(),
                    });
                }
                (Err(e), Fallback::Windows1252) => Decoded {
                    // Every byte is a character in Windows-1252, so this cannot fail, and
                    // encoding the text again gives the same bytes.
                    text: WINDOWS_1252
                        .decode_without_bom_handling(e.as_bytes())
                        .0
                        .into_owned(),
                    encoding: Encoding::Windows1252,
                    bom: false,
                },
            }
        }
    };
    Ok(decoded)
}

/// The text of UTF-16 bytes after the BOM, or where they stop being UTF-16.
fn decode_utf16(body: &[u8], encoding: Encoding) -> Result<String, ReadError> {
    let codec = if encoding == Encoding::Utf16Le {
        UTF_16LE
    } else {
        UTF_16BE
    };
    if let Some(text) = codec.decode_without_bom_handling_and_without_replacement(body)
        && body.len().is_multiple_of(2)
    {
        return Ok(text.into_owned());
    }
    let units = body.chunks_exact(2).map(|pair| match encoding {
        Encoding::Utf16Le => u16::from_le_bytes([pair[0], pair[1]]),
        _ => u16::from_be_bytes([pair[0], pair[1]]),
    });
    let mut offset = 2;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => offset += 2 * c.len_utf16(),
            Err(_) => return Err(ReadError::BadUtf16 { encoding, offset }),
        }
    }
    // Every unit decoded: the odd last byte is the bad one.
    Err(ReadError::BadUtf16 { encoding, offset })
}

impl SourceFile {
    /// Reads an option file given on the command line, of any size (a FIFO such as
    /// `<(command)` is fine there): UTF-8 or UTF-16 with a BOM.
    pub fn read(path: &Path) -> Result<SourceFile, ReadError> {
        let bytes = std::fs::read(path).map_err(ReadError::Io)?;
        Self::from_bytes(path, bytes)
    }

    /// Reads a file of the tree (`read_regular`): also Windows-1252 when it is not UTF-8.
    pub fn read_limited(path: &Path, limit: u64) -> Result<SourceFile, ReadError> {
        Self::decoded(
            path,
            decode(read_regular(path, limit)?, Fallback::Windows1252)?,
        )
    }

    /// UTF-8 (with or without a BOM) or UTF-16 with a BOM.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<SourceFile, ReadError> {
        Self::decoded(path, decode(bytes, Fallback::None)?)
    }

    /// A file whose bytes are decoded already.
    pub fn decoded(path: &Path, decoded: Decoded) -> Result<SourceFile, ReadError> {
        let Decoded {
            text,
            encoding,
            bom,
        } = decoded;
        if encoding != Encoding::Utf8
            && let Some(at) = text.find('\0')
        {
            // A NUL character after a UTF-16 BOM: not a text file either.
            let offset = encoding.bom().len() + encoding.width(&text[..at]);
            return Err(ReadError::Nul { offset });
        }
        let mut file = Self::from_text(path, text, bom);
        if encoding != Encoding::Utf8 {
            file.encoding = encoding;
            file.line_bytes = file.line_byte_offsets();
        }
        Ok(file)
    }

    pub fn from_text(path: &Path, text: String, bom: bool) -> SourceFile {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.to_path_buf(),
            display: display_path(path),
            text,
            bom,
            encoding: Encoding::Utf8,
            line_starts,
            line_bytes: Vec::new(),
        }
    }

    /// Where each line starts in the file's own bytes.
    fn line_byte_offsets(&self) -> Vec<usize> {
        let mut at = self.encoding.bom().len();
        let mut out = Vec::with_capacity(self.line_starts.len());
        let mut previous = 0;
        for &start in &self.line_starts {
            at += self.encoding.width(&self.text[previous..start]);
            out.push(at);
            previous = start;
        }
        out
    }

    /// The offset in the file's own bytes of an offset of a span (the same number for a UTF-8
    /// file): what edits in the JSON and SARIF reports give.
    pub fn file_offset(&self, byte: usize) -> usize {
        if self.encoding == Encoding::Utf8 {
            return byte;
        }
        let at = self.char_start(byte);
        let line = self.line_starts.partition_point(|&s| s <= at) - 1;
        self.line_bytes[line] + self.encoding.width(&self.text[self.line_starts[line]..at])
    }

    /// The file's bytes for `text` (its new content): in its own encoding, with its BOM; the
    /// first character the encoding cannot hold when there is one. Never transcodes.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, char> {
        let body = self.encoding.encode(text)?;
        let bom: &[u8] = if self.bom { self.encoding.bom() } else { b"" };
        Ok([bom, &body].concat())
    }

    /// Where the text starts in span offsets: after a UTF-8 BOM.
    pub fn text_offset(&self) -> usize {
        if self.bom && self.encoding == Encoding::Utf8 {
            3
        } else {
            0
        }
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

    /// 1-based position of a span offset.
    pub fn position(&self, byte: usize) -> Position {
        let at = self.char_start(byte.saturating_sub(self.text_offset()));
        let line_index = self.line_starts.partition_point(|&s| s <= at) - 1;
        let line_start = self.line_starts[line_index];
        let column = self.text[line_start..at].chars().count() + 1;
        Position {
            line: line_index + 1,
            column,
        }
    }

    /// A text offset, within the text and moved back to the start of the character it falls in:
    /// an offset inside a character (a parser's error position) counts as that character.
    fn char_start(&self, offset: usize) -> usize {
        let mut at = offset.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
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
    fn windows_1252_reads_every_byte_and_writes_the_same_bytes_back() {
        let mut bytes: Vec<u8> = (1..=255u8).collect();
        bytes.extend_from_slice(b"\r\n// s\xF8knad om tilskudd \x80 \x81\n");
        let file = SourceFile::decoded(
            Path::new("f.cs"),
            decode(bytes.clone(), Fallback::Windows1252).unwrap(),
        )
        .unwrap();
        assert_eq!(file.encoding, Encoding::Windows1252);
        assert!(file.text.contains("søknad") && file.text.contains('€'));
        assert_eq!(file.encode(&file.text).unwrap(), bytes);
        // Offsets of the file are character counts; positions count characters too.
        let x = file.text.find("knad").unwrap();
        assert_eq!(
            file.file_offset(x),
            bytes.len() - b"knad om tilskudd \x80 \x81\n".len()
        );
        assert_eq!(file.position(x).column, 6);
        // An offset inside `ø` (two bytes of the text, one of the file) is that character's.
        assert_eq!(file.file_offset(x - 1), file.file_offset(x) - 1);
        assert_eq!(file.encode("→"), Err('→'));
        assert_eq!(
            Encoding::Windows1252.first_unencodable("æøå → x"),
            Some('→')
        );
    }

    #[test]
    fn utf16_with_its_bom_maps_offsets_to_its_bytes_and_writes_them_back() {
        let text = "using A;\r\n// blåbær\r\nvar x = 1;\r\n";
        for (bom, encode) in [
            (&b"\xFF\xFE"[..], u16::to_le_bytes as fn(u16) -> [u8; 2]),
            (&b"\xFE\xFF"[..], u16::to_be_bytes),
        ] {
            let mut bytes = bom.to_vec();
            bytes.extend(text.encode_utf16().flat_map(encode));
            let file = SourceFile::from_bytes(Path::new("f.cs"), bytes.clone()).unwrap();
            assert!(file.bom);
            assert_eq!(file.text, text);
            assert_eq!(file.text_offset(), 0);
            let x = file.text.find("var").unwrap();
            assert_eq!(file.position(x), Position { line: 3, column: 1 });
            // The BOM, then two bytes per character before it (`å` and `æ` are one unit each).
            assert_eq!(
                file.file_offset(x),
                2 + 2 * "using A;\r\n// blåbær\r\n".chars().count()
            );
            assert_eq!(file.file_offset(file.text.len()), bytes.len());
            assert_eq!(file.encode(&file.text).unwrap(), bytes);
        }
    }

    #[test]
    fn utf8_offsets_are_the_file_bytes() {
        let mut bytes = BOM.to_vec();
        bytes.extend_from_slice("æ x".as_bytes());
        let file = SourceFile::from_bytes(Path::new("f.cs"), bytes.clone()).unwrap();
        let x = file.text.find('x').unwrap() + 3;
        assert_eq!(file.file_offset(x), x);
        assert_eq!(file.encode(&file.text).unwrap(), bytes);
    }

    #[test]
    fn option_files_are_not_read_as_windows_1252() {
        let err =
            SourceFile::from_bytes(Path::new("scopes.txt"), b"a:b\n\xff\n".to_vec()).unwrap_err();
        assert!(
            err.to_string()
                .contains("not valid UTF-8 (first bad byte at offset 4)")
        );
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let err = SourceFile::from_bytes(Path::new("f.cs"), b"ok\xff".to_vec()).unwrap_err();
        assert!(err.to_string().contains("offset 2"));
    }
}
