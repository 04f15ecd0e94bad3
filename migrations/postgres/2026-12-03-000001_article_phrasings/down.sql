ALTER TABLE articles DROP COLUMN also_asked;
