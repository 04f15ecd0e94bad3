//! The command line: `serve`, `migrate`, `user add|list`, `demo`.

use std::io::{BufRead, IsTerminal, Write};

use clap::{CommandFactory, Parser, Subcommand};

use crate::config::{Config, SETTINGS_HEADING};
use crate::domain::{hash_password, Email, Password, PersonName, Role};
use crate::models::user::{NewUser, User};
use crate::startup::{prepare_connection, Application};

#[derive(Parser, Debug)]
#[command(
    name = "hearken",
    version,
    about = "Hearken: self-hosted customer-support chat with a knowledge-base bot"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    /// Log filter, e.g. info or hearken=debug
    #[arg(
        long,
        env = "RUST_LOG",
        value_name = "RUST_LOG",
        default_value = "info",
        global = true,
        help_heading = SETTINGS_HEADING
    )]
    pub log: String,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Reads the command line and the environment. A setting's variable that is set but blank
    /// (`HEARKEN_WORKERS=`) counts as unset, as it always has. Call it before any thread starts:
    /// it removes such variables from the environment.
    pub fn from_env_and_args() -> Cli {
        for arg in Cli::command().get_arguments() {
            if let Some(name) = arg.get_env() {
                if std::env::var_os(name).is_some_and(|v| v.to_string_lossy().trim().is_empty()) {
                    std::env::remove_var(name);
                }
            }
        }
        Cli::parse()
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply pending migrations, then serve the web app on HEARKEN_ADDR (the default command)
    Serve {
        /// Fill an empty database with demo data first and print the demo sign-ins
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit
    Migrate,
    /// Manage team members
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Fill the database with a realistic, deterministic demo (skipped if it already has data)
    Demo,
    /// Recount the report counters from the conversations (after changing the team's time zone)
    RebuildReports,
    /// Check that every conversation agrees with its history and the report counters with a
    /// recount; exits with status 1 and says what is wrong otherwise
    Check,
    /// Measure the bot on a set of questions: each line "question<TAB>expected article address"
    /// (or "-" when the bot should decline); prints hit@1, hit@3 and the decline accuracy, for
    /// the whole set and its held-out third (every third question)
    BotEval {
        /// The evaluation set, e.g. eval/demo-questions.tsv
        file: std::path::PathBuf,
        /// Answer from the demo's knowledge base instead of the database's published articles
        #[arg(long)]
        demo_articles: bool,
        /// Measure the old word-overlap bot instead, for comparison
        #[arg(long)]
        baseline: bool,
        /// Also list each question answered wrongly
        #[arg(long)]
        verbose: bool,
    },
    /// Add synthetic conversations in bulk, for measuring Hearken at scale (see the README)
    Seed {
        /// How many conversations to add
        #[arg(long, default_value_t = 100_000)]
        conversations: usize,
        /// Spread them over this many days before today
        #[arg(long, default_value_t = 365)]
        days: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a team member; the password is read from standard input (one line)
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// agent, lead or admin
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// List team members
    List,
}

fn parse_role(value: &str) -> Result<Role, String> {
    value
        .parse()
        .map_err(|_| "the role must be agent, lead or admin".to_owned())
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => serve(config, demo),
        Command::Migrate => {
            crate::startup::migrate(&config.database)?;
            println!("{} is up to date.", config.database.describe());
            Ok(())
        }
        Command::User { action } => match action {
            UserCommand::Add { email, name, role } => add_user(&config, &email, &name, role),
            UserCommand::List => list_users(&config),
        },
        Command::RebuildReports => {
            let mut conn = prepare_connection(&config)?;
            let zone = crate::models::team_settings::TeamSettings::get(&mut conn)?
                .time_zone
                .tz();
            crate::db::write_transaction::<_, anyhow::Error, _>(&mut conn, |conn| {
                crate::models::report_count::ReportCount::rebuild(conn, zone)?;
                crate::models::time_count::TimeCount::rebuild(conn, zone)?;
                Ok(())
            })?;
            println!("Report counters rebuilt in the time zone {}.", zone.name());
            Ok(())
        }
        Command::Check => check(&config),
        Command::BotEval {
            file,
            demo_articles,
            baseline,
            verbose,
        } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            // The database's articles at the team's confidence setting, or the demo's at the
            // default.
            let (articles, min_confidence) = if demo_articles {
                (
                    crate::bot::eval_run::demo_articles(),
                    crate::bot::answer::DEFAULT_MIN_CONFIDENCE,
                )
            } else {
                let mut conn = prepare_connection(&config)?;
                (
                    crate::bot::search::articles_of(crate::models::article::Article::published(
                        &mut conn,
                    )?),
                    crate::models::team_settings::TeamSettings::get(&mut conn)?.bot_min_confidence,
                )
            };
            let contender = if baseline {
                crate::bot::eval_run::Contender::WordOverlap
            } else {
                crate::bot::eval_run::Contender::Bot { min_confidence }
            };
            print!(
                "{}",
                crate::bot::eval_run::evaluate(&text, articles, contender, verbose)?
            );
            Ok(())
        }
        Command::Seed {
            conversations,
            days,
        } => {
            if days < 1 {
                anyhow::bail!("--days must be at least 1");
            }
            let hash = crate::seed::password_hash()?;
            let mut conn = prepare_connection(&config)?;
            let started = std::time::Instant::now();
            let summary = crate::seed::seed(&mut conn, &hash, conversations, days, |done| {
                if done % 100_000 == 0 || done == conversations {
                    eprintln!(
                        "  {done} conversations written ({:.0} s)",
                        started.elapsed().as_secs_f64()
                    );
                }
            })?;
            println!(
                "Seeded {} conversations and {} messages in {:.1} s. Team lead sign-in: {} / {}",
                summary.conversations,
                summary.messages,
                started.elapsed().as_secs_f64(),
                crate::seed::SEED_LEAD,
                crate::seed::SEED_PASSWORD
            );
            Ok(())
        }
        Command::Demo => load_demo(&config),
    }
}

fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    if demo {
        load_demo(&config)?;
    }
    actix_web::rt::System::new().block_on(async move {
        let addr = config.addr.clone();
        let database = config.database.describe();
        let app = Application::build(config).await?;
        tracing::info!(%database, "Hearken is listening on http://{addr}");
        println!("Hearken is listening on http://{addr} (database: {database})");
        if let Some(link) = app.setup_link() {
            println!(
                "No team members yet. Create the first admin at this one-time link:\n  {link}\n\
                 (or run `hearken user add --role admin ...`)"
            );
        }
        app.run_until_stopped().await?;
        Ok(())
    })
}

/// Loads the demo unless the database has conversations, and says so with the demo sign-ins.
fn load_demo(config: &Config) -> anyhow::Result<()> {
    // The slow password hash first, holding no pooled connection.
    let hash = crate::demo::password_hash()?;
    let mut conn = prepare_connection(config)?;
    report_demo(crate::demo::load(&mut conn, &hash)?);
    Ok(())
}

fn report_demo(outcome: crate::demo::DemoOutcome) {
    match outcome {
        crate::demo::DemoOutcome::Loaded(summary) => println!(
            "Demo data loaded: {} team members, {} articles, {} conversations, {} messages.",
            summary.users, summary.articles, summary.conversations, summary.messages
        ),
        crate::demo::DemoOutcome::Skipped => {
            println!("Demo data not loaded: the database already has conversations.")
        }
    }
    println!(
        "Demo sign-ins (password for all: {}):",
        crate::demo::DEMO_PASSWORD
    );
    for (name, email, role) in crate::demo::DEMO_TEAM {
        println!("  {:<10} {:<28} {}", role.label(), email, name);
    }
}

fn add_user(config: &Config, email: &str, name: &str, role: Role) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(anyhow::Error::msg)?;
    let name = PersonName::parse(name).map_err(anyhow::Error::msg)?;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!(
            "Password for {email} (at least {} characters): ",
            Password::MIN_CHARS
        );
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let password =
        Password::parse(line.trim_end_matches(['\r', '\n'])).map_err(anyhow::Error::msg)?;
    let hash = hash_password(&password)?;
    let mut conn = prepare_connection(config)?;
    match User::create(&mut conn, &NewUser::new(&name, &email, &hash, role)) {
        Ok(user) => {
            println!("Added {} <{}> as {}.", user.name, user.email, role.label());
            Ok(())
        }
        Err(e) if crate::models::is_unique_violation(&e) => {
            anyhow::bail!("a team member with the email {email} already exists")
        }
        Err(e) => Err(e.into()),
    }
}

fn list_users(config: &Config) -> anyhow::Result<()> {
    let mut conn = prepare_connection(config)?;
    let users = User::list(&mut conn)?;
    if users.is_empty() {
        println!(
            "No team members yet. Add one with: hearken user add --email E --name N --role admin"
        );
    }
    for user in users {
        println!(
            "{:<5} {:<10} {:<12} {:<30} {}",
            user.id,
            user.role.as_str(),
            if user.active { "active" } else { "deactivated" },
            user.email,
            user.name
        );
    }
    Ok(())
}

/// `hearken check`: the consistency the lifecycle's one door promises, verified on the data.
fn check(config: &Config) -> anyhow::Result<()> {
    use crate::models::conversation::Conversation;
    use crate::models::report_count::ReportCount;
    let mut conn = prepare_connection(config)?;
    let mut problems = Conversation::audit(&mut conn)?;
    problems.extend(ReportCount::differences_from_rebuild(&mut conn)?);
    problems.extend(crate::models::time_count::TimeCount::differences_from_rebuild(&mut conn)?);
    problems.extend(Conversation::state_count_differences(&mut conn)?);
    let conversations = Conversation::count(&mut conn)?;
    if problems.is_empty() {
        println!(
            "All {conversations} conversations agree with their history, and the report \
             counters with a recount."
        );
        return Ok(());
    }
    for problem in &problems {
        println!("{problem}");
    }
    anyhow::bail!("{} problems found", problems.len())
}
