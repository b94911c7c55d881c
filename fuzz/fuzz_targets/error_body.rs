//! Error answers: any status, headers and body give a failure with a kind, a one-line message
//! of bounded length, and no panic. The credentials scrubber runs on the message too.
#![no_main]

use headroom::http::Exchange;
use headroom::providers::errors::{Scrubber, failure_from_status, parse_error_body};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Answer {
    status: u16,
    retry_after: Option<String>,
    location: Option<String>,
    request_id: Option<String>,
    query: String,
    body: Vec<u8>,
}

fuzz_target!(|answer: Answer| {
    let _ = parse_error_body(&answer.body);
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in [
        ("retry-after", &answer.retry_after),
        ("location", &answer.location),
        ("x-request-id", &answer.request_id),
    ] {
        if let Some(value) = value
            && let Ok(value) = reqwest::header::HeaderValue::from_str(value)
        {
            headers.insert(name, value);
        }
    }
    let exchange = Exchange {
        status: 100 + answer.status % 500,
        headers,
        body: answer.body,
    };
    let failure = failure_from_status(&exchange);
    assert!(!failure.message.contains('\n'), "{failure:?}");
    assert!(failure.message.chars().count() < 1000, "{failure:?}");
    if let Ok(url) = reqwest::Url::parse(&format!("https://h.example/?{}", answer.query)) {
        let request = reqwest::Request::new(reqwest::Method::GET, url);
        let _ = Scrubber::for_request(&request, &[]).apply(failure);
    }
});
