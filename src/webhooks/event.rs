//! A webhook event the hub sent: `{"id", "event", "data"}`, read leniently (unknown event names
//! and fields are kept, never refused) and kept byte for byte.

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::fmt;

/// One event the hub POSTed to the partner's webhook URL, from a
/// [`Verifier`](crate::webhooks::Verifier): its name (`channel_created`, `account_violation`,
/// ..., any name, including ones 360dialog adds later), its id when the hub sent one, its `data`
/// (most often the channel object), and the body exactly as received.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let verifier = d360_partner::webhooks::Verifier::new("platform-secret")?;
/// # let body = br#"{"id":"ev-1","event":"channel_live","data":{"id":"CH1","status":"running"}}"#;
/// # let mut headers = d360_partner::HeaderMap::new();
/// # let signature = d360_partner::webhooks::sign(&d360_partner::PlatformSecret::new("platform-secret")?, body);
/// # headers.insert("x-360dialog-signature", signature.parse()?);
/// #[derive(serde::Deserialize)]
/// struct Channel {
///     id: String,
///     status: String,
/// }
///
/// let event = verifier.verify(&headers, body)?;
/// match event.name() {
///     "channel_live" | "channel_running" => {
///         let channel: Channel = event.data_as()?;
///         println!("channel {} is {}", channel.id, channel.status);
///     }
///     other => println!("ignoring {other}"),
/// }
/// # assert_eq!(event.id(), Some("ev-1"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Event {
    name: String,
    id: Option<String>,
    data: Value,
    raw: Bytes,
}

impl Event {
    /// The event's name, the body's `event`: `channel_created`, `waba_template_approved`, ...
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The body's `id`, when it has one (a number is given as its decimal text).
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The body's `data` (JSON `null` when it has none).
    pub fn data(&self) -> &Value {
        &self.data
    }

    /// The event's `data` decoded as `T`: a type of your own, a generated
    /// [`webhooks`](crate::webhooks) or [`types`](crate::types) type, or any `DeserializeOwned`.
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.data)
    }

    /// The whole body decoded as `T`, for types that describe the envelope itself (as the
    /// spec's webhook payloads may).
    pub fn body_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.raw)
    }

    /// The event exactly as received, byte for byte (for an array delivery, this event's
    /// element of it): to store, forward or verify again.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The event's `data`, taken out.
    pub fn into_data(self) -> Value {
        self.data
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("name", &self.name)
            .field("id", &self.id)
            .field("data", &self.data)
            .field("raw_bytes", &self.raw.len())
            .finish()
    }
}

/// Why a body is no event.
#[derive(Debug)]
pub(crate) enum NotAnEvent {
    /// It is not JSON at all.
    Syntax(serde_json::Error),
    /// It is JSON, but not an event object; says what it is instead.
    Shape(String),
}

/// Reads `raw` as one event object.
pub(crate) fn parse(raw: Bytes) -> Result<Event, NotAnEvent> {
    let value: Value = serde_json::from_slice(&raw).map_err(NotAnEvent::Syntax)?;
    from_value(value, raw)
}

/// Reads `raw` as one event object or a JSON array of them, each keeping its own bytes.
pub(crate) fn parse_all(raw: Bytes) -> Result<Vec<Event>, NotAnEvent> {
    let is_array = raw
        .iter()
        .find(|b| !crate::call::json_path::is_json_whitespace(b))
        == Some(&b'[');
    if !is_array {
        return parse(raw).map(|event| vec![event]);
    }
    let elements: Vec<&serde_json::value::RawValue> =
        serde_json::from_slice(&raw).map_err(|error| match error.classify() {
            serde_json::error::Category::Data => NotAnEvent::Shape(error.to_string()),
            _ => NotAnEvent::Syntax(error),
        })?;
    elements
        .iter()
        .enumerate()
        .map(|(n, element)| {
            let text = element.get();
            // The element's place in the body: its bytes are a slice of it, not a copy.
            let start = text.as_ptr() as usize - raw.as_ptr() as usize;
            let value = serde_json::from_str(text).map_err(NotAnEvent::Syntax)?;
            from_value(value, raw.slice(start..start + text.len())).map_err(|why| match why {
                NotAnEvent::Shape(why) => NotAnEvent::Shape(format!("item {n}: {why}")),
                syntax => syntax,
            })
        })
        .collect()
}

fn from_value(value: Value, raw: Bytes) -> Result<Event, NotAnEvent> {
    let mut object: Map<String, Value> = match value {
        Value::Object(object) => object,
        other => {
            return Err(NotAnEvent::Shape(format!(
                "it is {}, not an object",
                kind_of(&other)
            )));
        }
    };
    let name = match object.remove("event") {
        Some(Value::String(name)) if !name.is_empty() => name,
        Some(Value::String(_)) => return Err(NotAnEvent::Shape("its `event` is empty".into())),
        Some(other) => {
            return Err(NotAnEvent::Shape(format!(
                "its `event` is {}, not a string",
                kind_of(&other)
            )));
        }
        None => return Err(NotAnEvent::Shape("it has no `event` name".into())),
    };
    let id = match object.remove("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(id),
        Some(Value::Number(id)) => Some(id.to_string()),
        Some(other) => {
            return Err(NotAnEvent::Shape(format!(
                "its `id` is {}, not a string",
                kind_of(&other)
            )));
        }
    };
    Ok(Event {
        name,
        id,
        data: object.remove("data").unwrap_or(Value::Null),
        raw,
    })
}

/// `an array`, `a string`, ...: what a JSON value is, for messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(body: &str) -> String {
        match parse(Bytes::copy_from_slice(body.as_bytes())) {
            Err(NotAnEvent::Shape(why)) => why,
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn an_event_keeps_unknown_names_and_fields_and_its_bytes() {
        let body =
            r#"{ "id": "e-1", "event": "something_new", "data": {"x": [1]}, "extra": true }"#;
        let event = parse(Bytes::copy_from_slice(body.as_bytes())).unwrap();
        assert_eq!(event.name(), "something_new");
        assert_eq!(event.id(), Some("e-1"));
        assert_eq!(event.data(), &serde_json::json!({"x": [1]}));
        assert_eq!(event.raw(), body.as_bytes());
        let numbered = parse(Bytes::from_static(br#"{"id": 42, "event": "e"}"#)).unwrap();
        assert_eq!((numbered.id(), numbered.data()), (Some("42"), &Value::Null));
    }

    #[test]
    fn json_that_is_no_event_says_what_it_is() {
        assert_eq!(shape("[]"), "it is an array, not an object");
        assert_eq!(shape("\"x\""), "it is a string, not an object");
        assert_eq!(shape("{}"), "it has no `event` name");
        assert_eq!(
            shape(r#"{"event": 3}"#),
            "its `event` is a number, not a string"
        );
        assert_eq!(shape(r#"{"event": ""}"#), "its `event` is empty");
        assert_eq!(
            shape(r#"{"event": "e", "id": {}}"#),
            "its `id` is an object, not a string"
        );
        assert!(matches!(
            parse(Bytes::from_static(b"{\"event\": ")),
            Err(NotAnEvent::Syntax(_))
        ));
    }

    #[test]
    fn an_array_gives_each_event_its_own_bytes() {
        let body = "\n [ {\"event\":\"a\"} ,{\"event\":\"b\",\"data\":[1, 2]}]";
        let events = parse_all(Bytes::copy_from_slice(body.as_bytes())).unwrap();
        let raws: Vec<&[u8]> = events.iter().map(Event::raw).collect();
        assert_eq!(
            raws,
            [
                &b"{\"event\":\"a\"}"[..],
                b"{\"event\":\"b\",\"data\":[1, 2]}"
            ]
        );
        let one = parse_all(Bytes::from_static(b"{\"event\":\"a\"}")).unwrap();
        assert_eq!(one[0].raw(), b"{\"event\":\"a\"}");
        assert!(parse_all(Bytes::from_static(b"[]")).unwrap().is_empty());
        match parse_all(Bytes::from_static(b"[{\"event\":\"a\"}, 1]")) {
            Err(NotAnEvent::Shape(why)) => assert_eq!(why, "item 1: it is a number, not an object"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_all(Bytes::from_static(b"[{\"event\":\"a\"}")),
            Err(NotAnEvent::Syntax(_))
        ));
    }
}
