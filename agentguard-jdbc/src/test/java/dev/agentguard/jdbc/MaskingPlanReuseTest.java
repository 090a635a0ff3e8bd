package dev.agentguard.jdbc;

import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A statement run again reuses the masking plan of its last result set only while the driver
 * describes the columns exactly as before: a renamed column, another schema or type, another
 * column list, or another metadata class means a new plan, so masking follows the columns the
 * result really has.
 */
class MaskingPlanReuseTest {

    private static final String AGENT = GuardedJdbcContract.AGENT;
    /** The payments policy plus a rule on orders.memo, a column that exists only after a rename. */
    private static final String POLICY = TestPolicies.PAYMENTS_YAML.replace(
            "    - { match: \"*.cards.pan\", strategy: partial }\n",
            "    - { match: \"*.cards.pan\", strategy: partial }\n    - { match: \"*.orders.memo\", strategy: redact }\n");

    @TempJournal
    Journal journal;

    private PaymentsDatabase db;
    private GuardedDataSource guarded;

    @BeforeEach
    void openDatabase() throws Exception {
        assertTrue(POLICY.contains("*.orders.memo"), "the test policy adds the memo rule");
        db = PaymentsDatabase.h2();
        guarded = GuardedDataSource.builder()
                .dataSource(db.forGuard())
                .name(GuardedJdbcContract.RESOURCE)
                .identity(IdentitySource.fixed(GuardedJdbcContract.IDENTITY))
                .policy(TestPolicies.parse(POLICY))
                .journal(journal)
                .build();
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    @Test
    void rebuildsThePlanWhenTheSamePreparedStatementReturnsARenamedColumn() throws Exception {
        try (Connection c = guarded.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM orders WHERE id = ?")) {
            ps.setInt(1, 1);
            assertEquals("order 1", readNote(ps), "no rule on orders.note");
            assertEquals("order 1", readNote(ps), "the reused plan still shows it");

            alter("ALTER TABLE orders ALTER COLUMN note RENAME TO memo");
            assertEquals("[REDACTED]", readNote(ps), "the same statement now returns orders.memo, which has a rule");

            alter("ALTER TABLE orders ALTER COLUMN memo RENAME TO note");
            assertEquals("order 1", readNote(ps), "renamed back: the plan is rebuilt again");
        }

        assertThat(journal).filteredOn(e -> e.agent(AGENT).phase(Phase.OUTCOME))
                .eventsInOrder(
                        e -> e.outcome(Outcome.SUCCESS).count("rows", 1),
                        e -> e.outcome(Outcome.SUCCESS).count("rows", 1),
                        e -> e.outcome(Outcome.SUCCESS).count("rows", 1).count("masked.memo", 1),
                        e -> e.outcome(Outcome.SUCCESS).count("rows", 1))
                .hasExactly(4).eventsMatching(e -> e.phase(Phase.OUTCOME));
    }

    @Test
    void plainTextsOfOneShapeShareAPlanButNotAcrossAChangedColumn() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            assertEquals("order 1", readNote(s, "SELECT * FROM orders WHERE id = 1"));
            assertEquals("order 2", readNote(s, "SELECT * FROM orders WHERE id = 2"));

            alter("ALTER TABLE orders ALTER COLUMN note RENAME TO memo");
            assertEquals("[REDACTED]", readNote(s, "SELECT * FROM orders WHERE id = 3"));
            assertEquals("[REDACTED]", readNote(s, "SELECT * FROM orders WHERE id = 4"));
        }
    }

    @Test
    void aPlanDescribesOnlyMetadataThatSaysTheSameOfEveryColumn() throws SQLException {
        Masker masker = MaskingRules.builder().column("*.orders.memo", MaskStrategy.REDACT).build().masker();
        ResultSetMetaData md = metadata(Map.of());
        ResultMasking.Plan plan = ResultMasking.Plan.build(masker, null, md);
        assertTrue(plan.describes(md));
        assertTrue(plan.describes(metadata(Map.of())), "another metadata object that says the same");

        assertFalse(plan.describes(metadata(Map.of("getColumnName", "memo"))));
        assertFalse(plan.describes(metadata(Map.of("getColumnLabel", "MEMO"))));
        assertFalse(plan.describes(metadata(Map.of("getTableName", "ORDERS_ARCHIVE"))));
        assertFalse(plan.describes(metadata(Map.of("getSchemaName", "BILLING"))));
        assertFalse(plan.describes(metadata(Map.of("getColumnTypeName", "JSON"))));
        assertFalse(plan.describes(metadata(Map.of("getColumnType", java.sql.Types.BIGINT))));
        assertFalse(plan.describes(metadata(Map.of("getColumnCount", 2))));
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT note FROM orders")) {
            assertFalse(plan.describes(rs.getMetaData()), "another driver's metadata class");
        }
    }

    // ---------------------------------------------------------------- fixture

    private static String readNote(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            return rs.getString(5);
        }
    }

    private static String readNote(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(5);
        }
    }

    /** A schema change made by the operator, through the pool. */
    private void alter(String ddl) throws SQLException {
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement()) {
            s.execute(ddl);
        }
    }

    /** The metadata of a one-column result {@code PUBLIC.ORDERS.NOTE VARCHAR}, with some answers changed. */
    private static ResultSetMetaData metadata(Map<String, Object> changed) {
        Map<String, Object> answers = new HashMap<>(Map.of("getColumnCount", 1, "getColumnName", "NOTE",
                "getColumnLabel", "NOTE", "getTableName", "ORDERS", "getSchemaName", "PUBLIC",
                "getColumnTypeName", "CHARACTER VARYING", "getColumnType", java.sql.Types.VARCHAR));
        answers.putAll(changed);
        return (ResultSetMetaData) Proxy.newProxyInstance(MaskingPlanReuseTest.class.getClassLoader(),
                new Class<?>[] {ResultSetMetaData.class}, (proxy, method, args) -> {
                    if (!answers.containsKey(method.getName())) {
                        throw new SQLException(method.getName() + " is not answered by this metadata");
                    }
                    return answers.get(method.getName());
                });
    }
}
