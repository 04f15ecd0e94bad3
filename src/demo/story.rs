//! One demo conversation's story, played through the lifecycle's one door
//! ([`Conversation::act`]) at chosen times: the demo can never hold a state the rules forbid,
//! and the report counters keep themselves as they do for real work.

use chrono::{Duration, NaiveDateTime};

use super::data::{ARTICLES, FIRST_NAMES, LAST_NAMES};
use super::dice::Dice;
use crate::bot::answer;
use crate::bot::search::KnowledgeIndex;
use crate::db::AnyConnection;
use crate::domain::lifecycle::{Action, Actor, Member};
use crate::domain::{Author, Outcome, SystemEvent};
use crate::models::article::Article;
use crate::models::conversation::{Acted, Conversation, NewConversation};
use crate::models::customer::{Customer, NewCustomer};
use crate::models::message::{Message, NewMessage};
use crate::models::team_settings::TeamSettings;
use crate::models::user::User;

/// How long the demo spreads back in time.
pub const DAYS: i64 = 90;

/// What happens in one demo conversation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Plot {
    BotOpen,
    BotAutoClosed,
    BotClosedByAgent,
    WaitingNow,
    WithAgentNow,
    HandedBack,
    ClosedByAgent,
    OutcomeChanged,
    Reopened,
}

/// The people a story may involve.
pub struct Cast<'a> {
    pub admin: &'a User,
    pub lead: &'a User,
    pub agents: &'a [User],
}

fn member(user: &User) -> Actor {
    Actor::Member(Member {
        id: user.id,
        name: user.name.clone(),
        role: user.role,
    })
}

/// One conversation's history as it would have happened, keeping the clock moving.
pub struct Story {
    conversation_id: i64,
    version: i64,
    customer_name: String,
    clock: NaiveDateTime,
    plot: Plot,
    pub messages: usize,
}

impl Story {
    pub fn begin(
        conn: &mut AnyConnection,
        dice: &mut Dice,
        index: usize,
        now: NaiveDateTime,
    ) -> anyhow::Result<Story> {
        // A few stories are about right now; the rest spread over the last 90 days.
        let plot = match index {
            0..=5 => Plot::WaitingNow,
            6..=9 => Plot::WithAgentNow,
            10..=15 => Plot::BotOpen,
            _ => match dice.below(100) {
                0..=29 => Plot::BotAutoClosed,
                30..=36 => Plot::BotClosedByAgent,
                37..=42 => Plot::HandedBack,
                43..=88 => Plot::ClosedByAgent,
                89..=96 => Plot::OutcomeChanged,
                _ => Plot::Reopened,
            },
        };
        let start = match plot {
            Plot::WaitingNow => now - Duration::minutes(2 + dice.below(40) as i64),
            Plot::WithAgentNow => now - Duration::minutes(20 + dice.below(60) as i64),
            Plot::BotOpen => now - Duration::minutes(10 + dice.below(600) as i64),
            _ => now - Duration::minutes(60 * 26 + dice.below((DAYS as u64 - 2) * 24 * 60) as i64),
        };
        let anonymous = dice.percent(20);
        let first = *dice.pick(&FIRST_NAMES);
        let last = *dice.pick(&LAST_NAMES);
        let name = format!("{first} {last}");
        let email = format!(
            "{}.{}{}@example.com",
            first.to_lowercase(),
            last.to_lowercase(),
            index
        );
        let customer = Customer::create(
            conn,
            &NewCustomer {
                name: (!anonymous).then_some(name.as_str()),
                email: (!anonymous).then_some(email.as_str()),
                notes: if dice.percent(15) {
                    "Returning customer; prefers email follow-ups."
                } else {
                    ""
                },
                created_at: start,
            },
        )?;
        let conversation =
            Conversation::create(conn, &NewConversation::with_bot(customer.id, start, None))?;
        Ok(Story {
            conversation_id: conversation.id,
            version: conversation.version,
            customer_name: customer.display_name(),
            clock: start,
            plot,
            messages: 0,
        })
    }

    fn tick(&mut self, dice: &mut Dice, max_minutes: u64) -> NaiveDateTime {
        self.clock += Duration::seconds(20 + dice.below(max_minutes * 60) as i64);
        self.clock
    }

    /// Somebody writes a message, a few minutes after the last thing that happened.
    fn say(
        &mut self,
        conn: &mut AnyConnection,
        dice: &mut Dice,
        author: Author,
        user: Option<&User>,
        body: &str,
    ) -> anyhow::Result<Message> {
        let at = self.tick(dice, 3);
        self.messages += 1;
        let message = Message::create(
            conn,
            &NewMessage {
                conversation_id: self.conversation_id,
                author,
                author_user_id: user.map(|u| u.id),
                body,
                system_event: None,
                event_outcome: None,
                created_at: at,
            },
        )?;
        Conversation::touch(conn, self.conversation_id, at)?;
        Ok(message)
    }

    /// `actor` does `action` within `wait_minutes` of the last thing that happened.
    fn act(
        &mut self,
        conn: &mut AnyConnection,
        dice: &mut Dice,
        actor: &Actor,
        action: Action,
        wait_minutes: u64,
    ) -> anyhow::Result<()> {
        let at = self.tick(dice, wait_minutes.max(1));
        let at = TeamSettings::get(conn)?.time_zone.at(at);
        match Conversation::act(conn, self.conversation_id, self.version, actor, action, at)? {
            Acted::Done { version, .. } => {
                self.version = version;
                self.messages += 1;
                Ok(())
            }
            other => anyhow::bail!(
                "the demo's conversation #{} broke the rules: {other:?}",
                self.conversation_id
            ),
        }
    }

    fn close(
        &mut self,
        conn: &mut AnyConnection,
        dice: &mut Dice,
        by: &User,
        outcome: Outcome,
        reason: Option<&str>,
    ) -> anyhow::Result<()> {
        let reason = reason.map(str::to_owned);
        self.act(
            conn,
            dice,
            &member(by),
            Action::Close { outcome, reason },
            10,
        )
    }

    pub fn play(
        &mut self,
        conn: &mut AnyConnection,
        dice: &mut Dice,
        cast: &Cast<'_>,
        articles: &[Article],
        index: &KnowledgeIndex,
    ) -> anyhow::Result<()> {
        let topic = dice.below(ARTICLES.len() as u64) as usize;
        let (question, unresolved_percent) =
            (ARTICLES[topic].question, ARTICLES[topic].unresolved_percent);
        let article = &articles[topic];
        let agent = &cast.agents[dice.below(cast.agents.len() as u64) as usize];
        let (lead, admin) = (cast.lead, cast.admin);

        self.say(conn, dice, Author::Customer, None, question)?;
        let found = answer::find(index, question, answer::DEFAULT_MIN_CONFIDENCE)?;
        let quotes = answer::quotes(index, &found);
        let (answer, cited) = if quotes.is_empty() {
            // The demo's own questions are answered; should one not be, cite its article.
            (article.body.clone(), vec![article.id])
        } else {
            (
                answer::compose(&quotes),
                quotes.iter().map(|q| q.article_id).collect(),
            )
        };
        let bot_message = self.say(conn, dice, Author::Bot, None, &answer)?;
        for article_id in cited {
            Message::cite(conn, bot_message.id, article_id)?;
        }
        let escalates = !matches!(
            self.plot,
            Plot::BotOpen | Plot::BotAutoClosed | Plot::BotClosedByAgent
        );
        if escalates {
            let (said, because) = if dice.percent(60) {
                (
                    "That doesn't answer it. Can I talk to a person?",
                    SystemEvent::CustomerRequestedHuman,
                )
            } else {
                (
                    "I already tried that and it still doesn't work.",
                    SystemEvent::BotEscalated,
                )
            };
            self.say(conn, dice, Author::Customer, None, said)?;
            self.act(conn, dice, &Actor::Bot, Action::Escalate(because), 1)?;
        }
        match self.plot {
            Plot::BotOpen | Plot::WaitingNow => {}
            // Some customers say so with the button under the answer.
            Plot::BotAutoClosed if dice.percent(40) => {
                self.act(conn, dice, &Actor::Customer, Action::ConfirmAnswer, 3)?;
            }
            Plot::BotAutoClosed => {
                let thanks = "Perfect, that's what I needed. Thanks!";
                self.say(conn, dice, Author::Customer, None, thanks)?;
                // Automatic closing comes a day after the last activity.
                self.clock += Duration::hours(24);
                let auto_close = Action::AutoClose {
                    outcome: Outcome::Resolved,
                    hours: 24,
                };
                self.act(conn, dice, &Actor::System, auto_close, 1)?;
            }
            Plot::BotClosedByAgent => {
                let said = "Hm, not quite what I asked.";
                self.say(conn, dice, Author::Customer, None, said)?;
                self.clock += Duration::hours(2 + dice.below(20) as i64);
                let reason = "Customer left; the article did not cover the question";
                self.close(conn, dice, agent, Outcome::Unresolved, Some(reason))?;
            }
            _ => self.agent_helps(conn, dice, agent)?,
        }
        match self.plot {
            Plot::HandedBack => {
                let said = "All sorted on our side. The assistant can help with anything else.";
                self.say(conn, dice, Author::Agent, Some(agent), said)?;
                self.act(conn, dice, &member(agent), Action::HandBack, 2)?;
                self.close_automatically(conn, dice)?;
            }
            Plot::ClosedByAgent | Plot::OutcomeChanged | Plot::Reopened => {
                let first = if dice.percent(unresolved_percent) {
                    Outcome::Unresolved
                } else {
                    Outcome::Resolved
                };
                let said = match first {
                    Outcome::Resolved => "Great, thanks for your help!",
                    Outcome::Unresolved => "OK, I'll wait for your email then.",
                };
                self.say(conn, dice, Author::Customer, None, said)?;
                let reason = (first == Outcome::Unresolved && dice.percent(50))
                    .then_some("Needs follow-up by email");
                self.close(conn, dice, agent, first, reason)?;
                if self.plot == Plot::OutcomeChanged {
                    self.clock += Duration::hours(1 + dice.below(30) as i64);
                    let reason = Some("Reviewed in the weekly check");
                    self.close(conn, dice, lead, first.other(), reason)?;
                }
                if self.plot == Plot::Reopened {
                    self.clock += Duration::hours(2 + dice.below(20) as i64);
                    self.act(conn, dice, &member(admin), Action::Reopen, 5)?;
                    if dice.percent(60) {
                        let said = "Following up on this: it happened again.";
                        self.say(conn, dice, Author::Customer, None, said)?;
                        self.act(conn, dice, &member(lead), Action::TakeOver, 10)?;
                        self.close(conn, dice, lead, Outcome::Resolved, None)?;
                    } else {
                        self.close_automatically(conn, dice)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Nobody writes again: automatic closing comes a day later, in the story's past (rather
    /// than at the demo's first background run, all on today).
    fn close_automatically(
        &mut self,
        conn: &mut AnyConnection,
        dice: &mut Dice,
    ) -> anyhow::Result<()> {
        self.clock += Duration::hours(24);
        let auto_close = Action::AutoClose {
            outcome: Outcome::Resolved,
            hours: 24,
        };
        self.act(conn, dice, &Actor::System, auto_close, 1)
    }

    /// An agent takes the conversation over and starts helping.
    fn agent_helps(
        &mut self,
        conn: &mut AnyConnection,
        dice: &mut Dice,
        agent: &User,
    ) -> anyhow::Result<()> {
        let wait = if dice.percent(15) { 25 } else { 8 };
        self.act(conn, dice, &member(agent), Action::TakeOver, wait)?;
        let greeting = format!(
            "Hi {}, I'm {} from the support team. Let me look into this.",
            self.customer_name,
            agent.name.split(' ').next().unwrap_or("the team")
        );
        self.say(conn, dice, Author::Agent, Some(agent), &greeting)?;
        let said = "Thank you! Order number is in my last email.";
        self.say(conn, dice, Author::Customer, None, said)?;
        let said = "Found it. I'm checking with the warehouse now.";
        self.say(conn, dice, Author::Agent, Some(agent), said)?;
        Ok(())
    }
}
