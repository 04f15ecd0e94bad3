//! Runs `hearken bot-eval`: the evaluation set against the bot (or the word-overlap baseline)
//! over the database's published articles, or over the demo's knowledge base.

use super::answer;
use super::baseline::{self, Candidate};
use super::eval::{self, Attempt};
use super::search::{ArticleText, KnowledgeIndex};

/// Which bot answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Contender {
    Bot { min_confidence: f32 },
    WordOverlap,
}

/// The printed report for the set in `text`, asked of `contender` over `articles`.
pub fn evaluate(
    text: &str,
    articles: Vec<ArticleText>,
    contender: Contender,
    verbose: bool,
) -> anyhow::Result<String> {
    let cases = eval::parse(text).map_err(anyhow::Error::msg)?;
    let count = articles.len();
    let (all, held_out, misses) = match contender {
        Contender::Bot { min_confidence } => {
            let index = KnowledgeIndex::build(articles)?;
            let mut failure = None;
            let result = eval::run(&cases, |question| {
                match answer::find(&index, question, min_confidence) {
                    Ok(found) => Attempt {
                        ranked: found
                            .slugs(&index)
                            .iter()
                            .map(|s| (*s).to_owned())
                            .collect(),
                        answered: found.answers,
                        note: found
                            .matches
                            .iter()
                            .take(3)
                            .map(|m| {
                                format!(
                                    "[{} confidence {:.2}]",
                                    index.article(m.article).slug,
                                    answer::confidence(m)
                                )
                            })
                            .collect(),
                    },
                    Err(error) => {
                        failure = Some(error);
                        Attempt::default()
                    }
                }
            });
            if let Some(error) = failure {
                return Err(error.into());
            }
            result
        }
        Contender::WordOverlap => {
            let candidates: Vec<Candidate> = articles
                .iter()
                .map(|a| Candidate {
                    id: a.id,
                    title: a.title.clone(),
                    body: a.body.clone(),
                })
                .collect();
            let slug_of = |id: i64| {
                articles
                    .iter()
                    .find(|a| a.id == id)
                    .map_or(String::new(), |a| a.slug.clone())
            };
            eval::run(&cases, |question| {
                let ranked: Vec<String> = baseline::rank(question, &candidates)
                    .iter()
                    .map(|(_, c)| slug_of(c.id))
                    .collect();
                Attempt {
                    answered: !ranked.is_empty(),
                    ranked,
                    note: String::new(),
                }
            })
        }
    };
    let name = match contender {
        Contender::Bot { min_confidence } => {
            format!("the bot (minimum confidence {min_confidence})")
        }
        Contender::WordOverlap => "the word-overlap baseline".to_owned(),
    };
    let mut out = format!(
        "{} questions ({} the knowledge base answers, {} it does not), {count} published articles, {name}\n\n",
        cases.len(),
        all.answerable,
        all.unanswerable
    );
    out += &eval::table(&all, &held_out);
    if verbose {
        out += "\nWrong (the held-out third is not listed):\n";
        for miss in misses {
            out += &format!("  {miss}\n");
        }
    }
    Ok(out)
}

/// The demo's knowledge base, as the demo publishes it.
pub fn demo_articles() -> Vec<ArticleText> {
    crate::demo::ARTICLES
        .iter()
        .zip(1..)
        .map(|(demo, id)| ArticleText {
            id,
            title: demo.title().to_owned(),
            slug: demo.slug.to_owned(),
            body: demo.body().to_owned(),
            also_asked: demo.also_asked().to_owned(),
        })
        .collect()
}
