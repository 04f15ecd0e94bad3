DROP TRIGGER articles_announce ON articles;
DROP FUNCTION hearken_announce_articles();
ALTER TABLE conversations DROP COLUMN closed_by_customer;
DELETE FROM messages WHERE system_event = 'customer_confirmed';
ALTER TABLE messages DROP CONSTRAINT messages_system_event_check;
ALTER TABLE messages ADD CONSTRAINT messages_system_event_check CHECK (system_event IN (
    'customer_requested_human', 'bot_escalated', 'wait_time_exceeded',
    'joined', 'left', 'closed', 'reopened', 'auto_closed', 'released'));
