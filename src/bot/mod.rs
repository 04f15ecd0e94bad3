//! The knowledge-base bot: finds the passage of the published articles that answers a
//! customer's question (a tantivy index per instance, `search`), quotes it with the article
//! cited, optionally has a language model write the reply from the passages (`llm`), and says
//! when it cannot help so the team is asked to join (`intake`).

pub mod answer;
pub mod baseline;
pub mod eval;
pub mod eval_run;
pub mod feedback;
pub mod intake;
pub mod knowledge;
pub mod llm;
pub mod passages;
pub mod question;
pub mod search;
pub mod synonyms;
pub mod words;

use std::sync::Arc;

/// What the bot needs besides the database (where the team's settings say how sure it must be
/// to answer): this instance's index of the knowledge base, and the optional language model.
pub struct Bot {
    pub knowledge: Arc<knowledge::Knowledge>,
    pub llm: Option<llm::LlmConfig>,
}

/// Whether the customer is asking for a person rather than an answer.
pub fn wants_a_person(text: &str) -> bool {
    let text = text.to_lowercase();
    [
        "human",
        "a person",
        "real person",
        "an agent",
        "someone",
        "somebody",
        "talk to",
        "speak to",
        "speak with",
        "talk with",
        "support team",
        "operator",
    ]
    .iter()
    .any(|phrase| text.contains(phrase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_a_request_for_a_person() {
        assert!(wants_a_person("Can I talk to a human please"));
        assert!(wants_a_person("I want to speak to someone"));
        assert!(!wants_a_person("How do I reset my password"));
    }
}
