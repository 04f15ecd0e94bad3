DROP TRIGGER messages_announce ON messages;
DROP FUNCTION hearken_announce_message();
