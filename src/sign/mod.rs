//! Request signing for the two schemes headroom speaks.
//!
//! Every function here is pure: the clock value and the nonce are arguments, nothing reads the
//! time, the environment or the network. That is what lets `tests/signing_vectors.rs` replay the
//! vectors made by the providers' official SDKs byte for byte, and what lets the simulated
//! provider (`crate::fake`) check signatures with the very same code.

pub mod alibaba;
pub mod huawei;

/// RFC 3986 percent-encoding over UTF-8 bytes: `A-Z a-z 0-9 - _ . ~` stay, every other byte
/// becomes `%XY` with upper-case hex (so a space is `%20`, never `+`). Both providers use it.
///
/// ```
/// assert_eq!(headroom::sign::percent_encode("a b*~/名"), "a%20b%2A~%2F%E5%90%8D");
/// ```
pub fn percent_encode(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len());
    for &byte in input.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0x0f)] as char);
        }
    }
    out
}

/// Decodes `%XY` sequences; anything that is not a valid escape is kept as it is. Invalid UTF-8
/// after decoding is replaced, which cannot happen for the ASCII paths headroom builds.
pub fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hi = (bytes[i + 1] as char).to_digit(16);
            let lo = (bytes[i + 2] as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes an `application/x-www-form-urlencoded` or URL query component (`+` is a space).
pub fn query_decode(input: &str) -> String {
    percent_decode(&input.replace('+', " "))
}

/// Splits a raw query string into decoded `(name, value)` pairs, in the order given.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (query_decode(name), query_decode(value)),
            None => (query_decode(pair), String::new()),
        })
        .collect()
}

/// Constant-time comparison, so a signature check in the simulated provider leaks no timing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_rfc3986() {
        assert_eq!(
            percent_encode("a b*c~d+e/f=g&h"),
            "a%20b%2Ac~d%2Be%2Ff%3Dg%26h"
        );
        assert_eq!(percent_encode("名"), "%E5%90%8D");
        assert_eq!(percent_encode("!'()"), "%21%27%28%29");
    }

    #[test]
    fn decodes_and_survives_bad_escapes() {
        assert_eq!(percent_decode("%E5%90%8D%20a"), "名 a");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(query_decode("a+b%2B"), "a b+");
    }

    #[test]
    fn parses_queries() {
        assert_eq!(
            parse_query("a=1&b=&c&d=x%3Dy"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "".into()),
                ("c".into(), "".into()),
                ("d".into(), "x=y".into())
            ]
        );
    }
}
