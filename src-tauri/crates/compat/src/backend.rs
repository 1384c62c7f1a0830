//! llmock's control API: queue a fault for the next request, read what the
//! model side received.

use serde_json::{json, Value};

#[derive(Clone)]
pub struct Backend {
    http: reqwest::Client,
    base: String,
}

impl Backend {
    pub fn new(base: &str) -> Backend {
        Backend {
            http: reqwest::Client::new(),
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// Forget earlier requests and queued behaviours.
    pub async fn reset(&self) -> Result<(), String> {
        self.post("/_llmock/reset", json!({})).await
    }

    /// Queue behaviours (llmock's JSON form, e.g. `{"type": "fail", "status": 429}`).
    pub async fn script(&self, behaviors: Value) -> Result<(), String> {
        self.post("/_llmock/scenario", json!({ "behaviors": behaviors }))
            .await
    }

    /// The bodies the model side received since the last reset, oldest first.
    pub async fn received(&self) -> Result<Vec<Value>, String> {
        Ok(self
            .journal()
            .await?
            .iter()
            .filter_map(|r| r.get("body").cloned())
            .collect())
    }

    /// The HTTP status of each request the model side answered since the
    /// last reset, oldest first.
    pub async fn statuses(&self) -> Result<Vec<u64>, String> {
        Ok(self
            .journal()
            .await?
            .iter()
            .filter_map(|r| r.get("status").and_then(Value::as_u64))
            .collect())
    }

    async fn journal(&self) -> Result<Vec<Value>, String> {
        let url = format!("{}/_llmock/requests", self.base);
        let journal: Value = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|err| format!("llmock journal: {err}"))?
            .json()
            .await
            .map_err(|err| format!("llmock journal: {err}"))?;
        journal
            .get("requests")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| "llmock journal: no `requests` list".to_owned())
    }

    async fn post(&self, path: &str, body: Value) -> Result<(), String> {
        let url = format!("{}{path}", self.base);
        let response = self
            .http
            .post(&url)
            .json(&body)
            .send()
            .await
            .map_err(|err| format!("llmock {path}: {err}"))?;
        if response.status().is_success() {
            Ok(())
        } else {
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            Err(format!("llmock {path}: {status}: {text}"))
        }
    }
}
