-- SQLite is used by one process, which forgets its copy of the team's settings when it saves
-- them: nothing to announce. (PostgreSQL's migration of the same name adds the announcement.)
SELECT 1;
