//! The router that answers every request as the hub would, or as the test arranged: routes
//! first, then the operation table; credentials checked; faults served; 501 for what was not
//! arranged.

use super::hub::{Answer, HubState, lock};
use super::tokens::{TOKEN_PATH, issue_token};
use super::{MockError, MockHub, RecordedRequest};
use crate::operation::OperationInfo;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use wiremock::{Respond, ResponseTemplate};

/// Answers every request the way the hub would, or as the test arranged.
pub(super) struct Router {
    pub(super) state: Arc<Mutex<HubState>>,
}

impl Respond for Router {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let method = request.method.to_string();
        let path = request.url.path().to_string();
        let mut state = lock(&self.state);
        // An arranged route wins over the table: a test said what this path answers.
        let arranged = state.routes.iter().find_map(|route| {
            let parameters = matching(route.method.as_str(), &route.template, &method, &path)?;
            Some((route.template.clone(), route.answer.clone(), parameters))
        });
        let operation = match arranged {
            Some(_) => None,
            None => crate::operations::ALL.iter().find_map(|info| {
                matching(info.method().as_str(), info.path(), &method, &path)
                    .map(|parameters| (*info, parameters))
            }),
        };
        let path_parameters = match (&arranged, &operation) {
            (Some((_, _, parameters)), _) | (None, Some((_, parameters))) => parameters.clone(),
            (None, None) => Vec::new(),
        };
        let recorded = RecordedRequest {
            method,
            path,
            query: request.url.query().map(str::to_string),
            headers: request
                .headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: request.body.clone(),
            operation: operation.as_ref().map(|(info, _)| info.id()),
            route: arranged.as_ref().map(|(template, ..)| template.clone()),
            path_parameters,
        };
        state.requests.push(recorded.clone());
        if recorded.method == "POST" && recorded.path == TOKEN_PATH {
            return issue_token(&mut state, &recorded.body);
        }
        let bearer = recorded
            .header("authorization")
            .and_then(|v| v.strip_prefix("Bearer "));
        let authorized = recorded.header("x-api-key") == Some(MockHub::API_KEY)
            || bearer.is_some_and(|token| {
                token == MockHub::BEARER_TOKEN || state.issued_tokens.contains(token)
            });
        if !authorized {
            return MockError::new(401, "Invalid or missing credentials").response();
        }
        if let Some(fault) = state.faults.pop_front() {
            return fault.response();
        }
        let operation = operation.map(|(info, _)| info);
        let (answer, success_status) = match (arranged, operation) {
            (Some((_, answer, _)), _) => (Some(answer), 200),
            (None, Some(info)) => (state.answers.get(info.id()).cloned(), info.success_status()),
            (None, None) => (None, 200),
        };
        // The lock is released before a test's closure runs: it may use the hub's other state.
        drop(state);
        let outcome = match answer {
            Some(Answer::Fixed(outcome)) => outcome,
            Some(Answer::Computed(respond)) => respond(&recorded),
            None => Err(MockError::new(501, not_arranged(&recorded, operation))),
        };
        match outcome {
            Ok(Value::Null) if success_status == 204 || recorded.route.is_some() => {
                ResponseTemplate::new(204)
            }
            Ok(body) => ResponseTemplate::new(success_status).set_body_json(body),
            Err(error) => error.response(),
        }
    }
}

/// What the 501 for a request without an arranged answer says: how to arrange one.
fn not_arranged(request: &RecordedRequest, operation: Option<&OperationInfo>) -> String {
    match operation {
        Some(info) => format!(
            "The mock hub has no answer arranged for `{id}` ({} {}); arrange one with \
             `hub.set(d360_partner::operations::{}, ..)` or `hub.on(..)`",
            info.method(),
            info.path(),
            info.id().to_ascii_uppercase(),
            id = info.id()
        ),
        None => format!(
            "The mock hub has no answer arranged for {method} {path}, which is no operation of \
             the spec; arrange one with `hub.route(Method::{method}, \"{path}\", ..)` (a \
             `{{placeholder}}` matches one segment) or `hub.on_route(..)`",
            method = request.method,
            path = request.path,
        ),
    }
}

/// The decoded path parameters if `method` and `path` are a request for the route `method` on
/// `template` (`/api/v2/partners/{partner_id}`; a placeholder takes a whole segment or part of
/// one, never an empty value).
pub(super) fn matching(
    route_method: &str,
    template: &str,
    method: &str,
    path: &str,
) -> Option<Vec<(String, String)>> {
    if !route_method.eq_ignore_ascii_case(method) {
        return None;
    }
    let template: Vec<&str> = template.trim_matches('/').split('/').collect();
    let actual: Vec<&str> = path.trim_matches('/').split('/').collect();
    if template.len() != actual.len() {
        return None;
    }
    let mut parameters = Vec::new();
    for (pattern, segment) in template.iter().zip(&actual) {
        let decoded = percent_encoding::percent_decode_str(segment)
            .decode_utf8_lossy()
            .into_owned();
        match (pattern.find('{'), pattern.rfind('}')) {
            (Some(open), Some(close)) if open < close => {
                let (prefix, suffix) = (&pattern[..open], &pattern[close + 1..]);
                let value = decoded.strip_prefix(prefix)?.strip_suffix(suffix)?;
                if value.is_empty() {
                    return None;
                }
                parameters.push((pattern[open + 1..close].to_string(), value.to_string()));
            }
            _ if *pattern == decoded => {}
            _ => return None,
        }
    }
    Some(parameters)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::operation::{BodyKind, Location, ParameterInfo, Style};

    static GET_THING: OperationInfo = OperationInfo {
        id: "get_thing",
        method: reqwest::Method::GET,
        path: "/api/v2/partners/{partner_id}",
        summary: None,
        description: None,
        tags: &[],
        parameters: &[ParameterInfo {
            name: "partner_id",
            location: Location::Path,
            required: true,
            style: Style::Form,
            explode: false,
            kind: crate::operation::Kind::Any,
            description: None,
        }],
        body: BodyKind::None,
        body_properties: &[],
        success_status: 200,
        check: crate::body::check_empty,
        roundtrip: crate::body::roundtrip_empty,
        reserialize_body: None,
    };

    #[test]
    fn routes_match_whole_segments_and_decode_parameters() {
        let route = |method, path| matching("GET", GET_THING.path(), method, path);
        assert_eq!(
            route("GET", "/api/v2/partners/a%20b%2Fc"),
            Some(vec![("partner_id".to_string(), "a b/c".to_string())])
        );
        assert_eq!(
            route("get", "/api/v2/partners/"),
            None,
            "an empty segment is no id"
        );
        assert_eq!(route("GET", "/api/v2/partners/p/x"), None);
        assert_eq!(route("POST", "/api/v2/partners/p"), None);
    }
}
