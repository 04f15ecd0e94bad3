DROP TRIGGER messages_words_updated;
DROP TRIGGER messages_words_deleted;
DROP TRIGGER messages_words_inserted;
DROP TABLE messages_words;
DROP TRIGGER conversations_count_deleted;
DROP TRIGGER conversations_count_moved;
DROP TRIGGER conversations_count_inserted;
DROP TABLE conversation_state_counts;
