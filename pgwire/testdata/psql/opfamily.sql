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
-- pg_amproc lists the support functions stela has (btint4cmp...): not
-- the sort support ones, which take internal, nor the in_range of
-- datetimes, intervals and numerics or jsonb_cmp (PostgreSQL 15 lists
-- these too; the other rows are its).
\dAp btree integer_ops
\dAp+ btree text_ops
\dAp btree datetime_ops
-- \dd reads pg_opfamily too: no operator family or class has a
-- comment, a constraint has one.
CREATE TABLE opf_t (a int CONSTRAINT opf_pos CHECK (a > 0));
COMMENT ON CONSTRAINT opf_pos ON opf_t IS 'a is positive';
\dd
\dd text_ops
DROP TABLE opf_t;
