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
const STRING_TYPE: &str = "http://www.w3.org/2001/XMLSchema#string";
/// The RuleId stem used when no existing rule gives one and the policy has no PolicyId.
const DEFAULT_RULE_ID_PREFIX: &str = "urn:altinn:example:ruleid:";
/// The indentation used when no element shows the file's own.
const DEFAULT_INDENT: &str = "  ";
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
    /// `"\n"` or `"\r\n"`, as the file's first line ends.
    pub line_ending: &'static str,
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

impl PolicyRule {
    /// The lower-cased actions this rule grants `[org]`: nothing unless the effect is Permit.
    pub fn org_actions(&self) -> Vec<String> {
        self.org_actions_for(None)
    }

    /// As [`PolicyRule::org_actions`], also accepting the app's owner written out (`org` from
    /// applicationmetadata.json, e.g. `ttd`) instead of the `[org]` placeholder.
    pub fn org_actions_for(&self, org: Option<&str>) -> Vec<String> {
        let mut actions = Vec::new();
        if self.effect.as_deref() != Some("Permit") {
            return actions;
        }
        for action in self.grants.iter().filter_map(|g| org_action(g, org)) {
            if !actions.contains(&action) {
                actions.push(action);
            }
        }
        actions
    }
}

/// The lower-cased actions granted to `[org]` by the Permit rules, without duplicates, in the
/// order first seen. Deny rules are ignored (they never grant); resource matches other than the
/// app itself and Conditions are not evaluated, so a grant limited to one task still counts.
pub fn org_actions(policy: &Policy) -> Vec<String> {
    org_actions_for(policy, None)
}

/// As [`org_actions`], also accepting the app's owner written out instead of `[org]`.
pub fn org_actions_for(policy: &Policy, org: Option<&str>) -> Vec<String> {
    let mut actions: Vec<String> = Vec::new();
    for action in policy.rules.iter().flat_map(|r| r.org_actions_for(org)) {
        if !actions.contains(&action) {
            actions.push(action);
        }
    }
    actions
}

/// The actions of `required` (lower-cased, in the given order) that no Permit rule grants `[org]`.
pub fn missing_org_actions(policy: &Policy, required: &[&str]) -> Vec<String> {
    missing_org_actions_for(policy, None, required)
}

/// As [`missing_org_actions`], also accepting the app's owner written out instead of `[org]`.
pub fn missing_org_actions_for(
    policy: &Policy,
    org: Option<&str>,
    required: &[&str],
) -> Vec<String> {
    let granted = org_actions_for(policy, org);
    let mut missing: Vec<String> = Vec::new();
    for action in required.iter().map(|a| a.to_lowercase()) {
        if !granted.contains(&action) && !missing.contains(&action) {
            missing.push(action);
        }
    }
    missing
}

/// The action a grant gives the org, if it gives one: every subject match must be the org match
/// (another subject constraint, such as a role code, is one the org's token does not carry), and
/// every action match must name the same action (a request has one action-id).
fn org_action(grant: &Grant, org: Option<&str>) -> Option<String> {
    if grant.subjects.is_empty() || !grant.subjects.iter().all(|m| is_org_subject(m, org)) {
        return None;
    }
    let mut actions = grant.actions.iter().map(action_name);
    let first = actions.next()??;
    actions
        .all(|other| other.as_ref() == Some(&first))
        .then_some(first)
}

fn is_org_subject(m: &AttributeMatch, org: Option<&str>) -> bool {
    let names_org = m.value.eq_ignore_ascii_case(ORG_PLACEHOLDER)
        || org.is_some_and(|org| m.value.eq_ignore_ascii_case(org));
    is_string_equality(&m.match_id)
        && m.attribute_id == ORG_ATTRIBUTE
        && m.category == ACCESS_SUBJECT
        && names_org
}

/// The lower-cased action an action match names; `None` for a match this reader cannot decide.
fn action_name(m: &AttributeMatch) -> Option<String> {
    (is_string_equality(&m.match_id) && m.attribute_id == ACTION_ID).then(|| m.value.to_lowercase())
}

fn is_string_equality(match_id: &str) -> bool {
    match_id == STRING_EQUAL || match_id == STRING_EQUAL_IGNORE_CASE
}

/// Parses policy.xml. The error names the line and column where the XML breaks, or says why the
/// document is not a Policy.
pub fn parse(file: &SourceFile) -> Result<Policy, String> {
    let mut reader = Reader::from_str(&file.text);
    let mut state = Reading::default();
    loop {
        let start = offset(reader.buffer_position());
        let event = reader
            .read_event()
            .map_err(|e| malformed(file, offset(reader.error_position()), &e))?;
        let end = offset(reader.buffer_position());
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
            line_ending: line_ending(&file.text),
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

fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if text[..i].ends_with('\r') => "\r\n",
        _ => "\n",
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

/// A RuleId no existing rule has: the stem with the next number.
pub fn new_rule_id(policy: &Policy) -> String {
    // u128 so that a suffix of u64::MAX still has a successor.
    let mut number = u128::from(policy.max_rule_number) + 1;
    loop {
        let id = format!("{}{number}", policy.rule_id_prefix);
        if !policy
            .rules
            .iter()
            .any(|r| r.rule_id.as_deref() == Some(&id))
        {
            return id;
        }
        number += 1;
    }
}

/// One `<Rule>` that grants `[org]` the given actions, shaped like the template's service-owner
/// rule and written in the file's prefix, indentation and line endings, ready to be inserted at
/// `policy.insert_at`. Empty when `actions` is empty (a rule without actions grants nothing).
pub fn render_org_rule(policy: &Policy, actions: &[&str]) -> String {
    if actions.is_empty() {
        return String::new();
    }
    let p = policy
        .prefix
        .as_deref()
        .map_or(String::new(), |prefix| format!("{prefix}:"));
    let mut w = RuleWriter {
        policy,
        p: p.clone(),
        out: String::new(),
    };
    if policy.insert_needs_line_break {
        w.out.push_str(policy.line_ending);
    }
    let id = escape(&new_rule_id(policy));
    w.line(1, &format!("<{p}Rule RuleId=\"{id}\" Effect=\"Permit\">"));
    let description = escape(&format!(
        "Added by maskinporten-migrate for Maskinporten service-owner access: gives the app owner ({ORG_PLACEHOLDER}) the rights {}.",
        actions.join(", ")
    ));
    w.line(
        2,
        &format!("<{p}Description>{description}</{p}Description>"),
    );
    w.line(2, &format!("<{p}Target>"));
    w.any_of(&[&[(
        STRING_EQUAL_IGNORE_CASE,
        ORG_PLACEHOLDER,
        ORG_ATTRIBUTE,
        ACCESS_SUBJECT,
    )]]);
    w.any_of(&[&[
        (STRING_EQUAL, "[ORG]", ORG_ATTRIBUTE, RESOURCE_CATEGORY),
        (STRING_EQUAL, "[APP]", APP_ATTRIBUTE, RESOURCE_CATEGORY),
    ]]);
    // One AllOf per action: the AnyOf then allows any of them, as in the template.
    let action_matches: Vec<[MatchSpec; 1]> = actions
        .iter()
        .map(|action| {
            [(
                STRING_EQUAL_IGNORE_CASE,
                *action,
                ACTION_ID,
                ACTION_CATEGORY,
            )]
        })
        .collect();
    let action_all_ofs: Vec<&[MatchSpec]> = action_matches.iter().map(|m| &m[..]).collect();
    w.any_of(&action_all_ofs);
    w.line(2, &format!("</{p}Target>"));
    w.line(1, &format!("</{p}Rule>"));
    w.out
}

/// MatchId, value, AttributeId, Category.
type MatchSpec<'a> = (&'a str, &'a str, &'a str, &'a str);

struct RuleWriter<'p> {
    policy: &'p Policy,
    /// The element prefix with its colon (`xacml:`), or empty.
    p: String,
    out: String,
}

impl RuleWriter<'_> {
    /// Writes one line `level` indentation units deep (the Rule itself is at level 1).
    fn line(&mut self, level: usize, content: &str) {
        for _ in 0..level {
            self.out.push_str(&self.policy.indent);
        }
        self.out.push_str(content);
        self.out.push_str(self.policy.line_ending);
    }

    fn any_of(&mut self, all_ofs: &[&[MatchSpec]]) {
        let p = self.p.clone();
        self.line(3, &format!("<{p}AnyOf>"));
        for all_of in all_ofs {
            self.line(4, &format!("<{p}AllOf>"));
            for spec in all_of.iter() {
                self.match_element(spec);
            }
            self.line(4, &format!("</{p}AllOf>"));
        }
        self.line(3, &format!("</{p}AnyOf>"));
    }

    fn match_element(&mut self, &(match_id, value, attribute_id, category): &MatchSpec) {
        let p = self.p.clone();
        let value = escape(value);
        self.line(5, &format!("<{p}Match MatchId=\"{match_id}\">"));
        self.line(
            6,
            &format!("<{p}AttributeValue DataType=\"{STRING_TYPE}\">{value}</{p}AttributeValue>"),
        );
        self.line(
            6,
            &format!(
                "<{p}AttributeDesignator AttributeId=\"{attribute_id}\" Category=\"{category}\" DataType=\"{STRING_TYPE}\" MustBePresent=\"false\" />"
            ),
        );
        self.line(5, &format!("</{p}Match>"));
    }
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The v8 app template's policy.xml (app-lib-dotnet
    /// `test/Altinn.App.Integration.Tests/_testapps/basic/App/config/authorization/policy.xml`,
    /// BOM removed): rule 1 for end users, rule 2 for the service owner, then obligations.
    const TEMPLATE: &str = r##"<?xml version="1.0" encoding="utf-8"?>
<xacml:Policy PolicyId="urn:altinn:resource:app_[ORG]_[APP]:policyid:1" Version="1.0" RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides" xmlns:xacml="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17">
  <xacml:Target />
  <xacml:Rule RuleId="urn:altinn:resource:app_[ORG]_[APP]:policyid:1:ruleid:1" Effect="Permit">
    <xacml:Description>Regel for sluttbruker: Gir rettighetene Les, Skriv, Slett og Start til brukere med rollene Privatperson (PRIV) og Daglig leder (DAGL), for hele tjenesten. </xacml:Description>
    <xacml:Target>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">priv</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:rolecode" Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">dagl</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:rolecode" Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">[ORG]</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:org" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">[APP]</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:app" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">read</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">write</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">delete</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">instantiate</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
    </xacml:Target>
  </xacml:Rule>
  <xacml:Rule RuleId="urn:altinn:resource:app_[ORG]_[APP]:policyid:1:ruleid:2" Effect="Permit">
    <xacml:Description>Regel for tjenesteeier: Gir rettighetene Les, Skriv, Start, Bekreft mottatt tjenesteeier til organisasjonen som eier tjenesten ([org]).</xacml:Description>
    <xacml:Target>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">[org]</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:org" Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">[ORG]</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:org" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">[APP]</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:app" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">read</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">write</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">instantiate</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">complete</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
    </xacml:Target>
  </xacml:Rule>
  <xacml:ObligationExpressions>
    <xacml:ObligationExpression ObligationId="urn:altinn:obligation:authenticationLevel1" FulfillOn="Permit">
      <xacml:AttributeAssignmentExpression AttributeId="urn:altinn:obligation1-assignment1" Category="urn:altinn:minimum-authenticationlevel">
        <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#integer">2</xacml:AttributeValue>
      </xacml:AttributeAssignmentExpression>
    </xacml:ObligationExpression>
    <xacml:ObligationExpression ObligationId="urn:altinn:obligation:authenticationLevel2" FulfillOn="Permit">
      <xacml:AttributeAssignmentExpression AttributeId="urn:altinn:obligation2-assignment2" Category="urn:altinn:minimum-authenticationlevel-org">
        <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#integer">3</xacml:AttributeValue>
      </xacml:AttributeAssignmentExpression>
    </xacml:ObligationExpression>
  </xacml:ObligationExpressions>
</xacml:Policy>"##;

    /// The shape `bench/gen_apps.py` writes, with and without its service-owner rule.
    fn generated(with_org_rule: bool) -> String {
        let org_rule = r#"  <xacml:Rule RuleId="urn:altinn:example:ruleid:2" Effect="Permit">
    <xacml:Description>Service owner may read and write instances.</xacml:Description>
    <xacml:Target>
      <xacml:AnyOf><xacml:AllOf>
        <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
          <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">[org]</xacml:AttributeValue>
          <xacml:AttributeDesignator AttributeId="urn:altinn:org" Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
        </xacml:Match>
      </xacml:AllOf></xacml:AnyOf>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">read</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
        <xacml:AllOf>
          <xacml:Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal">
            <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">write</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
    </xacml:Target>
  </xacml:Rule>
"#;
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<xacml:Policy xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:xacml="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicyId="urn:altinn:example:policyid:1" Version="1.0" RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides">
  <xacml:Target />
{}</xacml:Policy>
"#,
            if with_org_rule { org_rule } else { "" }
        )
    }

    /// A `<Match>` in the template's layout, without prefix.
    fn m(match_id: &str, value: &str, attribute_id: &str, category: &str) -> String {
        format!(
            r#"<Match MatchId="{match_id}"><AttributeValue DataType="{STRING_TYPE}">{value}</AttributeValue><AttributeDesignator AttributeId="{attribute_id}" Category="{category}" DataType="{STRING_TYPE}" MustBePresent="false"/></Match>"#
        )
    }

    fn org(value: &str) -> String {
        m(
            STRING_EQUAL_IGNORE_CASE,
            value,
            ORG_ATTRIBUTE,
            ACCESS_SUBJECT,
        )
    }

    fn action(name: &str) -> String {
        m(STRING_EQUAL, name, ACTION_ID, ACTION_CATEGORY)
    }

    fn role(code: &str) -> String {
        m(
            STRING_EQUAL_IGNORE_CASE,
            code,
            "urn:altinn:rolecode",
            ACCESS_SUBJECT,
        )
    }

    /// `<AnyOf>` over AllOf elements, each given as its concatenated matches.
    fn any_of(all_ofs: &[&str]) -> String {
        let inner: String = all_ofs
            .iter()
            .map(|all_of| format!("<AllOf>{all_of}</AllOf>"))
            .collect();
        format!("<AnyOf>{inner}</AnyOf>")
    }

    /// A default-namespace policy, one element per line, with these rules.
    fn policy_with(rules: &[(&str, &str, &[String])]) -> String {
        let mut text = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Policy xmlns=\"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17\" PolicyId=\"urn:test:policyid:1\" RuleCombiningAlgId=\"urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides\">\n    <Target/>\n",
        );
        for (id, effect, any_ofs) in rules {
            text.push_str(&format!(
                "    <Rule RuleId=\"{id}\" Effect=\"{effect}\">\n      <Target>{}</Target>\n    </Rule>\n",
                any_ofs.concat()
            ));
        }
        text.push_str("</Policy>\n");
        text
    }

    fn file(text: &str) -> SourceFile {
        SourceFile::from_text(Path::new("policy.xml"), text.to_string(), false)
    }

    fn parsed(text: &str) -> Policy {
        parse(&file(text)).expect("test policy parses")
    }

    /// The file with `render_org_rule(actions)` inserted where the policy says.
    fn with_rule(file: &SourceFile, policy: &Policy, actions: &[&str]) -> String {
        let at = policy.insert_at - file.text_offset();
        let mut text = file.text.clone();
        text.insert_str(at, &render_org_rule(policy, actions));
        text
    }

    #[test]
    fn template_grants_the_service_owner_its_four_actions() {
        let policy = parsed(TEMPLATE);
        assert_eq!(policy.rules.len(), 2);
        assert_eq!(
            org_actions(&policy),
            ["read", "write", "instantiate", "complete"]
        );
        assert!(missing_org_actions(&policy, &["read", "write", "complete"]).is_empty());
        assert!(
            policy.rules[0].org_actions().is_empty(),
            "rule 1 is for PRIV/DAGL"
        );
        assert_eq!(policy.rules[1].grants.len(), 4);
        assert_eq!(policy.rules[1].grants[0].resources.len(), 2);
        assert_eq!(
            policy.rules[1].rule_id.as_deref(),
            Some("urn:altinn:resource:app_[ORG]_[APP]:policyid:1:ruleid:2")
        );
        assert_eq!(policy.prefix.as_deref(), Some("xacml"));
        assert_eq!(
            policy.policy_id.as_deref(),
            Some("urn:altinn:resource:app_[ORG]_[APP]:policyid:1")
        );
        assert_eq!(policy.indent, "  ");
        assert_eq!(policy.line_ending, "\n");
        assert_eq!(
            policy.rule_id_prefix,
            "urn:altinn:resource:app_[ORG]_[APP]:policyid:1:ruleid:"
        );
        assert_eq!(policy.max_rule_number, 2);
        assert!(!policy.rules[1].has_condition);
    }

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
    fn generated_policy_with_its_org_rule() {
        let text = generated(true);
        let source = file(&text);
        let policy = parse(&source).unwrap();
        assert_eq!(org_actions(&policy), ["read", "write"]);
        assert_eq!(
            missing_org_actions(&policy, &["read", "write", "complete"]),
            ["complete"]
        );
        let at = source.position(policy.insert_at);
        assert_eq!(source.line_text(at.line), "</xacml:Policy>");
        assert_eq!(at.column, 1);
    }

    #[test]
    fn policy_without_org_rule_misses_read_and_write() {
        let text = generated(false);
        let source = file(&text);
        let policy = parse(&source).unwrap();
        assert!(policy.rules.is_empty());
        assert!(org_actions(&policy).is_empty());
        assert_eq!(
            missing_org_actions(&policy, &["Read", "write"]),
            ["read", "write"]
        );
        // No Rule to copy: the Policy's Target shows the indentation; the PolicyId the RuleId stem.
        assert_eq!(policy.indent, "  ");
        assert_eq!(
            policy.rule_id_prefix,
            "urn:altinn:example:policyid:1:ruleid:"
        );
        assert_eq!(policy.max_rule_number, 0);
        assert_eq!(
            source.line_text(source.position(policy.insert_at).line),
            "</xacml:Policy>"
        );
    }

    #[test]
    fn org_rule_with_only_read() {
        let text = policy_with(&[(
            "urn:test:ruleid:1",
            "Permit",
            &[any_of(&[&org("[org]")]), any_of(&[&action("read")])],
        )]);
        let policy = parsed(&text);
        assert_eq!(org_actions(&policy), ["read"]);
        assert_eq!(missing_org_actions(&policy, &["read", "write"]), ["write"]);
    }

    #[test]
    fn default_namespace_policy() {
        let text = policy_with(&[(
            "urn:test:ruleid:4",
            "Permit",
            &[
                any_of(&[&org("[ORG]")]),
                any_of(&[&action("Read"), &action("write")]),
            ],
        )]);
        let policy = parsed(&text);
        assert_eq!(policy.prefix, None);
        assert_eq!(policy.indent, "    ");
        assert_eq!(
            org_actions(&policy),
            ["read", "write"],
            "value compared ignoring case"
        );
        assert_eq!(policy.rule_id_prefix, "urn:test:ruleid:");
        assert_eq!(policy.max_rule_number, 4);
    }

    #[test]
    fn bom_and_crlf_keep_file_offsets() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(TEMPLATE.replace('\n', "\r\n").as_bytes());
        let source = SourceFile::from_bytes(Path::new("policy.xml"), bytes.clone()).unwrap();
        let policy = parse(&source).unwrap();
        assert_eq!(policy.line_ending, "\r\n");
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
    fn crlf_rule_is_rendered_with_crlf() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(generated(false).replace('\n', "\r\n").as_bytes());
        let source = SourceFile::from_bytes(Path::new("policy.xml"), bytes).unwrap();
        let policy = parse(&source).unwrap();
        let rule = render_org_rule(&policy, &["read", "write"]);
        assert_eq!(rule.matches('\n').count(), rule.matches("\r\n").count());
        let fixed = with_rule(&source, &policy, &["read", "write"]);
        let again = parsed(&fixed);
        assert!(missing_org_actions(&again, &["read", "write"]).is_empty());
        assert_eq!(again.line_ending, "\r\n");
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
    fn rendered_rule_makes_the_policy_complete() {
        let source = file(&generated(false));
        let policy = parse(&source).unwrap();
        let fixed = with_rule(&source, &policy, &["read", "write", "complete"]);
        let again = parsed(&fixed);
        assert_eq!(again.rules.len(), 1);
        assert_eq!(
            again.rules[0].rule_id.as_deref(),
            Some("urn:altinn:example:policyid:1:ruleid:1")
        );
        assert!(missing_org_actions(&again, &["read", "write", "complete"]).is_empty());
        assert!(fixed.contains(
            "\n  <xacml:Rule RuleId=\"urn:altinn:example:policyid:1:ruleid:1\" Effect=\"Permit\">\n    <xacml:Description>Added by maskinporten-migrate for Maskinporten service-owner access"
        ));
        assert!(fixed.ends_with("  </xacml:Rule>\n</xacml:Policy>\n"));
    }

    #[test]
    fn rendered_rule_matches_the_template_rule_shape() {
        let policy = parsed(&generated(false));
        let rule = render_org_rule(&policy, &["read"]);
        let expected = format!(
            r#"  <xacml:Rule RuleId="urn:altinn:example:policyid:1:ruleid:1" Effect="Permit">
    <xacml:Description>Added by maskinporten-migrate for Maskinporten service-owner access: gives the app owner ([org]) the rights read.</xacml:Description>
    <xacml:Target>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="{STRING_EQUAL_IGNORE_CASE}">
            <xacml:AttributeValue DataType="{STRING_TYPE}">[org]</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:org" Category="{ACCESS_SUBJECT}" DataType="{STRING_TYPE}" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="{STRING_EQUAL}">
            <xacml:AttributeValue DataType="{STRING_TYPE}">[ORG]</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:org" Category="{RESOURCE_CATEGORY}" DataType="{STRING_TYPE}" MustBePresent="false" />
          </xacml:Match>
          <xacml:Match MatchId="{STRING_EQUAL}">
            <xacml:AttributeValue DataType="{STRING_TYPE}">[APP]</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="urn:altinn:app" Category="{RESOURCE_CATEGORY}" DataType="{STRING_TYPE}" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
      <xacml:AnyOf>
        <xacml:AllOf>
          <xacml:Match MatchId="{STRING_EQUAL_IGNORE_CASE}">
            <xacml:AttributeValue DataType="{STRING_TYPE}">read</xacml:AttributeValue>
            <xacml:AttributeDesignator AttributeId="{ACTION_ID}" Category="{ACTION_CATEGORY}" DataType="{STRING_TYPE}" MustBePresent="false" />
          </xacml:Match>
        </xacml:AllOf>
      </xacml:AnyOf>
    </xacml:Target>
  </xacml:Rule>
"#
        );
        pretty_assertions::assert_eq!(rule, expected);
        assert_eq!(render_org_rule(&policy, &[]), "");
    }

    #[test]
    fn rendered_rule_into_the_template_keeps_schema_order_and_a_unique_id() {
        // The template minus its service-owner rule: end users only.
        let source = file(TEMPLATE);
        let template = parse(&source).unwrap();
        let org_rule = template.rules[1].span;
        let mut text = TEMPLATE.to_string();
        // From the start of its line through its line ending.
        text.replace_range(org_rule.start - 2..org_rule.end + 1, "");
        let source = file(&text);
        let policy = parse(&source).unwrap();
        assert_eq!(
            missing_org_actions(&policy, &["read", "write"]),
            ["read", "write"]
        );
        let fixed = with_rule(&source, &policy, &["read", "write"]);
        let again = parsed(&fixed);
        assert_eq!(
            again.rules[1].rule_id.as_deref(),
            Some("urn:altinn:resource:app_[ORG]_[APP]:policyid:1:ruleid:2")
        );
        assert!(missing_org_actions(&again, &["read", "write"]).is_empty());
        let rule_end = fixed.find("</xacml:Rule>\n  <xacml:ObligationExpressions>");
        assert!(
            rule_end.is_some(),
            "the new rule sits right before the obligations"
        );
    }

    #[test]
    fn new_rule_id_follows_the_highest_number() {
        let text = policy_with(&[
            ("urn:test:ruleid:7", "Permit", &[]),
            ("urn:other:3", "Permit", &[]),
            ("no-number", "Permit", &[]),
        ]);
        let policy = parsed(&text);
        assert_eq!(policy.max_rule_number, 7);
        assert_eq!(new_rule_id(&policy), "urn:test:ruleid:8");
        let text = policy_with(&[("r:18446744073709551615", "Permit", &[])]);
        assert_eq!(new_rule_id(&parsed(&text)), "r:18446744073709551616");
    }

    #[test]
    fn one_line_policy_gets_the_rule_on_a_new_line() {
        let text = format!(
            "<Policy PolicyId=\"p\"><Rule RuleId=\"p:ruleid:1\" Effect=\"Permit\"><Target>{}</Target></Rule></Policy>",
            any_of(&[&role("dagl")])
        );
        let source = file(&text);
        let policy = parse(&source).unwrap();
        assert!(policy.insert_needs_line_break);
        assert_eq!(policy.indent, DEFAULT_INDENT);
        let fixed = with_rule(&source, &policy, &["read", "write"]);
        assert!(fixed.ends_with("</Rule>\n</Policy>"), "{fixed}");
        let again = parsed(&fixed);
        assert_eq!(again.rules.len(), 2);
        assert_eq!(org_actions(&again), ["read", "write"]);
    }

    #[test]
    fn deny_rule_for_org_is_not_a_grant() {
        let text = policy_with(&[(
            "urn:test:ruleid:1",
            "Deny",
            &[
                any_of(&[&org("[org]")]),
                any_of(&[&action("read"), &action("write")]),
            ],
        )]);
        let policy = parsed(&text);
        assert_eq!(policy.rules[0].grants.len(), 2);
        assert!(org_actions(&policy).is_empty());
    }

    #[test]
    fn any_of_elements_are_anded() {
        // The org must also hold the DAGL role, which an org token does not: no grant.
        let text = policy_with(&[(
            "urn:test:ruleid:1",
            "Permit",
            &[
                any_of(&[&org("[org]")]),
                any_of(&[&role("dagl")]),
                any_of(&[&action("read")]),
            ],
        )]);
        assert!(org_actions(&parsed(&text)).is_empty());
    }

    #[test]
    fn all_of_elements_are_ored() {
        // Users with DAGL, or the org, may read and write.
        let text = policy_with(&[(
            "urn:test:ruleid:1",
            "Permit",
            &[
                any_of(&[&role("dagl"), &org("[org]")]),
                any_of(&[&action("read"), &action("write")]),
            ],
        )]);
        let policy = parsed(&text);
        assert_eq!(policy.rules[0].grants.len(), 4);
        assert_eq!(org_actions(&policy), ["read", "write"]);
    }

    #[test]
    fn matches_in_one_all_of_must_all_hold() {
        // A request has one action, so read AND write in one AllOf never matches.
        let both = format!("{}{}", action("read"), action("write"));
        let org_and_role = format!("{}{}", org("[org]"), role("dagl"));
        let text = policy_with(&[
            (
                "urn:test:ruleid:1",
                "Permit",
                &[any_of(&[&org("[org]")]), any_of(&[&both])],
            ),
            (
                "urn:test:ruleid:2",
                "Permit",
                &[any_of(&[&org_and_role]), any_of(&[&action("read")])],
            ),
        ]);
        assert!(org_actions(&parsed(&text)).is_empty());
    }

    #[test]
    fn other_orgs_and_other_attributes_do_not_count() {
        let recipient = m(
            STRING_EQUAL,
            "[org]",
            ORG_ATTRIBUTE,
            "urn:oasis:names:tc:xacml:1.0:subject-category:recipient-subject",
        );
        let regexp = m(
            "urn:oasis:names:tc:xacml:1.0:function:string-regexp-match",
            "[org]",
            ORG_ATTRIBUTE,
            ACCESS_SUBJECT,
        );
        let text = policy_with(&[
            (
                "r:1",
                "Permit",
                &[any_of(&[&org("ttd")]), any_of(&[&action("read")])],
            ),
            (
                "r:2",
                "Permit",
                &[any_of(&[&recipient]), any_of(&[&action("read")])],
            ),
            (
                "r:3",
                "Permit",
                &[any_of(&[&regexp]), any_of(&[&action("read")])],
            ),
            ("r:4", "Permit", &[any_of(&[&org("[org]")])]),
        ]);
        assert!(org_actions(&parsed(&text)).is_empty());
    }

    #[test]
    fn the_owner_written_out_counts_when_given() {
        let text = policy_with(&[(
            "r:1",
            "Permit",
            &[any_of(&[&org("TTD")]), any_of(&[&action("read")])],
        )]);
        let policy = parsed(&text);
        assert!(org_actions(&policy).is_empty());
        assert_eq!(org_actions_for(&policy, Some("ttd")), ["read"]);
        assert!(org_actions_for(&policy, Some("tdd")).is_empty());
        assert_eq!(
            missing_org_actions_for(&policy, Some("ttd"), &["read", "write"]),
            ["write"]
        );
    }

    #[test]
    fn policy_target_narrows_every_rule() {
        let text = policy_with(&[(
            "r:1",
            "Permit",
            &[any_of(&[&org("[org]")]), any_of(&[&action("read")])],
        )])
        .replace(
            "<Target/>",
            &format!("<Target>{}</Target>", any_of(&[&role("dagl")])),
        );
        let policy = parsed(&text);
        assert_eq!(policy.rules[0].grants[0].subjects.len(), 2);
        assert!(org_actions(&policy).is_empty());
    }

    #[test]
    fn resource_limits_and_conditions_are_recorded_but_still_count() {
        let task = m(STRING_EQUAL, "Task_1", "urn:altinn:task", RESOURCE_CATEGORY);
        let text = policy_with(&[(
            "r:1",
            "Permit",
            &[
                any_of(&[&org("[org]")]),
                any_of(&[&task]),
                any_of(&[&action("write")]),
            ],
        )])
        .replace(
            "</Target>\n    </Rule>",
            "</Target>\n      <Condition><Apply FunctionId=\"f\"/></Condition>\n    </Rule>",
        );
        let policy = parsed(&text);
        let rule = &policy.rules[0];
        assert!(rule.has_condition);
        assert_eq!(rule.grants[0].resources[0].value, "Task_1");
        assert_eq!(org_actions(&policy), ["write"]);
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

    #[test]
    fn no_prefix_of_the_template_panics() {
        let boundaries = (0..=TEMPLATE.len()).filter(|&i| TEMPLATE.is_char_boundary(i));
        for end in boundaries.step_by(7) {
            let source = file(&TEMPLATE[..end]);
            if let Ok(policy) = parse(&source) {
                let _ = render_org_rule(&policy, &["read"]);
            }
        }
        for garbage in [
            "",
            "<",
            "<>",
            "</Policy>",
            "<Policy",
            "&amp;",
            "<Policy>&bogus;</Policy>",
        ] {
            let _ = parse(&file(garbage));
        }
    }
}
