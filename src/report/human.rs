//! `--format human`: a code frame per finding (miette), its related places in other files, why a
//! fix is or is not offered, and a summary line.
//!
//! A frame shows only the lines around what it points at (`Snippet`), so rendering costs what is
//! reported, not the size of the file; a line longer than `MAX_LINE` characters is cut to a
//! window around the place it points at, with `…` where it was cut. Text is wrapped at the width
//! asked for (the terminal's), never inside `code`.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::Outcome;
use super::redact::redact;
use crate::core::Severity;
use crate::core::Site;
use crate::core::SourceFile;
use crate::rules::Finding;

/// One rendered diagnostic, with its own source so related places may sit in other files.
#[derive(Debug)]
struct Frame {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Snippet,
    labels: Vec<LabeledSpan>,
    related: Vec<Frame>,
}

impl fmt::Display for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Frame {}

impl Diagnostic for Frame {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

/// Characters of one line a frame shows; a longer line is cut to a window around the places it
/// points at (at least `WINDOW` characters, at most `MAX_LINE`).
const MAX_LINE: usize = 400;
const WINDOW: usize = 160;
/// Characters a cut line shows before and after the places it points at.
const LEAD: usize = 40;
/// Labels in the same file further than this many lines from the finding get a frame of their
/// own (a frame shows every line between its labels).
const MAX_FRAME_LINES: usize = 40;
/// The cut mark.
const CUT: &str = "…";

/// The code a frame shows: the lines around its labels (redacted, long lines cut), numbered as
/// in the file.
#[derive(Debug)]
struct Snippet {
    name: String,
    text: String,
    /// The file's 0-based number of the first line shown.
    first_line: usize,
    /// Per line shown: how many bytes of the file's line come before the shown column 0 (the
    /// window's start, less the cut mark); miette counts columns in bytes.
    shifts: Vec<isize>,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        let line = inner.line();
        let shift = self.shifts.get(line).copied().unwrap_or(0);
        let column = usize::try_from(inner.column() as isize + shift).unwrap_or(0);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

/// The snippet of `file` that shows the text offsets in `offsets` (offsets into the text, after
/// the BOM), which are mapped to offsets into the snippet.
fn snippet(file: &SourceFile, offsets: &mut [usize]) -> Snippet {
    let line_of = |offset: usize| file.position(offset + file.text_offset()).line;
    let lowest = offsets.iter().copied().min().unwrap_or(0);
    let highest = offsets.iter().copied().max().unwrap_or(0);
    let first = line_of(lowest).saturating_sub(1).max(1);
    let last = (line_of(highest) + 1).min(file.line_count());
    // Redact from two lines earlier: a secret key may sit on the line before its value.
    let redact_from = file.line_bounds(first.saturating_sub(2).max(1)).0;
    let region_start = file.line_bounds(first).0;
    let region_end = file.line_bounds(last).1;
    let redacted = redact(&file.text[redact_from..region_end]);
    let region = &redacted[region_start - redact_from..];

    let mut text = String::new();
    let mut shifts = Vec::new();
    let mut mapped = vec![false; offsets.len()];
    for line in first..=last {
        let (start, end) = file.line_bounds(line);
        let whole = &region[start - region_start..end - region_start];
        let content = whole.trim_end_matches(['\n', '\r']);
        let ending = &whole[content.len()..];
        let on_line = |o: usize| o >= start && (o < end || (line == last && o == end));
        let chars = content.chars().count();
        let (from, to) = if chars <= MAX_LINE {
            (0, content.len())
        } else {
            let here: Vec<usize> = offsets
                .iter()
                .copied()
                .filter(|o| on_line(*o))
                .map(|o| floor_boundary(content, (o - start).min(content.len())))
                .collect();
            let char_at = |byte: usize| content[..byte].chars().count();
            let low = here.iter().copied().min().map_or(0, char_at);
            let high = here.iter().copied().max().map_or(0, char_at);
            let first_char = low.saturating_sub(LEAD);
            let last_char = (high + LEAD)
                .max(first_char + WINDOW)
                .min(first_char + MAX_LINE)
                .min(chars);
            let byte = |c: usize| {
                content
                    .char_indices()
                    .nth(c)
                    .map_or(content.len(), |(i, _)| i)
            };
            (byte(first_char), byte(last_char))
        };
        let shift = if from > 0 {
            from as isize - CUT.len() as isize
        } else {
            0
        };
        let base = text.len() + if from > 0 { CUT.len() } else { 0 };
        for (i, offset) in offsets.iter_mut().enumerate() {
            if mapped[i] || !on_line(*offset) {
                continue;
            }
            let within = *offset - start;
            *offset = if within <= content.len() {
                base + within.clamp(from, to) - from
            } else {
                // In the line ending: after the shown text (and the cut mark, if any).
                base + (to - from)
                    + if to < content.len() { CUT.len() } else { 0 }
                    + (within - content.len())
            };
            mapped[i] = true;
        }
        if from > 0 {
            text.push_str(CUT);
        }
        // A lone CR is no line break in the file's positions: show it as a space.
        push_without_lone_cr(&mut text, &content[from..to]);
        if to < content.len() {
            text.push_str(CUT);
        }
        text.push_str(ending);
        shifts.push(shift);
    }
    for (i, offset) in offsets.iter_mut().enumerate() {
        if !mapped[i] {
            *offset = text.len();
        }
    }
    Snippet {
        name: file.display.clone(),
        text,
        first_line: first - 1,
        shifts,
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn push_without_lone_cr(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
}

/// A frame's source and labels: `places` (sites of one file, with their label text).
fn framed(places: &[(&Site, Option<String>)]) -> (Snippet, Vec<LabeledSpan>) {
    let file = &places[0].0.file;
    let text_offset = |byte: usize| byte.saturating_sub(file.text_offset()).min(file.text.len());
    let mut offsets: Vec<usize> = places
        .iter()
        .flat_map(|(site, _)| [text_offset(site.span.start), text_offset(site.span.end)])
        .collect();
    let source = snippet(file, &mut offsets);
    let labels = places
        .iter()
        .enumerate()
        .map(|(i, (_, text))| {
            let (start, end) = (offsets[2 * i], offsets[2 * i + 1].max(offsets[2 * i]));
            LabeledSpan::new(text.clone(), start, end - start)
        })
        .collect();
    (source, labels)
}

fn related_frame(site: &Site, message: &str) -> Frame {
    let (source, labels) = framed(&[(site, Some(message.to_string()))]);
    Frame {
        message: format!("related: {message}"),
        code: None,
        severity: miette::Severity::Advice,
        help: None,
        source,
        labels,
        related: Vec::new(),
    }
}

fn frame(finding: &Finding) -> Frame {
    let line_of = |site: &Site| site.file.position(site.span.start).line;
    let home = line_of(&finding.site);
    let mut places = vec![(&finding.site, Some(finding.rule.name.to_string()))];
    let mut related = Vec::new();
    for r in &finding.related {
        if r.site.file.path == finding.site.file.path
            && line_of(&r.site).abs_diff(home) <= MAX_FRAME_LINES
        {
            places.push((&r.site, Some(r.message.clone())));
        } else {
            related.push(related_frame(&r.site, &r.message));
        }
    }
    let (source, labels) = framed(&places);
    let help = match (&finding.fix, &finding.fix_withheld) {
        (Some(fix), _) => Some(format!(
            "{}: {}",
            super::fix_label(fix.safety),
            fix.description
        )),
        (None, Some(why)) => Some(format!("no automatic fix: {why}")),
        (None, None) => None,
    };
    Frame {
        message: finding.message.clone(),
        code: None,
        severity: match finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help,
        source,
        labels,
        related,
    }
}

/// Splits a line into words for wrapping: at spaces, but never inside `code`.
fn words_outside_code(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut in_code = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'`' => in_code = !in_code,
            b' ' if !in_code => {
                let mut end = i;
                while end < bytes.len() && bytes[end] == b' ' {
                    end += 1;
                }
                words.push(textwrap::core::Word::from(&line[start..end]));
                start = end;
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if start < line.len() {
        words.push(textwrap::core::Word::from(&line[start..]));
    }
    Box::new(words.into_iter())
}

/// The width human output wraps at when it is not written to a terminal.
pub const DEFAULT_WIDTH: usize = 100;

/// The report, wrapped at `width` columns (the terminal's; `DEFAULT_WIDTH` otherwise).
pub fn render(outcome: &Outcome, color: bool, width: usize) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width.max(40))
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::Custom(words_outside_code))
        .with_context_lines(1);
    let mut out = String::new();
    for finding in outcome.findings {
        let position = finding.site.file.position(finding.site.span.start);
        out.push_str(&format!(
            "{}:{}:{}: {} {} [{}]\n",
            finding.site.file.display,
            position.line,
            position.column,
            finding.severity,
            finding.rule.code,
            finding.rule.name
        ));
        // A renderer never stops the report: a frame miette cannot draw becomes the message.
        let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut text = String::new();
            handler
                .render_report(&mut text, &frame(finding))
                .ok()
                .map(|()| text)
        }));
        match drawn {
            Ok(Some(text)) => out.push_str(&text),
            _ => out.push_str(&finding.message),
        }
        out.push('\n');
    }
    for (path, note) in outcome.notes() {
        out.push_str(&format!("note: {path}: {note}\n"));
    }
    for gap in outcome.gaps {
        out.push_str(&format!("incomplete: {}: {}\n", gap.path, gap.message));
    }
    let s = outcome.summary();
    let apps = outcome.projects.iter().filter(|p| p.is_app()).count();
    let mut hidden = Vec::new();
    if s.suppressed > 0 {
        hidden.push(format!("{} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        hidden.push(format!("{} in the baseline", s.baselined));
    }
    let hidden = if hidden.is_empty() {
        String::new()
    } else {
        format!("; {}", hidden.join(", "))
    };
    // An empty result of an incomplete check must not read like a clean one.
    let incomplete = if outcome.gaps.is_empty() {
        ""
    } else {
        "; INCOMPLETE: less was checked than asked (see `incomplete:` above), so this is not a clean result"
    };
    out.push_str(&format!(
        "{} error{}, {} warning{}, {} info{} in {} file{} ({} project{}, {} Altinn app{}{hidden}){incomplete}\n",
        s.errors,
        plural(s.errors),
        s.warnings,
        plural(s.warnings),
        s.infos,
        plural(s.infos),
        s.files_scanned,
        plural(s.files_scanned),
        outcome.projects.len(),
        plural(outcome.projects.len()),
        apps,
        plural(apps),
    ));
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
