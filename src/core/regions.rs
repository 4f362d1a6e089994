//! Regions of files, asked whether one of them holds a span. Rules ask this for every use or
//! read against every registration; sorting the regions once makes each question a binary
//! search, so a file with thousands of registrations costs linear time, not quadratic.

use std::collections::HashMap;
use std::path::Path;

use super::{Site, Span};

/// Spans per file, sorted by start, each with the furthest end of any region starting at or
/// before it (regions may nest or overlap: a chained call holds the calls before it).
#[derive(Debug, Default)]
pub struct Regions<'a> {
    by_file: HashMap<&'a Path, Vec<(usize, usize)>>,
}

impl<'a> Regions<'a> {
    pub fn new(regions: impl IntoIterator<Item = (&'a Path, Span)>) -> Regions<'a> {
        let mut by_file: HashMap<&'a Path, Vec<(usize, usize)>> = HashMap::new();
        for (path, span) in regions {
            by_file
                .entry(path)
                .or_default()
                .push((span.start, span.end));
        }
        for spans in by_file.values_mut() {
            spans.sort_unstable();
            let mut furthest = 0;
            for (_, end) in spans.iter_mut() {
                furthest = furthest.max(*end);
                *end = furthest;
            }
        }
        Regions { by_file }
    }

    /// The regions of these sites.
    pub fn of_sites(sites: impl IntoIterator<Item = &'a Site>) -> Regions<'a> {
        Regions::new(
            sites
                .into_iter()
                .map(|site| (site.file.path.as_path(), site.span)),
        )
    }

    /// Whether a region of the file at `path` holds `span` whole.
    pub fn hold(&self, path: &Path, span: Span) -> bool {
        let Some(spans) = self.by_file.get(path) else {
            return false;
        };
        let starting_before = spans.partition_point(|(start, _)| *start <= span.start);
        starting_before > 0 && span.end <= spans[starting_before - 1].1
    }

    /// Whether the file at `path` has any region.
    pub fn cover_file(&self, path: &Path) -> bool {
        self.by_file.contains_key(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_overlapping_regions_hold_what_lies_inside_any_of_them() {
        let a = Path::new("a.cs");
        let regions = Regions::new([
            (a, Span::new(10, 100)),
            (a, Span::new(20, 30)),
            (a, Span::new(120, 130)),
            (Path::new("b.cs"), Span::new(0, 1000)),
        ]);
        assert!(regions.hold(a, Span::new(40, 90)));
        assert!(regions.hold(a, Span::new(10, 100)));
        assert!(regions.hold(a, Span::new(125, 130)));
        assert!(!regions.hold(a, Span::new(95, 121)));
        assert!(!regions.hold(a, Span::new(5, 15)));
        assert!(!regions.hold(a, Span::new(131, 132)));
        assert!(!regions.hold(Path::new("c.cs"), Span::new(0, 1)));
        assert!(regions.cover_file(a) && !regions.cover_file(Path::new("c.cs")));
    }
}
