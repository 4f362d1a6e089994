//! MP201's fix with `--credentials keep` on Altinn.App 9.0.0-preview.6 and later: the app keeps
//! its own Maskinporten identity through the legacy package. `ConfigureMaskinportenClient("path")`
//! goes; each built-in registration that used that identity becomes a legacy registration bound
//! to the same section; the section's built-in keys get their legacy names; and the plan says
//! which Key Vault secrets to rename (MP110 adds the package reference).

use std::sync::Arc;

use super::{Context, Finding, Outside};
use crate::core::catalogue::{ADD_HTTP_CLIENT, KEY_MATERIAL, environment_of, is_one_of};
use crate::core::{Site, SourceFile, Span};
use crate::edit::{Edit, Fix, Safety, csharp, json};
use crate::facts::appsettings::ConfigValue;
use crate::facts::model::{BuiltinClient, ClientOverride, ClientOverrideArgument, ScopeValue};

/// The namespaces the legacy registrations need.
const NAMESPACES: [&str; 2] = [
    "Altinn.ApiClients.Maskinporten.Extensions",
    "Altinn.ApiClients.Maskinporten.Services",
];

/// MP201's finding with the move to the legacy package as its fix, or the reason it is withheld.
pub fn finding(context: &Context, o: &ClientOverride, mut f: Finding) -> Finding {
    let ClientOverrideArgument::Path(path) = &o.argument else {
        return f.withheld("The section path is not statically known, so the legacy registrations cannot be bound to it.");
    };
    for step in secret_renames(context, path) {
        f = f.outside(step);
    }
    match fix(context, o, path) {
        Ok(fix) => {
            f.fix = Some(fix);
            f
        }
        Err(why) => f.withheld(format!(
            "With --credentials keep the identity moves to the legacy package, but {why}."
        )),
    }
}

/// Whether MP201's fix moves an identity to legacy registrations in this run (`--credentials
/// keep` on 9.0.0-preview.6 and later, where nothing stops the move).
pub fn moves_identity(context: &Context) -> bool {
    context.keep()
        && context.assessment.model == crate::assess::VersionModel::V9
        && context
            .facts
            .client_overrides
            .iter()
            .any(|o| match &o.argument {
                ClientOverrideArgument::Path(path) => fix(context, o, path).is_ok(),
                _ => false,
            })
}

fn fix(context: &Context, o: &ClientOverride, path: &str) -> Result<Fix, String> {
    let facts = context.facts;
    if let Some(site) = facts.builtin_client_injections.first() {
        return Err(format!(
            "{} injects IMaskinportenClient and asks for tokens itself, so which identity those requests need is for a person to decide",
            site.file.display
        ));
    }
    if let Some(kv) = &context.external.key_vault
        && let Some(secret) = kv.under(path).next()
    {
        return Err(format!(
            "its credentials come from Key Vault ({} holds {secret}), and the legacy package binds the section when the registration runs, before Key Vault is added: the client would sign with empty credentials",
            kv.source
        ));
    }
    if facts.builtin_clients.is_empty() {
        return Err(
            "no built-in registration uses the identity, so there is nothing to move".into(),
        );
    }
    let mut edits = Vec::new();
    let mut files: Vec<Arc<SourceFile>> = Vec::new();
    for client in &facts.builtin_clients {
        edits.push(legacy_registration(client, path)?);
        if !files.iter().any(|f| f.path == client.site.file.path) {
            files.push(client.site.file.clone());
        }
    }
    for file in &files {
        edits.extend(csharp::add_usings(file, &NAMESPACES));
    }
    edits.extend(csharp::remove_statement(&o.site, String::new())?.edits);
    edits.extend(legacy_keys(context, path)?);
    let key_known = facts.deployed_appsettings().any(|file| {
        file.children(path).any(|e| {
            is_one_of(super::sections::key_name(&e.path), &KEY_MATERIAL)
                && !matches!(&e.value, ConfigValue::Str(v) if v.trim().is_empty())
        })
    });
    let (safety, note) = if key_known {
        (Safety::Safe, "")
    } else {
        (
            Safety::Unsafe,
            "; the legacy package binds the section when the registration runs, so its key must be there by then (appsettings, environment variables), not in Key Vault or a file added later",
        )
    };
    Ok(Fix {
        safety,
        description: format!(
            "keep the app's own identity through the legacy package: the built-in registrations become AddMaskinportenHttpClient bound to \"{path}\", and ConfigureMaskinportenClient goes{note}"
        ),
        edits,
    })
}

/// `services.AddHttpClient<I, Impl>().UseMaskinportenAuthorization("a", "b")` as
/// `services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, I, Impl>(config.GetSection("path"), d => ...)`
/// (or the named form), replacing the text from `AddHttpClient` to the end of the built-in call.
fn legacy_registration(client: &BuiltinClient, path: &str) -> Result<Edit, String> {
    let at = client.site.file.position(client.site.span.start).line;
    let place = format!("{}:{at}", client.site.file.display);
    if client.request {
        return Err(format!(
            "the client at {place} is given a MaskinportenTokenRequest, which the legacy settings cannot express"
        ));
    }
    // Only scopes written in place: the legacy `Scope` is one string, written out.
    let scopes: Option<Vec<&str>> = client
        .scopes
        .iter()
        .map(|s| match s {
            ScopeValue::Known {
                value, via: None, ..
            } => Some(value.as_str()),
            _ => None,
        })
        .collect();
    let scopes = scopes.ok_or_else(|| format!("a scope at {place} is not a literal"))?;
    let builder = client
        .builder
        .as_ref()
        .filter(|b| b.name == "AddHttpClient" && b.receiver.is_some())
        .ok_or_else(|| format!("the client at {place} is not built with services.AddHttpClient"))?;
    let config = client
        .parameters
        .iter()
        .find(|(kind, _)| {
            matches!(
                kind.rsplit('.').next().unwrap_or(kind),
                "IConfiguration"
                    | "IConfigurationRoot"
                    | "IConfigurationManager"
                    | "ConfigurationManager"
            )
        })
        .map(|(_, name)| name.as_str())
        .ok_or_else(|| {
            format!("no IConfiguration is in scope at {place} to bind the section from")
        })?;
    let lambda = if client.exchange {
        format!(
            "d => {{ d.ClientSettings.Scope = \"{}\"; d.ClientSettings.ExhangeToAltinnToken = true; }}",
            scopes.join(" ")
        )
    } else {
        format!("d => d.ClientSettings.Scope = \"{}\"", scopes.join(" "))
    };
    let section = format!("{config}.GetSection(\"{path}\")");
    let definition = "SettingsJwkClientDefinition";
    let call = match (builder.type_args.as_slice(), builder.args.as_slice()) {
        ([_, ..], []) if builder.type_args.len() <= 2 => format!(
            "{ADD_HTTP_CLIENT}<{definition}, {}>({section}, {lambda})",
            builder.type_args.join(", ")
        ),
        ([], [name]) => format!("{ADD_HTTP_CLIENT}<{definition}>({name}, {section}, {lambda})"),
        _ => {
            return Err(format!(
                "the client at {place} is registered in a shape the rewrite does not know"
            ));
        }
    };
    Ok(Edit::replace(
        Site::new(
            &client.site.file,
            Span::new(builder.method_site.span.start, client.site.span.end),
        ),
        call,
    ))
}

/// The section's built-in keys under their legacy names: `Authority` becomes `Environment` (by
/// its URL), `JwkBase64` becomes `EncodedJwk`; `ClientId` stays.
fn legacy_keys(context: &Context, path: &str) -> Result<Vec<Edit>, String> {
    let mut edits = Vec::new();
    for file in &context.facts.appsettings {
        for entry in file.children(path) {
            let name = super::sections::key_name(&entry.path);
            match name.to_ascii_lowercase().as_str() {
                "authority" => {
                    let url = entry.value.as_config_string().unwrap_or_default();
                    let environment = environment_of(&url).ok_or_else(|| {
                        format!("the Authority \"{url}\" in {} is no Maskinporten environment the legacy package knows", file.file.display)
                    })?;
                    edits.push(json::rename_key(file, entry, "Environment"));
                    edits.push(Edit::replace(
                        Site::new(&file.file, entry.value_span),
                        format!("\"{environment}\""),
                    ));
                }
                "jwkbase64" => edits.push(json::rename_key(file, entry, "EncodedJwk")),
                "jwk" => {
                    return Err(format!(
                        "{} holds the key as a Jwk object, which the legacy package cannot read (it takes EncodedJwk, the key in base64)",
                        file.file.display
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(edits)
}

/// Key Vault secrets under the path whose key the legacy package knows by another name.
fn secret_renames(context: &Context, path: &str) -> Vec<Outside> {
    let Some(kv) = &context.external.key_vault else {
        return Vec::new();
    };
    kv.under(path)
        .filter_map(|name| {
            let (stem, key) = name.rsplit_once("--")?;
            let to = match key.to_ascii_lowercase().as_str() {
                "jwkbase64" => "EncodedJwk",
                "authority" => "Environment",
                _ => return None,
            };
            Some(Outside::RenameSecret {
                name: name.clone(),
                to: format!("{stem}--{to}"),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_legacy_namespaces_hold_what_the_registrations_use() {
        use crate::core::catalogue::legacy_names_of;
        let extensions = legacy_names_of(super::NAMESPACES[0]).unwrap();
        assert!(extensions.contains(&super::ADD_HTTP_CLIENT));
        let services = legacy_names_of(super::NAMESPACES[1]).unwrap();
        assert!(services.contains(&"SettingsJwkClientDefinition"));
    }
}
