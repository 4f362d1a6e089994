//! MP401 keyvault-before-webhost: Key Vault is added as a configuration source before ConfigureAppWebHost.
//! The rule's documentation is `RULE.doc` below, served by `maskinporten-migrate explain MP401`.

use super::{Code, Context, Finding, Rule, Severity};
use crate::assess::VersionModel;
use crate::core::Site;
use crate::core::Span;
use crate::edit::{Edit, Fix, Safety, text};
use crate::facts::csharp::startup::{StartupEvent, StartupKind};

pub static RULE: Rule = Rule {
    code: Code::MP401,
    name: "keyvault-before-webhost",
    severity: Severity::Error,
    summary: "Key Vault is added as a configuration source before ConfigureAppWebHost",
    check,
    doc: r#"## What it does
Follows the start-up of the app in source order (top-level statements or `Main`, stepping into
the local functions and methods they call in the same file, such as the template's
`ConfigureWebHostBuilder`) and reports `AddAzureKeyVaultAsConfigProvider()` or
`AddAzureKeyVault(...)` when it runs before `ConfigureAppWebHost(...)`.

| Altinn.App 8 | 9.0.0-preview.1 to .5 | 9.0.0-preview.6 and later |
|---|---|---|
| warning, safe fix | the same | not reported: the built-in client's credentials no longer come from the app's configuration, so the order decides nothing for it |

## Why it matters
Configuration sources added later win. `ConfigureAppWebHost` adds the provisioned
`maskinporten-settings.json`, the runtime secret files and `appsettings.Local.json`; Key Vault
added before them is overridden by them, so the Key Vault values the app relies on lose, and the
Altinn docs say the app fails to start when Key Vault is added first. While an app still uses its
own Maskinporten credentials from Key Vault, Key Vault must come after the web host.

## Example
```csharp
builder.AddAzureKeyVaultAsConfigProvider();
ConfigureWebHostBuilder(builder.WebHost);
```

## Fix
Moves the Key Vault call after the web host configuration when both sit in one statement list.

## Fix safety
**Safe**: only the order of two start-up statements changes, so Key Vault is added after
the web host as the Altinn docs require; the statement moves with the comment lines above it.
**Withheld** when the two calls are not top-level statements of one file or share a statement.
"#,
    ..Rule::DEFAULTS
};

fn check(context: &Context, out: &mut Vec<Finding>) {
    // From 9.0.0-preview.6 the built-in client reads no app configuration, so the order no
    // longer decides its credentials.
    if context.assessment.model == VersionModel::V9 {
        return;
    }
    let events = &context.facts.startup;
    let Some(web_host) = events.iter().position(|e| e.kind == StartupKind::WebHost) else {
        return;
    };
    for vault in events[..web_host].iter().filter(|e| {
        e.kind == StartupKind::KeyVault && e.site.file.path == events[web_host].site.file.path
    }) {
        let host = &events[web_host];
        let mut finding = Finding::new(
            &RULE,
            vault.site.clone(),
            "Key Vault is added as a configuration source before ConfigureAppWebHost, so the sources that adds (the provisioned maskinporten-settings.json, runtime secret files, appsettings.Local.json) override the Key Vault values; the Altinn docs say the app fails to start this way.",
        )
        .related(host.site.clone(), "ConfigureAppWebHost runs here, later");
        for step in &host.via {
            finding = finding.related(step.clone(), "called from here");
        }
        for step in &vault.via {
            finding = finding.related(step.clone(), "Key Vault is added through this call");
        }
        match move_after(vault, host) {
            Ok(fix) => finding.fix = Some(fix),
            Err(why) => finding.fix_withheld = Some(format!("The move is withheld: {why}.")),
        }
        out.push(finding);
    }
}

/// Moves the top-level statement that adds Key Vault (with the comment lines right above it)
/// to just after the statement that configures the web host.
fn move_after(vault: &StartupEvent, host: &StartupEvent) -> Result<Fix, String> {
    let (Some(from), Some(to)) = (&vault.statement, &host.statement) else {
        return Err("the calls are not top-level statements of one file".into());
    };
    if from.file.path != to.file.path || from.span == to.span {
        return Err("Key Vault and the web host are added in the same statement".into());
    }
    let file = &from.file;
    let lines =
        text::whole_lines(file, from.span).ok_or("other code shares the statement's lines")?;
    let start = with_comments_above(file, lines.start);
    let mut end = lines.end;
    // Take one blank line after it along, so the blank-line rhythm stays the same.
    let next = text::line_end(file, end);
    if next > end && text::between(file, end, next).trim().is_empty() {
        end = next;
    }
    let moved = text::between(file, start, lines.end).to_string();
    let after_host = text::whole_lines(file, to.span)
        .ok_or("other code shares the web host statement's lines")?;
    let eol = text::line_ending(file);
    Ok(Fix {
        safety: Safety::Safe,
        description: "add Key Vault after the web host configuration".to_string(),
        edits: vec![
            Edit {
                site: Site {
                    file: file.clone(),
                    span: Span::new(start, end),
                },
                replacement: String::new(),
            },
            Edit {
                site: Site {
                    file: file.clone(),
                    span: Span::new(after_host.end, after_host.end),
                },
                replacement: format!("{eol}{moved}"),
            },
        ],
    })
}

/// The start of the `//` comment lines directly above `line_start` (or `line_start` itself).
fn with_comments_above(file: &crate::core::SourceFile, line_start: usize) -> usize {
    let mut start = line_start;
    while start > file.text_offset() {
        let previous = text::line_start(file, start - 1);
        if !text::between(file, previous, start)
            .trim_start()
            .starts_with("//")
        {
            break;
        }
        start = previous;
    }
    start
}
