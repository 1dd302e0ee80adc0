-- psql's describe commands on a materialized view, compared by eye with
-- psql 15 against PostgreSQL 15 after the same statements. The owner is
-- admin here (postgres there), so column widths differ; the view
-- definition is the query as written (PostgreSQL prints its own
-- deparsed form, as for views). The other files' objects are in the
-- same database: the lists are filtered.
CREATE TABLE posts (id int PRIMARY KEY, author text, body text);
INSERT INTO posts VALUES (1, 'a', 'x'), (2, 'b', 'y'), (3, 'a', 'z');
CREATE MATERIALIZED VIEW post_counts AS
 SELECT posts.author,
    count(*) AS count
   FROM public.posts
  GROUP BY posts.author
  WITH NO DATA;
SELECT * FROM post_counts;
REFRESH MATERIALIZED VIEW post_counts;
CREATE UNIQUE INDEX post_counts_author ON post_counts (author);
REFRESH MATERIALIZED VIEW CONCURRENTLY post_counts;
TABLE post_counts;
\dm
\dtm post*
\d post_counts
\d+ post_counts
\d post_counts_author
\dt posts
DROP TABLE posts;
DROP TABLE posts CASCADE;
