//! `hearken bot-eval`: how well the bot answers a set of questions with known answers. Each
//! line is `question<TAB>expected article address` (several addresses separated by commas:
//! any is right), or `-` when the knowledge base does not answer it and the bot should decline.
//! Every third question is the held-out part, reported on its own.

/// One question of the set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub line: usize,
    pub question: String,
    /// The right articles' addresses; `None`: the bot should decline.
    pub expected: Option<Vec<String>>,
    pub held_out: bool,
}

/// Reads the set; `#` lines and blank lines are skipped.
pub fn parse(text: &str) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line_number = number + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((question, expected)) = line.split_once('\t') else {
            return Err(format!(
                "line {line_number}: expected \"question<TAB>article address\" (or \"-\")"
            ));
        };
        let expected = expected.trim();
        if question.trim().is_empty() || expected.is_empty() {
            return Err(format!(
                "line {line_number}: the question or its answer is empty"
            ));
        }
        let expected = (expected != "-").then(|| {
            expected
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        });
        let held_out = cases.len() % 3 == 2;
        cases.push(Case {
            line: line_number,
            question: question.trim().to_owned(),
            expected,
            held_out,
        });
    }
    if cases.is_empty() {
        return Err("the file has no questions".to_owned());
    }
    Ok(cases)
}

/// What the bot did with one question: the articles it ranked (best first) and whether it
/// answered or declined.
#[derive(Clone, Debug, Default)]
pub struct Attempt {
    pub ranked: Vec<String>,
    pub answered: bool,
    /// How sure the bot was, for the list of wrong answers.
    pub note: String,
}

/// The figures for a set of attempts. A declined question the knowledge base answers is a miss.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub answerable: usize,
    pub hit_at_1: usize,
    pub hit_at_3: usize,
    pub unanswerable: usize,
    pub declined: usize,
    /// Answerable questions the bot declined.
    pub wrongly_declined: usize,
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "-".to_owned();
    }
    format!("{:.1}%", 100.0 * part as f64 / whole as f64)
}

impl Figures {
    pub fn add(&mut self, case: &Case, attempt: &Attempt) {
        match &case.expected {
            Some(right) => {
                self.answerable += 1;
                let hit = |n: usize| {
                    attempt.answered
                        && attempt
                            .ranked
                            .iter()
                            .take(n)
                            .any(|slug| right.contains(slug))
                };
                self.hit_at_1 += usize::from(hit(1));
                self.hit_at_3 += usize::from(hit(3));
                self.wrongly_declined += usize::from(!attempt.answered);
            }
            None => {
                self.unanswerable += 1;
                self.declined += usize::from(!attempt.answered);
            }
        }
    }

    pub fn hit_at_1_share(&self) -> f64 {
        self.hit_at_1 as f64 / self.answerable.max(1) as f64
    }

    pub fn decline_share(&self) -> f64 {
        self.declined as f64 / self.unanswerable.max(1) as f64
    }
}

/// Runs every case through `ask`; the figures for the whole set and for the held-out third,
/// and a line for each question the bot got wrong.
pub fn run(
    cases: &[Case],
    mut ask: impl FnMut(&str) -> Attempt,
) -> (Figures, Figures, Vec<String>) {
    let (mut all, mut held_out, mut misses) = (Figures::default(), Figures::default(), Vec::new());
    for case in cases {
        let attempt = ask(&case.question);
        all.add(case, &attempt);
        if case.held_out {
            held_out.add(case, &attempt);
        }
        let right = match &case.expected {
            Some(expected) => {
                attempt.answered && attempt.ranked.first().is_some_and(|s| expected.contains(s))
            }
            None => !attempt.answered,
        };
        // The held-out third is not listed: it stays unseen while tuning.
        if !right && !case.held_out {
            misses.push(format!(
                "line {}: {:?} expected {}, got {} {}",
                case.line,
                case.question,
                case.expected
                    .as_ref()
                    .map_or("a decline".to_owned(), |e| e.join(" or ")),
                if attempt.answered {
                    attempt
                        .ranked
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                } else {
                    format!(
                        "a decline (best: {})",
                        attempt.ranked.first().map_or("none", String::as_str)
                    )
                },
                attempt.note
            ));
        }
    }
    (all, held_out, misses)
}

/// The figures as printed.
pub fn table(all: &Figures, held_out: &Figures) -> String {
    let row = |name: &str, f: &dyn Fn(&Figures) -> String| {
        format!("{name:<24}{:>8}{:>18}\n", f(all), f(held_out))
    };
    let mut out = format!("{:<24}{:>8}{:>18}\n", "", "all", "held-out third");
    out += &row("questions answerable", &|f| f.answerable.to_string());
    out += &row("hit@1", &|f| percent(f.hit_at_1, f.answerable));
    out += &row("hit@3", &|f| percent(f.hit_at_3, f.answerable));
    out += &row("wrongly declined", &|f| {
        percent(f.wrongly_declined, f.answerable)
    });
    out += &row("questions not covered", &|f| f.unanswerable.to_string());
    out += &row("decline accuracy", &|f| percent(f.declined, f.unanswerable));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_is_read_and_every_third_question_held_out() {
        let cases =
            parse("# comment\nwhere is it\ttrack-order\n\nrefund?\ta, b\nbikes for kids\t-\n")
                .unwrap();
        assert_eq!(cases.len(), 3);
        assert_eq!(
            cases[1].expected,
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(cases[2].expected, None);
        assert_eq!(
            cases.iter().map(|c| c.held_out).collect::<Vec<_>>(),
            vec![false, false, true]
        );
        assert!(parse("no tab here\n").unwrap_err().contains("line 1"));
    }

    #[test]
    fn a_declined_answerable_question_is_a_miss() {
        let cases = parse("a\tx\nb\tx\nc\t-\n").unwrap();
        let (all, held_out, misses) = run(&cases, |q| Attempt {
            ranked: vec!["y".into(), "x".into()],
            answered: q != "b",
            note: String::new(),
        });
        assert_eq!(
            all,
            Figures {
                answerable: 2,
                hit_at_1: 0,
                hit_at_3: 1,
                unanswerable: 1,
                declined: 0,
                wrongly_declined: 1,
            }
        );
        assert_eq!((held_out.unanswerable, held_out.declined), (1, 0));
        // The held-out question's miss (it answered) is not listed.
        assert_eq!(misses.len(), 2);
    }
}
