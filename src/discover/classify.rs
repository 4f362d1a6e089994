//! Which projects are Altinn apps, decided from all the evidence: references to Altinn.App.Api or
//! Altinn.App.Core (as packages, or as projects when the app builds Altinn.App from source),
//! `IsAltinnApp`, the app layout beside the project file, and, once the code is read, the calls
//! only an app makes. A reference to Altinn.App.Core alone is not enough: services and libraries
//! use it for its models.

use std::fmt;

use super::ProjectKind;

/// Which part of Altinn.App a reference brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Library {
    /// Altinn.App.Api (or its experimental package): what an app's start-up calls.
    Api,
    /// Altinn.App.Core: also used by services for its models.
    Core,
}

/// One fact for (or, for `IsAltinnApp` false, against) a project being an Altinn app. Shown in
/// the JSON `projects` entry as `evidence`, in this wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// `<PackageReference Include="Altinn.App.Api" />`; `from` names the props file that adds it
    /// when it is not in the project file.
    PackageReference {
        library: Library,
        package: String,
        from: Option<String>,
    },
    /// `<ProjectReference Include="../../src/Altinn.App.Api/Altinn.App.Api.csproj" />`, as
    /// written (with `/`).
    ProjectReference { library: Library, include: String },
    /// `<IsAltinnApp>`; `from` names the props file that sets it, when not the project file.
    IsAltinnApp { value: bool, from: Option<String> },
    /// `config/applicationmetadata.json` beside the project file.
    AppLayout,
    /// A call only an app makes: its start-up (`ConfigureAppWebHost`, `AddAltinnAppServices`)
    /// or the set-up of Altinn.App's Maskinporten client (`ConfigureMaskinportenClient`,
    /// `AddMaskinportenJwkTokenProvider`), with where the first one is.
    Call {
        method: &'static str,
        start_up: bool,
        at: String,
    },
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Evidence::PackageReference { package, from, .. } => {
                write!(f, "PackageReference {package}")?;
                from.as_ref().map_or(Ok(()), |from| write!(f, " ({from})"))
            }
            Evidence::ProjectReference { include, .. } => write!(f, "ProjectReference {include}"),
            Evidence::IsAltinnApp { value, from } => {
                f.write_str(if *value {
                    "IsAltinnApp"
                } else {
                    "IsAltinnApp false"
                })?;
                from.as_ref().map_or(Ok(()), |from| write!(f, " ({from})"))
            }
            Evidence::AppLayout => f.write_str("config/applicationmetadata.json"),
            Evidence::Call { method, at, .. } => write!(f, "{method} call ({at})"),
        }
    }
}

impl Evidence {
    fn library(&self) -> Option<Library> {
        match self {
            Evidence::PackageReference { library, .. }
            | Evidence::ProjectReference { library, .. } => Some(*library),
            _ => None,
        }
    }
}

/// The kind the evidence gives. An explicit `IsAltinnApp` decides; otherwise a project is an
/// app when it references Altinn.App.Api or calls the app start-up (both only apps do), or when
/// two of these hold: it references Altinn.App.Core, it has the app layout, it sets up
/// Altinn.App's Maskinporten client (a test project of the library does).
pub fn kind(evidence: &[Evidence]) -> ProjectKind {
    let declared = evidence.iter().find_map(|e| match e {
        Evidence::IsAltinnApp { value, .. } => Some(*value),
        _ => None,
    });
    if let Some(value) = declared {
        return if value {
            ProjectKind::AltinnApp
        } else {
            ProjectKind::Other
        };
    }
    let decisive = evidence.iter().any(|e| {
        e.library() == Some(Library::Api) || matches!(e, Evidence::Call { start_up: true, .. })
    });
    let core = evidence.iter().any(|e| e.library() == Some(Library::Core));
    let layout = evidence.contains(&Evidence::AppLayout);
    let client_set_up = evidence.iter().any(|e| {
        matches!(
            e,
            Evidence::Call {
                start_up: false,
                ..
            }
        )
    });
    let supporting = [core, layout, client_set_up]
        .into_iter()
        .filter(|b| *b)
        .count();
    if decisive || supporting >= 2 {
        ProjectKind::AltinnApp
    } else {
        ProjectKind::Other
    }
}

/// Whether the file name of a `<ProjectReference>` is Altinn.App's own source, and which part.
pub fn referenced_library(file_name: &str) -> Option<Library> {
    let lower = file_name.to_ascii_lowercase();
    let [api, core] = crate::core::catalogue::APP_PROJECTS;
    if lower == api.to_ascii_lowercase() {
        Some(Library::Api)
    } else if lower == core.to_ascii_lowercase() {
        Some(Library::Core)
    } else {
        None
    }
}

/// The library a package id brings, for the packages that make an app.
pub fn package_library(package: &str) -> Option<Library> {
    let known = crate::core::catalogue::APP_PACKAGES
        .iter()
        .any(|p| p.eq_ignore_ascii_case(package));
    match known {
        true if package.eq_ignore_ascii_case("Altinn.App.Core") => Some(Library::Core),
        true => Some(Library::Api),
        false => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(library: Library) -> Evidence {
        Evidence::PackageReference {
            library,
            package: "Altinn.App.Core".into(),
            from: None,
        }
    }

    fn call(start_up: bool) -> Evidence {
        Evidence::Call {
            method: "ConfigureMaskinportenClient",
            start_up,
            at: "T.cs:3".into(),
        }
    }

    #[test]
    fn core_alone_is_not_an_app() {
        assert_eq!(kind(&[package(Library::Core)]), ProjectKind::Other);
        assert_eq!(kind(&[Evidence::AppLayout]), ProjectKind::Other);
        assert_eq!(kind(&[call(false)]), ProjectKind::Other);
    }

    #[test]
    fn api_start_up_or_two_supporting_facts_make_an_app() {
        assert_eq!(kind(&[package(Library::Api)]), ProjectKind::AltinnApp);
        assert_eq!(kind(&[call(true)]), ProjectKind::AltinnApp);
        assert_eq!(
            kind(&[package(Library::Core), Evidence::AppLayout]),
            ProjectKind::AltinnApp
        );
        assert_eq!(
            kind(&[package(Library::Core), call(false)]),
            ProjectKind::AltinnApp
        );
    }

    #[test]
    fn is_altinn_app_decides() {
        let declared = |value| Evidence::IsAltinnApp { value, from: None };
        assert_eq!(kind(&[declared(true)]), ProjectKind::AltinnApp);
        assert_eq!(
            kind(&[package(Library::Api), declared(false)]),
            ProjectKind::Other
        );
    }

    #[test]
    fn names_the_evidence_as_the_json_shows_it() {
        let reference = Evidence::ProjectReference {
            library: Library::Api,
            include: "../../src/Altinn.App.Api/Altinn.App.Api.csproj".into(),
        };
        assert_eq!(
            reference.to_string(),
            "ProjectReference ../../src/Altinn.App.Api/Altinn.App.Api.csproj"
        );
        let props = Evidence::IsAltinnApp {
            value: true,
            from: Some("test/Directory.Build.props".into()),
        };
        assert_eq!(
            props.to_string(),
            "IsAltinnApp (test/Directory.Build.props)"
        );
        assert_eq!(
            call(false).to_string(),
            "ConfigureMaskinportenClient call (T.cs:3)"
        );
    }
}
