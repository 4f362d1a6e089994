use super::{Applies, Context, Finding, Rule, Severity};
use crate::facts::csharp::startup::StartupKind;

pub static RULE: Rule = Rule {
    code: "MP401",
    name: "keyvault-before-webhost",
    severity: Severity::Error,
    summary: "Key Vault is added as a configuration source before ConfigureAppWebHost",
    applies: Applies::Apps,
    check,
    doc: r#"## What it does
Follows the start-up of the app in source order (top-level statements or `Main`, stepping into
the local functions and methods they call in the same file, such as the template's
`ConfigureWebHostBuilder`) and reports `AddAzureKeyVaultAsConfigProvider()` or
`AddAzureKeyVault(...)` when it runs before `ConfigureAppWebHost(...)`.

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
"#,
};

fn check(context: &Context, out: &mut Vec<Finding>) {
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
        out.push(finding.withheld(
            "Moving the call is not automated yet; it belongs after the web host configuration.",
        ));
    }
}
