-- The Conversations list filtered by a team member and an outcome (or the Closed tab): closed
-- conversations are the member's when they closed them, newest activity first.
CREATE INDEX conversations_closer_activity_idx
    ON conversations (closed_by_id, last_activity_at DESC, id DESC) WHERE state = 'closed';
