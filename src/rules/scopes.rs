//! The Maskinporten scopes an app asks for: from legacy registrations (lambda, settings in code,
//! or the section's `Scope` in appsettings) and from built-in `UseMaskinporten...Authorization`
//! calls. MP601 checks their form, MP602 that Altinn Studio will provision them.

use crate::core::Site;
use crate::facts::model::RegistrationKind;
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
            });
        }
    }
    for client in &context.facts.builtin_clients {
        for (value, site) in &client.scopes {
            for scope in value.iter().flat_map(|v| v.split_whitespace()) {
                out.push(RequestedScope {
                    scope: scope.to_string(),
                    site: site.clone(),
                    built_in: true,
                });
            }
        }
    }
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
