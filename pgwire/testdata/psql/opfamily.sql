-- psql's operator family commands: pg_opfamily lists the btree families
-- of the operator classes stela serves, pg_amop their operators that
-- pg_operator lists (stela has no ~<~ and the other pattern operators,
-- nor date < timestamp and the other cross-type datetime operators).
\dAf
\dAf+ btree int*
\dAf * text
\dAo btree integer_ops
\dAo+ btree text_pattern_ops
\dAo btree datetime_ops
-- pg_amproc is not served: stela has none of its support functions
-- (btint4cmp...).
\dAp btree integer_ops
-- \dd reads pg_opfamily too: no operator family or class has a
-- comment, a constraint has one.
CREATE TABLE opf_t (a int CONSTRAINT opf_pos CHECK (a > 0));
COMMENT ON CONSTRAINT opf_pos ON opf_t IS 'a is positive';
\dd
\dd text_ops
DROP TABLE opf_t;
