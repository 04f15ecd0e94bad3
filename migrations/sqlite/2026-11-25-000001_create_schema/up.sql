-- Hearken schema, SQLite flavour. Keep in step with migrations/postgres (same folder names).
-- Portable column types only: BIGINT ids, TIMESTAMP in UTC, TEXT enumerations with CHECK, BOOLEAN.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    email         TEXT NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'lead', 'admin')),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE sign_in_failures (
    id        INTEGER PRIMARY KEY,
    email     TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX sign_in_failures_email_idx ON sign_in_failures (email, failed_at);

CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    name       TEXT,
    email      TEXT,
    notes      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE conversations (
    id                INTEGER PRIMARY KEY,
    customer_id       BIGINT NOT NULL REFERENCES customers (id),
    state             TEXT NOT NULL CHECK (state IN ('bot', 'waiting', 'agent', 'closed')),
    assignee_id       BIGINT REFERENCES users (id),
    outcome           TEXT CHECK (outcome IN ('resolved', 'unresolved')),
    closed_by_id      BIGINT REFERENCES users (id),
    closed_at         TIMESTAMP,
    waiting_since     TIMESTAMP,
    last_activity_at  TIMESTAMP NOT NULL,
    agent_involved    BOOLEAN NOT NULL DEFAULT FALSE,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    -- A closed conversation always has an outcome and a closing time; an open one has neither.
    CHECK ((state = 'closed') = (outcome IS NOT NULL)),
    CHECK ((state = 'closed') = (closed_at IS NOT NULL)),
    CHECK (state <> 'agent' OR assignee_id IS NOT NULL),
    CHECK (state <> 'waiting' OR waiting_since IS NOT NULL)
);
-- Conversations list (newest activity first, per state) and keyset pagination.
CREATE INDEX conversations_activity_idx ON conversations (last_activity_at DESC, id DESC);
CREATE INDEX conversations_state_activity_idx ON conversations (state, last_activity_at DESC, id DESC);
-- Live support: waiting queue and "my conversations".
CREATE INDEX conversations_waiting_idx ON conversations (waiting_since) WHERE state = 'waiting';
CREATE INDEX conversations_assignee_idx ON conversations (assignee_id, state);
-- Reports: closed conversations by closing time and outcome.
CREATE INDEX conversations_closed_idx ON conversations (closed_at, outcome, agent_involved) WHERE state = 'closed';
CREATE INDEX conversations_closed_by_idx ON conversations (closed_by_id, closed_at);
CREATE INDEX conversations_customer_idx ON conversations (customer_id);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author          TEXT NOT NULL CHECK (author IN ('customer', 'bot', 'agent', 'system')),
    author_user_id  BIGINT REFERENCES users (id),
    body            TEXT NOT NULL,
    system_event    TEXT CHECK (system_event IN (
                        'customer_requested_human', 'bot_escalated', 'wait_time_exceeded',
                        'joined', 'left', 'closed', 'reopened', 'auto_closed')),
    event_outcome   TEXT CHECK (event_outcome IN ('resolved', 'unresolved')),
    created_at      TIMESTAMP NOT NULL,
    CHECK ((author = 'system') = (system_event IS NOT NULL)),
    CHECK (author <> 'agent' OR author_user_id IS NOT NULL)
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);

-- Append-only: one row for every closing, including changes of outcome and automatic closes.
CREATE TABLE closure_log (
    id               INTEGER PRIMARY KEY,
    conversation_id  BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    outcome          TEXT NOT NULL CHECK (outcome IN ('resolved', 'unresolved')),
    replaced_outcome TEXT CHECK (replaced_outcome IN ('resolved', 'unresolved')),
    actor_user_id    BIGINT REFERENCES users (id),
    reason           TEXT CHECK (reason IS NULL OR length(reason) <= 500),
    closed_at        TIMESTAMP NOT NULL
);
CREATE INDEX closure_log_conversation_idx ON closure_log (conversation_id, id);
CREATE INDEX closure_log_closed_at_idx ON closure_log (closed_at);
CREATE INDEX closure_log_actor_idx ON closure_log (actor_user_id, closed_at);

CREATE TABLE articles (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    slug       TEXT NOT NULL UNIQUE,
    body       TEXT NOT NULL,
    published  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE citations (
    id         INTEGER PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    UNIQUE (message_id, article_id)
);
CREATE INDEX citations_article_idx ON citations (article_id);

-- Exactly one row: the team's settings.
CREATE TABLE team_settings (
    id                     BIGINT PRIMARY KEY CHECK (id = 1),
    time_zone              TEXT NOT NULL DEFAULT 'UTC',
    human_support_enabled  BOOLEAN NOT NULL DEFAULT TRUE,
    wait_time_minutes      INTEGER NOT NULL DEFAULT 15 CHECK (wait_time_minutes BETWEEN 1 AND 120),
    auto_close_enabled     BOOLEAN NOT NULL DEFAULT FALSE,
    auto_close_after_hours INTEGER NOT NULL DEFAULT 24 CHECK (auto_close_after_hours BETWEEN 1 AND 720),
    auto_close_outcome     TEXT NOT NULL DEFAULT 'unresolved' CHECK (auto_close_outcome IN ('resolved', 'unresolved')),
    updated_at             TIMESTAMP NOT NULL
);
INSERT INTO team_settings (id, updated_at) VALUES (1, strftime('%Y-%m-%d %H:%M:%f', 'now'));
