//! Where a key stands in the config text (1-based line and column), for messages about
//! problems that serde cannot place.

use std::collections::HashMap;
use std::path::Path;

/// The 1-based (line, column) of byte `offset`, the column counted in characters.
pub(super) fn position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// The lines that hold YAML content: (0-based line number, indent, the line without it).
/// Blank lines and comments are left out.
fn content_lines(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    text.lines().enumerate().filter_map(|(number, line)| {
        let trimmed = line.trim_start();
        let blank = trimmed.is_empty() || trimmed.starts_with('#');
        (!blank).then(|| (number, line.len() - trimmed.len(), trimmed))
    })
}

/// The key a content line starts with (`name:` or `"name":`), without quotes. A quoted key
/// may hold a colon itself (`"hw-prod:vpc/securityGroupRule":`).
fn key_name(trimmed: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(rest) = trimmed.strip_prefix(quote)
            && let Some(end) = rest.find(quote)
        {
            return &rest[..end];
        }
    }
    trimmed.split(':').next().unwrap_or("").trim()
}

/// Finds `key:` under the nested keys `path` by indentation, for locating semantic errors that
/// serde cannot place. Returns 1-based (line, column).
pub fn locate(text: &str, path: &[&str]) -> Option<(usize, usize)> {
    let mut parent_indent: Option<usize> = None;
    let mut found = None;
    let mut lines = content_lines(text);
    'segments: for segment in path {
        for (number, indent, trimmed) in lines.by_ref() {
            if let Some(parent) = parent_indent
                && indent <= parent
            {
                return None;
            }
            if key_name(trimmed.trim_start_matches("- ")) == *segment {
                parent_indent = Some(indent);
                found = Some((number + 1, indent + 1));
                continue 'segments;
            }
        }
        return None;
    }
    found
}

/// What `locate(text, &[parent, key])` gives, for every `key` at once, in one pass.
pub(super) fn locate_children<'t>(text: &'t str, parent: &str) -> HashMap<&'t str, (usize, usize)> {
    let mut found = HashMap::new();
    let mut parent_indent: Option<usize> = None;
    for (number, indent, trimmed) in content_lines(text) {
        if let Some(parent) = parent_indent
            && indent <= parent
        {
            break;
        }
        let key = key_name(trimmed.trim_start_matches("- "));
        match parent_indent {
            None if key == parent => parent_indent = Some(indent),
            None => {}
            Some(_) => {
                found.entry(key).or_insert((number + 1, indent + 1));
            }
        }
    }
    found
}

/// The second `key:` of the block mapping whose first key is at `start` (1-based line and
/// column), by indentation. `None` for flow mappings (`{a: 1, a: 2}`) and anything unclear.
pub(super) fn locate_duplicate(
    text: &str,
    start: (usize, usize),
    key: &str,
) -> Option<(usize, usize)> {
    let (first_line, column) = start;
    let indent = column.checked_sub(1)?;
    let first = first_line.checked_sub(1)?;
    let mut seen = false;
    for (number, this_indent, trimmed) in content_lines(text).skip_while(|(n, ..)| *n < first) {
        if this_indent < indent && number + 1 > first_line {
            return None;
        }
        if this_indent == indent && key_name(trimmed) == key {
            if seen {
                return Some((number + 1, indent + 1));
            }
            seen = true;
        }
    }
    None
}

pub(super) fn location_string(
    path: Option<&Path>,
    location: Option<(usize, usize)>,
) -> Option<String> {
    let path = path?;
    Some(match location {
        Some((line, column)) => format!("{}:{line}:{column}", path.display()),
        None => path.display().to_string(),
    })
}
