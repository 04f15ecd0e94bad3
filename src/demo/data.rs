//! The demo's fixed material: the knowledge base's articles (with the question customers ask
//! and how often such conversations end unresolved) and customers' names.

/// Articles: title, slug, body, question a customer asks, and how often conversations citing it
/// end unresolved (per cent) so that the reports have something to find.
pub const ARTICLES: [(&str, &str, &str, u64); 20] = [
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
