//! Syncthing's REST API on loopback, with the API key.

use std::time::Duration;

use serde_json::Value;
use ureq::Agent;

use crate::CarrierError;

#[derive(Clone)]
pub struct Rest {
    agent: Agent,
    base: String,
    key: String,
}

impl Rest {
    pub fn new(base: String, key: String) -> Rest {
        Rest::with_timeout(base, key, Duration::from_secs(10))
    }

    pub fn with_timeout(base: String, key: String, timeout: Duration) -> Rest {
        let agent: Agent = Agent::config_builder()
            // Loopback only: never through a proxy named in the environment.
            .proxy(None)
            .http_status_as_error(false)
            // A new connection each time (loopback, cheap): a kept one may
            // belong to a Syncthing that has since restarted.
            .max_idle_connections(0)
            .timeout_global(Some(timeout))
            .build()
            .into();
        Rest { agent, base, key }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn answer(
        &self,
        what: &str,
        r: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<String, CarrierError> {
        let mut resp = r.map_err(|e| CarrierError::Unreachable(format!("{what}: {e}")))?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .read_to_string()
            .map_err(|e| CarrierError::Unreachable(format!("{what}: {e}")))?;
        if !(200..300).contains(&status) {
            return Err(CarrierError::Syncthing(format!(
                "{what} was refused ({status}): {}",
                body.trim()
            )));
        }
        Ok(body)
    }

    pub fn get(&self, path: &str) -> Result<Value, CarrierError> {
        let r = self
            .agent
            .get(self.url(path))
            .header("X-API-Key", &self.key)
            .call();
        let body = self.answer(&format!("GET {path}"), r)?;
        serde_json::from_str(&body).map_err(|e| {
            CarrierError::Syncthing(format!("GET {path} gave something unexpected: {e}"))
        })
    }

    pub fn post(&self, path: &str) -> Result<(), CarrierError> {
        let r = self
            .agent
            .post(self.url(path))
            .header("X-API-Key", &self.key)
            .send_empty();
        self.answer(&format!("POST {path}"), r).map(|_| ())
    }

    pub fn put_json(&self, path: &str, body: &Value) -> Result<(), CarrierError> {
        let r = self
            .agent
            .put(self.url(path))
            .header("X-API-Key", &self.key)
            .header("Content-Type", "application/json")
            .send(body.to_string());
        self.answer(&format!("PUT {path}"), r).map(|_| ())
    }
}

/// Percent-encodes a query value (folder IDs and device IDs are letters,
/// digits and dashes, but nothing else is assumed).
pub fn query(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
