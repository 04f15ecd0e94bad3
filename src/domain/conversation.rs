//! The conversation lifecycle's vocabulary: states, outcomes, authors and system notes.

use super::text_enum;

text_enum!(
    /// Where a conversation is in its lifecycle (see DESIGN.md).
    ConversationState { Bot => "bot", Waiting => "waiting", Agent => "agent", Closed => "closed" }
);

text_enum!(
    /// How a closed conversation ended.
    Outcome { Resolved => "resolved", Unresolved => "unresolved" }
);

text_enum!(
    /// Who wrote a message.
    Author { Customer => "customer", Bot => "bot", Agent => "agent", System => "system" }
);

text_enum!(
    /// What a system note records.
    SystemEvent {
        CustomerRequestedHuman => "customer_requested_human",
        BotEscalated => "bot_escalated",
        WaitTimeExceeded => "wait_time_exceeded",
        Joined => "joined",
        Left => "left",
        Closed => "closed",
        Reopened => "reopened",
        AutoClosed => "auto_closed",
        Released => "released",
        CustomerConfirmed => "customer_confirmed",
    }
);

impl ConversationState {
    pub fn label(self) -> &'static str {
        match self {
            ConversationState::Bot => "With the bot",
            ConversationState::Waiting => "Waiting",
            ConversationState::Agent => "With an agent",
            ConversationState::Closed => "Closed",
        }
    }

    pub fn is_open(self) -> bool {
        self != ConversationState::Closed
    }
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Resolved => "Resolved",
            Outcome::Unresolved => "Unresolved",
        }
    }

    pub fn other(self) -> Outcome {
        match self {
            Outcome::Resolved => Outcome::Unresolved,
            Outcome::Unresolved => Outcome::Resolved,
        }
    }
}

impl SystemEvent {
    /// Whether a message with this note (or none: a plain message) is shown to the customer:
    /// they see people join and leave, never the team's notes about closing or waiting.
    pub fn customer_sees(event: Option<SystemEvent>) -> bool {
        matches!(event, None | Some(SystemEvent::Joined | SystemEvent::Left))
    }

    /// The text of the note as it appears in the history. `actor` is the team member the note
    /// names (who acted, or for `Released` who was deactivated); `hours` is only used by
    /// automatic closing.
    pub fn note(self, actor: Option<&str>, hours: Option<i32>) -> String {
        let name = actor.unwrap_or("Someone");
        match self {
            SystemEvent::CustomerRequestedHuman => "Customer requested to speak to a human".into(),
            SystemEvent::BotEscalated => "The bot couldn't answer and escalated to a human".into(),
            SystemEvent::WaitTimeExceeded => "Agent wait time exceeded".into(),
            SystemEvent::Joined => format!("{name} joined the conversation"),
            SystemEvent::Left => format!("{name} left the conversation"),
            SystemEvent::Closed => format!("{name} closed the conversation"),
            SystemEvent::Reopened => format!("{name} reopened the conversation"),
            SystemEvent::AutoClosed => format!(
                "Closed automatically after {} hours without activity",
                hours.unwrap_or(0)
            ),
            SystemEvent::Released => {
                format!("{name} was deactivated; the conversation is waiting for the team again")
            }
            SystemEvent::CustomerConfirmed => "Customer confirmed the answer".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_read_as_in_the_design() {
        assert_eq!(
            SystemEvent::Closed.note(Some("Maya"), None),
            "Maya closed the conversation"
        );
        assert_eq!(
            SystemEvent::AutoClosed.note(None, Some(24)),
            "Closed automatically after 24 hours without activity"
        );
        assert_eq!(Outcome::Resolved.other(), Outcome::Unresolved);
    }
}
