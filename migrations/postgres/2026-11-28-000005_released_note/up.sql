-- A new system note: a deactivated member's conversation went back to the team's queue.
ALTER TABLE messages DROP CONSTRAINT messages_system_event_check;
ALTER TABLE messages ADD CONSTRAINT messages_system_event_check CHECK (system_event IN (
    'customer_requested_human', 'bot_escalated', 'wait_time_exceeded',
    'joined', 'left', 'closed', 'reopened', 'auto_closed', 'released'));
