package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimitsTest {

    private final SqlAnalyzer analyzer = SqlAnalyzer.builder().maxLength(10_000).maxNesting(20).build();

    private SqlStatement first(String sql) {
        return analyzer.analyze(sql).action().statements().get(0);
    }

    @Test
    void overLongTextIsUnknownWithoutBeingRead() {
        String sql = "SELECT '" + "x".repeat(5_000_000) + "'";
        AnalyzedSql analysed = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> analyzer.analyze(sql));
        SqlStatement s = analysed.action().statements().get(0);
        assertEquals(StatementKind.UNKNOWN, s.kind());
        assertEquals("the SQL text is 5000009 characters long, over the limit of 10000 (maxLength); "
                + "send shorter statements", s.unknownReason());
        assertEquals("[5000009 characters of SQL, not analysed: over maxLength]", analysed.redactedSql());
        assertFalse(analysed.redactedSql().contains("xxx"));
    }

    @Test
    void overNestedTextIsUnknownWithoutBeingParsed() {
        String sql = "SELECT " + "(".repeat(4_000) + "1" + ")".repeat(4_000);
        SqlStatement s = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> first(sql));
        assertEquals("the SQL text nests brackets or CASE expressions 4000 levels deep, over the limit of 20 "
                + "(maxNesting); simplify the statement", s.unknownReason());
    }

    @Test
    void deepCaseExpressionsCountAsNesting() {
        String sql = "SELECT " + "CASE WHEN a THEN ".repeat(30) + "1" + " END".repeat(30) + " FROM t";
        assertTrue(first(sql).unknownReason().contains("30 levels deep"), first(sql).unknownReason());
    }

    @Test
    void nestingUpToTheLimitIsAnalysed() {
        String sql = "SELECT " + "(".repeat(19) + "pan" + ")".repeat(19) + " FROM cards";
        assertEquals(StatementKind.SELECT, first(sql).kind());
    }

    @Test
    void aLongFlatExpressionWithinTheLengthLimitIsHandled() {
        SqlAnalyzer roomy = SqlAnalyzer.builder().build();
        String sql = "SELECT * FROM t WHERE " + "a = 1 AND ".repeat(9_000) + "a = 1";
        SqlStatement s = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> roomy.analyze(sql).action().statements().get(0));
        // understood, or refused as too deep for the walk: never an exception
        assertTrue(s.kind() == StatementKind.SELECT || !s.isUnderstood(), s.toString());
    }

    @Test
    void emptyAndCommentOnlyTextIsUnknown() {
        assertEquals("the text holds no SQL statement", first("").unknownReason());
        assertEquals("the text holds no SQL statement", first("  -- nothing\n /* at all */ ;; ").unknownReason());
    }

    @Test
    void rejectsNullWithANamedNullPointerException() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> analyzer.analyze(null));
        assertEquals("sql", e.getMessage());
    }

    @Test
    void neverThrowsOnGarbage() {
        Random random = new Random(20261126L);
        String[] pieces = {"SELECT", "FROM", "WHERE", "(", ")", "'", "\"", "$$", "$a$", "--", "/*", "*/", ";", ",", "?",
                "cards", "1e", "0x", "E'", "U&\"", "\\", "{call", "}", "WITH", "AS", "DELETE", "UNION", "::", "#",
                "\n", " ", "CASE", "END", "`", "[", "]", "COPY", "DO", "SET", "TO", "@", "x'", "N'", "\u2028", "é"};
        for (SqlAnalyzer a : List.of(analyzer, SqlAnalyzer.builder().dialect(SqlDialect.POSTGRESQL).build(),
                SqlAnalyzer.builder().dialect(SqlDialect.H2).build())) {
            for (int i = 0; i < 1_500; i++) {
                StringBuilder sql = new StringBuilder();
                int n = 1 + random.nextInt(25);
                for (int j = 0; j < n; j++) {
                    sql.append(pieces[random.nextInt(pieces.length)]);
                    if (random.nextBoolean()) {
                        sql.append(' ');
                    }
                }
                AnalyzedSql analysed = a.analyze(sql.toString());
                assertFalse(analysed.action().statements().isEmpty());
                for (SqlStatement s : analysed.action().statements()) {
                    assertTrue(s.isUnderstood() || s.unknownReason() != null);
                }
            }
        }
    }

    @Test
    void builderRejectsSettingsOutsideTheirRange() {
        assertEquals("maxLength must be at least 1 character, was 0; use the default of 100000 unless statements "
                        + "are known to be longer",
                assertThrows(IllegalArgumentException.class, () -> SqlAnalyzer.builder().maxLength(0)).getMessage());
        assertEquals("maxNesting must be between 1 and 500, was 501; deeper nesting overflows the parser's stack",
                assertThrows(IllegalArgumentException.class, () -> SqlAnalyzer.builder().maxNesting(501)).getMessage());
        assertEquals("cacheSize must be 0 (no cache) or more, was -1",
                assertThrows(IllegalArgumentException.class, () -> SqlAnalyzer.builder().cacheSize(-1)).getMessage());
        assertEquals("dialect must not be null; use SqlDialect.ANY when the database is not known",
                assertThrows(NullPointerException.class, () -> SqlAnalyzer.builder().dialect(null)).getMessage());
    }

    @Test
    void dialectFollowsTheJdbcProductName() {
        assertEquals(SqlDialect.POSTGRESQL, SqlDialect.fromProductName("PostgreSQL"));
        assertEquals(SqlDialect.H2, SqlDialect.fromProductName("H2"));
        assertEquals(SqlDialect.ANY, SqlDialect.fromProductName("MySQL"));
        assertEquals(SqlDialect.ANY, SqlDialect.fromProductName(null));
    }
}
