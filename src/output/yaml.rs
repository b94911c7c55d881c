//! `-o yaml`: the stable JSON document (docs/output.md, JSON and YAML), field for field, as YAML.

use std::io;

use crate::output::json::Document;
use crate::quota::Report;

pub(crate) fn render(report: &Report) -> io::Result<String> {
    let mut text = serde_yaml::to_string(&Document::new(report)).map_err(io::Error::other)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sample_report;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&sample_report()).expect("serialises"));
    }

    #[test]
    fn same_document_as_json() {
        let report = sample_report();
        let from_yaml: serde_json::Value =
            serde_yaml::from_str(&render(&report).expect("serialises")).expect("valid YAML");
        let from_json: serde_json::Value =
            serde_json::from_str(&crate::output::json::render(&report).expect("serialises"))
                .expect("valid JSON");
        assert_eq!(from_yaml, from_json);
    }
}
