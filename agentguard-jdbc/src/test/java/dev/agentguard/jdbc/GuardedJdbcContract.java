package dev.agentguard.jdbc;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.approval.InMemoryApprover;
import dev.agentguard.core.guard.Refusal;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an agent experiences through a guarded HikariCP data source, run against H2 and a real
 * PostgreSQL by the subclasses: allowed statements run, masked and journaled intent-then-outcome;
 * denied statements throw, never reach the driver, leave the tables intact and are journaled;
 * nothing raw can be unwrapped or reached through a getter.
 */
abstract class GuardedJdbcContract {

    static final String AGENT = "payments-agent";
    static final String RESOURCE = "payments-db";
    static final AgentIdentity IDENTITY = AgentIdentity.of(AGENT, "payments");

    @TempJournal
    Journal journal;

    PaymentsDatabase db;
    GuardedDataSource guarded;

    /** A fresh payments database for one test. */
    abstract PaymentsDatabase newDatabase() throws Exception;

    @BeforeEach
    void openDatabase() throws Exception {
        db = newDatabase();
        guarded = GuardedDataSource.builder()
                .dataSource(db.forGuard())
                .name(RESOURCE)
                .identity(IdentitySource.fixed(IDENTITY))
                .policy(TestPolicies.payments())
                .journal(journal)
                .build();
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    JournalAssert audit() {
        return assertThat(journal).filteredOn(e -> e.agent(AGENT));
    }

    /** The table names as the driver reports them in metadata. */
    String tableName(String name) {
        return db.isPostgres() ? name : name.toUpperCase(java.util.Locale.ROOT);
    }

    // ---- allowed statements ------------------------------------------------------------------------

    @Test
    void readsCardsWithPansMaskedAndJournalsIntentThenOutcome() throws Exception {
        String session;
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, holder, pan FROM cards WHERE id < 3 ORDER BY id")) {
            session = c.getClientInfo(GuardedDataSource.CLIENT_INFO_SESSION);
            assertTrue(rs.next());
            assertEquals("Ada Lovelace", rs.getString("holder"));
            assertEquals("411111******1111", rs.getString("pan"));
            assertTrue(rs.next());
            assertEquals("555555******4444", rs.getString(3));
            assertFalse(rs.next());
        }

        audit().eventsInOrder(
                        e -> e.phase(Phase.INTENT).channel(Channel.JDBC).resource(RESOURCE).session(session)
                                .decision(Decision.ALLOWED).rule("read-payments")
                                .action("SELECT id, holder, pan FROM cards WHERE id < ? ORDER BY id").object("cards"),
                        e -> e.phase(Phase.OUTCOME).session(session).outcome(Outcome.SUCCESS)
                                .count("rows", 2).count("masked.pan", 2))
                .hasExactly(2).eventsMatching(e -> e.channel(Channel.JDBC))
                .containsNoPan();
    }

    @Test
    void preparedStatementJournalsTheParameterCountNeverTheBindValues() throws Exception {
        try (Connection c = guarded.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT holder FROM cards WHERE pan = ? AND expiry = ?")) {
            ps.setString(1, PaymentsDatabase.VISA);
            ps.setString(2, "12/29");
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("Ada Lovelace", rs.getString(1));
            }
            ps.setString(1, PaymentsDatabase.MASTERCARD);
            ps.setString(2, "01/30");
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
            }
        }

        audit().hasExactly(2).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.ALLOWED)
                        .action("SELECT holder FROM cards WHERE pan = ? AND expiry = ?"))
                .hasExactly(2).eventsMatching(e -> e.phase(Phase.OUTCOME).count("parameters", 2).count("rows", 1))
                .containsNoPan()
                .containsNoMatch(Pattern.compile("12/29|01/30"));
    }

    @Test
    void updateJournalsItsUpdateCount() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            assertEquals(2, s.executeUpdate("UPDATE orders SET status = 'paid' WHERE id <= 2"));
        }

        audit().eventsInOrder(
                e -> e.phase(Phase.INTENT).decision(Decision.ALLOWED).rule("write-orders")
                        .action("UPDATE orders SET status = ? WHERE id <= ?"),
                e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS).count("updated", 2));
    }

    @Test
    void executeJournalsRowsWhenItsResultSetCloses() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            assertTrue(s.execute("SELECT id FROM cards ORDER BY id"));
            ResultSet rs = s.getResultSet();
            assertSame(rs, s.getResultSet(), "the same result is the same guarded result set");
            assertSame(s, rs.getStatement());
            while (rs.next()) {
                rs.getInt(1);
            }
            audit().hasNoEventMatching(e -> e.phase(Phase.OUTCOME));
            rs.close();
            audit().hasEventMatching(e -> e.phase(Phase.OUTCOME).count("rows", 2));
            assertFalse(s.getMoreResults());
        }
        audit().hasExactly(1).eventsMatching(e -> e.phase(Phase.OUTCOME));
    }

    @Test
    void executeOfAnUpdateJournalsItsCountAtOnce() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            assertFalse(s.execute("DELETE FROM orders WHERE id = 5"));
            assertEquals(1, s.getUpdateCount());
            audit().hasEventMatching(e -> e.phase(Phase.OUTCOME).count("updated", 1));
        }
        assertEquals(4, db.count("orders"));
    }

    @Test
    void batchJournalsOneIntentAndOneOutcomePerStatement() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            s.addBatch("UPDATE orders SET status = 'paid' WHERE id = 1");
            s.addBatch("UPDATE orders SET status = 'void' WHERE id IN (2, 3)");
            assertArrayEquals(new int[]{1, 2}, s.executeBatch());
        }

        audit().eventsInOrder(
                        e -> e.phase(Phase.INTENT).action("UPDATE orders SET status = ? WHERE id = ?"),
                        e -> e.phase(Phase.INTENT).action("UPDATE orders SET status = ? WHERE id IN (?, ?)"),
                        e -> e.phase(Phase.OUTCOME).action("UPDATE orders SET status = ? WHERE id = ?").count("updated", 1),
                        e -> e.phase(Phase.OUTCOME).action("UPDATE orders SET status = ? WHERE id IN (?, ?)")
                                .count("updated", 2))
                .hasExactly(4).eventsMatching(e -> e.channel(Channel.JDBC));
    }

    @Test
    void parameterBatchIsOneRunWithItsSize() throws Exception {
        try (Connection c = guarded.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO orders (card_id, amount, status) VALUES (?, ?, ?)")) {
            for (int i = 0; i < 3; i++) {
                ps.setInt(1, 1);
                ps.setBigDecimal(2, new java.math.BigDecimal("9.99"));
                ps.setString(3, "new");
                ps.addBatch();
            }
            assertArrayEquals(new int[]{1, 1, 1}, ps.executeBatch());
        }

        assertEquals(8, db.count("orders"));
        audit().eventsInOrder(
                        e -> e.phase(Phase.INTENT).decision(Decision.ALLOWED).rule("write-orders"),
                        e -> e.phase(Phase.OUTCOME).count("batch", 3).count("updated", 3).count("parameters", 3))
                .hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT));
    }

    @Test
    void rowLimitOfThePolicyStopsTheResultAndIsJournaled() throws Exception {
        int rows = 0;
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, amount FROM orders ORDER BY id")) {
            while (rs.next()) {
                rows++;
            }
        }

        assertEquals(3, rows);
        audit().eventsInOrder(
                e -> e.phase(Phase.INTENT).rule("read-orders-in-pages"),
                e -> e.phase(Phase.OUTCOME).count("rows", 3).count("rowLimitHit", 1));
    }

    @Test
    void agentCannotRaiseTheRowLimitWithSetMaxRowsButCanLowerIt() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            s.setMaxRows(100);
            assertEquals(100, s.getMaxRows());
            assertEquals(3, countRows(s.executeQuery("SELECT id FROM orders")));
            s.setLargeMaxRows(0);
            assertEquals(3, countRows(s.executeQuery("SELECT id FROM orders")));
            s.setMaxRows(2);
            assertEquals(2, countRows(s.executeQuery("SELECT id FROM orders")));
            s.setMaxRows(0);
            assertEquals(2, countRows(s.executeQuery("SELECT id FROM cards")), "no limit for cards: both rows");
        }
    }

    private static int countRows(ResultSet rs) throws SQLException {
        int n = 0;
        try (rs) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void generatedKeysComeBackGuarded() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("INSERT INTO orders (card_id, amount, status) VALUES (2, 5.00, 'new')",
                    Statement.RETURN_GENERATED_KEYS));
            try (ResultSet keys = s.getGeneratedKeys()) {
                assertEquals("dev.agentguard.jdbc", keys.getClass().getPackageName());
                assertSame(s, keys.getStatement());
                assertTrue(keys.next());
                assertEquals(6, keys.getInt(1));
            }
        }
    }

    @Test
    void statedIntentAndTraceAreJournaledMasked() throws Exception {
        try (Connection c = guarded.getConnection()) {
            c.setClientInfo(GuardedDataSource.CLIENT_INFO_INTENT, "look up card " + PaymentsDatabase.VISA + " for a refund");
            c.setClientInfo(GuardedDataSource.CLIENT_INFO_TRACE, "trace-42");
            assertEquals("trace-42", c.getClientInfo(GuardedDataSource.CLIENT_INFO_TRACE));
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT holder FROM cards WHERE id = 1")) {
                assertTrue(rs.next());
            }
        }

        audit().hasEventMatching(e -> e.phase(Phase.INTENT).trace("trace-42")
                        .intent("look up card 411111******1111 for a refund"))
                .containsNoPan();
    }

    @Test
    void driverErrorIsJournaledWithoutLiteralsAndReachesTheAgentMasked() throws Exception {
        SQLException e;
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            e = assertThrows(SQLException.class, () -> s.executeQuery(
                    "SELECT holder FROM cards WHERE holder = 'Ada Lovelace' AND nosuchcolumn = '" + PaymentsDatabase.VISA + "'"));
        }

        assertFalse(e.getMessage().contains(PaymentsDatabase.VISA), e.getMessage());
        assertEquals(e.getClass().getPackageName(), "java.sql", "a standard exception, not the driver's own");
        audit().hasEventMatching(ev -> ev.phase(Phase.OUTCOME).outcome(Outcome.FAILURE)
                        .where("error names the SQLState", a -> a.error() != null && a.error().startsWith("SQLState 42")))
                .containsNoPan()
                .containsNoMatch(Pattern.compile("Lovelace"));
    }

    @Test
    void errorsOfStatementsOnMaskedColumnsAreWithheld() throws Exception {
        SQLException e;
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT CAST(pan AS INT) FROM cards"));
        }

        assertTrue(e.getMessage().startsWith("the database refused the statement (SQLState " + e.getSQLState()
                + ", vendor code " + e.getErrorCode() + "); its message is withheld because the statement touches "
                + "masked columns, whose values database messages can echo"), e.getMessage());
        audit().hasEventMatching(ev -> ev.phase(Phase.OUTCOME).outcome(Outcome.FAILURE)).containsNoPan();
    }

    @Test
    void closingTheConnectionReturnsItToThePoolAndWritesPendingOutcomes() throws Exception {
        Connection c = guarded.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT holder FROM cards ORDER BY id");
        assertTrue(rs.next());
        assertEquals(1, db.activeConnections());

        c.close();

        assertEquals(0, db.activeConnections());
        assertTrue(s.isClosed());
        assertTrue(rs.isClosed());
        audit().hasEventMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS).count("rows", 1));
        c.close(); // idempotent
    }

    @Test
    void everyGetterThatReturnsAJdbcObjectReturnsTheGuardedOne() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM cards WHERE id = ?")) {
            ps.setInt(1, 1);
            try (ResultSet rs = s.executeQuery("SELECT id FROM cards"); ResultSet prs = ps.executeQuery()) {
                assertSame(s, rs.getStatement());
                assertSame(c, rs.getStatement().getConnection());
                assertSame(c, rs.getStatement().getConnection().unwrap(Connection.class));
                assertSame(ps, prs.getStatement());
                assertSame(c, ps.getConnection());
            }
            DatabaseMetaData md = c.getMetaData();
            assertSame(c, md.getConnection());
            assertEquals("dev.agentguard.jdbc", md.getClass().getPackageName());
        }
    }

    @Test
    void poolReturnsEveryConnectionAfterManyStatements() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (Connection c = guarded.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT holder FROM cards WHERE id = ?")) {
                ps.setInt(1, i % 2 + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                }
            }
        }
        assertEquals(0, db.activeConnections());
        audit().hasExactly(20).eventsMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS));
    }

    // ---- denied statements ------------------------------------------------------------------------

    /** Asserts a policy refusal with its exact message, and that the driver never saw the SQL. */
    PolicyViolationException assertDenied(String ruleId, Executable call, String sql) throws Exception {
        PolicyViolationException e = assertThrows(PolicyViolationException.class, call::run);
        assertEquals("42501", e.getSQLState());
        assertEquals(Refusal.DENIED_BY_POLICY, e.refusal());
        assertEquals(ruleId, e.ruleId());
        assertEquals("denied by rule \"" + ruleId + "\": " + e.reason(), e.getMessage());
        assertFalse(db.driverSql().contains(sql), "the driver never saw: " + sql);
        audit().hasEventMatching(ev -> ev.phase(Phase.INTENT).decision(Decision.DENIED).rule(ruleId)
                .outcome(Outcome.FAILURE));
        return e;
    }

    @FunctionalInterface
    interface Executable {
        void run() throws Exception;
    }

    @Test
    void deniesDeleteWithoutWhere() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            PolicyViolationException e = assertDenied("no-delete-without-where",
                    () -> s.executeUpdate("DELETE FROM cards"), "DELETE FROM cards");
            assertTrue(e.reason().contains("DELETE"), e.reason());
        }
        assertEquals(2, db.count("cards"));
        audit().hasNoEventMatching(e -> e.phase(Phase.OUTCOME))
                .hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).action("DELETE FROM cards"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT holder, cvv FROM cards WHERE id = 1",
            "SELECT c.cvv AS x FROM cards c",
            "SELECT upper(cvv) FROM cards",
            "SELECT * FROM cards",
            "SELECT c.* FROM cards c WHERE c.id = 1",
            "SELECT holder FROM cards WHERE cvv = '123'",
            "SELECT holder FROM orders o JOIN cards c ON c.id = o.card_id WHERE c.cvv LIKE '1%'",
            "SELECT id FROM orders WHERE card_id IN (SELECT id FROM cards WHERE cvv = '123')",
            "SELECT holder FROM cards UNION SELECT cvv FROM cards",
            "WITH x AS (SELECT cvv FROM cards) SELECT * FROM x",
            "SELECT \"CVV\" FROM cards",
            "SELECT holder,/* hidden */cvv FROM cards",
            "SELECT holder FROM cards WHERE 1 = 1 UNION ALL SELECT cvv FROM cards",
            "SELECT (SELECT max(cvv) FROM cards) AS x",
            "SELECT cards.cvv FROM orders, cards WHERE orders.card_id = cards.id",
            "select CvV from CaRdS"})
    void deniesReadingTheCvvColumnHoweverItIsWritten(String sql) throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            assertDenied("no-cvv", () -> s.executeQuery(sql), sql);
        }
    }

    @Test
    void deniesASecondStatementSmuggledAfterTheFirst() throws Exception {
        String sql = "SELECT 1; DROP TABLE cards";
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            PolicyViolationException e = assertThrows(PolicyViolationException.class, () -> s.execute(sql));
            assertEquals("42501", e.getSQLState());
            assertFalse(db.driverSql().contains(sql));
        }
        assertTrue(db.tableExists("cards"));
        audit().hasEventMatching(e -> e.phase(Phase.INTENT).decision(Decision.DENIED))
                .hasNoEventMatching(e -> e.phase(Phase.OUTCOME));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "delete from CARDS",
            "DeLeTe FrOm cards",
            "DELETE /* WHERE id = 1 */ FROM cards",
            "DELETE FROM cards -- WHERE id = 1",
            "DELETE\n\tFROM\n\tcards",
            "DELETE FROM cards;",
            "UPDATE cards SET cvv = NULL",
            "UPDATE cards SET pan = '0000'",
            "TRUNCATE TABLE cards",
            "DROP TABLE cards",
            "ALTER TABLE cards ADD COLUMN leak VARCHAR(10)",
            "GRANT SELECT ON cards TO PUBLIC",
            "INSERT INTO orders (card_id) VALUES (1); DELETE FROM cards",
            "DELETE FROM cards WHERE id IN (SELECT id FROM cards)",
            "INSERT INTO refunds SELECT id, id, 0 FROM cards",
            "THIS IS NOT SQL AT ALL",
            "{call abs(1)}",
            "CALL abs(1)",
            "SELECT 1 FROM orders; UPDATE cards SET holder = 'x' WHERE id = 1"})
    void deniesEveryBypassAttemptAndKeepsTheTablesIntact(String sql) throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            PolicyViolationException e = assertThrows(PolicyViolationException.class, () -> s.execute(sql));
            assertEquals("42501", e.getSQLState());
            assertTrue(e.getMessage().startsWith("denied by rule \"") || e.getMessage().startsWith("approval for rule \""),
                    e.getMessage());
        }
        assertFalse(db.driverSql().contains(sql), "the driver never saw: " + sql);
        assertEquals(2, db.count("cards"));
        assertEquals(0, db.count("refunds"));
        assertEquals(5, db.count("orders"));
        audit().hasEventMatching(e -> e.phase(Phase.INTENT).decision(Decision.DENIED))
                .hasNoEventMatching(e -> e.phase(Phase.OUTCOME))
                .containsNoPan();
    }

    @Test
    void everyEntryPointThatTakesSqlRefusesADeniedStatement() throws Exception {
        String sql = "DELETE FROM cards";
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            java.util.Map<String, Executable> entries = new java.util.LinkedHashMap<>();
            entries.put("executeQuery", () -> s.executeQuery(sql));
            entries.put("executeUpdate", () -> s.executeUpdate(sql));
            entries.put("executeUpdate keys", () -> s.executeUpdate(sql, Statement.RETURN_GENERATED_KEYS));
            entries.put("executeUpdate indexes", () -> s.executeUpdate(sql, new int[]{1}));
            entries.put("executeUpdate names", () -> s.executeUpdate(sql, new String[]{"id"}));
            entries.put("executeLargeUpdate", () -> s.executeLargeUpdate(sql));
            entries.put("executeLargeUpdate keys", () -> s.executeLargeUpdate(sql, Statement.RETURN_GENERATED_KEYS));
            entries.put("executeLargeUpdate indexes", () -> s.executeLargeUpdate(sql, new int[]{1}));
            entries.put("executeLargeUpdate names", () -> s.executeLargeUpdate(sql, new String[]{"id"}));
            entries.put("execute", () -> s.execute(sql));
            entries.put("execute keys", () -> s.execute(sql, Statement.RETURN_GENERATED_KEYS));
            entries.put("execute indexes", () -> s.execute(sql, new int[]{1}));
            entries.put("execute names", () -> s.execute(sql, new String[]{"id"}));
            entries.put("addBatch", () -> s.addBatch(sql));
            entries.put("prepareStatement", () -> c.prepareStatement(sql));
            entries.put("prepareStatement type", () -> c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY));
            entries.put("prepareStatement holdability", () -> c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY, ResultSet.CLOSE_CURSORS_AT_COMMIT));
            entries.put("prepareStatement keys", () -> c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS));
            entries.put("prepareStatement indexes", () -> c.prepareStatement(sql, new int[]{1}));
            entries.put("prepareStatement names", () -> c.prepareStatement(sql, new String[]{"id"}));
            entries.put("prepareCall", () -> c.prepareCall(sql));
            entries.put("prepareCall type", () -> c.prepareCall(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY));
            entries.put("prepareCall holdability", () -> c.prepareCall(sql, ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY, ResultSet.CLOSE_CURSORS_AT_COMMIT));
            entries.put("nativeSQL", () -> c.nativeSQL(sql));
            for (java.util.Map.Entry<String, Executable> entry : entries.entrySet()) {
                PolicyViolationException e = assertThrows(PolicyViolationException.class, entry.getValue()::run,
                        entry.getKey());
                assertEquals("no-delete-without-where", e.ruleId(), entry.getKey());
            }
            assertArrayEquals(new int[0], s.executeBatch(), "nothing joined the batch");
            audit().hasExactly(entries.size()).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.DENIED));
        }
        assertEquals(List.of(), db.driverSql());
        assertEquals(2, db.count("cards"));
    }

    @Test
    void everyExecuteOverloadRunsAnAllowedStatementThroughTheGuard() throws Exception {
        String sql = "UPDATE orders SET status = 'seen' WHERE id = 1";
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate(sql));
            assertEquals(1, s.executeUpdate(sql, Statement.NO_GENERATED_KEYS));
            assertEquals(1, s.executeLargeUpdate(sql));
            assertEquals(1, s.executeLargeUpdate(sql, Statement.NO_GENERATED_KEYS));
            assertFalse(s.execute(sql, Statement.NO_GENERATED_KEYS));
            s.addBatch(sql);
            assertArrayEquals(new long[]{1}, s.executeLargeBatch());
            try (PreparedStatement ps = c.prepareStatement("UPDATE orders SET status = ? WHERE id = ?")) {
                ps.setString(1, "seen");
                ps.setInt(2, 2);
                assertEquals(1, ps.executeLargeUpdate());
                assertFalse(ps.execute());
                ps.addBatch();
                assertArrayEquals(new long[]{1}, ps.executeLargeBatch());
            }
        }
        audit().hasExactly(9).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.ALLOWED).rule("write-orders"))
                .hasExactly(9).eventsMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS).count("updated", 1));
    }

    @Test
    void deniedStatementNeverJoinsABatch() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            s.addBatch("UPDATE orders SET status = 'paid' WHERE id = 1");
            assertDenied("no-delete-without-where", () -> s.addBatch("DELETE FROM cards"), "DELETE FROM cards");
            s.addBatch("UPDATE orders SET status = 'paid' WHERE id = 2");
            assertArrayEquals(new int[]{1, 1}, s.executeBatch());
        }
        assertEquals(2, db.count("cards"));
        audit().hasExactly(2).eventsMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS).count("updated", 1))
                .hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.DENIED));
    }

    @Test
    void batchWhoseStatementNeedsAnApprovalThatNeverComesRunsNothing() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            s.addBatch("UPDATE orders SET status = 'refunded' WHERE id = 1");
            s.addBatch("INSERT INTO refunds (id, order_id, amount) VALUES (1, 1, 10.50)");
            PolicyViolationException e = assertThrows(PolicyViolationException.class, s::executeBatch);
            assertEquals(Refusal.APPROVAL_DENIED, e.refusal());
            assertEquals("refunds-need-approval", e.ruleId());
            assertArrayEquals(new int[0], s.executeBatch(), "the refused batch was cleared");
        }
        assertEquals(0, db.count("refunds"));
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status FROM orders WHERE id = 1")) {
            assertTrue(rs.next());
            assertEquals("open", rs.getString(1));
        }
        audit().hasEventMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.FAILURE)
                .action("UPDATE orders SET status = ? WHERE id = ?"));
    }

    @Test
    void deniesAtPrepareTime() throws Exception {
        try (Connection c = guarded.getConnection()) {
            assertDenied("no-delete-without-where", () -> c.prepareStatement("DELETE FROM cards"), "DELETE FROM cards");
            assertDenied("no-delete-without-where", () -> c.prepareStatement("DELETE FROM cards",
                    Statement.RETURN_GENERATED_KEYS), "DELETE FROM cards");
            assertDenied("no-cvv", () -> c.prepareStatement("SELECT cvv FROM cards WHERE id = ?",
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY), "SELECT cvv FROM cards WHERE id = ?");
            assertDenied("no-delete-without-where", () -> c.nativeSQL("DELETE FROM cards"), "DELETE FROM cards");
            PolicyViolationException call = assertThrows(PolicyViolationException.class,
                    () -> c.prepareCall("{call drop_everything()}"));
            assertEquals("default", call.ruleId());
        }
        assertEquals(2, db.count("cards"));
        assertEquals(List.of(), db.driverSql());
    }

    @Test
    void preparedStatementRefusesOtherSqlText() throws Exception {
        try (Connection c = guarded.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT holder FROM cards WHERE id = ?")) {
            SQLException e = assertThrows(SQLException.class, () -> ps.executeUpdate("DELETE FROM cards"));
            assertEquals("executeUpdate(String) cannot be called on a PreparedStatement (JDBC forbids it): run the "
                    + "statement's own SQL with the method without a SQL argument, or use a Statement for other SQL",
                    e.getMessage());
            assertThrows(SQLException.class, () -> ps.addBatch("DELETE FROM cards"));
            assertThrows(SQLException.class, () -> ps.execute("DELETE FROM cards"));
        }
        assertEquals(2, db.count("cards"));
        assertFalse(db.driverSql().contains("DELETE FROM cards"));
    }

    @Test
    void statementNeedingApprovalIsRefusedWhenNobodyApproves() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            PolicyViolationException e = assertThrows(PolicyViolationException.class,
                    () -> s.executeUpdate("INSERT INTO refunds (id, order_id, amount) VALUES (1, 1, 10.50)"));
            assertEquals(Refusal.APPROVAL_DENIED, e.refusal());
            assertEquals("refunds-need-approval", e.ruleId());
            assertEquals("42501", e.getSQLState());
        }
        assertEquals(0, db.count("refunds"));
        audit().eventsInOrder(
                e -> e.phase(Phase.APPROVAL).decision(Decision.APPROVAL_REQUIRED).rule("refunds-need-approval"),
                e -> e.phase(Phase.INTENT).decision(Decision.DENIED).rule("refunds-need-approval"));
    }

    @Test
    void approvedStatementRunsAndIsJournaledAsApproved() throws Exception {
        GuardedDataSource approved = GuardedDataSource.builder().dataSource(db.forGuard()).name(RESOURCE)
                .identity(IdentitySource.fixed(IDENTITY)).policy(TestPolicies.payments()).journal(journal)
                .approver(InMemoryApprover.approveAll("ops-lead")).build();
        try (Connection c = approved.getConnection(); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("INSERT INTO refunds (id, order_id, amount) VALUES (1, 1, 10.50)"));
        }
        assertEquals(1, db.count("refunds"));
        audit().eventsInOrder(
                e -> e.phase(Phase.APPROVAL).decision(Decision.APPROVED).rule("refunds-need-approval"),
                e -> e.phase(Phase.INTENT).decision(Decision.APPROVED).rule("refunds-need-approval"),
                e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS).count("updated", 1));
    }

    @Test
    void approvalThatDoesNotComeInTimeRefusesTheStatement() throws Exception {
        InMemoryApprover nobodyAnswers = new InMemoryApprover();
        GuardedDataSource waiting = GuardedDataSource.builder().dataSource(db.forGuard()).name(RESOURCE)
                .identity(IdentitySource.fixed(IDENTITY)).policy(TestPolicies.payments()).journal(journal)
                .approver(nobodyAnswers).approvalTimeout(java.time.Duration.ofMillis(50)).build();
        String sql = "INSERT INTO refunds (id, order_id, amount) VALUES (1, 1, 10.50)";
        try (Connection c = waiting.getConnection(); Statement s = c.createStatement()) {
            PolicyViolationException e = assertThrows(PolicyViolationException.class, () -> s.executeUpdate(sql));
            assertEquals(Refusal.APPROVAL_TIMED_OUT, e.refusal());
            assertEquals("refunds-need-approval", e.ruleId());
            assertEquals("approval for rule \"refunds-need-approval\" timed out: " + e.reason(), e.getMessage());
        }
        assertEquals(0, db.count("refunds"));
        assertFalse(db.driverSql().contains(sql));
    }

    @Test
    void outcomeThatCannotBeJournaledIsReportedWhenTheStatementCloses() throws Exception {
        Connection c = guarded.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT holder FROM cards");
        assertTrue(rs.next());
        journal.close();
        rs.close(); // a result set's close cannot report it ...

        JournalUnavailableException e = assertThrows(JournalUnavailableException.class, s::close); // ... its statement's can
        assertTrue(e.getMessage().startsWith("the statement ran, but its outcome could not be written to the audit "
                + "journal: "), e.getMessage());
        c.close();
        assertEquals(0, db.activeConnections());
    }

    /** Creates, through the pool, a function that returns its argument, for callable-statement tests. */
    abstract void createEchoFunction() throws SQLException;

    @Test
    void callableStatementAllowedByPolicyMasksItsTextOutValues() throws Exception {
        createEchoFunction();
        GuardedDataSource calls = GuardedDataSource.builder().dataSource(db.forGuard()).name(RESOURCE)
                .identity(IdentitySource.fixed(IDENTITY)).policy(TestPolicies.parse(TestPolicies.PAYMENTS_WITH_CALLS_YAML))
                .journal(journal).build();
        try (Connection c = calls.getConnection(); java.sql.CallableStatement cs = c.prepareCall("{? = call echo(?)}")) {
            cs.registerOutParameter(1, java.sql.Types.VARCHAR);
            cs.setString(2, "card " + PaymentsDatabase.VISA);
            cs.execute();
            assertEquals("card 411111******1111", cs.getString(1));
            assertEquals("card 411111******1111", cs.getObject(1));
            if (!db.isPostgres()) { // PostgreSQL's driver has no getObject(int, Class) for OUT parameters
                assertEquals("card 411111******1111", cs.getObject(1, String.class));
            }
            assertSame(c, cs.getConnection());
        }
        long masked = db.isPostgres() ? 2 : 3;
        audit().eventsInOrder(
                        e -> e.phase(Phase.INTENT).decision(Decision.ALLOWED).rule("call-functions"),
                        e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS).count("masked.pan", masked)
                                .count("parameters", 2))
                .containsNoPan();
    }

    // ---- credential isolation ---------------------------------------------------------------------

    @Test
    void unwrapHandsOutNoRawObject() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM cards WHERE id = ?");
             ResultSet rs = s.executeQuery("SELECT id FROM cards")) {
            DatabaseMetaData md = c.getMetaData();
            List<Class<?>> raw = List.of(com.zaxxer.hikari.HikariDataSource.class,
                    Class.forName("com.zaxxer.hikari.pool.HikariProxyConnection"),
                    Class.forName("com.zaxxer.hikari.pool.ProxyConnection"),
                    Class.forName(db.isPostgres() ? "org.postgresql.jdbc.PgConnection" : "org.h2.jdbc.JdbcConnection"),
                    Class.forName(db.isPostgres() ? "org.postgresql.jdbc.PgStatement" : "org.h2.jdbc.JdbcStatement"),
                    Class.forName(db.isPostgres() ? "org.postgresql.jdbc.PgResultSet" : "org.h2.jdbc.JdbcResultSet"));
            for (java.sql.Wrapper w : List.<java.sql.Wrapper>of(guarded, c, s, ps, rs, md)) {
                for (Class<?> type : raw) {
                    assertFalse(w.isWrapperFor(type), w + " wraps " + type);
                    assertThrows(SQLException.class, () -> w.unwrap(type), w + " unwrapped to " + type);
                }
            }
            SQLException e = assertThrows(SQLException.class, () -> c.unwrap(com.zaxxer.hikari.HikariDataSource.class));
            assertEquals("unwrap(com.zaxxer.hikari.HikariDataSource) is refused: a guarded connection of data source "
                    + "\"payments-db\" hands out no driver or pool object, since it would bypass the policy and the "
                    + "audit journal; use the java.sql interfaces it implements", e.getMessage());
            assertSame(c, c.unwrap(Connection.class));
            assertSame(guarded, guarded.unwrap(DataSource.class));
            assertSame(ps, ps.unwrap(Statement.class));
            assertSame(c, rs.getStatement().getConnection().unwrap(Connection.class));
            assertThrows(SQLException.class, () -> rs.getStatement().getConnection().unwrap(
                    Class.forName(db.isPostgres() ? "org.postgresql.PGConnection" : "org.h2.jdbc.JdbcConnection")));
        }
    }

    @Test
    void getConnectionWithCredentialsIsRefusedAndJournaled() throws Exception {
        SQLException e = assertThrows(SQLException.class,
                () -> guarded.getConnection("payments_owner", PaymentsDatabase.POOL_PASSWORD));
        assertEquals("28000", e.getSQLState());
        assertEquals("getConnection(user, password) is refused: the guarded data source \"payments-db\" owns the "
                + "database credentials and connects as the agent's verified identity; call getConnection()", e.getMessage());
        assertThrows(SQLException.class, guarded::createConnectionBuilder);
        assertEquals(0, db.activeConnections());
        assertThat(journal).hasEventMatching(ev -> ev.phase(Phase.IDENTITY).decision(Decision.DENIED)
                        .resource(RESOURCE).action("getConnection(user, password)")
                        .extension("pci-requirement", "10.2.1.4"))
                .containsNoMatch(Pattern.compile(Pattern.quote(PaymentsDatabase.POOL_PASSWORD)));
    }

    @Test
    void metadataResultsAreGuardedAndTheUrlCarriesNoCredentials() throws Exception {
        try (Connection c = guarded.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet tables = md.getTables(null, null, tableName("cards"), null)) {
                assertEquals("dev.agentguard.jdbc", tables.getClass().getPackageName());
                assertNull(tables.getStatement());
                assertTrue(tables.next());
            }
            try (ResultSet columns = md.getColumns(null, null, tableName("cards"), null)) {
                assertTrue(columns.next());
            }
            assertFalse(md.getURL().contains(PaymentsDatabase.POOL_PASSWORD), md.getURL());
            assertFalse(md.getURL().contains("password"), md.getURL());
            // The way back from metadata is the guarded connection, whose statements are guarded.
            try (Statement s = md.getConnection().createStatement()) {
                assertDenied("no-delete-without-where", () -> s.executeUpdate("DELETE FROM cards"), "DELETE FROM cards");
            }
        }
        assertEquals(2, db.count("cards"));
    }

    @Test
    void schemaAndCatalogSwitchesAreRefused() throws Exception {
        try (Connection c = guarded.getConnection()) {
            String schema = c.getSchema();
            c.setSchema(schema); // naming the current schema changes nothing
            SQLException e = assertThrows(SQLException.class, () -> c.setSchema("information_schema"));
            assertEquals("setSchema(\"information_schema\") is refused on data source \"payments-db\": switching schemas "
                    + "changes what unqualified table names mean, which policies decide on; qualify table names, or "
                    + "configure the schema on the wrapped pool", e.getMessage());
            assertThrows(SQLException.class, () -> c.setCatalog("other"));
            assertEquals(schema, c.getSchema());
        }
    }

    @Test
    void arraysLeadBackToNothingRaw() throws Exception {
        try (Connection c = guarded.getConnection()) {
            Array array = c.createArrayOf(db.isPostgres() ? "varchar" : "VARCHAR", new Object[]{"a", PaymentsDatabase.VISA});
            assertEquals("dev.agentguard.jdbc", array.getClass().getPackageName());
            Object[] elements = (Object[]) array.getArray();
            assertEquals("411111******1111", elements[1]);
            try (ResultSet rs = array.getResultSet()) {
                assertEquals("dev.agentguard.jdbc", rs.getClass().getPackageName());
                assertNull(rs.getStatement());
            }
        }
    }

    @Test
    void warningsAndErrorsReachTheAgentAsStandardExceptions() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT nosuch FROM orders"));
            assertTrue(e.getClass().getName().startsWith("java.sql."), e.getClass().getName());
            assertNotEquals(null, e.getSQLState());
        }
    }

    // ---- identity and fail-closed -----------------------------------------------------------------

    @Test
    void noIdentityNoConnection() throws Exception {
        GuardedDataSource anonymous = GuardedDataSource.builder().dataSource(db.forGuard()).name(RESOURCE)
                .identity(() -> {
                    throw new dev.agentguard.core.identity.IdentityException("the agent token is missing");
                })
                .policy(TestPolicies.payments()).journal(journal).build();

        IdentityRefusedException e = assertThrows(IdentityRefusedException.class, anonymous::getConnection);

        assertEquals("28000", e.getSQLState());
        assertEquals("no verified agent identity for data source \"payments-db\": the agent token is missing",
                e.getMessage());
        assertEquals(0, db.pool().getHikariPoolMXBean().getActiveConnections());
        assertEquals(List.of(), db.driverSql());
        assertThat(journal).hasEventMatching(ev -> ev.phase(Phase.IDENTITY).decision(Decision.DENIED)
                .resource(RESOURCE).action("getConnection()").outcome(Outcome.FAILURE));
    }

    @Test
    void expiredIdentityIsRefusedOnTheNextStatement() throws Exception {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-26T10:00:00Z"));
        AgentIdentity shortLived = new AgentIdentity(AGENT, null, java.util.Set.of("payments"), java.util.Set.of(),
                clock.instant().plusSeconds(60));
        GuardedDataSource ds = GuardedDataSource.builder().dataSource(db.forGuard()).name(RESOURCE)
                .identity(IdentitySource.fixed(shortLived)).policy(TestPolicies.payments()).journal(journal)
                .clock(clock).build();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            assertTrue(s.executeQuery("SELECT id FROM cards").next());
            clock.advance(java.time.Duration.ofMinutes(2));
            IdentityRefusedException e = assertThrows(IdentityRefusedException.class,
                    () -> s.executeUpdate("UPDATE orders SET status = 'x' WHERE id = 1"));
            assertEquals("no verified agent identity for data source \"payments-db\": the identity of agent "
                    + "\"payments-agent\" expired at 2026-11-26T10:01:00Z and the identity source has no valid one",
                    e.getMessage());
        }
        assertFalse(db.driverSql().contains("UPDATE orders SET status = 'x' WHERE id = 1"));
        assertThat(journal).hasEventMatching(ev -> ev.phase(Phase.IDENTITY).decision(Decision.DENIED)
                .action("UPDATE orders SET status = ? WHERE id = ?"));
    }

    @Test
    void renewedIdentityOfTheSameAgentKeepsTheConnectionUsable() throws Exception {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-26T10:00:00Z"));
        java.util.concurrent.atomic.AtomicReference<AgentIdentity> current = new java.util.concurrent.atomic.AtomicReference<>(
                new AgentIdentity(AGENT, null, java.util.Set.of(), java.util.Set.of(), clock.instant().plusSeconds(60)));
        GuardedDataSource ds = GuardedDataSource.builder().dataSource(db.forGuard()).name(RESOURCE)
                .identity(current::get).policy(TestPolicies.payments()).journal(journal).clock(clock).build();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            clock.advance(java.time.Duration.ofMinutes(2));
            current.set(new AgentIdentity(AGENT, null, java.util.Set.of(), java.util.Set.of(),
                    clock.instant().plusSeconds(600)));
            assertTrue(s.executeQuery("SELECT id FROM cards").next());

            clock.advance(java.time.Duration.ofMinutes(20));
            current.set(new AgentIdentity("other-agent", null, java.util.Set.of(), java.util.Set.of(),
                    clock.instant().plusSeconds(600)));
            IdentityRefusedException e = assertThrows(IdentityRefusedException.class,
                    () -> s.executeQuery("SELECT id FROM cards"));
            assertEquals("no verified agent identity for data source \"payments-db\": this connection belongs to agent "
                    + "\"payments-agent\" but the current identity is agent \"other-agent\": open a new connection for "
                    + "the other agent", e.getMessage());
        }
    }

    @Test
    void failsClosedWhenTheJournalIsClosed() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            journal.close();
            JournalUnavailableException e = assertThrows(JournalUnavailableException.class,
                    () -> s.executeUpdate("DELETE FROM orders WHERE id = 1"));
            assertEquals("58030", e.getSQLState());
            assertTrue(e.getMessage().startsWith("the audit journal of data source \"payments-db\" cannot be written, "
                    + "so the statement did not run (fail closed): "), e.getMessage());
            assertThrows(JournalUnavailableException.class, () -> c.prepareStatement(
                    "SELECT id FROM orders WHERE id = ?").executeQuery());
        }
        assertEquals(5, db.count("orders"));
        assertFalse(db.driverSql().contains("DELETE FROM orders WHERE id = 1"));
        assertEquals(0, db.activeConnections());
    }

    @Test
    void journalContainsNoSecretAfterAMixedSession() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pan FROM cards WHERE pan = '" + PaymentsDatabase.VISA + "'")) {
                assertTrue(rs.next());
            }
            assertThrows(SQLException.class, () -> s.executeUpdate(
                    "UPDATE cards SET pan = '" + PaymentsDatabase.MASTERCARD + "'"));
            assertThrows(SQLException.class, () -> s.executeUpdate(
                    "INSERT INTO orders (id, card_id, note) VALUES (1, 1, '" + PaymentsDatabase.VISA + "')"));
        }
        List<AuditEvent> events = audit().containsNoPan().containsNoMatch(Pattern.compile("4111|5555")).events();
        assertFalse(events.isEmpty());
    }

    @Test
    void callableStatementsAreDeniedUnlessAllowed() throws Exception {
        try (Connection c = guarded.getConnection()) {
            PolicyViolationException e = assertThrows(PolicyViolationException.class,
                    () -> c.prepareCall("{call abs(?)}"));
            assertEquals("default", e.ruleId());
        }
        assertEquals(List.of(), db.driverSql());
    }

    @Test
    void batchUpdateFailureJournalsEachStatement() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            s.addBatch("INSERT INTO orders (id, card_id, status) VALUES (100, 1, 'new')");
            s.addBatch("INSERT INTO orders (id, card_id, status) VALUES (100, 1, 'dup')");
            BatchUpdateException e = assertThrows(BatchUpdateException.class, s::executeBatch);
            assertTrue(e.getClass().getName().startsWith("java.sql."));
        }
        audit().hasEventMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.FAILURE))
                .containsNoMatch(Pattern.compile("'dup'"));
    }

    /** The guarded data source type is what the agent sees. */
    @Test
    void theAgentSeesOnlyGuardedTypes() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM cards WHERE id = ?")) {
            assertEquals("dev.agentguard.jdbc", c.getClass().getPackageName());
            assertEquals("dev.agentguard.jdbc", s.getClass().getPackageName());
            assertEquals("dev.agentguard.jdbc", ps.getClass().getPackageName());
            assertInstanceOf(PreparedStatement.class, ps);
            assertFalse(c.toString().contains(PaymentsDatabase.POOL_PASSWORD));
            assertTrue(c.toString().startsWith("GuardedConnection[payments-db, agent payments-agent, session jdbc-"),
                    c.toString());
        }
    }
}
