package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Statements JSqlParser does not parse, recognised from their tokens and never let through by default. */
class UnparsedFormsTest {

    private final SqlAnalyzer postgres = SqlAnalyzer.builder().dialect(SqlDialect.POSTGRESQL).build();

    private SqlStatement only(String sql) {
        var statements = postgres.analyze(sql).action().statements();
        assertEquals(1, statements.size(), sql);
        return statements.get(0);
    }

    @Test
    void doIsACallWithAnUnknowableBody() {
        SqlStatement s = only("DO $body$ BEGIN DELETE FROM cards; END $body$ LANGUAGE plpgsql");
        assertEquals(StatementKind.CALL, s.kind());
        assertEquals(Set.of("do"), s.dangerousForms());
        assertEquals(Set.of(), s.tablesWritten());
    }

    @Test
    void copyToStdoutReadsTheTableAndItsColumns() {
        SqlStatement s = only("COPY public.cards (pan, cvv) TO STDOUT WITH (FORMAT csv)");
        assertEquals(StatementKind.SELECT, s.kind());
        assertEquals(Set.of("public.cards"), s.tablesRead());
        assertEquals(Set.of("public.cards.pan", "public.cards.cvv"), s.columns());
        assertEquals(Set.of(), s.dangerousForms());
    }

    @Test
    void copyFromStdinWritesTheTable() {
        SqlStatement s = only("COPY cards FROM STDIN");
        assertEquals(StatementKind.INSERT, s.kind());
        assertEquals(Set.of("cards"), s.tablesWritten());
    }

    @Test
    void copyOfAQueryIsJudgedAsTheQuery() {
        SqlStatement s = only("COPY (DELETE FROM cards RETURNING *) TO STDOUT");
        assertEquals(StatementKind.DELETE, s.kind());
        assertTrue(s.whereMissing());
        assertEquals(Set.of("cards"), s.tablesWritten());
    }

    @ParameterizedTest
    @ValueSource(strings = {"COPY", "COPY cards", "COPY cards TO", "COPY cards TO somewhere", "COPY (SELECT 1 TO STDOUT"})
    void anIncompleteCopyIsUnknown(String sql) {
        assertFalse(only(sql).isUnderstood(), sql);
    }

    @Test
    void vacuumAndAnalyzeAreMaintenanceOnTheTablesNamed() {
        SqlStatement vacuum = only("VACUUM (FULL, ANALYZE) cards (pan), archive");
        assertEquals(StatementKind.DDL, vacuum.kind());
        assertEquals(Set.of("cards", "archive"), vacuum.tablesWritten());
        assertEquals(StatementKind.DDL, only("VACUUM").kind());
        assertEquals(StatementKind.DDL, only("ANALYZE VERBOSE cards").kind());
        assertEquals(StatementKind.DDL, only("REINDEX TABLE cards").kind());
    }

    @Test
    void setToIsASessionSetting() {
        SqlStatement s = only("SET work_mem TO '64MB'");
        assertEquals(StatementKind.SET, s.kind());
        assertEquals(Set.of(), s.dangerousForms());
        assertEquals(StatementKind.SET, only("SET LOCAL lock_timeout TO DEFAULT").kind());
    }

    @Test
    void setWithASubQueryIsParsedAndItsTablesAreRead() {
        SqlStatement s = only("SET @x = (SELECT max(pan) FROM cards)");
        assertEquals(StatementKind.SET, s.kind());
        assertEquals(Set.of("cards"), s.tablesRead());
    }

    @Test
    void jdbcCallEscapesAreCalls() {
        SqlStatement call = only("{call billing.refresh(?, ?)}");
        assertEquals(StatementKind.CALL, call.kind());
        assertEquals(Set.of("billing.refresh"), call.functions());
        SqlStatement function = only("{? = call compute_total(?)}");
        assertEquals(StatementKind.CALL, function.kind());
        assertEquals(Set.of("compute_total"), function.functions());
        assertEquals(2, postgres.analyze("{? = call compute_total(?)}").parameterCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{call}", "{call p(?)", "{fn now()}", "{oj t LEFT OUTER JOIN u ON true}", "{call p()} junk",
            "{? call p()}"})
    void otherJdbcEscapesAtTheStartOfAStatementAreUnknown(String sql) {
        assertFalse(only(sql).isUnderstood(), sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "BEGIN TRANSACTION", "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY",
            "START TRANSACTION", "COMMIT", "COMMIT AND CHAIN", "END", "END TRANSACTION", "ROLLBACK",
            "ABORT", "SAVEPOINT s", "RELEASE SAVEPOINT s", "RELEASE s", "ROLLBACK TO s",
            "PREPARE TRANSACTION 'tx1'", "COMMIT PREPARED 'tx1'", "SET CONSTRAINTS ALL DEFERRED",
            "UNLOCK TABLES"})
    void transactionControlIsTransaction(String sql) {
        SqlStatement s = only(sql);
        assertEquals(StatementKind.TRANSACTION, s.kind(), () -> sql + " → " + s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BEGIN DELETE FROM cards; END", "BEGIN ATOMIC SELECT 1", "END LOOP",
            "BEGIN (SELECT 1)"})
    void proceduralBlocksAreUnknown(String sql) {
        assertFalse(postgres.analyze(sql).action().statements().get(0).isUnderstood(), sql);
    }

    @Test
    void prepareIsJudgedAsThePreparedStatementAndExecuteAsACall() {
        SqlStatement prepared = only("PREPARE wipe (int) AS DELETE FROM cards WHERE id = $1");
        assertEquals(StatementKind.DELETE, prepared.kind());
        assertEquals(Set.of("cards"), prepared.tablesWritten());
        assertEquals(StatementKind.CALL, only("EXECUTE wipe(1)").kind());
    }

    @Test
    void explainIsJudgedAsTheExplainedStatement() {
        SqlStatement s = only("EXPLAIN (ANALYZE, FORMAT JSON) SELECT pan FROM cards");
        assertEquals(StatementKind.SELECT, s.kind());
        assertEquals(Set.of("cards"), s.tablesRead());
        assertEquals(java.util.List.of(), postgres.analyze("EXPLAIN SELECT pan FROM cards").resultColumns());
    }

    @Test
    void lockWritesTheTablesItLocks() {
        SqlStatement s = only("LOCK TABLE ONLY cards, public.users IN ACCESS EXCLUSIVE MODE NOWAIT");
        assertEquals(StatementKind.TRANSACTION, s.kind());
        assertEquals(Set.of("cards", "public.users"), s.tablesWritten());
    }
}
