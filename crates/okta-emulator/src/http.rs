//! Requests and responses as the handlers see them, independent of the server library.

use serde_json::Value;

/// Largest request body read: a form (token requests) is far smaller; JWKS uploads fit easily.
pub(crate) const MAX_BODY: usize = 1024 * 1024;
/// Largest sum of header lengths accepted.
pub(crate) const MAX_HEADERS: usize = 32 * 1024;

/// One request.
#[derive(Debug)]
pub(crate) struct Req {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    /// Header names lowercased; repeated headers stay separate.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) request_id: String,
}

impl Req {
    /// All values of a header.
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of a header.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The query parameters, decoded, in order, duplicates kept.
    pub(crate) fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .as_deref()
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The first value of a query parameter.
    pub(crate) fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The form body, decoded, duplicates kept.
    pub(crate) fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }

    /// The media type of the body, lowercased, without parameters.
    pub(crate) fn content_type(&self) -> String {
        self.header("content-type")
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default()
    }
}

/// What a response body does on the wire.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Bytes(Vec<u8>),
    /// Sent in chunks with a pause before each (a slow server).
    Slow {
        bytes: Vec<u8>,
        chunk: usize,
        pause_ms: u64,
    },
}

/// One response.
#[derive(Debug, Clone)]
pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
    /// What the event log records as the outcome: `ok`, an OAuth error or an E-code.
    pub(crate) outcome: String,
}

impl Resp {
    pub(crate) fn empty(status: u16) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: Body::Bytes(Vec::new()),
            outcome: "ok".to_owned(),
        }
    }

    pub(crate) fn json(status: u16, value: &Value) -> Resp {
        let mut r = Resp::empty(status);
        r.body = Body::Bytes(value.to_string().into_bytes());
        r.headers.push((
            "Content-Type".to_owned(),
            "application/json;charset=UTF-8".to_owned(),
        ));
        r
    }

    /// A JSON answer already serialized.
    pub(crate) fn json_bytes(status: u16, body: Vec<u8>) -> Resp {
        let mut r = Resp::empty(status);
        r.body = Body::Bytes(body);
        r.headers.push((
            "Content-Type".to_owned(),
            "application/json;charset=UTF-8".to_owned(),
        ));
        r
    }

    pub(crate) fn with_header(mut self, name: &str, value: impl Into<String>) -> Resp {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub(crate) fn outcome(mut self, outcome: impl Into<String>) -> Resp {
        self.outcome = outcome.into();
        self
    }

    pub(crate) fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    pub(crate) fn body_bytes(&self) -> &[u8] {
        match &self.body {
            Body::Bytes(b) | Body::Slow { bytes: b, .. } => b,
        }
    }
}
