//! Edits of MSBuild files in their own style: one more `<PackageReference>` in the project file
//! (after its last one, with its indentation and its way of closing an element, or in a new
//! ItemGroup), and one more `<PackageVersion>` in `Directory.Packages.props`.

use std::sync::Arc;

use super::{Edit, text};
use crate::core::{Site, SourceFile, Span};
use crate::discover::{CentralPackages, ReferenceSlots};

/// `<PackageReference Include="name" Version="version" />` (versionless when `version` is
/// None) in the project file.
pub fn add_package_reference(
    project: &Arc<SourceFile>,
    slots: &ReferenceSlots,
    name: &str,
    version: Option<&str>,
) -> Option<Edit> {
    let version = version.map_or(String::new(), |v| format!(" Version=\"{v}\""));
    let element = |close: &str| format!("<PackageReference Include=\"{name}\"{version}{close}");
    let eol = text::line_ending(project);
    if let Some(last) = slots.last_reference {
        let at = text::line_end(project, last.end);
        let indent = project.indentation_at(last.start);
        let lead =
            if at == project.text_offset() + project.text.len() && !project.text.ends_with('\n') {
                eol
            } else {
                ""
            };
        return Some(insert(
            project,
            at,
            format!(
                "{lead}{indent}{}{eol}",
                element(closing(project.slice(last)))
            ),
        ));
    }
    let end = slots.project_end?;
    let at = text::line_start(project, end);
    let unit = indent_unit(project);
    Some(insert(
        project,
        at,
        format!(
            "{unit}<ItemGroup>{eol}{unit}{unit}{}{eol}{unit}</ItemGroup>{eol}",
            element(" />")
        ),
    ))
}

/// `<PackageVersion Include="name" Version="version" />` after the last one.
pub fn add_package_version(central: &CentralPackages, name: &str, version: &str) -> Option<Edit> {
    let file = &central.file;
    let last = central.last_version?;
    let at = text::line_end(file, last.end);
    let eol = text::line_ending(file);
    Some(insert(
        file,
        at,
        format!(
            "{}<PackageVersion Include=\"{name}\" Version=\"{version}\"{}{eol}",
            file.indentation_at(last.start),
            closing(file.slice(last))
        ),
    ))
}

fn insert(file: &Arc<SourceFile>, at: usize, text: String) -> Edit {
    Edit::replace(Site::new(file, Span::new(at, at)), text)
}

/// How a sibling element closes: `" />"` or `"/>"`, as the written one does.
fn closing(written: &str) -> &'static str {
    let first_tag = written.split('>').next().unwrap_or(written);
    if first_tag.ends_with('/') && !first_tag.ends_with(" /") {
        "/>"
    } else {
        " />"
    }
}

/// The file's indentation unit: the leading whitespace of its first indented line.
fn indent_unit(file: &SourceFile) -> String {
    file.text
        .lines()
        .map(|l| &l[..l.len() - l.trim_start().len()])
        .find(|lead| !lead.is_empty())
        .unwrap_or("  ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn project(text: &str) -> (Arc<SourceFile>, ReferenceSlots) {
        let file = Arc::new(SourceFile::from_text(
            Path::new("App.csproj"),
            text.into(),
            false,
        ));
        let parsed = crate::discover::msbuild::parse(&file).unwrap();
        let slots = ReferenceSlots {
            last_reference: parsed.package_references.last().map(|r| r.span),
            project_end: parsed.project_end,
        };
        (file, slots)
    }

    fn applied(file: &Arc<SourceFile>, edit: Edit) -> String {
        crate::edit::apply_edits(file, &[&edit])
    }

    #[test]
    fn a_reference_goes_after_the_last_one_in_its_style() {
        let (file, slots) = project(
            "<Project>\r\n\t<ItemGroup>\r\n\t\t<PackageReference Include=\"Altinn.App.Api\" Version=\"9.0.0\">\r\n\t\t\t<X>y</X>\r\n\t\t</PackageReference>\r\n\t\t<PackageReference Include=\"Altinn.App.Core\" Version=\"9.0.0\"/>\r\n\t</ItemGroup>\r\n</Project>\r\n",
        );
        let edit = add_package_reference(
            &file,
            &slots,
            "Altinn.ApiClients.Maskinporten",
            Some("10.1.0"),
        )
        .unwrap();
        assert_eq!(
            applied(&file, edit),
            "<Project>\r\n\t<ItemGroup>\r\n\t\t<PackageReference Include=\"Altinn.App.Api\" Version=\"9.0.0\">\r\n\t\t\t<X>y</X>\r\n\t\t</PackageReference>\r\n\t\t<PackageReference Include=\"Altinn.App.Core\" Version=\"9.0.0\"/>\r\n\t\t<PackageReference Include=\"Altinn.ApiClients.Maskinporten\" Version=\"10.1.0\"/>\r\n\t</ItemGroup>\r\n</Project>\r\n"
        );
    }

    #[test]
    fn a_project_without_references_gets_an_item_group() {
        let (file, slots) = project(
            "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <PropertyGroup>\n    <X>1</X>\n  </PropertyGroup>\n</Project>\n",
        );
        let edit = add_package_reference(&file, &slots, "P", None).unwrap();
        assert_eq!(
            applied(&file, edit),
            "<Project Sdk=\"Microsoft.NET.Sdk.Web\">\n  <PropertyGroup>\n    <X>1</X>\n  </PropertyGroup>\n  <ItemGroup>\n    <PackageReference Include=\"P\" />\n  </ItemGroup>\n</Project>\n"
        );
    }
}
