//! Reads what the pipeline needs from MSBuild files (`*.csproj`, `Directory.Packages.props`,
//! `Directory.Build.props`): properties, package and project references with their element
//! spans, package versions for central package management, imported files, and global `<Using>`
//! items.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::core::{SourceFile, Span};

/// A `<PackageReference>` item.
#[derive(Debug, Clone)]
pub struct PackageReference {
    pub name: String,
    /// The version written on the item (`Version` or `VersionOverride`), properties not expanded.
    pub version: Option<String>,
    /// The span of the whole element, from `<PackageReference` to its end.
    pub span: Span,
    /// Whether the item, or the ItemGroup it sits in, carries a `Condition`.
    pub conditional: bool,
}

/// A `<ProjectReference>` item.
#[derive(Debug, Clone)]
pub struct ProjectReference {
    /// The path as written (`../../src/Altinn.App.Api/Altinn.App.Api.csproj`, or with `\`).
    pub include: String,
    /// The span of the start (or empty) tag.
    pub span: Span,
    /// Whether the item, or the ItemGroup it sits in, carries a `Condition`.
    pub conditional: bool,
}

impl ProjectReference {
    /// The file name of the referenced project (`Altinn.App.Api.csproj`), whatever the separator.
    pub fn file_name(&self) -> &str {
        self.include
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&self.include)
    }
}

/// A `<PackageVersion>` item of central package management.
#[derive(Debug, Clone)]
pub struct PackageVersionItem {
    pub name: String,
    /// The span of the whole element.
    pub span: Span,
}

/// What one MSBuild file declares.
#[derive(Debug, Default, Clone)]
pub struct MsBuildFile {
    pub properties: HashMap<String, String>,
    pub package_references: Vec<PackageReference>,
    pub project_references: Vec<ProjectReference>,
    /// `<Import Project="..." />` paths as written (props files chain their parents this way).
    pub imports: Vec<String>,
    /// `<PackageVersion Include=.. Version=..>` (central package management), by lower-case name.
    pub package_versions: HashMap<String, String>,
    /// `<Using Include="Namespace" />` items: global usings added by the SDK.
    pub global_usings: Vec<String>,
    /// The `<PackageVersion>` items, in order (to insert one more after the last).
    pub package_version_items: Vec<PackageVersionItem>,
    /// Where the closing `</Project>` tag starts (to add an ItemGroup before it).
    pub project_end: Option<usize>,
}

/// Parses an MSBuild file; the error says where the XML breaks.
pub fn parse(file: &SourceFile) -> Result<MsBuildFile, String> {
    // quick-xml skips a BOM at the start of its input without counting it: a second BOM (the
    // first is not part of the text) is skipped here, and counted in every position.
    let lead = if file.text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut reader = Reader::from_str(&file.text[lead..]);
    let mut out = MsBuildFile::default();
    let mut stack: Vec<String> = Vec::new();
    // The open PackageReference item, which may carry `<Version>` as a child element.
    let mut open_reference: Option<(PackageReference, usize)> = None;
    // The depth of an open ItemGroup with a Condition: its items are conditional.
    let mut conditional_group: Option<usize> = None;
    let mut text_buffer = String::new();
    loop {
        let start = lead + reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let at = file.position(file.text_offset() + lead + reader.error_position() as usize);
            format!(
                "malformed XML at line {}, column {}: {e}",
                at.line, at.column
            )
        })?;
        let end = lead + reader.buffer_position() as usize;
        match event {
            Event::Start(tag) => {
                let name = local_name(&tag);
                let in_condition = conditional_group.is_some();
                if name == "PackageReference" {
                    let mut reference = package_reference(&tag, file.span_of_text(start, end));
                    reference.conditional |= in_condition;
                    open_reference = Some((reference, stack.len()));
                } else {
                    if name == "ItemGroup"
                        && !in_condition
                        && attribute(&tag, "Condition").is_some()
                    {
                        conditional_group = Some(stack.len());
                    }
                    element(
                        &tag,
                        &name,
                        file.span_of_text(start, end),
                        conditional_group.is_some(),
                        &mut out,
                    );
                }
                stack.push(name);
                text_buffer.clear();
            }
            Event::Empty(tag) => {
                let name = local_name(&tag);
                if name == "PackageReference" {
                    let mut reference = package_reference(&tag, file.span_of_text(start, end));
                    reference.conditional |= conditional_group.is_some();
                    out.package_references.push(reference);
                } else {
                    element(
                        &tag,
                        &name,
                        file.span_of_text(start, end),
                        conditional_group.is_some(),
                        &mut out,
                    );
                }
            }
            Event::Text(text) => {
                text_buffer.push_str(&text.xml_content(quick_xml::XmlVersion::Implicit1_0));
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                if conditional_group == Some(stack.len()) {
                    conditional_group = None;
                }
                if name == "Project" && stack.is_empty() {
                    out.project_end = Some(file.span_of_text(start, start).start);
                }
                let parent = stack.last().map(String::as_str);
                if let Some((reference, depth)) = open_reference.as_mut() {
                    if name == "Version" && stack.len() == *depth + 1 {
                        reference.version = Some(text_buffer.trim().to_string());
                    }
                    if name == "PackageReference" && stack.len() == *depth {
                        let (mut reference, _) = open_reference.take().unwrap();
                        reference.span =
                            Span::new(reference.span.start, file.span_of_text(0, end).end);
                        out.package_references.push(reference);
                    }
                } else if parent == Some("PropertyGroup") && !stack.iter().any(|e| e == "Target") {
                    // A property a `<Target>` sets exists only when the build runs it.
                    out.properties.insert(name, text_buffer.trim().to_string());
                }
                text_buffer.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(format!(
            "malformed XML: <{}> is never closed",
            stack.join("> <")
        ));
    }
    Ok(out)
}

fn local_name(tag: &BytesStart) -> String {
    tag.local_name().as_ref().to_string()
}

fn attribute(tag: &BytesStart, wanted: &str) -> Option<String> {
    tag.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == wanted).then(|| {
            a.normalized_value(quick_xml::XmlVersion::default())
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
}

fn package_reference(tag: &BytesStart, span: Span) -> PackageReference {
    PackageReference {
        name: attribute(tag, "Include")
            .or_else(|| attribute(tag, "Update"))
            .unwrap_or_default(),
        version: attribute(tag, "VersionOverride").or_else(|| attribute(tag, "Version")),
        span,
        conditional: attribute(tag, "Condition").is_some(),
    }
}

fn element(tag: &BytesStart, name: &str, span: Span, conditional: bool, out: &mut MsBuildFile) {
    match name {
        "ProjectReference" => {
            if let Some(include) = attribute(tag, "Include") {
                out.project_references.push(ProjectReference {
                    include,
                    span,
                    conditional: conditional || attribute(tag, "Condition").is_some(),
                });
            }
        }
        "Import" => {
            if let Some(project) = attribute(tag, "Project") {
                out.imports.push(project);
            }
        }
        "PackageVersion" => {
            if let (Some(package), Some(version)) =
                (attribute(tag, "Include"), attribute(tag, "Version"))
            {
                out.package_version_items.push(PackageVersionItem {
                    name: package.clone(),
                    span,
                });
                out.package_versions
                    .insert(package.to_ascii_lowercase(), version);
            }
        }
        "Using" => {
            if let Some(namespace) = attribute(tag, "Include")
                && attribute(tag, "Alias").is_none()
                && attribute(tag, "Static").is_none_or(|s| s != "true")
            {
                out.global_usings.push(namespace);
            }
        }
        _ => {}
    }
}

/// Replaces `$(Name)` with the value of the property, looked up in each map in turn.
pub fn expand_properties(text: &str, scopes: &[&HashMap<String, String>]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("$(") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find(')') {
            Some(close) => {
                let name = &after[..close];
                match scopes.iter().find_map(|s| s.get(name)) {
                    Some(value) => out.push_str(value),
                    None => out.push_str(&rest[at..at + 3 + close]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn file(text: &str) -> SourceFile {
        SourceFile::from_text(Path::new("App.csproj"), text.to_string(), false)
    }

    #[test]
    fn reads_references_properties_and_usings() {
        let text = r#"<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup><AltinnVersion>8.12.7</AltinnVersion></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Altinn.App.Api" Version="$(AltinnVersion)">
      <CopyToOutputDirectory>x</CopyToOutputDirectory>
    </PackageReference>
    <PackageReference Include="Altinn.ApiClients.Maskinporten"><Version>9.2.1</Version></PackageReference>
    <PackageReference Include="Altinn.App.Core" />
    <Using Include="Altinn.ApiClients.Maskinporten.Extensions" />
  </ItemGroup>
</Project>"#;
        let f = file(text);
        let parsed = parse(&f).unwrap();
        assert_eq!(parsed.properties["AltinnVersion"], "8.12.7");
        let names: Vec<_> = parsed
            .package_references
            .iter()
            .map(|r| (r.name.as_str(), r.version.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("Altinn.App.Api", Some("$(AltinnVersion)")),
                ("Altinn.ApiClients.Maskinporten", Some("9.2.1")),
                ("Altinn.App.Core", None)
            ]
        );
        let api = &parsed.package_references[0];
        assert!(
            f.slice(api.span)
                .starts_with("<PackageReference Include=\"Altinn.App.Api\"")
        );
        assert!(f.slice(api.span).ends_with("</PackageReference>"));
        assert_eq!(
            parsed.global_usings,
            ["Altinn.ApiClients.Maskinporten.Extensions"]
        );
        assert_eq!(
            expand_properties("$(AltinnVersion)", &[&parsed.properties]),
            "8.12.7"
        );
    }

    #[test]
    fn reads_project_references_imports_and_skips_target_properties() {
        let text = r#"<Project>
  <Import Project="../Directory.Build.props" />
  <ItemGroup Condition="'$(Configuration)' == 'Debug'">
    <ProjectReference Include="..\..\src\Altinn.App.Core\Altinn.App.Core.csproj" />
  </ItemGroup>
  <ItemGroup>
    <ProjectReference Include="../../src/Altinn.App.Api/Altinn.App.Api.csproj">
      <CopyToOutputDirectory>x</CopyToOutputDirectory>
    </ProjectReference>
  </ItemGroup>
  <PropertyGroup><VersionPrefix>8.9.2</VersionPrefix></PropertyGroup>
  <Target Name="AssemblyVersionTarget" AfterTargets="MinVer">
    <PropertyGroup><Version>$(MinVerMajor).$(MinVerMinor)</Version></PropertyGroup>
  </Target>
</Project>"#;
        let parsed = parse(&file(text)).unwrap();
        assert_eq!(parsed.imports, ["../Directory.Build.props"]);
        let references: Vec<_> = parsed
            .project_references
            .iter()
            .map(|r| (r.file_name(), r.conditional))
            .collect();
        assert_eq!(
            references,
            [
                ("Altinn.App.Core.csproj", true),
                ("Altinn.App.Api.csproj", false)
            ]
        );
        assert_eq!(parsed.properties["VersionPrefix"], "8.9.2");
        assert!(!parsed.properties.contains_key("Version"));
    }

    #[test]
    fn malformed_xml_names_the_line() {
        let err = parse(&file("<Project>\n  <ItemGroup>\n</Project>")).unwrap_err();
        assert!(err.contains("line 3"), "{err}");
    }
}
