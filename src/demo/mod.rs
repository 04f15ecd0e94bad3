//! A realistic, deterministic demo team: members, knowledge base and a few hundred conversations
//! over the last 90 days in every state. Loaded only into a database without conversations.

mod data;
mod dice;
mod outcomes;
mod story;

use chrono::Duration;
use diesel::Connection;

use crate::bot::search::{articles_of, KnowledgeIndex};
use crate::db::AnyConnection;
use crate::domain::{hash_password, Email, Outcome, Password, PersonName, Role};
use crate::models::article::{Article, NewArticle};
use crate::models::conversation::Conversation;
use crate::models::server_secret::ServerSecret;
use crate::models::team_settings::{TeamSettings, TeamSettingsUpdate};
use crate::models::user::{NewUser, User};
pub use data::{DemoArticle, ARTICLES};
pub(crate) use dice::Dice;
use story::{Cast, Story, DAYS};

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

/// The demo members' shared password, hashed once. Hashing is deliberately slow: do it before
/// taking a connection from the pool.
pub fn password_hash() -> anyhow::Result<String> {
    hash_password(&Password::parse(DEMO_PASSWORD).map_err(anyhow::Error::msg)?)
}

/// Loads the demo in one transaction, or does nothing if the database already has conversations
/// or the demo was loaded before. `password_hash` is [`password_hash`]'s.
pub fn load(conn: &mut AnyConnection, password_hash: &str) -> anyhow::Result<DemoOutcome> {
    if Conversation::count(conn)? > 0 || ServerSecret::get(conn, "demo_loaded")?.is_some() {
        return Ok(DemoOutcome::Skipped);
    }
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
                    User::create(conn, &NewUser::new(&name, &email, password_hash, role))?
                }
            };
            team.push(user);
        }
        let mut articles = Vec::new();
        for demo in &ARTICLES {
            let created = now - Duration::days(DAYS + 30);
            articles.push(Article::create(
                conn,
                &NewArticle {
                    title: demo.title(),
                    slug: demo.slug,
                    body: demo.body(),
                    also_asked: demo.also_asked(),
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
                time_zone: DEMO_ZONE.into(),
                human_support_enabled: true,
                wait_time_minutes: 15,
                auto_close_enabled: true,
                auto_close_after_hours: 24,
                auto_close_outcome: Outcome::Resolved,
                updated_at: now,
                came_back_days: 3,
                bot_min_confidence: crate::bot::answer::DEFAULT_MIN_CONFIDENCE,
            },
        )?;
        // The demo's bot answers are the real bot's, from the articles just written.
        let index = KnowledgeIndex::build(articles_of(articles.clone()))?;
        let mut dice = Dice(0x4845_4152_4B45_4E21);
        let cast = Cast {
            admin: &team[0],
            lead: &team[1],
            agents: &team[2..],
        };
        // Each story goes through the lifecycle's one door, which keeps the report counters.
        for number in 0..CONVERSATIONS {
            let mut story = Story::begin(conn, &mut dice, number, now)?;
            story.play(conn, &mut dice, &cast, &articles, &index)?;
            summary.conversations += 1;
            summary.messages += story.messages;
        }
        outcomes::play(conn, &mut dice, now)?;
        Ok(DemoOutcome::Loaded(summary))
    });
    match result {
        Err(e)
            if e.downcast_ref::<diesel::result::Error>()
                .is_some_and(crate::models::is_unique_violation)
                && ServerSecret::get(conn, "demo_loaded")?.is_some() =>
        {
            Ok(DemoOutcome::Skipped)
        }
        other => other,
    }
}
