-- SQLite passes live updates on in-process from the messages table: nothing to change.
-- (PostgreSQL's migration of the same name adds the system note to its announcements.)
SELECT 1;
