//! The knowledge base as the bot searches it: every published article split into passages
//! (paragraphs, each indexed with its article's title) in a tantivy index held in memory, ranked
//! with BM25 over English stems. A question is read the way customers write: misspelt words are
//! corrected against the articles' own vocabulary, and everyday paraphrases add the help
//! center's words. Articles are ranked, not passages: an article's best passage counts most,
//! further matching passages add a little, and the answer quotes the best one.

use std::collections::{HashMap, HashSet};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{doc, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// The passage number field's name (a fast field: read per hit without the document store).
const PASSAGE_FIELD: &str = "passage";

use super::passages;
pub use super::question::Question;
use super::question::{Vocabulary, COMMON_WEIGHT};
use super::words::{self, surface_words, ANALYZER};

/// A published article as the bot knows it.
#[derive(Clone, Debug)]
pub struct ArticleText {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub body: String,
    /// How customers ask about the article's topic (its "Also asked as" line): searched like
    /// the title, never quoted.
    pub also_asked: String,
}

/// The bot's view of stored articles.
pub fn articles_of(articles: Vec<crate::models::article::Article>) -> Vec<ArticleText> {
    articles
        .into_iter()
        .map(|a| ArticleText {
            id: a.id,
            title: a.title,
            slug: a.slug,
            body: a.body,
            also_asked: a.also_asked,
        })
        .collect()
}

struct Passage {
    article: usize,
    text: String,
}

/// How many passages the index is asked for before they are grouped by article.
const PASSAGES_LOOKED_AT: usize = 60;
/// A title match weighs as much as a match in a passage (each passage is indexed with its
/// title, so a title match counts once per passage anyway).
const TITLE_BOOST: f32 = 1.0;
/// A match in the article's "Also asked as" line weighs this much of one in a passage.
const ASKED_BOOST: f32 = 1.0;
/// An article scores its best passage, and these shares of its second and third best.
const PASSAGE_SHARES: [f32; 3] = [1.0, 0.3, 0.1];
/// Articles are ranked by score × (this + coverage): coverage decides between close scores.
const COVERAGE_BASE: f32 = 0.25;
/// A content word matched only through a paraphrase counts this much towards coverage.
const PARAPHRASE_COVERAGE: f32 = 0.8;

/// The search index of one set of published articles. Built once per change of the knowledge
/// base, then shared read-only by every request of the instance.
pub struct KnowledgeIndex {
    reader: IndexReader,
    title: Field,
    body: Field,
    asked: Field,
    analyzer: TextAnalyzer,
    articles: Vec<ArticleText>,
    passages: Vec<Passage>,
    /// The words the articles use: typos are corrected to these; rare ones weigh more.
    vocabulary: Vocabulary,
    /// The stems of each article (title and text).
    article_stems: Vec<HashSet<String>>,
    /// The stems of each article's title and of each of its "Also asked as" phrasings.
    phrasings: Vec<Vec<Vec<String>>>,
}

/// An article that answers the question, with its best passage.
#[derive(Clone, Debug)]
pub struct Match {
    pub article: usize,
    pub passage: usize,
    /// The article's score (BM25 of its best passage, plus a little for each further one).
    pub score: f32,
    /// The score per passage counted (so an article of one paragraph is not weaker than one
    /// of four that repeat its title), in units of the rarest word's weight (BM25's largest
    /// IDF with this many passages), so that it reads the same in a small knowledge base and a
    /// large one.
    pub strength: f32,
    /// The share of the question's content words the article has, weighted by how rare each
    /// word is across the knowledge base (0 to 1).
    pub coverage: f32,
    /// Which of the question's content words the article has (by position in `asked`).
    covered: Vec<bool>,
    /// How much the question asks: its content words weighted by rarity, as in `coverage`, in
    /// units of the rarest word's weight.
    pub asked_weight: f32,
    /// The question has every word of the article's title or of one of its "Also asked as"
    /// phrasings (in any order, or their paraphrases): it asks what the article is about.
    pub says_a_phrasing: bool,
}

impl Match {
    /// Whether this article has content words of the question that `other` lacks.
    pub fn adds_to(&self, other: &Match) -> bool {
        self.covered
            .iter()
            .zip(&other.covered)
            .any(|(mine, theirs)| *mine && !*theirs)
    }
}

impl KnowledgeIndex {
    /// Indexes `articles` (published ones) in memory.
    pub fn build(articles: Vec<ArticleText>) -> tantivy::Result<KnowledgeIndex> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let title = schema.add_text_field("title", text.clone());
        let body = schema.add_text_field("body", text.clone());
        let asked = schema.add_text_field("asked", text);
        let passage = schema.add_u64_field(PASSAGE_FIELD, FAST);
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register(ANALYZER, words::analyzer());
        let mut analyzer = words::analyzer();
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15_000_000)?;
        let mut passages_of = Vec::new();
        let mut vocabulary: HashMap<String, u32> = HashMap::new();
        let mut article_stems = Vec::new();
        let mut phrasings = Vec::new();
        let mut article_frequency: HashMap<String, u32> = HashMap::new();
        for (number, article) in articles.iter().enumerate() {
            let mut texts = passages::split(&article.title, &article.body);
            if texts.is_empty() {
                texts.push(article.title.clone());
            }
            for text in texts {
                writer.add_document(doc!(
                    title => article.title.clone(),
                    body => text.clone(),
                    asked => article.also_asked.clone(),
                    passage => passages_of.len() as u64,
                ))?;
                passages_of.push(Passage {
                    article: number,
                    text,
                });
            }
            let all = format!("{} {} {}", article.title, article.body, article.also_asked);
            for word in surface_words(&all) {
                *vocabulary.entry(word).or_default() += 1;
            }
            let stems: HashSet<String> = words::stems(&mut analyzer, &all).into_iter().collect();
            for stem in &stems {
                *article_frequency.entry(stem.clone()).or_default() += 1;
            }
            article_stems.push(stems);
            phrasings.push(
                std::iter::once(article.title.as_str())
                    .chain(article.also_asked.split(','))
                    .map(|p| words::stems(&mut analyzer, p))
                    .filter(|p| !p.is_empty())
                    .collect(),
            );
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(KnowledgeIndex {
            reader,
            title,
            body,
            asked,
            analyzer,
            articles,
            passages: passages_of,
            vocabulary: Vocabulary {
                words: vocabulary,
                stems: article_frequency,
            },
            article_stems,
            phrasings,
        })
    }

    pub fn article(&self, number: usize) -> &ArticleText {
        &self.articles[number]
    }

    pub fn passage_text(&self, passage: usize) -> &str {
        &self.passages[passage].text
    }

    pub fn len(&self) -> usize {
        self.articles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    /// Reads a question: corrected, stemmed, with the help center's words for its paraphrases.
    pub fn question(&self, text: &str) -> Question {
        self.vocabulary.read(text, &self.analyzer)
    }

    /// BM25's weight (tantivy's IDF) of a word found in one passage only.
    fn largest_idf(&self) -> f32 {
        let passages = self.passages.len() as f32;
        (1.0 + (passages - 0.5) / 1.5).ln().max(0.1)
    }

    /// How rare a stem is across the articles (unknown stems are the rarest).
    fn rarity(&self, stem: &str) -> f32 {
        let n = self.articles.len() as f32;
        let df = self.vocabulary.stems.get(stem).copied().unwrap_or(0) as f32;
        (1.0 + n / (1.0 + df)).ln()
    }

    fn coverage(&self, article: usize, question: &Question) -> (f32, Vec<bool>, f32) {
        let stems = &self.article_stems[article];
        let mut total = 0.0;
        let mut have = 0.0;
        let mut covered = Vec::with_capacity(question.asked.len());
        for asked in &question.asked {
            let rarity = self.rarity(&asked.stem) * if asked.common { COMMON_WEIGHT } else { 1.0 };
            total += rarity;
            let credit = if stems.contains(&asked.stem) {
                1.0
            } else if asked.alternatives.iter().any(|a| stems.contains(a)) {
                PARAPHRASE_COVERAGE
            } else {
                0.0
            };
            have += rarity * credit;
            covered.push(credit > 0.0);
        }
        let coverage = if total > 0.0 { have / total } else { 0.0 };
        // In units of the rarest word's weight, so it reads the same in any knowledge base.
        let asked_weight = total / (1.0 + self.articles.len() as f32).ln();
        (coverage, covered, asked_weight)
    }

    /// Whether `said` (the question's stems and their paraphrases) has every stem of the
    /// article's title or of one of its "Also asked as" phrasings.
    fn says_a_phrasing(&self, article: usize, said: &HashSet<&str>) -> bool {
        self.phrasings[article]
            .iter()
            .any(|phrasing| phrasing.iter().all(|stem| said.contains(stem.as_str())))
    }

    /// The articles that match `question`, best first.
    pub fn search(&self, question: &Question) -> tantivy::Result<Vec<Match>> {
        if question.is_empty() || self.articles.is_empty() {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (stem, weight) in &question.terms {
            for (field, boost) in [
                (self.title, TITLE_BOOST),
                (self.body, 1.0),
                (self.asked, ASKED_BOOST),
            ] {
                let term = TermQuery::new(
                    Term::from_field_text(field, stem),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(term), boost * weight)),
                ));
            }
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(PASSAGES_LOOKED_AT))?;
        let said = question.said();
        let mut by_article: HashMap<usize, Vec<(f32, usize)>> = HashMap::new();
        let mut columns = HashMap::new();
        for (score, address) in top {
            let column = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(found) => found.into_mut(),
                std::collections::hash_map::Entry::Vacant(slot) => slot.insert(
                    searcher
                        .segment_reader(address.segment_ord)
                        .fast_fields()
                        .u64(PASSAGE_FIELD)?,
                ),
            };
            let Some(passage) = column.first(address.doc_id) else {
                continue;
            };
            let passage = passage as usize;
            by_article
                .entry(self.passages[passage].article)
                .or_default()
                .push((score, passage));
        }
        let mut matches: Vec<Match> = by_article
            .into_iter()
            .map(|(article, mut scored)| {
                scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                let (score, weights) = scored
                    .iter()
                    .zip(PASSAGE_SHARES)
                    .fold((0.0, 0.0), |(score, weights), ((s, _), w)| {
                        (score + w * s, weights + w)
                    });
                let (coverage, covered, asked_weight) = self.coverage(article, question);
                let passage = scored[0].1;
                Match {
                    says_a_phrasing: self.says_a_phrasing(article, &said),
                    article,
                    passage,
                    score,
                    strength: score / weights / self.largest_idf(),
                    coverage,
                    covered,
                    asked_weight,
                }
            })
            .collect();
        // An article with more of the question's words outranks one that repeats a few.
        let rank = |m: &Match| m.score * (COVERAGE_BASE + m.coverage);
        matches.sort_by(|a, b| rank(b).total_cmp(&rank(a)).then(a.article.cmp(&b.article)));
        Ok(matches)
    }

    /// The few sentences of `passage` that answer `question`.
    pub fn quote(&self, passage: usize, question: &Question) -> String {
        passages::trim(self.passage_text(passage), |sentence| {
            let stems: HashSet<String> = words::stems(&mut self.analyzer.clone(), sentence)
                .into_iter()
                .collect();
            stems.iter().map(|s| question.weight_of(s)).sum()
        })
    }
}
