//! The optional language model: given the passages the search found, an OpenAI-compatible
//! chat-completions endpoint (a local Ollama, llama.cpp or vLLM server, or a hosted one) writes
//! the reply from them alone, citing them as [1], [2]. A reply that cites none of them is
//! discarded; a slow (past the timeout) or failing endpoint is logged. Either way the caller
//! then sends the passages themselves.

use std::time::Duration;

use serde_json::{json, Value};

use super::answer::Quoted;

/// Where the model is and how long to wait for it.
#[derive(Clone, Debug)]
pub struct LlmConfig {
    /// The chat-completions address; a base address ("http://localhost:11434/v1") gets
    /// `/chat/completions` appended.
    pub url: String,
    pub model: String,
    pub key: Option<String>,
    pub timeout: Duration,
}

pub const DEFAULT_TIMEOUT_MS: u64 = 5000;

impl LlmConfig {
    fn endpoint(&self) -> String {
        let url = self.url.trim_end_matches('/');
        if url.ends_with("/chat/completions") {
            url.to_owned()
        } else {
            format!("{url}/chat/completions")
        }
    }
}

/// The model's reply and the passages it cites.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    pub body: String,
    /// The quotes cited, in the order of the passages given.
    pub cited: Vec<Quoted>,
}

/// Why the model's reply was not used.
#[derive(Debug, thiserror::Error)]
pub enum Unused {
    #[error("the language model did not answer in time or failed: {0}")]
    Failed(String),
    #[error("the language model answered with status {0}")]
    Status(u16),
    #[error("the language model's answer could not be read")]
    Unreadable,
    #[error("the language model's answer cited none of the passages, so it was discarded")]
    CitesNothing,
}

const INSTRUCTIONS: &str = "You answer a customer of an online shop in the support chat. Use \
only the numbered passages from the shop's help center below; never add facts they do not \
state. Answer in at most four sentences, in the customer's language, and cite each passage you \
use with its number in square brackets, like [1]. If the passages do not answer the question, \
reply with NO_ANSWER.";

/// The request body: the instructions, the passages numbered, the question.
pub fn request(config: &LlmConfig, question: &str, quotes: &[Quoted]) -> Value {
    let passages: String = quotes
        .iter()
        .enumerate()
        .map(|(n, q)| format!("[{}] {}: {}\n", n + 1, q.title, q.text))
        .collect();
    json!({
        "model": config.model,
        "temperature": 0.1,
        "messages": [
            {"role": "system", "content": INSTRUCTIONS},
            {"role": "user", "content": format!("Passages:\n{passages}\nQuestion: {question}")},
        ],
    })
}

/// Which passages (numbered from 1) the reply cites, and the reply without the markers.
pub fn citations(reply: &str, passages: usize) -> (Vec<usize>, String) {
    let mut cited = Vec::new();
    let mut text = String::with_capacity(reply.len());
    let mut rest = reply;
    while let Some(open) = rest.find('[') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) if after[..close].trim().parse::<usize>().is_ok() => {
                let n: usize = after[..close].trim().parse().unwrap_or(0);
                if (1..=passages).contains(&n) && !cited.contains(&n) {
                    cited.push(n);
                }
                rest = &after[close + 1..];
            }
            _ => {
                text.push('[');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    let text = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" .", ".")
        .replace(" ,", ",");
    cited.sort_unstable();
    (cited, text)
}

/// Asks the model to write the reply from `quotes`.
pub fn write(config: &LlmConfig, question: &str, quotes: &[Quoted]) -> Result<Written, Unused> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(config.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut call = agent.post(config.endpoint());
    if let Some(key) = &config.key {
        call = call.header("Authorization", format!("Bearer {key}"));
    }
    let mut response = call
        .send_json(request(config, question, quotes))
        .map_err(|e| Unused::Failed(e.to_string()))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(Unused::Status(status));
    }
    let body: Value = response
        .body_mut()
        .read_json()
        .map_err(|e| Unused::Failed(e.to_string()))?;
    let reply = body["choices"][0]["message"]["content"]
        .as_str()
        .ok_or(Unused::Unreadable)?;
    let (cited, text) = citations(reply, quotes.len());
    if cited.is_empty() || text.contains("NO_ANSWER") || text.is_empty() {
        return Err(Unused::CitesNothing);
    }
    Ok(Written {
        body: text,
        cited: cited.iter().map(|n| quotes[n - 1].clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_are_read_and_the_markers_removed() {
        assert_eq!(
            citations(
                "Refunds take 5 days [2]. Cards too [1][2]. See [x] and [9].",
                2
            ),
            (
                vec![1, 2],
                "Refunds take 5 days. Cards too. See [x] and.".to_owned()
            )
        );
        assert_eq!(citations("No idea.", 2).0, Vec::<usize>::new());
    }

    #[test]
    fn a_base_address_gets_the_chat_completions_path() {
        let mut config = LlmConfig {
            url: "http://localhost:11434/v1/".into(),
            model: "m".into(),
            key: None,
            timeout: Duration::from_secs(5),
        };
        assert_eq!(
            config.endpoint(),
            "http://localhost:11434/v1/chat/completions"
        );
        config.url = "https://api.example.com/v1/chat/completions".into();
        assert_eq!(
            config.endpoint(),
            "https://api.example.com/v1/chat/completions"
        );
    }
}
