//! Customers rarely use the words a help center uses: "money back" means a refund, a "parcel"
//! is a delivery, "broken" may be a warranty matter. This small map of a shop's everyday
//! paraphrases adds the help center's words to a question (weighted lower than the customer's
//! own words). It is general to online shops, not written for particular articles.

/// (what customers write, words a help center uses for it). Phrases are matched on whole words.
const PARAPHRASES: &[(&str, &[&str])] = &[
    ("money back", &["refund"]),
    ("my money", &["refund", "payment"]),
    ("reimburse", &["refund"]),
    ("reimbursement", &["refund"]),
    ("repay", &["refund"]),
    ("send back", &["return"]),
    ("sent back", &["return"]),
    ("send it back", &["return"]),
    ("bring back", &["return"]),
    ("give back", &["return"]),
    ("parcel", &["package", "delivery", "order"]),
    ("package", &["parcel", "delivery", "order"]),
    ("stuff", &["order"]),
    ("purchase", &["order"]),
    ("bought", &["order"]),
    ("buy", &["order"]),
    ("shipment", &["delivery", "parcel"]),
    ("postage", &["shipping", "delivery"]),
    ("delivery", &["shipping"]),
    ("deliver", &["shipping", "delivery"]),
    ("delivered", &["delivery"]),
    ("arrive", &["delivery"]),
    ("arrived", &["delivery"]),
    ("courier", &["carrier", "delivery", "dhl"]),
    ("postman", &["carrier", "delivery", "dhl"]),
    ("post", &["shipping", "delivery"]),
    ("send", &["ship"]),
    ("fee", &["cost", "charge"]),
    ("fees", &["cost", "charge"]),
    ("price", &["cost"]),
    ("cheaper", &["price"]),
    ("expensive", &["price", "cost"]),
    ("how much", &["cost", "price"]),
    ("free", &["cost"]),
    ("where is", &["track"]),
    ("where's", &["track"]),
    ("wheres", &["track"]),
    ("location", &["track"]),
    ("status", &["track"]),
    ("broken", &["defect", "damage", "warranty"]),
    ("broke", &["defect", "damage", "warranty"]),
    ("faulty", &["defect", "warranty"]),
    ("snapped", &["defect", "warranty"]),
    ("cracked", &["damage", "defect"]),
    ("stopped working", &["defect", "warranty"]),
    ("doesn't work", &["defect"]),
    ("guarantee", &["warranty"]),
    ("repair", &["warranty", "service"]),
    ("crushed", &["damage"]),
    ("dented", &["damage"]),
    ("bent", &["damage"]),
    ("torn", &["damage"]),
    ("scratched", &["damage"]),
    ("smashed", &["damage"]),
    ("swap", &["exchange"]),
    ("replace", &["exchange", "replacement"]),
    ("different size", &["exchange", "size"]),
    ("bigger", &["size", "exchange"]),
    ("smaller", &["size", "exchange"]),
    ("too small", &["size", "exchange"]),
    ("too big", &["size", "exchange"]),
    ("tall", &["height", "size"]),
    ("height", &["size"]),
    ("fit", &["size"]),
    ("log in", &["sign"]),
    ("login", &["sign"]),
    ("log on", &["sign"]),
    ("logon", &["sign"]),
    ("locked out", &["sign", "locked"]),
    ("pw", &["password"]),
    ("passcode", &["password", "code"]),
    ("2fa", &["two-step", "authenticator"]),
    ("two factor", &["two-step", "authenticator"]),
    ("mfa", &["two-step", "authenticator"]),
    ("otp", &["code", "authenticator"]),
    ("profile", &["account"]),
    ("personal data", &["account", "delete"]),
    ("close my account", &["delete"]),
    ("remove", &["delete", "cancel"]),
    ("stop", &["cancel", "unsubscribe"]),
    ("undo", &["cancel"]),
    ("changed my mind", &["cancel"]),
    ("mistake", &["cancel", "change"]),
    ("marketing", &["newsletter"]),
    ("mails", &["email"]),
    ("mail", &["email"]),
    ("spam", &["newsletter", "unsubscribe"]),
    ("opt out", &["unsubscribe"]),
    ("receipt", &["invoice"]),
    ("bill", &["invoice"]),
    ("vat", &["invoice", "tax"]),
    ("tax", &["vat", "duties"]),
    ("import", &["customs", "duties"]),
    ("duty", &["customs", "duties"]),
    ("voucher", &["gift", "code", "discount"]),
    ("coupon", &["discount", "code"]),
    ("promo", &["discount", "code"]),
    ("promotion", &["discount", "code"]),
    ("deal", &["discount", "sale"]),
    ("loyalty", &["rewards", "points"]),
    ("reward", &["rewards", "points"]),
    ("bonus", &["rewards", "points"]),
    ("monthly", &["instalments", "financing"]),
    ("installments", &["instalments", "financing"]),
    ("installment", &["instalments", "financing"]),
    ("finance", &["financing", "instalments"]),
    ("credit card", &["card"]),
    ("amex", &["american", "express"]),
    ("pay", &["payment"]),
    ("paid", &["payment"]),
    ("charged", &["payment", "charge"]),
    ("declined", &["payment"]),
    ("pick up", &["collect"]),
    ("pickup", &["collect"]),
    ("in person", &["collect", "showroom"]),
    ("store", &["showroom", "shop"]),
    ("shop", &["showroom"]),
    ("phone number", &["call"]),
    ("reach", &["contact", "call"]),
    ("speak", &["contact", "call"]),
    ("open", &["opening", "hours"]),
    ("closed", &["opening", "hours"]),
    ("sunday", &["opening", "hours"]),
    ("saturday", &["weekend"]),
    ("available again", &["stock", "back"]),
    ("sold out", &["stock"]),
    ("restock", &["stock"]),
    ("preorder", &["pre-order"]),
    ("build", &["assemble", "assembly"]),
    ("assemble", &["assembly"]),
    ("put together", &["assembly", "assemble"]),
    ("ready to ride", &["assembled"]),
    ("service", &["inspection", "workshop"]),
    ("check up", &["inspection"]),
    ("checkup", &["inspection"]),
    ("tune", &["inspection", "adjust"]),
    ("stolen", &["not received", "delivered"]),
    ("never got", &["not received"]),
    ("never arrived", &["not received"]),
    ("didn't arrive", &["not received", "missing"]),
    ("uni", &["student", "university"]),
    ("college", &["student", "university"]),
    ("ebike", &["e-bike"]),
    ("e bike", &["e-bike"]),
    ("charge", &["charging", "battery"]),
    ("kid", &["children"]),
    ("money", &["refund"]),
    ("do you take", &["accept", "payment"]),
    ("do you accept", &["payment"]),
    ("how fast", &["delivery", "days"]),
    ("how quickly", &["delivery", "days"]),
    ("how long", &["days"]),
    ("came", &["delivery", "arrived"]),
    ("someone else's", &["wrong"]),
    ("typo", &["mistyped", "wrong"]),
    ("misspelled", &["mistyped", "wrong"]),
    ("birthday", &["gift"]),
    ("present", &["gift"]),
    ("christmas", &["gift"]),
    ("jacket", &["item", "clothing"]),
    ("shirt", &["item", "clothing"]),
    ("jersey", &["item", "clothing"]),
    ("shorts", &["item", "clothing"]),
    ("gloves", &["item", "clothing"]),
    ("shoes", &["item", "clothing"]),
    ("helmet", &["item"]),
    ("usa", &["outside", "europe"]),
    ("america", &["outside", "europe"]),
    ("canada", &["outside", "europe"]),
    ("australia", &["outside", "europe"]),
    ("asia", &["outside", "europe"]),
    ("wasn't in", &["missing"]),
    ("weren't in", &["missing"]),
    ("not in the box", &["missing"]),
    ("dropped off", &["delivered"]),
    ("on the phone", &["call"]),
    ("ring", &["call"]),
    ("blue", &["colour"]),
    ("red", &["colour"]),
    ("black", &["colour"]),
    ("white", &["colour"]),
    ("green", &["colour"]),
    ("grey", &["colour"]),
    ("color", &["colour"]),
    ("late", &["delivery", "track"]),
];

/// Whether the map knows this word as customers write it (such words are not "corrected").
pub fn is_paraphrased(word: &str) -> bool {
    PARAPHRASES.iter().any(|(said, _)| *said == word)
}

/// A paraphrase found in a question: the customer's words it covers (positions in the
/// question's words) and the help center's words for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paraphrase {
    pub covers: std::ops::Range<usize>,
    pub meant: Vec<String>,
}

/// The paraphrases in a question (`words`: the customer's lowercased words in order).
pub fn paraphrases(words: &[String]) -> Vec<Paraphrase> {
    let mut found = Vec::new();
    for (said, meant) in PARAPHRASES {
        let said = super::words::surface_words(said);
        if said.is_empty() || said.len() > words.len() {
            continue;
        }
        for start in 0..=words.len() - said.len() {
            if words[start..start + said.len()] == said[..] {
                found.push(Paraphrase {
                    covers: start..start + said.len(),
                    meant: meant
                        .iter()
                        .flat_map(|m| super::words::surface_words(m))
                        .collect(),
                });
            }
        }
    }
    found
}

/// Every word the paraphrases add, each once, none of the customer's own.
pub fn added_words(words: &[String]) -> Vec<String> {
    let mut added: Vec<String> = Vec::new();
    for paraphrase in paraphrases(words) {
        for word in paraphrase.meant {
            if !added.contains(&word) && !words.contains(&word) {
                added.push(word);
            }
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        crate::bot::words::surface_words(text)
    }

    #[test]
    fn phrases_and_words_bring_the_help_centers_words() {
        assert_eq!(
            added_words(&words("I want my money back")),
            vec!["refund", "payment"]
        );
        assert!(added_words(&words("the parcel is late")).contains(&"delivery".to_owned()));
        // Only whole words: "postman" is not "post", so "shipping" comes from "postman" alone.
        assert_eq!(
            added_words(&words("postman")),
            vec!["carrier", "delivery", "dhl"]
        );
        assert_eq!(paraphrases(&words("i want my money back"))[0].covers, 3..5);
        assert!(added_words(&words("hello there")).is_empty());
    }
}
