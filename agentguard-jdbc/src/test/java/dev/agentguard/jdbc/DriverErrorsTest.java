package dev.agentguard.jdbc;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SqlAction;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.jdbc.sql.AnalyzedSql;
import org.junit.jupiter.api.Test;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLWarning;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Database messages echo values; neither the agent nor the journal gets them raw. */
class DriverErrorsTest {

    private final DriverErrors errors = new DriverErrors(MaskingRules.builder()
            .column("*.cards.pan", MaskStrategy.PARTIAL)
            .detector("pan", MaskStrategy.PARTIAL)
            .build().masker());

    private static CheckedSql sql(String redacted, Set<String> columns) {
        SqlStatement statement = new SqlStatement(StatementKind.SELECT, Set.of("cards"), Set.of(), columns, Set.of(),
                false, Set.of(), null);
        AnalyzedSql analyzed = new AnalyzedSql(new SqlAction(List.of(statement)), redacted, redacted, 0);
        return CheckedSql.of(analyzed, new Action(Channel.JDBC, "db", redacted, analyzed.action()));
    }

    private static final CheckedSql HOLDERS = sql("SELECT holder FROM cards WHERE holder = ?", Set.of("cards.holder"));

    @Test
    void journalErrorDropsQuotedValuesNumbersAndH2sStatementEcho() {
        SQLException e = new SQLException("Column \"NOSUCH\" not found; SQL statement:\n"
                + "SELECT holder FROM cards WHERE holder = 'Ada' [42122-252]", "42S22", 42122);

        assertEquals("SQLState 42S22: Column \"?\" not found", errors.forJournal(e, HOLDERS));
    }

    @Test
    void journalErrorKeepsQuotedNamesTheJournaledSqlAlreadyShows() {
        SQLException e = new SQLException("ERROR: relation \"cards\" violates check on \"holder\" for value \"Ada Lovelace\"",
                "23514");

        assertEquals("SQLState 23514: ERROR: relation \"cards\" violates check on \"holder\" for value \"?\"",
                errors.forJournal(e, HOLDERS));
    }

    @Test
    void journalErrorDropsPostgresKeyDetailsAndCastValues() {
        SQLException unique = new SQLException("ERROR: duplicate key value violates unique constraint \"cards_pkey\"\n"
                + "  Detail: Key (holder)=(Ada Lovelace) already exists.", "23505");
        SQLException cast = new SQLException("ERROR: invalid input syntax for type integer: \"secret note\"\n  Position: 15",
                "22P02");

        // Detail carries the data the statement failed on: the journal keeps what went wrong only.
        assertEquals("SQLState 23505: ERROR: duplicate key value violates unique constraint \"?\"",
                errors.forJournal(unique, HOLDERS));
        assertEquals("SQLState 22P02: ERROR: invalid input syntax for type integer: \"?\"\n  Position: ?",
                errors.forJournal(cast, HOLDERS));
    }

    @Test
    void journalErrorDropsAFailingRowAndAPlpgsqlContext() {
        SQLException notNull = new SQLException("ERROR: null value in column \"cvv\" violates not-null constraint\n"
                + "  Detail: Failing row contains (5, Ada Lovelace, 4111 1111 1111 1111, null).", "23502");
        SQLException raised = new SQLException("ERROR: refused\n  Where: PL/pgSQL function check_card(text) line 3 at "
                + "RAISE with arg alice smith", "P0001");

        assertEquals("SQLState 23502: ERROR: null value in column \"?\" violates not-null constraint",
                errors.forJournal(notNull, HOLDERS));
        assertEquals("SQLState P0001: ERROR: refused", errors.forJournal(raised, HOLDERS));
    }

    @Test
    void journalErrorMasksAnUnquotedPanAndAnUnterminatedQuote() {
        SQLException e = new SQLException("value 4111 1111 1111 1111 is bad near 'abc", "22000");

        assertEquals("SQLState 22000: value ? ? ? ? is bad near '?", errors.forJournal(e, HOLDERS));
    }

    @Test
    void journalErrorOfANonSqlExceptionNamesItsClass() {
        assertEquals("IllegalStateException: broken at row ?",
                errors.forJournal(new IllegalStateException("broken at row 7"), null));
    }

    @Test
    void agentGetsAStandardCopyWithPansMasked() {
        SQLException driver = new SQLIntegrityConstraintViolationException(
                "Unique index violation: 4111111111111111", "23505", 23505);

        SQLException seen = errors.forAgent(driver, HOLDERS);

        assertNotSame(driver, seen);
        assertInstanceOf(SQLIntegrityConstraintViolationException.class, seen);
        assertEquals("Unique index violation: 411111******1111", seen.getMessage());
        assertEquals("23505", seen.getSQLState());
        assertEquals(23505, seen.getErrorCode());
        assertNull(seen.getCause(), "the driver's exception (with its raw details) is not reachable");
    }

    @Test
    void agentGetsNoMessageForAStatementOnMaskedColumns() {
        CheckedSql onPan = sql("SELECT CAST(pan AS INT) FROM cards", Set.of("cards.pan"));
        SQLException driver = new SQLException("Data conversion error converting \"4111111111111111\"", "22018", 22018);

        assertEquals("the database refused the statement (SQLState 22018, vendor code 22018); its message is withheld "
                + "because the statement touches masked columns, whose values database messages can echo",
                errors.forAgent(driver, onPan).getMessage());
    }

    @Test
    void batchFailureKeepsItsUpdateCountsAndChainedErrorsAreMasked() {
        BatchUpdateException driver = new BatchUpdateException("batch failed", "23505", 1, new int[]{1, -3}, null);
        driver.setNextException(new SQLException("duplicate 5555555555554444", "23505"));

        SQLException seen = errors.forAgent(driver, null);

        BatchUpdateException batch = assertInstanceOf(BatchUpdateException.class, seen);
        assertArrayEquals(new int[]{1, -3}, batch.getUpdateCounts());
        assertEquals("duplicate 555555******4444", seen.getNextException().getMessage());
    }

    @Test
    void warningsAreCopiedMasked() {
        SQLWarning first = new SQLWarning("card 4111111111111111 truncated", "01004");
        first.setNextWarning(new SQLWarning("second", "01000"));

        SQLWarning seen = errors.forAgent(first);

        assertEquals("card 411111******1111 truncated", seen.getMessage());
        assertEquals("second", seen.getNextWarning().getMessage());
        assertNull(errors.forAgent((SQLWarning) null));
    }
}
