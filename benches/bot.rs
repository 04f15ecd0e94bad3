//! How long the bot takes to find the answer to one message, with 1,000 published articles.
//!
//!     cargo bench --bench bot -- [--articles 1000] [--rounds 5]
//!
//! Builds the bot's in-memory index over N articles: the demo's 36, then variants of them with
//! other products, places and numbers and a few words of their own, so that the index holds
//! N distinct articles of the demo's shape (about 4 passages each). Then asks every question
//! of the evaluation set (`eval/demo-questions.tsv`) `rounds` times, timing each search and
//! decision (what runs for every customer message), and prints p50, p99 and the worst, and the
//! time the index took to build.

use std::time::{Duration, Instant};

use hearken::bot::answer;
use hearken::bot::eval_run::demo_articles;
use hearken::bot::search::{ArticleText, KnowledgeIndex};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

const PRODUCTS: [&str; 12] = [
    "saddle", "helmet", "jersey", "tyre", "pump", "lock", "light", "bottle", "rack", "bag",
    "glove", "shoe",
];
const PLACES: [&str; 10] = [
    "Munich", "Vienna", "Lyon", "Ghent", "Aarhus", "Turin", "Utrecht", "Porto", "Graz", "Basel",
];

/// `n` articles: the demo's, then variants of them.
fn articles(n: usize) -> Vec<ArticleText> {
    let demo = demo_articles();
    (0..n)
        .map(|i| {
            let base = &demo[i % demo.len()];
            if i < demo.len() {
                return base.clone();
            }
            let product = PRODUCTS[i % PRODUCTS.len()];
            let place = PLACES[(i / 7) % PLACES.len()];
            ArticleText {
                id: i as i64 + 1,
                title: format!("{} ({product}, {place})", base.title),
                slug: format!("{}-{i}", base.slug),
                body: format!(
                    "{}\n\nThis applies to {product} orders from our {place} partner, reference {i}.",
                    base.body
                        .replace("30 days", &format!("{} days", 14 + i % 30))
                        .replace("Hamburg", place)
                ),
                also_asked: base.also_asked.clone(),
            }
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let count = arg("--articles", 1000);
    let rounds = arg("--rounds", 5);
    let set = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/eval/demo-questions.tsv"
    ))
    .expect("read the evaluation set");
    let questions: Vec<&str> = set
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next())
        .collect();

    let started = Instant::now();
    let index = KnowledgeIndex::build(articles(count)).expect("build the index");
    let built = started.elapsed();

    let mut times = Vec::with_capacity(questions.len() * rounds);
    let mut answered = 0;
    for _ in 0..rounds {
        for question in &questions {
            let started = Instant::now();
            let found =
                answer::find(&index, question, answer::DEFAULT_MIN_CONFIDENCE).expect("search");
            let quotes = answer::quotes(&index, &found);
            times.push(started.elapsed());
            answered += usize::from(!quotes.is_empty());
        }
    }
    times.sort();
    println!(
        "{} articles ({} indexed), index built in {:.1} ms; {} searches ({} answered)",
        count,
        index.len(),
        built.as_secs_f64() * 1000.0,
        times.len(),
        answered
    );
    println!(
        "per message: p50 {:.3} ms, p99 {:.3} ms, worst {:.3} ms",
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0,
        times.last().unwrap().as_secs_f64() * 1000.0
    );
}
