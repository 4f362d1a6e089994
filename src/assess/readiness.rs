//! The verdict on one legacy registration of an app: whether it can be migrated automatically,
//! which built-in method it becomes and with which scopes, and otherwise exactly what stands in
//! the way (a blocker names its rule, the reason and the place). The MP2xx/MP9xx rules report
//! the blockers; MP101-MP104 quote them in `fix_withheld`.

use crate::core::catalogue::{EXCHANGE_KEY, SCOPE_KEY, UNSUPPORTED_SETTINGS};
use crate::core::{Code, Site, Span};
use crate::facts::appsettings::ConfigValue;
use crate::facts::model::*;
use crate::facts::resolve::ProjectFacts;

/// Something that keeps a registration from being migrated automatically.
#[derive(Debug, Clone)]
pub struct Blocker {
    pub rule: Code,
    pub reason: String,
    pub site: Site,
}

/// The built-in call a registration becomes.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub exchange: bool,
    pub scopes: Vec<String>,
}

impl Target {
    pub fn method(&self) -> &'static str {
        if self.exchange {
            "UseMaskinportenAltinnAuthorization"
        } else {
            "UseMaskinportenAuthorization"
        }
    }

    /// `UseMaskinportenAltinnAuthorization("a", "b")`.
    pub fn call_text(&self) -> String {
        let args: Vec<String> = self.scopes.iter().map(|s| format!("\"{s}\"")).collect();
        format!("{}({})", self.method(), args.join(", "))
    }
}

/// A value a fix needs, with where it was found.
#[derive(Debug, Clone)]
pub struct Resolved<T> {
    pub value: T,
    pub site: Option<Site>,
}

/// The verdict for one registration.
#[derive(Debug, Clone)]
pub struct Readiness {
    pub target: Option<Target>,
    pub blockers: Vec<Blocker>,
    /// Where the scope was found (a lambda, the settings, an appsettings key).
    pub scope_site: Option<Site>,
    /// The scopes the registration asks for, when known, whether or not it can be migrated.
    pub scopes: Option<Vec<String>>,
}

/// What the verdict on one registration draws on besides the registration itself.
pub struct Inputs<'a> {
    pub facts: &'a ProjectFacts,
    /// Blockers of every fix in the project.
    pub gate: &'a [Blocker],
    /// The settings it uses: its own, or for a handler its definition's (an error when the
    /// definition is not found).
    pub settings: Result<Option<SettingsSource>, Blocker>,
    /// Another identity of the app, when there is one.
    pub other_identity: Option<Blocker>,
}

/// Assesses one registration (typed, named or handler) of an app.
pub fn assess(registration: &Registration, inputs: Inputs) -> Readiness {
    let Inputs {
        facts,
        gate,
        settings,
        other_identity,
    } = inputs;
    let mut blockers: Vec<Blocker> = gate.to_vec();
    blockers.extend(definition_blockers(registration));
    if registration.alternative {
        blockers.push(Blocker {
            rule: Code::MP905,
            reason: "this registration is one alternative of a switch or conditional expression, so which registration applies is decided at run time".to_string(),
            site: registration.site.clone(),
        });
    }
    if let Err(blocker) = &settings {
        blockers.push(blocker.clone());
    }
    let settings = settings.ok().flatten();
    if let Some(SettingsSource::Variable {
        name,
        later_mutations,
        ..
    }) = &settings
        && let Some(later) = later_mutations.first()
    {
        blockers.push(Blocker {
            rule: Code::MP905,
            reason: format!(
                "`{name}.{}` is set again after this registration; the legacy library reads the settings object when the first request is sent, so the values it uses are the last ones",
                later.property
            ),
            site: site_of(registration, later.span),
        });
    }
    blockers.extend(unsupported_settings(registration, settings.as_ref(), facts));
    blockers.extend(other_identity);

    let scope = resolve_value(registration, settings.as_ref(), facts, SCOPE_KEY);
    let exchange = resolve_value(registration, settings.as_ref(), facts, EXCHANGE_KEY);
    let scopes = match scope {
        Ok(Some(found)) => match split_scopes(&found.value) {
            Some(scopes) => Some(Resolved {
                value: scopes,
                site: found.site,
            }),
            None => {
                blockers.push(Blocker {
                    rule: Code::MP905,
                    reason: "the scope is empty".to_string(),
                    site: found.site.unwrap_or_else(|| registration.site.clone()),
                });
                None
            }
        },
        Ok(None) => {
            blockers.push(Blocker {
                rule: Code::MP905,
                reason: missing_scope_reason(settings.as_ref()),
                site: registration.site.clone(),
            });
            None
        }
        Err(b) => {
            blockers.push(b);
            None
        }
    };
    let exchange = match exchange {
        Ok(found) => match found.map(|f| parse_bool(&f.value).ok_or(f)) {
            None => Some(false),
            Some(Ok(b)) => Some(b),
            Some(Err(f)) => {
                blockers.push(Blocker {
                    rule: Code::MP905,
                    reason: format!(
                        "ExhangeToAltinnToken is `{}`, which is not a literal true or false",
                        f.value
                    ),
                    site: f.site.unwrap_or_else(|| registration.site.clone()),
                });
                None
            }
        },
        Err(b) => {
            blockers.push(b);
            None
        }
    };
    let scope_site = scopes.as_ref().and_then(|s| s.site.clone());
    let scopes = scopes.map(|s| s.value);
    let target = match (&scopes, exchange) {
        (Some(scopes), Some(exchange)) if blockers.is_empty() => Some(Target {
            exchange,
            scopes: scopes.clone(),
        }),
        _ => None,
    };
    Readiness {
        target,
        blockers,
        scope_site,
        scopes,
    }
}

fn definition_blockers(registration: &Registration) -> Option<Blocker> {
    let d = &registration.definition;
    let reason = match d.kind {
        DefinitionKind::Jwk => return None,
        DefinitionKind::X509 | DefinitionKind::Pkcs12 | DefinitionKind::CertificateStore => {
            format!(
                "`{}` signs with a certificate; the built-in client signs only with a JWK",
                d.name
            )
        }
        DefinitionKind::Custom => format!(
            "`{}` is a custom client definition; the built-in client reads its key only from configuration",
            d.name
        ),
        DefinitionKind::Unseen => format!(
            "the client definition `{}` is not in the scanned files; a custom definition may use any credential",
            d.name
        ),
        DefinitionKind::TypeParameter => {
            return Some(Blocker {
                rule: Code::MP905,
                reason: format!(
                    "the client definition is the type parameter `{}` of `{}`; each caller decides it",
                    d.name,
                    registration
                        .wrapper
                        .as_deref()
                        .unwrap_or("the enclosing method")
                ),
                site: d.site.clone(),
            });
        }
    };
    Some(Blocker {
        rule: Code::MP901,
        reason,
        site: d.site.clone(),
    })
}

/// The settings a handler's definition registration, or the registration itself, set in code.
fn code_assignments<'a>(
    registration: &'a Registration,
    settings: Option<&'a SettingsSource>,
) -> Vec<&'a Assignment> {
    let mut all: Vec<&Assignment> = settings.map(|s| s.assignments()).unwrap_or_default();
    if let Some(c) = &registration.configure {
        all.extend(c.assignments.iter());
    }
    all
}

fn site_of(registration: &Registration, span: Span) -> Site {
    Site {
        file: registration.site.file.clone(),
        span,
    }
}

/// A property's value as a string: from code (lambda wins over settings), else from the section
/// in the deployed appsettings files when they all agree.
fn resolve_value(
    registration: &Registration,
    settings: Option<&SettingsSource>,
    facts: &ProjectFacts,
    property: &str,
) -> Result<Option<Resolved<String>>, Blocker> {
    let in_code = code_assignments(registration, settings)
        .into_iter()
        .rev()
        .find(|a| a.property.eq_ignore_ascii_case(property));
    if let Some(a) = in_code {
        let site = site_of(registration, a.span);
        return match &a.value {
            Expr::Str(s) => Ok(Some(Resolved {
                value: s.clone(),
                site: Some(site),
            })),
            Expr::Bool(b) => Ok(Some(Resolved {
                value: b.to_string(),
                site: Some(site),
            })),
            Expr::Null => Ok(None),
            other => Err(Blocker {
                rule: Code::MP905,
                reason: format!(
                    "{property} is computed in code (`{}`), so its value is not known here",
                    expr_text(other)
                ),
                site,
            }),
        };
    }
    let Some(path) = settings.and_then(SettingsSource::section_path) else {
        return Ok(None);
    };
    let key = format!("{path}:{property}");
    let found: Vec<_> = facts
        .deployed_appsettings()
        .filter_map(|f| f.get(&key).map(|e| (f, e)))
        .collect();
    let values: Vec<Option<String>> = found
        .iter()
        .map(|(_, e)| e.value.as_config_string())
        .collect();
    match values.first() {
        None => Ok(None),
        Some(first) if values.iter().all(|v| v == first) => Ok(first.clone().map(|value| {
            let (f, e) = found[0];
            Resolved {
                value,
                site: Some(Site {
                    file: f.file.clone(),
                    span: e.value_span,
                }),
            }
        })),
        Some(_) => {
            let (f, e) = found[1];
            Err(Blocker {
                rule: Code::MP905,
                reason: format!("{key} differs between the deployed appsettings files"),
                site: Site {
                    file: f.file.clone(),
                    span: e.key_span,
                },
            })
        }
    }
}

fn expr_text(expr: &Expr) -> String {
    match expr {
        Expr::Path(p) => p.join("."),
        Expr::Other(t) => t.clone(),
        Expr::TypeFullName(t) => format!("typeof({t}).FullName"),
        Expr::NameOf(n) => format!("nameof({n})"),
        Expr::Section { root, .. } => format!("{root}.GetSection(...)"),
        _ => "an expression".to_string(),
    }
}

fn missing_scope_reason(settings: Option<&SettingsSource>) -> String {
    match settings {
        Some(s) => match s.section_path() {
            Some(path) => format!(
                "no Scope is set in code and no deployed appsettings file defines {path}:Scope (it may come from Key Vault or the environment)"
            ),
            None => format!(
                "no Scope is set in code and the settings come from {}, which is not known here",
                s.describe()
            ),
        },
        None => "no Scope is set in code and the settings are not known here".to_string(),
    }
}

/// Space-separated scopes, as the legacy `Scope` holds them.
pub fn split_scopes(value: &str) -> Option<Vec<String>> {
    let scopes: Vec<String> = value.split_whitespace().map(str::to_string).collect();
    (!scopes.is_empty()).then_some(scopes)
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" | "" => Some(false),
        _ => None,
    }
}

/// Settings in code or in the section that the built-in client cannot honour.
fn unsupported_settings(
    registration: &Registration,
    settings: Option<&SettingsSource>,
    facts: &ProjectFacts,
) -> Vec<Blocker> {
    let mut out = Vec::new();
    for a in code_assignments(registration, settings) {
        if let Some(name) = unsupported(&a.property)
            && !is_harmless(name, &a.value)
        {
            out.push(Blocker {
                rule: Code::MP902,
                reason: unsupported_reason(name),
                site: site_of(registration, a.span),
            });
        }
    }
    if let Some(path) = settings.and_then(SettingsSource::section_path) {
        for file in facts.deployed_appsettings() {
            for entry in file.children(path) {
                let Some(name) = unsupported(last_key(&entry.path)) else {
                    continue;
                };
                let value = entry.value.as_config_string().unwrap_or_default();
                let harmless = match name {
                    "OverwriteAuthorizationHeader" => value.eq_ignore_ascii_case("true"),
                    _ => value.is_empty() || value.eq_ignore_ascii_case("false"),
                };
                if !harmless {
                    out.push(Blocker {
                        rule: Code::MP902,
                        reason: unsupported_reason(name),
                        site: Site {
                            file: file.file.clone(),
                            span: entry.key_span,
                        },
                    });
                }
            }
        }
    }
    out
}

fn last_key(path: &str) -> &str {
    path.rsplit(':').next().unwrap_or(path)
}

fn unsupported(property: &str) -> Option<&'static str> {
    UNSUPPORTED_SETTINGS
        .iter()
        .find(|u| u.eq_ignore_ascii_case(property))
        .copied()
}

/// `OverwriteAuthorizationHeader = true` is what the built-in client always does; a flag set to
/// false or a null value changes nothing.
fn is_harmless(name: &str, value: &Expr) -> bool {
    match name {
        "OverwriteAuthorizationHeader" => *value == Expr::Bool(true),
        _ => matches!(value, Expr::Bool(false) | Expr::Null) || *value == Expr::Str(String::new()),
    }
}

pub fn unsupported_reason(name: &str) -> String {
    let what = match name {
        "ConsumerOrgNo" => "adds a consumer_org claim (acting for another organisation)",
        "Resource" => "adds a resource claim (an audience-restricted token)",
        "EnterpriseUserName" | "EnterpriseUserPassword" => {
            "exchanges the token as an enterprise user"
        }
        "UseAltinnTestOrg" => "asks for a token for the Altinn test organisation",
        "TokenExchangeEnvironment" => "exchanges the token against another Altinn environment",
        "OverwriteAuthorizationHeader" => {
            "keeps an Authorization header the caller set; the built-in handler always overwrites it"
        }
        "Kid" => "overrides the key id in the token header",
        _ => "has no built-in equivalent",
    };
    format!("{name} {what}; the built-in client has no such setting")
}

/// Whether any deployed appsettings value exists for this configuration key.
pub fn config_value<'a>(facts: &'a ProjectFacts, key: &str) -> Option<&'a ConfigValue> {
    facts
        .deployed_appsettings()
        .find_map(|f| f.get(key).map(|e| &e.value))
}

/// Why the rewrite cannot take the call's shape, if it cannot: it replaces the call after its
/// receiver, so it needs one, and a conditional call (`services?.Add...`) keeps semantics of its
/// own.
pub fn rewrite_obstacle(r: &Registration) -> Option<&'static str> {
    if matches!(r.kind, RegistrationKind::ClientDefinition { .. }) {
        return Some("a client definition is removed, not rewritten");
    }
    if r.receiver.is_none() {
        return Some("the call has no receiver (it is not written as `services.Add...`)");
    }
    let before_method = r
        .site
        .file
        .slice(Span::new(r.site.span.start, r.method_site.span.start));
    before_method
        .trim_end()
        .ends_with("?.")
        .then_some("the call is conditional (`?.`)")
}
