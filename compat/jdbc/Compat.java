// Compat drives stela with the PostgreSQL JDBC driver the way Java
// applications do: prepared statements reused server-side, transactions
// and savepoints, batches, every common type through its JDBC getter and
// setter, SQLSTATEs of errors, and DatabaseMetaData.
//
// Usage: java -cp postgresql.jar Compat.java JDBC-URL
// Prints one line per check, "PASS name" or "FAIL name: why", and exits 1
// if any check failed.
import java.math.BigDecimal;
import java.sql.*;
import java.time.*;
import java.util.*;

public class Compat {
    interface Check { void run(Connection c) throws Exception; }

    static int failures = 0;

    static void check(Connection c, String name, Check body) {
        try {
            body.run(c);
            System.out.println("PASS " + name);
        } catch (Throwable e) {
            failures++;
            String msg = String.valueOf(e.getMessage()).replace('\n', ' ');
            if (e instanceof SQLException) {
                msg = "SQLSTATE " + ((SQLException) e).getSQLState() + ": " + msg;
            }
            System.out.println("FAIL " + name + ": " + e.getClass().getSimpleName() + ": " + msg);
            try {
                if (!c.getAutoCommit()) c.rollback();
            } catch (SQLException ignored) {
            }
        }
    }

    static void expect(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static void main(String[] args) throws Exception {
        Connection c = DriverManager.getConnection(args[0]);

        check(c, "connect", conn -> expect(conn.isValid(5), "connection not valid"));

        check(c, "server-version", conn -> {
            String v = conn.getMetaData().getDatabaseProductVersion();
            expect(v != null && !v.isEmpty(), "no server version");
        });

        check(c, "create-table", conn -> {
            exec(conn, "DROP TABLE IF EXISTS jdbc_types");
            exec(conn, "CREATE TABLE jdbc_types (id int PRIMARY KEY, s smallint, i int, b bigint, n numeric(12,2),"
                    + " r real, d double precision, ok boolean, t text, vc varchar(20), ch char(5), by bytea,"
                    + " dt date, tm time, ts timestamp, tz timestamptz, u uuid, j jsonb)");
        });

        check(c, "prepared-insert-reused-server-side", conn -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO jdbc_types VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
                for (int k = 1; k <= 10; k++) {
                    ps.setInt(1, k);
                    ps.setShort(2, (short) (k * 10));
                    ps.setInt(3, k * 1000);
                    ps.setLong(4, k * 10_000_000_000L);
                    ps.setBigDecimal(5, new BigDecimal(k + ".25"));
                    ps.setFloat(6, k + 0.5f);
                    ps.setDouble(7, k + 0.125);
                    ps.setBoolean(8, k % 2 == 0);
                    ps.setString(9, "text " + k);
                    ps.setString(10, "vc" + k);
                    ps.setString(11, "c" + k);
                    ps.setBytes(12, new byte[] {(byte) k, 0, (byte) 0xff});
                    ps.setObject(13, LocalDate.of(2024, 1, k));
                    ps.setObject(14, LocalTime.of(k, 30, 15));
                    ps.setObject(15, LocalDateTime.of(2024, 2, k, 12, 0, 1));
                    ps.setObject(16, OffsetDateTime.of(2024, 3, k, 8, 0, 0, 0, ZoneOffset.UTC));
                    ps.setObject(17, new UUID(0x1234L, k));
                    ps.setString(18, "{\"k\": " + k + "}");
                    expect(ps.executeUpdate() == 1, "update count");
                }
                expect(ps.unwrap(org.postgresql.PGStatement.class).isUseServerPrepare(),
                        "driver did not switch to a server-side prepared statement");
            }
            expect(count(conn, "jdbc_types") == 10, "10 rows");
        });

        check(c, "types-read-back", conn -> {
            try (PreparedStatement ps = conn.prepareStatement("SELECT * FROM jdbc_types WHERE id = ?")) {
                ps.setInt(1, 3);
                try (ResultSet rs = ps.executeQuery()) {
                    expect(rs.next(), "row 3");
                    expect(rs.getShort("s") == 30, "smallint");
                    expect(rs.getInt("i") == 3000, "int");
                    expect(rs.getLong("b") == 30_000_000_000L, "bigint");
                    expect(rs.getBigDecimal("n").compareTo(new BigDecimal("3.25")) == 0, "numeric " + rs.getBigDecimal("n"));
                    expect(rs.getFloat("r") == 3.5f, "real");
                    expect(rs.getDouble("d") == 3.125, "double");
                    expect(!rs.getBoolean("ok"), "boolean");
                    expect(rs.getString("t").equals("text 3"), "text");
                    expect(rs.getString("vc").equals("vc3"), "varchar");
                    expect(rs.getString("ch").equals("c3   "), "char(5) is blank-padded: '" + rs.getString("ch") + "'");
                    expect(Arrays.equals(rs.getBytes("by"), new byte[] {3, 0, (byte) 0xff}), "bytea");
                    expect(rs.getObject("dt", LocalDate.class).equals(LocalDate.of(2024, 1, 3)), "date");
                    expect(rs.getObject("tm", LocalTime.class).equals(LocalTime.of(3, 30, 15)), "time");
                    expect(rs.getObject("ts", LocalDateTime.class).equals(LocalDateTime.of(2024, 2, 3, 12, 0, 1)), "timestamp");
                    expect(rs.getObject("tz", OffsetDateTime.class).toInstant()
                            .equals(OffsetDateTime.of(2024, 3, 3, 8, 0, 0, 0, ZoneOffset.UTC).toInstant()), "timestamptz");
                    expect(rs.getObject("u", UUID.class).equals(new UUID(0x1234L, 3)), "uuid");
                    expect(rs.getString("j").equals("{\"k\": 3}"), "jsonb " + rs.getString("j"));
                    expect(!rs.next(), "one row");
                }
            }
        });

        check(c, "nulls", conn -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_types (id, n, t, dt) VALUES (?, ?, ?, ?)")) {
                ps.setInt(1, 100);
                ps.setNull(2, Types.NUMERIC);
                ps.setNull(3, Types.VARCHAR);
                ps.setNull(4, Types.DATE);
                ps.executeUpdate();
            }
            try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT n, t, dt FROM jdbc_types WHERE id = 100")) {
                expect(rs.next(), "row");
                expect(rs.getBigDecimal(1) == null && rs.getString(2) == null && rs.getObject(3) == null, "nulls");
                rs.getInt(1);
                expect(rs.wasNull(), "wasNull");
            }
        });

        check(c, "transaction-rollback-commit", conn -> {
            conn.setAutoCommit(false);
            try {
                exec(conn, "INSERT INTO jdbc_types (id) VALUES (200)");
                conn.rollback();
                expect(count(conn, "jdbc_types WHERE id = 200") == 0, "rolled back row visible");
                exec(conn, "INSERT INTO jdbc_types (id) VALUES (201)");
                conn.commit();
                expect(count(conn, "jdbc_types WHERE id = 201") == 1, "committed row missing");
            } finally {
                conn.setAutoCommit(true);
            }
        });

        check(c, "savepoint", conn -> {
            conn.setAutoCommit(false);
            try {
                exec(conn, "INSERT INTO jdbc_types (id) VALUES (300)");
                Savepoint sp = conn.setSavepoint("sp1");
                exec(conn, "INSERT INTO jdbc_types (id) VALUES (301)");
                conn.rollback(sp);
                conn.commit();
                expect(count(conn, "jdbc_types WHERE id IN (300, 301)") == 1, "savepoint rollback");
            } finally {
                conn.setAutoCommit(true);
            }
        });

        check(c, "isolation-and-read-only", conn -> {
            conn.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            conn.setAutoCommit(false);
            conn.setReadOnly(true);
            try {
                count(conn, "jdbc_types");
                try {
                    exec(conn, "INSERT INTO jdbc_types (id) VALUES (400)");
                    throw new AssertionError("write in a read-only transaction succeeded");
                } catch (SQLException e) {
                    expect("25006".equals(e.getSQLState()), "SQLSTATE " + e.getSQLState());
                }
                conn.rollback();
            } finally {
                conn.setReadOnly(false);
                conn.setAutoCommit(true);
                conn.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        });

        check(c, "batch", conn -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_types (id, t) VALUES (?, ?)")) {
                for (int k = 500; k < 600; k++) {
                    ps.setInt(1, k);
                    ps.setString(2, "batch " + k);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                expect(counts.length == 100, "batch counts");
            }
            expect(count(conn, "jdbc_types WHERE id >= 500 AND id < 600") == 100, "batch rows");
        });

        check(c, "error-sqlstate-and-recovery", conn -> {
            try {
                exec(conn, "INSERT INTO jdbc_types (id) VALUES (1)");
                throw new AssertionError("duplicate key accepted");
            } catch (SQLException e) {
                expect("23505".equals(e.getSQLState()), "SQLSTATE " + e.getSQLState());
            }
            try {
                exec(conn, "SELECT 1/0");
                throw new AssertionError("division by zero accepted");
            } catch (SQLException e) {
                expect("22012".equals(e.getSQLState()), "SQLSTATE " + e.getSQLState());
            }
            expect(count(conn, "jdbc_types WHERE id = 1") == 1, "session goes on");
        });

        check(c, "generated-keys", conn -> {
            exec(conn, "DROP TABLE IF EXISTS jdbc_serial");
            exec(conn, "CREATE TABLE jdbc_serial (id serial PRIMARY KEY, name text)");
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_serial (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "a");
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    expect(rs.next() && rs.getInt("id") == 1, "generated id");
                }
            }
        });

        check(c, "metadata-getTables", conn -> {
            try (ResultSet rs = conn.getMetaData().getTables(null, "public", "jdbc_%", new String[] {"TABLE"})) {
                Set<String> names = new TreeSet<>();
                while (rs.next()) names.add(rs.getString("TABLE_NAME"));
                expect(names.equals(new TreeSet<>(List.of("jdbc_serial", "jdbc_types"))), "tables " + names);
            }
        });

        check(c, "metadata-getColumns", conn -> {
            try (ResultSet rs = conn.getMetaData().getColumns(null, "public", "jdbc_types", "%")) {
                List<String> cols = new ArrayList<>();
                while (rs.next()) cols.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME"));
                expect(cols.size() == 18, "columns " + cols);
                expect(cols.get(0).equals("id:int4") && cols.get(4).equals("n:numeric") && cols.get(17).equals("j:jsonb"), "columns " + cols);
            }
        });

        check(c, "metadata-getPrimaryKeys", conn -> {
            try (ResultSet rs = conn.getMetaData().getPrimaryKeys(null, "public", "jdbc_types")) {
                expect(rs.next() && rs.getString("COLUMN_NAME").equals("id"), "primary key");
                expect(!rs.next(), "one key column");
            }
        });

        check(c, "metadata-getIndexInfo", conn -> {
            exec(conn, "CREATE INDEX IF NOT EXISTS jdbc_types_t ON jdbc_types (t)");
            try (ResultSet rs = conn.getMetaData().getIndexInfo(null, "public", "jdbc_types", false, false)) {
                Set<String> idx = new TreeSet<>();
                while (rs.next()) idx.add(rs.getString("INDEX_NAME") + ":" + rs.getString("COLUMN_NAME") + ":" + rs.getBoolean("NON_UNIQUE"));
                expect(idx.contains("jdbc_types_t:t:true") && idx.contains("jdbc_types_pkey:id:false"), "indexes " + idx);
            }
        });

        c.close();
        System.exit(failures == 0 ? 0 : 1);
    }
}
