-- Live updates on SQLite are passed on inside the one process that writes the file: nothing to
-- store. (PostgreSQL's migration of the same name adds the trigger that sends NOTIFY.)
SELECT 1;
