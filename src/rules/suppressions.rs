//! Inline suppressions: `// maskinporten-migrate: ignore MP101 -- reason` on the line before a
//! construct (or at the end of its first line), and `maskinporten-migrate: ignore-file MP301 --
//! reason` anywhere in a file, in any comment syntax (C#, JSON with comments, XML). A reason is
//! required; a suppression without one does not apply (MP002), and one that suppresses nothing
//! is reported (MP001), so suppressions cannot rot unnoticed.

use std::sync::Arc;

use super::{Code, Finding, Rule, Severity};
use crate::core::Site;
use crate::core::SourceFile;

const MARKER: &str = "maskinporten-migrate:";

pub static UNUSED: Rule = Rule {
    code: Code::MP001,
    name: "unused-suppression",
    severity: Severity::Warning,
    summary: "A suppression comment that suppresses nothing",
    doc: r#"## What it does
Reports a `maskinporten-migrate: ignore ...` or `ignore-file ...` comment when no finding of the
rules it names is on the line it covers (or in the file).

## Why it matters
The construct was fixed or moved, and the comment now silences whatever appears there next.

## Example
```csharp
// maskinporten-migrate: ignore MP101 -- migrated in #1234
services.AddHttpClient<IFoo, Foo>().UseMaskinportenAuthorization("a:b");
```

## Fix
None: delete the comment.

## Fix safety
No fix is offered: whether the comment should go or move to the construct it was meant for is for a person to decide.
"#,
    ..Rule::DEFAULTS
};

pub static NO_REASON: Rule = Rule {
    code: Code::MP002,
    name: "suppression-without-reason",
    severity: Severity::Warning,
    summary: "A suppression comment without a reason (it does not apply)",
    doc: r#"## What it does
Reports a suppression comment that gives no reason after `--`. It does not suppress anything.

## Why it matters
A reviewer (or the next migration) needs to know why a legacy setup stays.

## Example
```csharp
// maskinporten-migrate: ignore MP101
```
should be
```csharp
// maskinporten-migrate: ignore MP101 -- the DAN client needs its own identity until Q3
```

## Fix
None: write the reason.

## Fix safety
No fix is offered: only a person can give the reason.
"#,
    ..Rule::DEFAULTS
};

/// One suppression comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub site: Site,
    /// Rule codes or names, as written.
    pub rules: Vec<String>,
    pub reason: Option<String>,
    pub file_level: bool,
    /// The 1-based line of the comment.
    pub line: usize,
}

/// Whether the bytes may hold a suppression (a cheap check before reading them as text).
pub fn may_hold(bytes: &[u8]) -> bool {
    bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes())
}

/// The suppression comments of a file.
pub fn scan(file: &Arc<SourceFile>) -> Vec<Suppression> {
    let mut found = Vec::new();
    let mut offset = 0;
    for (index, line) in file.text.split_inclusive('\n').enumerate() {
        if let Some(at) = line.find(MARKER) {
            let body = line[at + MARKER.len()..]
                .trim_end()
                .trim_end_matches("-->")
                .trim_end_matches("*/")
                .trim();
            let (directive, reason) = match body.split_once("--") {
                Some((d, r)) => (d.trim(), Some(r.trim()).filter(|r| !r.is_empty())),
                None => (body, None),
            };
            let (file_level, rest) = if let Some(rest) = directive.strip_prefix("ignore-file") {
                (true, rest)
            } else if let Some(rest) = directive.strip_prefix("ignore") {
                (false, rest)
            } else {
                offset += line.len();
                continue;
            };
            let rules: Vec<String> = rest
                .split([',', ' '])
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_string)
                .collect();
            let start = offset + at;
            found.push(Suppression {
                site: Site {
                    file: file.clone(),
                    span: file.span_of_text(start, offset + line.trim_end().len()),
                },
                rules,
                reason: reason.map(str::to_string),
                file_level,
                line: index + 1,
            });
        }
        offset += line.len();
    }
    found
}

fn names(s: &Suppression, rule: &Rule) -> bool {
    s.rules
        .iter()
        .any(|r| super::find(r).is_some_and(|named| named.code == rule.code))
}

fn covers(s: &Suppression, f: &Finding) -> bool {
    if s.site.file.path != f.site.file.path || !names(s, f.rule) {
        return false;
    }
    let line = f.site.file.position(f.site.span.start).line;
    s.file_level || line == s.line || line == s.line + 1
}

/// Removes the findings the suppressions cover, and reports suppressions that are unused or
/// have no reason. Returns the findings kept and how many were suppressed.
pub fn apply(findings: Vec<Finding>, suppressions: &[Suppression]) -> (Vec<Finding>, usize) {
    let valid: Vec<&Suppression> = suppressions.iter().filter(|s| s.reason.is_some()).collect();
    let mut used = vec![false; valid.len()];
    let mut kept = Vec::new();
    let mut suppressed = 0;
    for f in findings {
        let mut hit = false;
        for (i, s) in valid.iter().enumerate() {
            if covers(s, &f) {
                used[i] = true;
                hit = true;
            }
        }
        if hit {
            suppressed += 1;
        } else {
            kept.push(f);
        }
    }
    for s in suppressions.iter().filter(|s| s.reason.is_none()) {
        kept.push(Finding::new(
            &NO_REASON,
            s.site.clone(),
            "This suppression has no reason after `--`, so it does not apply; say why the finding may stay.",
        ));
    }
    for (s, _) in valid.iter().zip(&used).filter(|(_, used)| !**used) {
        kept.push(Finding::new(
            &UNUSED,
            s.site.clone(),
            format!(
                "This suppression of {} suppresses nothing{}; delete it.",
                s.rules.join(", "),
                if s.file_level {
                    " in this file"
                } else {
                    " on the line it covers"
                }
            ),
        ));
    }
    (kept, suppressed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn reads_line_and_file_suppressions_in_any_comment_syntax() {
        let file = Arc::new(SourceFile::from_text(
            Path::new("a.cs"),
            "// maskinporten-migrate: ignore MP101, legacy-named-client -- DAN keeps its client\nx();\n<!-- maskinporten-migrate: ignore-file MP501 -- policy owned by another team -->\n/* maskinporten-migrate: ignore MP103 */\n".into(),
            false,
        ));
        let found = scan(&file);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].rules, ["MP101", "legacy-named-client"]);
        assert_eq!(found[0].reason.as_deref(), Some("DAN keeps its client"));
        assert_eq!(found[0].line, 1);
        assert!(found[1].file_level);
        assert_eq!(
            found[1].reason.as_deref(),
            Some("policy owned by another team")
        );
        assert_eq!(found[2].reason, None);
    }
}
