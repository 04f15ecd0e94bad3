//! Table definitions shared by both backends (written by hand: portable types only).

diesel::table! {
    users (id) {
        id -> BigInt,
        name -> Text,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_failures (id) {
        id -> BigInt,
        email -> Text,
        failed_at -> Timestamp,
        client_address -> Text,
    }
}

diesel::table! {
    server_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customers (id) {
        id -> BigInt,
        name -> Nullable<Text>,
        email -> Nullable<Text>,
        notes -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    conversations (id) {
        id -> BigInt,
        customer_id -> BigInt,
        state -> Text,
        assignee_id -> Nullable<BigInt>,
        outcome -> Nullable<Text>,
        closed_by_id -> Nullable<BigInt>,
        closed_at -> Nullable<Timestamp>,
        waiting_since -> Nullable<Timestamp>,
        last_activity_at -> Timestamp,
        agent_involved -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        visitor_token_hash -> Nullable<Text>,
        report_day -> Nullable<Date>,
        closed_by_customer -> Bool,
        follows_id -> Nullable<BigInt>,
        came_back_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// How many conversations are in each state, split over slots (summed when read). Kept by
    /// triggers on `conversations`.
    conversation_state_counts (state, slot) {
        state -> Text,
        slot -> Integer,
        count -> BigInt,
    }
}

diesel::table! {
    report_counts (day, metric, outcome, agent_involved, closed_by_id, article_id, slot) {
        day -> Date,
        metric -> Text,
        outcome -> Text,
        agent_involved -> Bool,
        closed_by_id -> BigInt,
        article_id -> BigInt,
        count -> BigInt,
        slot -> Integer,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        conversation_id -> BigInt,
        author -> Text,
        author_user_id -> Nullable<BigInt>,
        body -> Text,
        system_event -> Nullable<Text>,
        event_outcome -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    closure_log (id) {
        id -> BigInt,
        conversation_id -> BigInt,
        outcome -> Text,
        replaced_outcome -> Nullable<Text>,
        actor_user_id -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        closed_at -> Timestamp,
    }
}

diesel::table! {
    articles (id) {
        id -> BigInt,
        title -> Text,
        slug -> Text,
        body -> Text,
        published -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        also_asked -> Text,
    }
}

diesel::table! {
    citations (id) {
        id -> BigInt,
        message_id -> BigInt,
        article_id -> BigInt,
    }
}

diesel::table! {
    team_settings (id) {
        id -> BigInt,
        time_zone -> Text,
        human_support_enabled -> Bool,
        wait_time_minutes -> Integer,
        auto_close_enabled -> Bool,
        auto_close_after_hours -> Integer,
        auto_close_outcome -> Text,
        updated_at -> Timestamp,
        widget_colour -> Text,
        widget_greeting -> Text,
        widget_launcher_text -> Text,
        widget_origins -> Text,
        came_back_days -> Integer,
        bot_min_confidence -> Float,
    }
}

diesel::table! {
    /// Response and resolution times as per-day histograms (see `domain::times`).
    time_counts (day, metric, member_id, bucket) {
        day -> Date,
        metric -> Text,
        member_id -> BigInt,
        bucket -> Integer,
        count -> BigInt,
    }
}

diesel::table! {
    /// The customer's answer to "Did we solve your problem?", one per conversation.
    verdicts (id) {
        id -> BigInt,
        conversation_id -> BigInt,
        answer -> Text,
        comment -> Nullable<Text>,
        outcome -> Text,
        closer -> Text,
        closed_by_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(conversations -> customers (customer_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::joinable!(closure_log -> conversations (conversation_id));
diesel::joinable!(citations -> messages (message_id));
diesel::joinable!(citations -> articles (article_id));
diesel::joinable!(verdicts -> conversations (conversation_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    sign_in_failures,
    server_secrets,
    customers,
    conversations,
    messages,
    closure_log,
    articles,
    citations,
    team_settings,
    report_counts,
    verdicts,
    time_counts,
);
