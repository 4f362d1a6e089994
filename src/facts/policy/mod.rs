//! The app's authorization policy, `App/config/authorization/policy.xml` (XACML 3.0), as rule
//! MP501 needs it: which actions the Permit rules grant the service owner (the subject
//! `urn:altinn:org` = `[org]`, the placeholder Altinn resolves to the app's owner), and
//! where and in which style one more rule can be inserted when some of them are missing.
//!
//! Elements are matched on their local names, so the usual `xacml:` prefix and a default
//! namespace both work. Targets are read with their XACML meaning: a Target is an AND over its
//! AnyOf elements, an AnyOf an OR over its AllOf elements, an AllOf an AND over its Match
//! elements. Each way of picking one AllOf from every AnyOf is one [`Grant`].

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;

use crate::core::{SourceFile, Span};

pub mod grants;
#[cfg(test)]
pub mod testing;

/// The subject attribute that names the organisation a request is made for.
pub const ORG_ATTRIBUTE: &str = "urn:altinn:org";
/// The app attribute of the resource category.
pub const APP_ATTRIBUTE: &str = "urn:altinn:app";
/// The placeholder for the app's owner in subject matches.
pub const ORG_PLACEHOLDER: &str = "[org]";
/// The XACML action attribute.
pub const ACTION_ID: &str = "urn:oasis:names:tc:xacml:1.0:action:action-id";
/// The category of the subject making the request.
pub const ACCESS_SUBJECT: &str = "urn:oasis:names:tc:xacml:1.0:subject-category:access-subject";
/// The resource category.
pub const RESOURCE_CATEGORY: &str = "urn:oasis:names:tc:xacml:3.0:attribute-category:resource";
/// The action category.
pub const ACTION_CATEGORY: &str = "urn:oasis:names:tc:xacml:3.0:attribute-category:action";
/// Case-sensitive string equality.
pub const STRING_EQUAL: &str = "urn:oasis:names:tc:xacml:1.0:function:string-equal";
/// Case-insensitive string equality (what the app template uses for subjects and actions).
pub const STRING_EQUAL_IGNORE_CASE: &str =
    "urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case";

/// All subject categories share this prefix (access-subject, recipient-subject, ...).
const SUBJECT_CATEGORY_PREFIX: &str = "urn:oasis:names:tc:xacml:1.0:subject-category:";
pub const STRING_TYPE: &str = "http://www.w3.org/2001/XMLSchema#string";
/// The RuleId stem used when no existing rule gives one and the policy has no PolicyId.
const DEFAULT_RULE_ID_PREFIX: &str = "urn:altinn:example:ruleid:";
/// The indentation used when no element shows the file's own.
pub const DEFAULT_INDENT: &str = "  ";
/// How many match references the expansion of one rule's target may produce. Real targets
/// (a few AnyOf elements with a handful of AllOf elements each) stay far below it; the limit only
/// keeps a hostile file from taking exponential time and memory.
const MAX_EXPANSION: usize = 1 << 16;

/// One `<Match>`: the attribute it tests and the value it compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeMatch {
    /// The comparison function, e.g. [`STRING_EQUAL_IGNORE_CASE`].
    pub match_id: String,
    /// The designator's AttributeId; empty when the Match has no `AttributeDesignator` (an
    /// `AttributeSelector`, say).
    pub attribute_id: String,
    /// The designator's Category; empty as above.
    pub category: String,
    /// The text of the `AttributeValue`, entities resolved, not trimmed.
    pub value: String,
    /// The whole `<Match>` element.
    pub span: Span,
}

/// What one combination of the target allows: the matches of one AllOf from every AnyOf (the
/// policy's own Target included), all of which must hold at once, sorted by category.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grant {
    pub subjects: Vec<AttributeMatch>,
    pub resources: Vec<AttributeMatch>,
    pub actions: Vec<AttributeMatch>,
    /// Matches in any other category (environment, custom), or without a designator.
    pub others: Vec<AttributeMatch>,
}

/// One `<Rule>` directly below the Policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRule {
    pub rule_id: Option<String>,
    pub effect: Option<String>,
    /// The whole element, from `<Rule` to the end of `</Rule>`.
    pub span: Span,
    /// The combinations the target allows, in document order. A rule without a Target (or with an
    /// empty one) matches every request: one grant with no matches.
    pub grants: Vec<Grant>,
    /// Whether the rule has a `<Condition>`, which may narrow every grant further.
    pub has_condition: bool,
    /// The target had more combinations than this reader expands; `grants` is then empty, so the
    /// rule counts as granting nothing (the safe side for a "missing rule" finding).
    pub target_too_large: bool,
}

/// What MP501 needs from a policy.xml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The rules in document order.
    pub rules: Vec<PolicyRule>,
    pub policy_id: Option<String>,
    pub rule_combining_alg_id: Option<String>,
    /// The prefix of the Policy element (`Some("xacml")`), or `None` for a default namespace.
    pub prefix: Option<String>,
    /// The indentation of the existing Rule elements (one level; nested levels repeat it).
    pub indent: String,
    /// File offset where a new rule goes: the start of the line of the closing Policy tag, or of
    /// `<ObligationExpressions>`/`<AdviceExpressions>` when present, since the XACML schema puts
    /// those after the rules.
    pub insert_at: usize,
    /// Whether other markup precedes that tag on its line (a one-line file): `insert_at` is then
    /// the tag itself and the inserted text must start on a new line.
    pub insert_needs_line_break: bool,
    /// The RuleId stem of the rule with the highest numeric suffix (`urn:altinn:example:ruleid:`).
    pub rule_id_prefix: String,
    /// That highest suffix (`2` for `urn:altinn:example:ruleid:2`); 0 when no RuleId ends in digits.
    pub max_rule_number: u64,
}

/// Parses policy.xml. The error names the line and column where the XML breaks, or says why the
/// document is not a Policy.
pub fn parse(file: &SourceFile) -> Result<Policy, String> {
    // quick-xml skips a BOM at the start of its input without counting it: a second BOM (the
    // first is not part of the text) is skipped here, and counted in every position.
    let lead = if file.text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let mut reader = Reader::from_str(&file.text[lead..]);
    let mut state = Reading::default();
    loop {
        let start = lead + offset(reader.buffer_position());
        let event = reader
            .read_event()
            .map_err(|e| malformed(file, lead + offset(reader.error_position()), &e))?;
        let end = lead + offset(reader.buffer_position());
        match event {
            Event::Start(tag) => {
                state.open(file, &tag, start, false)?;
                state.stack.push(tag.local_name().into_inner().to_string());
            }
            Event::Empty(tag) => {
                state.open(file, &tag, start, true)?;
                state.close(file, tag.local_name().into_inner(), start, end);
            }
            Event::End(_) => {
                let name = state.stack.pop().unwrap_or_default();
                state.close(file, &name, start, end);
            }
            Event::Text(text) => state.text(&text.xml_content(XmlVersion::default())),
            Event::CData(data) => state.text(&data.xml_content(XmlVersion::default())),
            Event::GeneralRef(reference) => state.text(&resolve_reference(&reference)),
            Event::Eof => break,
            _ => {}
        }
    }
    state.finish(file)
}

/// quick-xml counts bytes from the start of the text it was given, that is after the BOM.
fn offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

fn malformed(file: &SourceFile, text_offset: usize, problem: &dyn std::fmt::Display) -> String {
    let at = file.position(file.text_offset().saturating_add(text_offset));
    format!(
        "malformed XML at line {}, column {}: {problem}",
        at.line, at.column
    )
}

/// The text an `&...;` reference stands for; an unknown entity stays as written.
fn resolve_reference(reference: &BytesRef) -> Cow<'static, str> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Cow::Owned(c.to_string());
    }
    match quick_xml::escape::resolve_predefined_entity(reference) {
        Some(text) => Cow::Borrowed(text),
        None => Cow::Owned(format!("&{};", &**reference)),
    }
}

type AllOf = Vec<AttributeMatch>;
type AnyOf = Vec<AllOf>;

/// The Policy element's own attributes.
struct Root {
    prefix: Option<String>,
    policy_id: Option<String>,
    rule_combining_alg_id: Option<String>,
}

/// A Rule as read, before its target is expanded (that needs the policy's Target too).
struct RawRule {
    rule_id: Option<String>,
    effect: Option<String>,
    start: usize,
    span: Span,
    has_condition: bool,
    target: Vec<AnyOf>,
}

/// What the reader is in the middle of. Offsets are into `file.text` until `finish`.
#[derive(Default)]
struct Reading {
    /// Local names of the open elements; the root is at depth 0.
    stack: Vec<String>,
    root: Option<Root>,
    policy_target: Vec<AnyOf>,
    rules: Vec<RawRule>,
    open_rule: Option<RawRule>,
    /// The Target being read (the policy's or the open rule's).
    target: Option<Vec<AnyOf>>,
    open_match: Option<AttributeMatch>,
    match_start: usize,
    in_value: bool,
    first_child_start: Option<usize>,
    first_rule_start: Option<usize>,
    /// The first ObligationExpressions/AdviceExpressions below the Policy.
    trailer_start: Option<usize>,
    closing_tag_start: Option<usize>,
}

impl Reading {
    fn open(
        &mut self,
        file: &SourceFile,
        tag: &BytesStart,
        start: usize,
        empty: bool,
    ) -> Result<(), String> {
        // Reading every attribute also finds malformed ones (duplicates, missing quotes).
        let attributes = read_attributes(file, tag, start)?;
        let name = tag.local_name().into_inner();
        let depth = self.stack.len();
        if depth == 0 {
            return self.open_root(tag, name, attributes, empty);
        }
        if depth == 1 {
            self.first_child_start.get_or_insert(start);
        }
        let parent = self.stack.last().map(String::as_str);
        match (name, parent) {
            ("Rule", Some("Policy")) if depth == 1 => {
                self.first_rule_start.get_or_insert(start);
                self.open_rule = Some(RawRule {
                    rule_id: take(&attributes, "RuleId"),
                    effect: take(&attributes, "Effect"),
                    start,
                    span: Span::default(),
                    has_condition: false,
                    target: Vec::new(),
                });
            }
            ("Target", Some("Policy")) if depth == 1 => self.target = Some(Vec::new()),
            ("Target", Some("Rule")) if depth == 2 && self.open_rule.is_some() => {
                self.target = Some(Vec::new());
            }
            ("Condition", Some("Rule")) if depth == 2 => {
                if let Some(rule) = self.open_rule.as_mut() {
                    rule.has_condition = true;
                }
            }
            ("ObligationExpressions" | "AdviceExpressions", _) if depth == 1 => {
                self.trailer_start.get_or_insert(start);
            }
            ("AnyOf", Some("Target")) => {
                if let Some(target) = self.target.as_mut() {
                    target.push(Vec::new());
                }
            }
            ("AllOf", Some("AnyOf")) => {
                if let Some(any_of) = self.target.as_mut().and_then(|t| t.last_mut()) {
                    any_of.push(Vec::new());
                }
            }
            ("Match", Some("AllOf")) if self.target.is_some() => {
                self.match_start = start;
                self.open_match = Some(AttributeMatch {
                    match_id: take(&attributes, "MatchId").unwrap_or_default(),
                    attribute_id: String::new(),
                    category: String::new(),
                    value: String::new(),
                    span: Span::default(),
                });
            }
            ("AttributeValue", Some("Match")) => self.in_value = self.open_match.is_some(),
            ("AttributeDesignator", Some("Match")) => {
                if let Some(m) = self.open_match.as_mut() {
                    m.attribute_id = take(&attributes, "AttributeId").unwrap_or_default();
                    m.category = take(&attributes, "Category").unwrap_or_default();
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn open_root(
        &mut self,
        tag: &BytesStart,
        name: &str,
        attributes: Vec<(String, String)>,
        empty: bool,
    ) -> Result<(), String> {
        if self.root.is_some() {
            return Err(format!(
                "malformed XML: a second root element <{name}> follows the Policy"
            ));
        }
        if name != "Policy" {
            return Err(format!(
                "the root element is <{name}>, not an XACML <Policy>; an app's policy.xml holds one Policy"
            ));
        }
        if empty {
            return Err("the Policy element is empty (<Policy/>): it has no rules".to_string());
        }
        self.root = Some(Root {
            prefix: tag.name().prefix().map(|p| p.into_inner().to_string()),
            policy_id: take(&attributes, "PolicyId"),
            rule_combining_alg_id: take(&attributes, "RuleCombiningAlgId"),
        });
        Ok(())
    }

    /// Handles the end of an element; the stack no longer holds it.
    fn close(&mut self, file: &SourceFile, name: &str, start: usize, end: usize) {
        let depth = self.stack.len();
        let parent = self.stack.last().map(String::as_str);
        match (name, parent) {
            ("AttributeValue", Some("Match")) => self.in_value = false,
            ("Match", Some("AllOf")) => self.close_match(file.span_of_text(self.match_start, end)),
            ("Target", Some("Policy")) if depth == 1 => {
                self.policy_target = self.target.take().unwrap_or_default();
            }
            ("Target", Some("Rule")) if depth == 2 => {
                if let (Some(rule), Some(target)) = (self.open_rule.as_mut(), self.target.take()) {
                    rule.target = target;
                }
            }
            ("Rule", Some("Policy")) if depth == 1 => {
                if let Some(mut rule) = self.open_rule.take() {
                    rule.span = file.span_of_text(rule.start, end);
                    self.rules.push(rule);
                }
            }
            ("Policy", None) if depth == 0 => self.closing_tag_start = Some(start),
            _ => {}
        }
    }

    fn close_match(&mut self, span: Span) {
        let Some(mut m) = self.open_match.take() else {
            return;
        };
        m.span = span;
        let all_of = self
            .target
            .as_mut()
            .and_then(|t| t.last_mut())
            .and_then(|any_of| any_of.last_mut());
        if let Some(all_of) = all_of {
            all_of.push(m);
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_value
            && let Some(m) = self.open_match.as_mut()
        {
            m.value.push_str(text);
        }
    }

    fn finish(self, file: &SourceFile) -> Result<Policy, String> {
        if let Some(open) = self.stack.last() {
            let problem = format!("<{open}> is never closed");
            return Err(malformed(file, file.text.len(), &problem));
        }
        let Some(root) = self.root else {
            return Err("the file has no XML element; expected an XACML <Policy>".to_string());
        };
        let Some(closing_tag_start) = self.closing_tag_start else {
            return Err("malformed XML: the Policy element is never closed".to_string());
        };
        let anchor = self.trailer_start.unwrap_or(closing_tag_start);
        let (insert_at, insert_needs_line_break) = insertion_point(&file.text, anchor);
        let policy_target = self.policy_target;
        let rules: Vec<PolicyRule> = self
            .rules
            .into_iter()
            .map(|rule| expand_rule(rule, &policy_target))
            .collect();
        let (rule_id_prefix, max_rule_number) = rule_numbering(&rules, root.policy_id.as_deref());
        Ok(Policy {
            rules,
            policy_id: root.policy_id,
            rule_combining_alg_id: root.rule_combining_alg_id,
            prefix: root.prefix,
            indent: indentation(&file.text, self.first_rule_start.or(self.first_child_start)),
            insert_at: insert_at + file.text_offset(),
            insert_needs_line_break,
            rule_id_prefix,
            max_rule_number,
        })
    }
}

/// The tag's attributes by local name, values normalized; a malformed one is an error at the tag.
fn read_attributes(
    file: &SourceFile,
    tag: &BytesStart,
    start: usize,
) -> Result<Vec<(String, String)>, String> {
    let mut attributes = Vec::new();
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|e| malformed(file, start, &e))?;
        let value = attribute
            .normalized_value(XmlVersion::default())
            .map_err(|e| malformed(file, start, &e))?;
        attributes.push((
            attribute.key.local_name().into_inner().to_string(),
            value.into_owned(),
        ));
    }
    Ok(attributes)
}

fn take(attributes: &[(String, String)], name: &str) -> Option<String> {
    attributes
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.clone())
}

fn expand_rule(rule: RawRule, policy_target: &[AnyOf]) -> PolicyRule {
    // The policy's Target applies to every rule, so it is one more AND over AnyOf elements.
    let target: Vec<&AnyOf> = policy_target.iter().chain(rule.target.iter()).collect();
    let grants = expand(&target);
    PolicyRule {
        rule_id: rule.rule_id,
        effect: rule.effect,
        span: rule.span,
        target_too_large: grants.is_none(),
        grants: grants.unwrap_or_default(),
        has_condition: rule.has_condition,
    }
}

/// Turns an AND of ORs into the list of its combinations; `None` when that exceeds
/// [`MAX_EXPANSION`] match references in total (work included, not just the result).
fn expand(target: &[&AnyOf]) -> Option<Vec<Grant>> {
    let mut combinations: Vec<Vec<&AttributeMatch>> = vec![Vec::new()];
    let mut work = 0usize;
    for any_of in target {
        let mut next = Vec::new();
        for combination in &combinations {
            for all_of in any_of.iter() {
                work = work.saturating_add(combination.len() + all_of.len() + 1);
                if work > MAX_EXPANSION {
                    return None;
                }
                next.push(combination.iter().copied().chain(all_of).collect());
            }
        }
        combinations = next;
    }
    Some(combinations.into_iter().map(grant_of).collect())
}

fn grant_of(matches: Vec<&AttributeMatch>) -> Grant {
    let mut grant = Grant::default();
    for m in matches {
        let list = if m.category.starts_with(SUBJECT_CATEGORY_PREFIX) {
            &mut grant.subjects
        } else if m.category == RESOURCE_CATEGORY {
            &mut grant.resources
        } else if m.category == ACTION_CATEGORY {
            &mut grant.actions
        } else {
            &mut grant.others
        };
        list.push(m.clone());
    }
    grant
}

/// Where to insert before `anchor` (a text offset): the start of its line when only whitespace
/// precedes it there, so the new block keeps the file's layout; otherwise the tag itself.
fn insertion_point(text: &str, anchor: usize) -> (usize, bool) {
    let before = text.get(..anchor).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let lead = &before[line_start..];
    if lead.chars().all(|c| c == ' ' || c == '\t') {
        (line_start, false)
    } else {
        (before.len(), true)
    }
}

/// The leading whitespace of the line of the element at `at`, when that element starts its line.
fn indentation(text: &str, at: Option<usize>) -> String {
    let Some(before) = at.and_then(|at| text.get(..at)) else {
        return DEFAULT_INDENT.to_string();
    };
    let lead = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    if !lead.is_empty() && lead.chars().all(|c| c == ' ' || c == '\t') {
        lead.to_string()
    } else {
        DEFAULT_INDENT.to_string()
    }
}

/// The RuleId stem and number of the rule with the highest numeric suffix. Without one, the stem
/// follows the template's `{PolicyId}:ruleid:` pattern.
fn rule_numbering(rules: &[PolicyRule], policy_id: Option<&str>) -> (String, u64) {
    let mut best: Option<(u64, &str)> = None;
    for id in rules.iter().filter_map(|r| r.rule_id.as_deref()) {
        let stem = id.trim_end_matches(|c: char| c.is_ascii_digit());
        let Ok(number) = id[stem.len()..].parse::<u64>() else {
            continue;
        };
        if best.is_none_or(|(highest, _)| number > highest) {
            best = Some((number, stem));
        }
    }
    match (best, policy_id) {
        (Some((number, stem)), _) => (stem.to_string(), number),
        (None, Some(policy_id)) => (format!("{policy_id}:ruleid:"), 0),
        (None, None) => (DEFAULT_RULE_ID_PREFIX.to_string(), 0),
    }
}

#[cfg(test)]
mod tests {
    use super::grants::org_actions;
    use super::testing::*;
    use super::*;
    use crate::core::SourceFile;
    use std::path::Path;

    #[test]
    fn rule_spans_cover_the_whole_element() {
        let source = file(TEMPLATE);
        let policy = parse(&source).unwrap();
        for rule in &policy.rules {
            let text = source.slice(rule.span);
            assert!(text.starts_with("<xacml:Rule RuleId="), "{text}");
            assert!(text.ends_with("</xacml:Rule>"), "{text}");
        }
        assert_eq!(source.position(policy.rules[1].span.start).line, 61);
    }

    #[test]
    fn insertion_goes_before_the_obligations() {
        let source = file(TEMPLATE);
        let policy = parse(&source).unwrap();
        assert!(!policy.insert_needs_line_break);
        let at = source.position(policy.insert_at);
        assert_eq!((at.line, at.column), (112, 1));
        assert_eq!(source.line_text(at.line), "  <xacml:ObligationExpressions>");
    }

    #[test]
    fn bom_and_crlf_keep_file_offsets() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(TEMPLATE.replace('\n', "\r\n").as_bytes());
        let source = SourceFile::from_bytes(Path::new("policy.xml"), bytes.clone()).unwrap();
        let policy = parse(&source).unwrap();
        let rule = &policy.rules[1];
        let start = source.position(rule.span.start);
        assert_eq!((start.line, start.column), (61, 3));
        // Spans index the original bytes, BOM included.
        assert!(bytes[rule.span.start..rule.span.end].starts_with(b"<xacml:Rule RuleId="));
        assert!(bytes[..rule.span.end].ends_with(b"</xacml:Rule>"));
        let at = source.position(policy.insert_at);
        assert_eq!((at.line, at.column), (112, 1));
        assert_eq!(&bytes[policy.insert_at - 2..policy.insert_at], b"\r\n");
    }

    #[test]
    fn malformed_xml_names_line_and_column() {
        let text =
            "<?xml version=\"1.0\"?>\n<Policy>\n  <Rule RuleId=\"a\">\n  </Target>\n</Policy>\n";
        let error = parse(&file(text)).unwrap_err();
        assert!(
            error.starts_with("malformed XML at line 4, column 3: "),
            "{error}"
        );
    }

    #[test]
    fn malformed_position_counts_from_the_file_start_with_a_bom() {
        let bytes = b"\xEF\xBB\xBF<Policy>\r\n  <Rule a=\"1\" a=\"2\"/>\r\n</Policy>".to_vec();
        let source = SourceFile::from_bytes(Path::new("policy.xml"), bytes).unwrap();
        let error = parse(&source).unwrap_err();
        assert!(
            error.starts_with("malformed XML at line 2, column 3: "),
            "{error}"
        );
    }

    #[test]
    fn unclosed_policy_is_malformed() {
        let error = parse(&file("<Policy>\n  <Rule>\n")).unwrap_err();
        assert!(error.starts_with("malformed XML at line 3"), "{error}");
        assert!(error.contains("<Rule> is never closed"), "{error}");
    }

    #[test]
    fn other_roots_are_refused() {
        let error = parse(&file("<xacml:PolicySet xmlns:xacml=\"x\"/>")).unwrap_err();
        assert!(error.contains("root element is <PolicySet>"), "{error}");
        let error = parse(&file("<!-- nothing -->\n")).unwrap_err();
        assert!(error.contains("no XML element"), "{error}");
        let error = parse(&file("<Policy/>")).unwrap_err();
        assert!(error.contains("empty"), "{error}");
        let error = parse(&file("<Policy></Policy><Policy></Policy>")).unwrap_err();
        assert!(error.contains("second root"), "{error}");
    }

    #[test]
    fn comments_cdata_and_references_are_read_as_xml() {
        let commented = format!("<!-- {} -->", any_of(&[&action("write")]));
        let text = policy_with(&[(
            "r:1",
            "Permit",
            &[
                any_of(&[&org("&#91;org&#x5D;")]),
                commented,
                any_of(&[&action("<![CDATA[read]]>")]),
            ],
        )]);
        let policy = parsed(&text);
        assert_eq!(policy.rules[0].grants[0].subjects[0].value, "[org]");
        assert_eq!(org_actions(&policy), ["read"]);
    }

    #[test]
    fn rule_without_target_matches_everything_but_names_no_org() {
        let text = "<Policy><Rule RuleId=\"r:1\" Effect=\"Permit\"/></Policy>";
        let policy = parsed(text);
        assert_eq!(policy.rules[0].grants, vec![Grant::default()]);
        assert!(org_actions(&policy).is_empty());
    }

    #[test]
    fn huge_targets_are_not_expanded() {
        let any = any_of(&[&role("a"), &role("b"), &role("c"), &role("d")]);
        let many: Vec<String> = std::iter::repeat_n(any, 12).collect();
        let text = policy_with(&[("r:1", "Permit", &many)]);
        let policy = parsed(&text);
        assert!(policy.rules[0].target_too_large);
        assert!(policy.rules[0].grants.is_empty());
    }
}
