//! The demo's fixed material: the knowledge base's articles (with a question customers ask and
//! how often such conversations end unresolved) and customers' names.

/// A knowledge-base article of the demo shop (Ridgeline Cycles, an online bike shop in
/// Hamburg): its address, its text (`articles/{slug}.txt`: the title line, a blank line, then
/// paragraphs, the last one starting "Also asked as:"), a question customers ask about it, and
/// how often conversations citing it end unresolved (per cent), so that the reports have
/// something to find.
pub struct DemoArticle {
    pub slug: &'static str,
    text: &'static str,
    pub question: &'static str,
    pub unresolved_percent: u64,
}

impl DemoArticle {
    pub fn title(&self) -> &'static str {
        self.text.lines().next().unwrap_or(self.slug).trim()
    }

    pub fn body(&self) -> &'static str {
        let rest = self.text.split_once('\n').map_or("", |(_, rest)| rest);
        rest.split_once(ALSO_ASKED)
            .map_or(rest, |(body, _)| body)
            .trim()
    }

    /// The article's "Also asked as" line: how customers ask about its topic, for the bot.
    pub fn also_asked(&self) -> &'static str {
        self.text
            .split_once(ALSO_ASKED)
            .map_or("", |(_, asked)| asked)
            .trim()
    }
}

/// Starts the last paragraph of an article's file: the phrasings the bot also matches.
const ALSO_ASKED: &str = "\nAlso asked as:";

macro_rules! article {
    ($slug:literal, $question:literal, $unresolved:literal) => {
        DemoArticle {
            slug: $slug,
            text: include_str!(concat!("articles/", $slug, ".txt")),
            question: $question,
            unresolved_percent: $unresolved,
        }
    };
}

pub const ARTICLES: [DemoArticle; 36] = [
    article!("reset-password", "How do I reset my password?", 8),
    article!("track-order", "Where is my order?", 10),
    article!(
        "change-delivery-address",
        "Can I change the address for my delivery?",
        25
    ),
    article!("return-item", "How do I send something back?", 15),
    article!("refund-timing", "My refund hasn't arrived yet.", 45),
    article!("payment-methods", "Can I pay with PayPal?", 5),
    article!("download-invoice", "I need an invoice for my company.", 12),
    article!("cancel-order", "I want to cancel my order.", 30),
    article!("shipping-countries", "Do you ship to Norway?", 10),
    article!("shipping-costs", "How much is shipping?", 8),
    article!(
        "warranty-claim",
        "My bike light stopped working after two months.",
        60
    ),
    article!("size-guide", "Which frame size do I need?", 20),
    article!("gift-cards", "Can I use two gift cards at once?", 15),
    article!("delete-account", "Please delete my account.", 20),
    article!(
        "two-step-sign-in",
        "I lost the phone with my sign-in codes.",
        40
    ),
    article!("damaged-delivery", "My parcel arrived damaged.", 55),
    article!("exchange-item", "Can I swap this for another colour?", 25),
    article!("student-discount", "Do you have a student discount?", 10),
    article!("unsubscribe", "How do I stop your newsletters?", 5),
    article!("opening-hours", "When is your support open?", 5),
    article!(
        "bike-delivery-assembly",
        "Do I have to assemble the bike myself?",
        15
    ),
    article!(
        "free-first-inspection",
        "Is the first service of my new bike free?",
        10
    ),
    article!("missing-items", "One item from my order is missing.", 35),
    article!(
        "delivered-not-received",
        "Tracking says delivered but I have no parcel.",
        50
    ),
    article!("discount-codes", "My discount code doesn't work.", 20),
    article!("price-drop", "The price dropped after I ordered.", 30),
    article!(
        "pay-in-instalments",
        "Can I pay for a bike in monthly instalments?",
        15
    ),
    article!("click-and-collect", "Can I pick up my order in Hamburg?", 5),
    article!("out-of-stock", "When will this size be back in stock?", 25),
    article!("change-order-items", "Can I add something to my order?", 30),
    article!("customs-duties", "Do I pay import duties in the UK?", 20),
    article!(
        "e-bike-batteries",
        "How should I store my e-bike battery?",
        15
    ),
    article!(
        "order-confirmation-email",
        "I didn't get an order confirmation.",
        15
    ),
    article!("rewards-points", "How do rewards points work?", 10),
    article!(
        "change-account-details",
        "How do I change my email address?",
        10
    ),
    article!("wrong-item", "You sent me the wrong item.", 30),
];

pub const FIRST_NAMES: [&str; 16] = [
    "Alex", "Sam", "Noor", "Chen", "Fatima", "Lukas", "Sofia", "Mateo", "Emma", "Yuki", "Omar",
    "Ines", "Daniel", "Aisha", "Kai", "Olivia",
];
pub const LAST_NAMES: [&str; 12] = [
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
