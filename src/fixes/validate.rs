//! Re-parses a file's new text the way its kind is read: C# with tree-sitter (counting error
//! nodes), JSON with the appsettings parser, XML with quick-xml. A fix may not add errors.

use std::sync::Arc;

use crate::core::SourceFile;

/// How many syntax errors `text` has, read as the kind of `file`.
pub fn errors(file: &SourceFile, text: &str) -> usize {
    let name = file
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let candidate = || SourceFile::from_text(&file.path, text.to_string(), file.text_offset() > 0);
    if name.ends_with(".cs") {
        csharp_errors(text)
    } else if name.ends_with(".json") {
        usize::from(crate::facts::appsettings::parse(Arc::new(candidate())).is_err())
    } else if name == "policy.xml" {
        usize::from(crate::facts::policy::parse(&candidate()).is_err())
    } else if name.ends_with("proj") || name.ends_with(".props") || name.ends_with(".xml") {
        usize::from(crate::discover::msbuild::parse(&candidate()).is_err())
    } else {
        0
    }
}

fn csharp_errors(text: &str) -> usize {
    let mut parser = tree_sitter::Parser::new();
    if parser
        .set_language(&tree_sitter_c_sharp::LANGUAGE.into())
        .is_err()
    {
        return usize::MAX;
    }
    let Some(tree) = parser.parse(text, None) else {
        return usize::MAX;
    };
    let mut count = 0;
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            count += 1;
            continue;
        }
        if node.has_error() {
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
    }
    count
}
