//! The Maskinporten scopes an app asks for: from legacy registrations (lambda, settings in code,
//! or the section's `Scope` in appsettings), built-in `UseMaskinporten...Authorization` calls,
//! and the token calls of `IMaskinportenClient` (`GetAccessToken`, `GetAltinnExchangedToken`),
//! with scope lists and token requests resolved. MP601 checks their form, MP602 that Altinn
//! Studio will provision them, MP905 reports the ones only run time knows.

use crate::core::Site;
use crate::facts::model::{RegistrationKind, ScopeValue};
use crate::rules::Context;

/// Scopes Altinn Studio gives every app it provisions (and every Altinn.App 9 app).
pub const DEFAULT_SCOPES: [&str; 3] = [
    "altinn:serviceowner",
    "altinn:serviceowner/instances.read",
    "altinn:serviceowner/instances.write",
];

#[derive(Debug, Clone)]
pub struct RequestedScope {
    pub scope: String,
    pub site: Site,
    /// Whether the migrated app asks the built-in client for it: a built-in call, or a legacy
    /// registration that can be migrated.
    pub built_in: bool,
    /// The constant or local variable it came through, when not written in place.
    pub via: Option<String>,
}

/// A scope the app asks the built-in client for that is known only at run time.
#[derive(Debug, Clone)]
pub struct UnresolvedScope {
    /// The expression as written.
    pub text: String,
    /// Why it is not known, as a clause.
    pub why: String,
    pub site: Site,
    /// The method that asks for it (`GetAccessToken`, `UseMaskinportenAuthorization`).
    pub method: String,
}

/// What the built-in client is asked for, call by call: the method and its scopes.
fn builtin_calls<'a>(context: &'a Context) -> impl Iterator<Item = (&'a Site, &'a [ScopeValue])> {
    let clients = context
        .facts
        .builtin_clients
        .iter()
        .map(|c| (&c.method_site, c.scopes.as_slice()));
    let tokens = context
        .facts
        .token_requests
        .iter()
        .map(|t| (&t.method_site, t.scopes.as_slice()));
    clients.chain(tokens)
}

/// Every scope the project asks for, in source order.
pub fn requested(context: &Context) -> Vec<RequestedScope> {
    let mut out = Vec::new();
    for r in &context.facts.registrations {
        if matches!(r.kind, RegistrationKind::ClientDefinition { .. }) {
            continue;
        }
        let verdict = context.assessment.verdict(r);
        let Some(scopes) = &verdict.scopes else {
            continue;
        };
        let site = verdict.scope_site.clone().unwrap_or_else(|| r.site.clone());
        for scope in scopes {
            out.push(RequestedScope {
                scope: scope.clone(),
                site: site.clone(),
                built_in: verdict.target.is_some(),
                via: None,
            });
        }
    }
    let mut built_in: Vec<RequestedScope> = builtin_calls(context)
        .flat_map(|(_, scopes)| scopes)
        .filter_map(|value| match value {
            ScopeValue::Known { value, site, via } => Some((value, site, via)),
            ScopeValue::Unknown { .. } => None,
        })
        .flat_map(|(value, site, via)| {
            // One string may hold several scopes, space-separated, as the client sends them.
            value.split_whitespace().map(|scope| RequestedScope {
                scope: scope.to_string(),
                site: site.clone(),
                built_in: true,
                via: via.clone(),
            })
        })
        .collect();
    built_in.sort_by(|a, b| {
        (&a.site.file.display, a.site.span.start).cmp(&(&b.site.file.display, b.site.span.start))
    });
    out.extend(built_in);
    out
}

/// The scopes the app asks the built-in client for that only run time knows, in source order.
pub fn unresolved(context: &Context) -> Vec<UnresolvedScope> {
    let mut out: Vec<UnresolvedScope> = builtin_calls(context)
        .flat_map(|(method, scopes)| scopes.iter().map(move |s| (method, s)))
        .filter_map(|(method, value)| match value {
            ScopeValue::Unknown { text, why, site } => Some(UnresolvedScope {
                text: text.clone(),
                why: why.clone(),
                site: site.clone(),
                method: method.text().to_string(),
            }),
            ScopeValue::Known { .. } => None,
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.site.file.display, a.site.span.start).cmp(&(&b.site.file.display, b.site.span.start))
    });
    out
}

/// Why a scope is not of the form `prefix:subscope`, if it is not.
pub fn malformed(scope: &str) -> Option<&'static str> {
    let Some((prefix, subscope)) = scope.split_once(':') else {
        return Some("has no `prefix:` part");
    };
    if prefix.is_empty() {
        Some("has an empty prefix")
    } else if subscope.is_empty() {
        Some("has an empty subscope")
    } else if scope.ends_with('/') || scope.ends_with(':') {
        Some("ends with a separator")
    } else if scope.contains("//") || scope.contains("::") || subscope.starts_with('/') {
        Some("has an empty part between separators")
    } else if scope.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("has whitespace inside")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::malformed;

    #[test]
    fn checks_the_prefix_subscope_form() {
        for good in [
            "altinn:serviceowner/instances.read",
            "krr:global/kontaktinformasjon.read",
            "nav:arbeid:some",
            "digdir:dd:probatedeclarations",
        ] {
            assert_eq!(malformed(good), None, "{good}");
        }
        assert_eq!(malformed("serviceowner"), Some("has no `prefix:` part"));
        assert_eq!(malformed(":x"), Some("has an empty prefix"));
        assert_eq!(malformed("altinn:"), Some("has an empty subscope"));
        assert_eq!(
            malformed("altinn:serviceowner/"),
            Some("ends with a separator")
        );
        assert_eq!(
            malformed("altinn:a//b"),
            Some("has an empty part between separators")
        );
    }
}
