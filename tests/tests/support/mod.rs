//! Checks recorded requests against an exercise's expectations (see `all_operations.rs`).

use serde_json::Value;
use wiremock::Request;

/// What a call must send (the neutral form of an exercise module's `Call`).
#[derive(Debug)]
pub struct Expected {
    pub operation_id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub query: &'static [(&'static str, Option<&'static str>)],
    pub headers: &'static [(&'static str, &'static str)],
    pub content_type: Option<&'static str>,
    pub body: ExpectedBody,
}

/// A body as it must arrive.
#[derive(Debug, Clone, Copy)]
pub enum ExpectedBody {
    None,
    Json(&'static str),
    Form(&'static str),
    Bytes(&'static [u8]),
    Multipart(&'static [(&'static str, &'static [u8])]),
}

/// Whether a call reached the server.
#[derive(Debug)]
pub enum Sent {
    /// A request went out (whatever the response).
    Yes,
    /// A sample did not deserialize.
    NotBuilt(String),
    /// The client refused before sending.
    Refused(String),
}

/// Pairs each sent call with the next recorded request, checks it, and panics with a
/// table of every failure. `prefix` is the base URL's path.
pub fn check(vendor: &str, runs: &[(Expected, Sent)], received: &[Request], prefix: &str) {
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut requests = received.iter();
    for (expected, sent) in runs {
        match sent {
            Sent::NotBuilt(why) => {
                failures.push((expected.operation_id.into(), format!("not built: {why}")))
            }
            Sent::Refused(why) => {
                failures.push((expected.operation_id.into(), format!("not sent: {why}")))
            }
            Sent::Yes => match requests.next() {
                None => failures.push((expected.operation_id.into(), "no request recorded".into())),
                Some(request) => {
                    for problem in problems(expected, request, prefix) {
                        failures.push((expected.operation_id.into(), problem));
                    }
                }
            },
        }
    }
    eprintln!(
        "{vendor}: {} calls, {} requests recorded",
        runs.len(),
        received.len()
    );
    let extra = requests.count();
    if extra > 0 {
        failures.push(("(all)".into(), format!("{extra} more requests than calls")));
    }
    if !failures.is_empty() {
        let mut table = format!(
            "{vendor}: {} problem(s) in {} calls\n| operation | problem |\n|---|---|\n",
            failures.len(),
            runs.len()
        );
        for (op, problem) in &failures {
            table.push_str(&format!("| {op} | {} |\n", problem.replace('|', "\\|")));
        }
        panic!("{table}");
    }
}

fn problems(expected: &Expected, request: &Request, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    if request.method.as_str() != expected.method {
        out.push(format!(
            "method {} (expected {})",
            request.method, expected.method
        ));
    }
    let want_path = format!("{prefix}{}", expected.path);
    if request.url.path() != want_path {
        out.push(format!(
            "path {} (expected {want_path})",
            request.url.path()
        ));
    }
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    for (name, value) in expected.query {
        let found: Vec<&String> = pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v)
            .collect();
        match (found.is_empty(), value) {
            (true, _) => out.push(format!("query `{name}` missing")),
            (false, Some(value)) if !found.iter().any(|v| v == value) => {
                out.push(format!("query `{name}` = {found:?} (expected {value:?})"));
            }
            _ => {}
        }
    }
    for (name, value) in expected.headers {
        let got = request.headers.get(*name).and_then(|v| v.to_str().ok());
        if got != Some(*value) {
            out.push(format!("header `{name}` = {got:?} (expected {value:?})"));
        }
    }
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match expected.content_type {
        Some(want) if media != want.to_ascii_lowercase() => {
            out.push(format!("content-type `{content_type}` (expected {want})"));
        }
        None if !request.body.is_empty() => {
            out.push(format!("unexpected body of {} bytes", request.body.len()));
        }
        _ => {}
    }
    match expected.body {
        ExpectedBody::None => {}
        ExpectedBody::Json(json) => {
            let want: Value = serde_json::from_str(json).expect("exercise JSON parses");
            match serde_json::from_slice::<Value>(&request.body) {
                Ok(got) if got == want => {}
                Ok(got) => out.push(format!("JSON body {got} (expected {want})")),
                Err(e) => out.push(format!("body is not JSON: {e}")),
            }
        }
        ExpectedBody::Form(json) => {
            let want: Value = serde_json::from_str(json).expect("exercise JSON parses");
            let got: Vec<(String, String)> = url::form_urlencoded::parse(&request.body)
                .into_owned()
                .collect();
            for (key, value) in want.as_object().into_iter().flatten() {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if !got.iter().any(|(k, v)| k == key && *v == text) {
                    out.push(format!(
                        "form field `{key}`: got {got:?} (expected {text:?})"
                    ));
                }
            }
        }
        ExpectedBody::Bytes(bytes) => {
            if request.body != bytes {
                out.push(format!(
                    "body of {} bytes differs from the {} sent",
                    request.body.len(),
                    bytes.len()
                ));
            }
        }
        ExpectedBody::Multipart(parts) => match multipart_parts(content_type, &request.body) {
            Err(why) => out.push(format!("multipart body: {why}")),
            Ok(got) => {
                for (name, bytes) in parts {
                    match got.iter().find(|(n, _)| n == name) {
                        None => out.push(format!("multipart part `{name}` missing")),
                        Some((_, data)) if data != bytes => {
                            out.push(format!(
                                "multipart part `{name}` differs ({} bytes, expected {})",
                                data.len(),
                                bytes.len()
                            ));
                        }
                        Some(_) => {}
                    }
                }
            }
        },
    }
    out
}

/// The (name, data) of each part of a `multipart/form-data` body.
pub fn multipart_parts(content_type: &str, body: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .ok_or("no boundary in the content type")?
        .trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let mut rest = body;
    let start = find(rest, &delimiter).ok_or("no opening boundary")?;
    rest = &rest[start + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("boundary not followed by CRLF")?;
        let head_end =
            find(rest, b"\r\n\r\n").ok_or("part without a blank line after its headers")?;
        let head = String::from_utf8_lossy(&rest[..head_end]).into_owned();
        let data_start = head_end + 4;
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(&delimiter);
        let data_len =
            find(&rest[data_start..], &closing).ok_or("part without a closing boundary")?;
        let name = head
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("name="))
            .next()
            .ok_or("part without a name")?
            .trim_matches('"')
            .to_owned();
        parts.push((name, rest[data_start..data_start + data_len].to_vec()));
        rest = &rest[data_start + data_len + closing.len()..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
