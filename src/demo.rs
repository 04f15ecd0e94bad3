//! A realistic, deterministic demo team: members, knowledge base and a few hundred conversations
//! over the last 90 days in every state. Loaded only into a database without conversations.

use chrono::{Duration, NaiveDateTime};
use diesel::Connection;

use crate::db::AnyConnection;
use crate::domain::{
    hash_password, Author, ConversationState, Email, Outcome, Password, PersonName, Role,
    SystemEvent,
};
use crate::models::article::{Article, NewArticle};
use crate::models::closure::{Closure, NewClosure};
use crate::models::conversation::{Conversation, NewConversation};
use crate::models::customer::{Customer, NewCustomer};
use crate::models::message::{Message, NewMessage};
use crate::models::report_count::{local_day, ReportCount};
use crate::models::server_secret::ServerSecret;
use crate::models::team_settings::{TeamSettings, TeamSettingsUpdate};
use crate::models::user::{NewUser, User};

pub const DEMO_PASSWORD: &str = "hearken-demo";

/// Name, email and role of each demo member.
pub const DEMO_TEAM: [(&str, &str, Role); 5] = [
    ("Maya Fischer", "admin@demo.hearken.test", Role::Admin),
    ("Jonas Berg", "lead@demo.hearken.test", Role::Lead),
    ("Priya Shah", "priya@demo.hearken.test", Role::Agent),
    ("Tom Okafor", "tom@demo.hearken.test", Role::Agent),
    ("Lena Novak", "lena@demo.hearken.test", Role::Agent),
];

const CONVERSATIONS: usize = 320;
const DEMO_ZONE: chrono_tz::Tz = chrono_tz::Europe::Berlin;
const DAYS: i64 = 90;

/// Articles: title, slug, body, question a customer asks, and how often conversations citing it
/// end unresolved (per cent) so that the reports have something to find.
const ARTICLES: [(&str, &str, &str, u64); 20] = [
    (
        "Reset your password",
        "reset-password",
        "How do I reset my password?",
        8,
    ),
    ("Track your order", "track-order", "Where is my order?", 10),
    (
        "Change the delivery address",
        "change-delivery-address",
        "Can I change the address for my delivery?",
        25,
    ),
    (
        "Return an item",
        "return-item",
        "How do I send something back?",
        15,
    ),
    (
        "When will I get my refund?",
        "refund-timing",
        "My refund hasn't arrived yet.",
        45,
    ),
    (
        "Payment methods we accept",
        "payment-methods",
        "Can I pay with PayPal?",
        5,
    ),
    (
        "Download an invoice",
        "download-invoice",
        "I need an invoice for my company.",
        12,
    ),
    (
        "Cancel an order",
        "cancel-order",
        "I want to cancel my order.",
        30,
    ),
    (
        "Countries we ship to",
        "shipping-countries",
        "Do you ship to Norway?",
        10,
    ),
    (
        "Shipping costs and times",
        "shipping-costs",
        "How much is shipping?",
        8,
    ),
    (
        "Make a warranty claim",
        "warranty-claim",
        "My bike light stopped working after two months.",
        60,
    ),
    (
        "Find your size",
        "size-guide",
        "Which frame size do I need?",
        20,
    ),
    (
        "Gift cards",
        "gift-cards",
        "Can I use two gift cards at once?",
        15,
    ),
    (
        "Delete your account",
        "delete-account",
        "Please delete my account.",
        20,
    ),
    (
        "Two-step sign-in",
        "two-step-sign-in",
        "I lost the phone with my sign-in codes.",
        40,
    ),
    (
        "Damaged delivery",
        "damaged-delivery",
        "My parcel arrived damaged.",
        55,
    ),
    (
        "Exchange an item",
        "exchange-item",
        "Can I swap this for another colour?",
        25,
    ),
    (
        "Student discount",
        "student-discount",
        "Do you have a student discount?",
        10,
    ),
    (
        "Unsubscribe from emails",
        "unsubscribe",
        "How do I stop your newsletters?",
        5,
    ),
    (
        "Contact and opening hours",
        "opening-hours",
        "When is your support open?",
        5,
    ),
];

const FIRST_NAMES: [&str; 16] = [
    "Alex", "Sam", "Noor", "Chen", "Fatima", "Lukas", "Sofia", "Mateo", "Emma", "Yuki", "Omar",
    "Ines", "Daniel", "Aisha", "Kai", "Olivia",
];
const LAST_NAMES: [&str; 12] = [
    "Meyer",
    "Rossi",
    "Kowalski",
    "Haddad",
    "Nguyen",
    "Silva",
    "Johansson",
    "Dubois",
    "Kim",
    "Okoro",
    "Garcia",
    "Novak",
];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub users: usize,
    pub articles: usize,
    pub conversations: usize,
    pub messages: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub enum DemoOutcome {
    Loaded(DemoSummary),
    Skipped,
}

/// SplitMix64: tiny, fast and the same on every platform and version, so the demo (and the
/// seed data) are too.
pub(crate) struct Dice(pub(crate) u64);

impl Dice {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub(crate) fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Loads the demo in one transaction, or does nothing if the database already has conversations
/// or the demo was loaded before.
pub fn load(conn: &mut AnyConnection) -> anyhow::Result<DemoOutcome> {
    if Conversation::count(conn)? > 0 || ServerSecret::get(conn, "demo_loaded")?.is_some() {
        return Ok(DemoOutcome::Skipped);
    }
    // Hashing is deliberately slow; the demo members share one password, so hash it once.
    let password_hash =
        hash_password(&Password::parse(DEMO_PASSWORD).map_err(anyhow::Error::msg)?)?;
    let now = crate::models::now();
    let result = conn.transaction(|conn| -> anyhow::Result<DemoOutcome> {
        // The marker makes a concurrent second load fail instead of duplicating everything.
        ServerSecret::insert(conn, "demo_loaded", &now.to_string())?;
        let mut summary = DemoSummary::default();
        let mut team = Vec::new();
        for (name, email, role) in DEMO_TEAM {
            let email = Email::parse(email).map_err(anyhow::Error::msg)?;
            let user = match User::find_by_email(conn, &email)? {
                Some(user) => user,
                None => {
                    let name = PersonName::parse(name).map_err(anyhow::Error::msg)?;
                    summary.users += 1;
                    User::create(conn, &NewUser::new(&name, &email, &password_hash, role))?
                }
            };
            team.push(user);
        }
        let mut articles = Vec::new();
        for (title, slug, question, _) in ARTICLES {
            let created = now - Duration::days(DAYS + 30);
            let body = format!(
                "{title}\n\nCustomers often ask: \"{question}\"\n\nThis article explains the \
                 steps, what to have ready, and when to contact the team instead."
            );
            articles.push(Article::create(
                conn,
                &NewArticle {
                    title,
                    slug,
                    body: &body,
                    published: true,
                    created_at: created,
                    updated_at: created,
                },
            )?);
            summary.articles += 1;
        }
        TeamSettings::update(
            conn,
            &TeamSettingsUpdate {
                time_zone: DEMO_ZONE.name(),
                human_support_enabled: true,
                wait_time_minutes: 15,
                auto_close_enabled: true,
                auto_close_after_hours: 24,
                auto_close_outcome: Outcome::Resolved.as_str(),
                updated_at: now,
            },
        )?;
        let mut dice = Dice(0x4845_4152_4B45_4E21);
        let agents: Vec<&User> = team.iter().collect();
        for index in 0..CONVERSATIONS {
            let mut story = Story::begin(conn, &mut dice, index, now)?;
            story.play(conn, &mut dice, &agents, &articles)?;
            summary.conversations += 1;
            summary.messages += story.messages;
        }
        ReportCount::rebuild(conn, DEMO_ZONE)?;
        Ok(DemoOutcome::Loaded(summary))
    });
    match result {
        Err(e)
            if matches!(
                e.downcast_ref::<diesel::result::Error>(),
                Some(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _
                ))
            ) && ServerSecret::get(conn, "demo_loaded")?.is_some() =>
        {
            Ok(DemoOutcome::Skipped)
        }
        other => other,
    }
}

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

/// Writes one conversation's history as it would have happened, keeping the clock moving.
struct Story {
    conversation_id: i64,
    customer_name: String,
    clock: NaiveDateTime,
    plot: Plot,
    messages: usize,
}

impl Story {
    fn begin(
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
        Ok(Message::create(
            conn,
            &NewMessage {
                conversation_id: self.conversation_id,
                author: author.as_str(),
                author_user_id: user.map(|u| u.id),
                body,
                system_event: None,
                event_outcome: None,
                created_at: at,
            },
        )?)
    }

    fn note(
        &mut self,
        conn: &mut AnyConnection,
        dice: &mut Dice,
        event: SystemEvent,
        actor: Option<&User>,
        outcome: Option<Outcome>,
        wait_minutes: u64,
    ) -> anyhow::Result<NaiveDateTime> {
        let at = self.tick(dice, wait_minutes.max(1));
        let body = event.note(actor.map(|u| u.name.as_str()), Some(24));
        self.messages += 1;
        Message::create(
            conn,
            &NewMessage {
                conversation_id: self.conversation_id,
                author: Author::System.as_str(),
                author_user_id: actor.map(|u| u.id),
                body: &body,
                system_event: Some(event.as_str()),
                event_outcome: outcome.map(Outcome::as_str),
                created_at: at,
            },
        )?;
        Ok(at)
    }

    fn close(
        &mut self,
        conn: &mut AnyConnection,
        dice: &mut Dice,
        actor: Option<&User>,
        outcome: Outcome,
        replaced: Option<Outcome>,
        reason: Option<&str>,
    ) -> anyhow::Result<NaiveDateTime> {
        let event = if actor.is_some() {
            SystemEvent::Closed
        } else {
            SystemEvent::AutoClosed
        };
        let at = if actor.is_some() {
            self.note(conn, dice, event, actor, Some(outcome), 10)?
        } else {
            // Automatic closing comes a day after the last activity.
            self.clock += Duration::hours(24);
            self.note(conn, dice, event, None, Some(outcome), 1)?
        };
        Closure::record(
            conn,
            &NewClosure {
                conversation_id: self.conversation_id,
                outcome: outcome.as_str(),
                replaced_outcome: replaced.map(Outcome::as_str),
                actor_user_id: actor.map(|u| u.id),
                reason,
                closed_at: at,
            },
        )?;
        Ok(at)
    }

    fn play(
        &mut self,
        conn: &mut AnyConnection,
        dice: &mut Dice,
        team: &[&User],
        articles: &[Article],
    ) -> anyhow::Result<()> {
        let topic = dice.below(ARTICLES.len() as u64) as usize;
        let (_, _, question, unresolved_percent) = ARTICLES[topic];
        let article = &articles[topic];
        let agent = team[2 + dice.below(3) as usize];
        let lead = team[1];
        let admin = team[0];
        let mut transitions = 0i64;

        self.say(conn, dice, Author::Customer, None, question)?;
        let answer = format!(
            "This might help: \"{}\". It walks you through it step by step.",
            article.title
        );
        let bot_message = self.say(conn, dice, Author::Bot, None, &answer)?;
        Message::cite(conn, bot_message.id, article.id)?;
        if dice.percent(25) {
            let extra = &articles[(topic + 1 + dice.below(5) as usize) % articles.len()];
            Message::cite(conn, bot_message.id, extra.id)?;
        }
        let mut state = ConversationState::Bot;
        let mut assignee = None;
        let mut waiting_since = None;
        let mut agent_involved = false;
        let mut outcome = None;
        let mut closed_by = None;
        let mut closed_at = None;

        let escalates = !matches!(
            self.plot,
            Plot::BotOpen | Plot::BotAutoClosed | Plot::BotClosedByAgent
        );
        if escalates {
            let at = if dice.percent(60) {
                self.say(
                    conn,
                    dice,
                    Author::Customer,
                    None,
                    "That doesn't answer it. Can I talk to a person?",
                )?;
                self.note(
                    conn,
                    dice,
                    SystemEvent::CustomerRequestedHuman,
                    None,
                    None,
                    1,
                )?
            } else {
                self.say(
                    conn,
                    dice,
                    Author::Customer,
                    None,
                    "I already tried that and it still doesn't work.",
                )?;
                self.note(conn, dice, SystemEvent::BotEscalated, None, None, 1)?
            };
            state = ConversationState::Waiting;
            waiting_since = Some(at);
            transitions += 1;
        }
        match self.plot {
            Plot::BotOpen => {}
            Plot::BotAutoClosed => {
                self.say(
                    conn,
                    dice,
                    Author::Customer,
                    None,
                    "Perfect, that's what I needed. Thanks!",
                )?;
                let at = self.close(conn, dice, None, Outcome::Resolved, None, None)?;
                (state, outcome, closed_at) =
                    (ConversationState::Closed, Some(Outcome::Resolved), Some(at));
                transitions += 1;
            }
            Plot::BotClosedByAgent => {
                self.say(
                    conn,
                    dice,
                    Author::Customer,
                    None,
                    "Hm, not quite what I asked.",
                )?;
                self.clock += Duration::hours(2 + dice.below(20) as i64);
                let at = self.close(
                    conn,
                    dice,
                    Some(agent),
                    Outcome::Unresolved,
                    None,
                    Some("Customer left; the article did not cover the question"),
                )?;
                (state, outcome, closed_by, closed_at) = (
                    ConversationState::Closed,
                    Some(Outcome::Unresolved),
                    Some(agent.id),
                    Some(at),
                );
                transitions += 1;
            }
            Plot::WaitingNow => {}
            _ => {
                let wait = if dice.percent(15) { 25 } else { 8 };
                self.note(conn, dice, SystemEvent::Joined, Some(agent), None, wait)?;
                (state, assignee, waiting_since, agent_involved) =
                    (ConversationState::Agent, Some(agent.id), None, true);
                transitions += 1;
                let greeting = format!(
                    "Hi {}, I'm {} from the support team. Let me look into this.",
                    self.customer_name,
                    agent.name.split(' ').next().unwrap_or("the team")
                );
                self.say(conn, dice, Author::Agent, Some(agent), &greeting)?;
                self.say(
                    conn,
                    dice,
                    Author::Customer,
                    None,
                    "Thank you! Order number is in my last email.",
                )?;
                self.say(
                    conn,
                    dice,
                    Author::Agent,
                    Some(agent),
                    "Found it. I'm checking with the warehouse now.",
                )?;
            }
        }
        match self.plot {
            Plot::HandedBack => {
                self.say(
                    conn,
                    dice,
                    Author::Agent,
                    Some(agent),
                    "All sorted on our side. The assistant can help with anything else.",
                )?;
                self.note(conn, dice, SystemEvent::Left, Some(agent), None, 2)?;
                (state, assignee) = (ConversationState::Bot, None);
                transitions += 1;
            }
            Plot::ClosedByAgent | Plot::OutcomeChanged | Plot::Reopened => {
                let first = if dice.percent(unresolved_percent) {
                    Outcome::Unresolved
                } else {
                    Outcome::Resolved
                };
                if first == Outcome::Resolved {
                    self.say(
                        conn,
                        dice,
                        Author::Customer,
                        None,
                        "Great, thanks for your help!",
                    )?;
                } else {
                    self.say(
                        conn,
                        dice,
                        Author::Customer,
                        None,
                        "OK, I'll wait for your email then.",
                    )?;
                }
                let reason = (first == Outcome::Unresolved && dice.percent(50))
                    .then_some("Needs follow-up by email");
                let mut at = self.close(conn, dice, Some(agent), first, None, reason)?;
                (state, assignee, outcome, closed_by, closed_at) = (
                    ConversationState::Closed,
                    None,
                    Some(first),
                    Some(agent.id),
                    Some(at),
                );
                transitions += 1;
                if self.plot == Plot::OutcomeChanged {
                    let changed = first.other();
                    self.clock += Duration::hours(1 + dice.below(30) as i64);
                    at = self.close(
                        conn,
                        dice,
                        Some(lead),
                        changed,
                        Some(first),
                        Some("Reviewed in the weekly check"),
                    )?;
                    (outcome, closed_by, closed_at) = (Some(changed), Some(lead.id), Some(at));
                    transitions += 1;
                }
                if self.plot == Plot::Reopened {
                    self.clock += Duration::hours(2 + dice.below(20) as i64);
                    self.note(conn, dice, SystemEvent::Reopened, Some(admin), None, 5)?;
                    (state, outcome, closed_by, closed_at) =
                        (ConversationState::Bot, None, None, None);
                    transitions += 1;
                    if dice.percent(60) {
                        self.say(
                            conn,
                            dice,
                            Author::Customer,
                            None,
                            "Following up on this: it happened again.",
                        )?;
                        self.note(conn, dice, SystemEvent::Joined, Some(lead), None, 10)?;
                        let at =
                            self.close(conn, dice, Some(lead), Outcome::Resolved, None, None)?;
                        (state, outcome, closed_by, closed_at, assignee) = (
                            ConversationState::Closed,
                            Some(Outcome::Resolved),
                            Some(lead.id),
                            Some(at),
                            None,
                        );
                        transitions += 2;
                    }
                }
            }
            _ => {}
        }
        self.finish(
            conn,
            state,
            assignee,
            outcome,
            closed_by,
            closed_at,
            waiting_since,
            agent_involved,
            1 + transitions,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        conn: &mut AnyConnection,
        state: ConversationState,
        assignee: Option<i64>,
        outcome: Option<Outcome>,
        closed_by: Option<i64>,
        closed_at: Option<NaiveDateTime>,
        waiting_since: Option<NaiveDateTime>,
        agent_involved: bool,
        version: i64,
    ) -> anyhow::Result<()> {
        Conversation::set_demo_state(
            conn,
            self.conversation_id,
            &crate::models::conversation::ConversationUpdate {
                state: state.as_str(),
                assignee_id: assignee,
                outcome: outcome.map(Outcome::as_str),
                closed_by_id: closed_by,
                closed_at,
                waiting_since,
                last_activity_at: self.clock,
                agent_involved,
                version,
                report_day: closed_at.map(|at| local_day(at, DEMO_ZONE)),
            },
        )?;
        Ok(())
    }
}
