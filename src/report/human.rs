//! `--format human`: a code frame per finding (miette), its related places in other files, why a
//! fix is or is not offered, and a summary line.

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::Outcome;
use super::redact::redact;
use crate::core::Severity;
use crate::core::Site;
use crate::rules::Finding;

/// One rendered diagnostic, with its own source so related places may sit in other files.
#[derive(Debug)]
struct Frame {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<String>,
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

fn label(site: &Site, text: Option<String>) -> LabeledSpan {
    let offset = site.span.start - site.file.text_offset().min(site.span.start);
    LabeledSpan::new(text, offset, site.span.end - site.span.start)
}

fn source(site: &Site) -> NamedSource<String> {
    // Frames show whole lines: secret values on them are masked (same length, spans stay right).
    NamedSource::new(site.file.display.clone(), redact(&site.file.text))
}

fn frame(finding: &Finding) -> Frame {
    let mut labels = vec![label(&finding.site, Some(finding.rule.name.to_string()))];
    let mut related = Vec::new();
    for r in &finding.related {
        if r.site.file.path == finding.site.file.path {
            labels.push(label(&r.site, Some(r.message.clone())));
        } else {
            related.push(Frame {
                message: format!("related: {}", r.message),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source: source(&r.site),
                labels: vec![label(&r.site, Some(r.message.clone()))],
                related: Vec::new(),
            });
        }
    }
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
        source: source(&finding.site),
        labels,
        related,
    }
}

pub fn render(outcome: &Outcome, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
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
        if handler.render_report(&mut out, &frame(finding)).is_err() {
            out.push_str(&finding.message);
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
