-- PostgreSQL gets trigram indexes for text search here; SQLite searches by scanning, which is
-- fine at the sizes an embedded database serves.
SELECT 1;
