DROP INDEX messages_body_words_idx;
DROP TRIGGER conversations_count_inserted ON conversations;
DROP TRIGGER conversations_count_moved ON conversations;
DROP TRIGGER conversations_count_deleted ON conversations;
DROP FUNCTION hearken_count_states();
DROP FUNCTION hearken_count_state(TEXT, INTEGER, BIGINT);
DROP TABLE conversation_state_counts;
