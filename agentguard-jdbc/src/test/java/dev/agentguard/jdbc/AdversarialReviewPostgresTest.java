package dev.agentguard.jdbc;

import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.junit.TempJournal;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An attacker's review of the guarded JDBC layer on a real PostgreSQL: reads hidden in functions
 * that run a query given as text, PostgreSQL's {@code RETURNING *} behind generated keys, and
 * partial masks on computed values.
 */
@ExtendWith(SharedPostgres.class)
class AdversarialReviewPostgresTest {

    private static final String HOLDER_UPDATES_YAML = TestPolicies.PAYMENTS_YAML.replace("  - id: write-orders\n",
            "  - id: correct-holder\n    allow: { sql: { kinds: [UPDATE], tablesWritten: [cards] } }\n"
                    + "  - id: write-orders\n");

    @TempJournal
    Journal journal;

    private PaymentsDatabase db;
    private GuardedDataSource guarded;

    @BeforeEach
    void openDatabase(EmbeddedPostgres server) throws Exception {
        db = PaymentsDatabase.postgres(server);
        guarded = GuardedDataSource.builder()
                .dataSource(db.forGuard())
                .name(GuardedJdbcContract.RESOURCE)
                .identity(IdentitySource.fixed(GuardedJdbcContract.IDENTITY))
                .policy(TestPolicies.parse(HOLDER_UPDATES_YAML))
                .journal(journal)
                .build();
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    @Test
    void refusesTsRewriteRunningAQueryOnTheCvvGivenAsText() throws Exception {
        String sql = "SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, cvv::tsquery FROM cards WHERE id = 1')";
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            PolicyViolationException refused = assertThrows(PolicyViolationException.class, () -> s.executeQuery(sql));
            assertEquals("denied by rule \"default\": no rule allows SELECT using dangerous form ts_rewrite;"
                    + " the policy default is deny", refused.getMessage());
        }
        assertTrue(db.driverSql().stream().noneMatch(q -> q.contains("ts_rewrite")), "reached the driver");
        assertThat(journal).hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.DENIED)
                .rule("default"));
    }

    @Test
    void anOutCursorIsHeldToTheRowLimitAndMasked() throws Exception {
        try (Connection raw = db.pool().getConnection(); Statement s = raw.createStatement()) {
            s.execute("CREATE OR REPLACE FUNCTION all_cards() RETURNS refcursor AS $$ DECLARE c refcursor; BEGIN "
                    + "OPEN c FOR SELECT pan FROM cards ORDER BY id; RETURN c; END $$ LANGUAGE plpgsql");
        }
        GuardedDataSource calls = GuardedDataSource.builder().dataSource(db.forGuard()).name(GuardedJdbcContract.RESOURCE)
                .identity(IdentitySource.fixed(GuardedJdbcContract.IDENTITY))
                .policy(TestPolicies.parse(TestPolicies.PAYMENTS_WITH_CALLS_YAML.replace(
                        "    allow: { sql: { kinds: [CALL] } }\n", "    allow: { sql: { kinds: [CALL] } }\n    rowLimit: 1\n")))
                .journal(journal).build();
        try (Connection c = calls.getConnection()) {
            c.setAutoCommit(false); // a refcursor lives for its transaction
            try (java.sql.CallableStatement cs = c.prepareCall("{? = call all_cards()}")) {
                cs.registerOutParameter(1, java.sql.Types.OTHER);
                cs.execute();
                try (ResultSet cursor = (ResultSet) cs.getObject(1)) {
                    assertTrue(cursor.next());
                    assertEquals("411111******1111", cursor.getString(1));
                    assertEquals(false, cursor.next(), "the policy's row limit of 1 holds for an OUT cursor");
                }
            }
            c.rollback();
        }
    }

    @Test
    void withholdsAWarningThatCouldEchoAMaskedValue() throws Exception {
        try (Connection raw = db.pool().getConnection(); Statement s = raw.createStatement()) {
            s.execute("CREATE OR REPLACE FUNCTION noisy(t text) RETURNS text AS $$ BEGIN RAISE WARNING 'value %', t; "
                    + "RETURN 'x'; END $$ LANGUAGE plpgsql");
        }
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT noisy(pan) FROM cards WHERE id = 1")) {
                assertTrue(rs.next());
            }
            java.sql.SQLWarning w = s.getWarnings();
            assertEquals("the database warned (SQLState 01000, vendor code 0); its message is withheld because the "
                    + "statement touches masked columns, whose values database messages can echo", w.getMessage());
        }
    }

    @Test
    void generatedKeysOfAnUpdateDoNotReturnTheCvvThroughReturningStar() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE cards SET holder = 'Ada King' WHERE id = 1", Statement.RETURN_GENERATED_KEYS);
            PolicyViolationException refused = assertThrows(PolicyViolationException.class, s::getGeneratedKeys);
            assertEquals("no-cvv", refused.ruleId());
        }
    }

    @Test
    void redactsAnExpressionThatMovesHiddenPanDigitsIntoTheShownPart() throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 'abcdefgh' || substring(pan, 7, 4) AS x, pan FROM cards WHERE id = 2")) {
            assertTrue(rs.next());
            assertEquals("[REDACTED]", rs.getString(1));
            assertEquals("555555******4444", rs.getString(2));
        }
    }
}
