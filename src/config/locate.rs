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

/// Finds `key:` under the nested keys `path` by indentation, for locating semantic errors that
/// serde cannot place. Returns 1-based (line, column).
pub(super) fn locate(text: &str, path: &[&str]) -> Option<(usize, usize)> {
    let mut parent_indent: Option<usize> = None;
    let mut found = None;
    let mut lines = text.lines().enumerate();
    'segments: for segment in path {
        for (number, line) in lines.by_ref() {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = line.len() - trimmed.len();
            if let Some(parent) = parent_indent
                && indent <= parent
            {
                return None;
            }
            let key = trimmed.trim_start_matches("- ");
            let key = key
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .trim_matches('\'');
            if key == *segment {
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
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if let Some(parent) = parent_indent
            && indent <= parent
        {
            break;
        }
        let key = trimmed.trim_start_matches("- ");
        let key = key
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"')
            .trim_matches('\'');
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
    let mut seen = false;
    for (number, line) in text.lines().enumerate().skip(first_line.checked_sub(1)?) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let this_indent = line.len() - trimmed.len();
        if this_indent < indent && number + 1 > first_line {
            return None;
        }
        if this_indent != indent {
            continue;
        }
        let this_key = trimmed
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"')
            .trim_matches('\'');
        if this_key == key {
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
