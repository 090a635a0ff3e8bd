package dev.agentguard.jdbc;

import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An attacker's review of the guarded JDBC layer on H2: each test is an attempt an agent holding
 * only the guarded data source made to read a masked value, run what a rule forbids or reach
 * the driver, and states what the guard must do instead.
 */
class AdversarialReviewH2Test {

    private static final String AGENT = GuardedJdbcContract.AGENT;

    /** The payments policy plus a rule that lets the agent correct a card holder's name. */
    private static final String HOLDER_UPDATES_YAML = TestPolicies.PAYMENTS_YAML.replace("  - id: write-orders\n",
            "  - id: correct-holder\n    allow: { sql: { kinds: [UPDATE], tablesWritten: [cards] } }\n"
                    + "  - id: write-orders\n");

    @TempJournal
    Journal journal;

    private PaymentsDatabase db;

    @BeforeEach
    void openDatabase() throws Exception {
        db = PaymentsDatabase.h2();
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    private GuardedDataSource guarded(String policyYaml) {
        return GuardedDataSource.builder()
                .dataSource(db.forGuard())
                .name(GuardedJdbcContract.RESOURCE)
                .identity(IdentitySource.fixed(GuardedJdbcContract.IDENTITY))
                .policy(TestPolicies.parse(policyYaml))
                .journal(journal)
                .build();
    }

    private JournalAssert audit() {
        return assertThat(journal).filteredOn(e -> e.agent(AGENT));
    }

    private String firstValue(String sql) throws SQLException {
        try (Connection c = guarded(TestPolicies.PAYMENTS_YAML).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    // ---- partial masking must not apply to values computed from a card number --------------------------

    @Test
    void redactsAnExpressionThatMovesHiddenPanDigitsIntoTheShownPart() throws Exception {
        // partial keeps the last 4 letters or digits of a non-card value: here digits 7 to 10 of the PAN
        assertEquals("[REDACTED]", firstValue("SELECT 'abcdefgh' || SUBSTRING(pan, 7, 4) AS x FROM cards WHERE id = 2"));
        // a card-like value keeps its first 6 digits: here the PAN's hidden digits 7 to 12
        assertEquals("[REDACTED]", firstValue("SELECT SUBSTRING(pan, 7, 6) || '0000000' AS x FROM cards WHERE id = 1"));
    }

    @Test
    void redactsAPanExpressionHiddenBehindASetOperation() throws Exception {
        // H2 names the first branch's column (CARDS.PAN) for the union's column
        assertEquals("[REDACTED]", firstValue("SELECT pan FROM cards WHERE id = 0 UNION ALL"
                + " SELECT SUBSTRING(pan, 7, 6) || '0000000' FROM cards WHERE id = 1"));
    }

    @Test
    void stillShowsTheFirstSixAndLastFourOfThePanItself() throws Exception {
        assertEquals("411111******1111", firstValue("SELECT pan FROM cards WHERE id = 1"));
        assertEquals("555555******4444", firstValue("SELECT c.pan AS card FROM cards c WHERE c.id = 2"));
    }

    // ---- generated keys are a read ----------------------------------------------------------------------

    @Test
    void generatedKeysByColumnNameAreDecidedLikeASelectOfThoseColumns() throws Exception {
        try (Connection c = guarded(HOLDER_UPDATES_YAML).getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE cards SET holder = 'Ada King' WHERE id = 1", new String[] {"CVV", "PAN"});
            PolicyViolationException refused = assertThrows(PolicyViolationException.class, s::getGeneratedKeys);
            assertEquals("denied by rule \"no-cvv\": SELECT on cards, public.cards; reads columns cards.cvv,"
                    + " public.cards.cvv", refused.getMessage());
            s.executeUpdate("UPDATE cards SET holder = 'Ada King' WHERE id = 1", new String[] {"PAN"});
            try (ResultSet keys = s.getGeneratedKeys()) {
                assertTrue(keys.next());
                assertEquals("411111******1111", keys.getString(1));
            }
        }
        audit().hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.DENIED).rule("no-cvv")
                        .action("SELECT CVV, PAN FROM PUBLIC.CARDS, cards"))
                .containsNoPan();
    }

    @Test
    void generatedKeysOfAnInsertStillComeBack() throws Exception {
        try (Connection c = guarded(TestPolicies.PAYMENTS_YAML).getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO orders (card_id, amount, status) VALUES (2, 5.00, 'new')",
                    Statement.RETURN_GENERATED_KEYS);
            try (ResultSet keys = s.getGeneratedKeys()) {
                assertTrue(keys.next());
                assertEquals(6, keys.getInt(1));
            }
        }
    }
}
