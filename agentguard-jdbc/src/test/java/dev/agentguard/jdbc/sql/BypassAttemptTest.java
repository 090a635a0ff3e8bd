package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attempts to make the analysis see something other than what the database runs. Each must
 * either be seen for what it is, or come back UNKNOWN (which policies refuse).
 */
class BypassAttemptTest {

    private final SqlAnalyzer any = SqlAnalyzer.builder().build();
    private final SqlAnalyzer postgres = SqlAnalyzer.builder().dialect(SqlDialect.POSTGRESQL).build();
    private final SqlAnalyzer h2 = SqlAnalyzer.builder().dialect(SqlDialect.H2).build();

    private static List<SqlStatement> statements(SqlAnalyzer analyzer, String sql) {
        return analyzer.analyze(sql).action().statements();
    }

    /** True when no statement of the text could pass as harmless: it writes cards, or is not understood. */
    private static boolean cardsWriteSeenOrUnknown(List<SqlStatement> statements) {
        return statements.stream().anyMatch(s -> !s.isUnderstood() || s.tablesWritten().contains("cards"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1; DROP TABLE cards",
            "SELECT 1;DROP TABLE cards",
            "SELECT 1 -- comment\n; DROP TABLE cards",
            "SELECT 1 /* ; */ ; DROP TABLE cards",
            "SELECT 'a;b'; DELETE FROM cards",
            "SELECT \"x;y\" FROM t; TRUNCATE cards",
            "SELECT 1 DROP TABLE cards",
            "dElEtE fRoM CaRdS",
            "DELETE FROM \"cards\"",
            "DELETE FROM U&\"c\\0061rds\"",
            "DELETE FROM U&\"\\0063\\0061\\0072\\0064\\0073\"",
            "DELETE FROM U&\"c!0061rds\" UESCAPE '!'",
            "DELETE FROM `cards`",
            "DELETE\tFROM\ncards",
            "DELETE/**/FROM/**/cards",
            "WITH d AS (DELETE FROM cards RETURNING *) SELECT * FROM d",
            "WITH a AS (SELECT 1), d AS (DELETE FROM cards RETURNING id) SELECT * FROM a",
            "SELECT * FROM t WHERE id IN (WITH d AS (DELETE FROM cards RETURNING id) SELECT id FROM d)",
            "EXPLAIN ANALYZE DELETE FROM cards",
            "PREPARE p AS DELETE FROM cards",
            "/*!50000 DELETE FROM cards */",
            "SELECT 1 /*! ; DELETE FROM cards */",
            "SELECT 1 /*M! ; DELETE FROM cards */",
            "SELECT 'a\\' ; DELETE FROM cards; -- '",
            "SELECT \"a\\\" ; DELETE FROM cards; -- \"",
            "SELECT E'\\' ; DELETE FROM cards; --'",
            "SELECT 1\u2028; DELETE FROM cards",
            "DELETE\u00A0FROM cards",
            "DEL\u200BETE FROM cards",
            "SELECT 1from cards; DELETE FROM cards",
            "DELETE FROM cards\u0000",
    })
    void aHiddenWriteToCardsIsSeenOrTheTextIsUnknown(String sql) {
        for (SqlAnalyzer analyzer : List.of(any, postgres, h2)) {
            assertTrue(cardsWriteSeenOrUnknown(statements(analyzer, sql)),
                    () -> "missed with " + analyzer + ": " + statements(analyzer, sql));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1 # ; DELETE FROM cards",
            "SELECT 1 --x\n; DELETE FROM cards",
            "SELECT 1 // ; DELETE FROM cards",
            "SELECT $$ ; DELETE FROM cards; $$",
            "SELECT 1 /* outer /* inner */ ; DELETE FROM cards */",
    })
    void withoutADialectTextThatHidesAWriteFromSomeDatabaseIsUnknown(String sql) {
        // each of these hides the DELETE from one database and shows it to another
        assertTrue(cardsWriteSeenOrUnknown(statements(any, sql)), () -> "missed: " + statements(any, sql));
    }

    @Test
    void aKeywordAfterAnExpressionIsAnAliasNotAStatement() {
        // PostgreSQL and H2 read this as SELECT 1 AS "delete" FROM cards: a read, not a delete
        SqlStatement s = statements(postgres, "SELECT 1 /* comment */ DELETE FROM cards").get(0);
        assertEquals(StatementKind.SELECT, s.kind());
        assertEquals(Set.of("cards"), s.tablesRead());
    }

    @Test
    void aCommentedOutStatementIsNotAnalysed() {
        assertEquals(1, statements(any, "SELECT 1 -- ; DROP TABLE cards").size());
        assertEquals(1, statements(any, "SELECT 1 /* ; DROP TABLE cards */").size());
        assertTrue(statements(any, "SELECT 1 -- ; DROP TABLE cards").get(0).isUnderstood());
    }

    @Test
    void aCommentInsideAKeywordSplitsIt() {
        // every database reads a comment as a token separator: DEL/**/ETE is two words, not DELETE
        SqlStatement s = statements(any, "DEL/**/ETE FROM cards").get(0);
        assertEquals(StatementKind.UNKNOWN, s.kind());
    }

    @Test
    void postgresqlReadsNestedCommentsAsOneComment() {
        List<SqlStatement> s = statements(postgres, "SELECT 1 /* outer /* inner */ ; DROP TABLE cards */");
        assertEquals(1, s.size());
        assertEquals(StatementKind.SELECT, s.get(0).kind());
    }

    @Test
    void h2ReadsDoubleSlashAsALineComment() {
        List<SqlStatement> s = statements(h2, "SELECT 1 // ; DROP TABLE cards");
        assertEquals(1, s.size());
        assertEquals(StatementKind.SELECT, s.get(0).kind());
    }

    @Test
    void theDefaultDialectRefusesConstructsDatabasesReadDifferently() {
        assertUnknownBecause(any, "SELECT $$x$$", "dollar-quoted literal");
        assertUnknownBecause(any, "SELECT 1 --x", "'--' directly followed");
        assertUnknownBecause(any, "SELECT a # b FROM t", "'#' starts a comment in MySQL");
        assertUnknownBecause(any, "SELECT 1 /* a /* b */ */", "nested block comment");
        assertUnknownBecause(any, "SELECT 1 // x", "'//' starts a comment in H2");
        assertUnknownBecause(h2, "SELECT $tag$x$tag$", "H2 reads only $$");
    }

    @Test
    void everyDialectRefusesBackslashQuotesExecutableCommentsAndNumbersRunIntoWords() {
        for (SqlAnalyzer analyzer : List.of(any, postgres, h2)) {
            assertUnknownBecause(analyzer, "SELECT 'a\\'", "a backslash before a quote");
            assertUnknownBecause(analyzer, "SELECT E'a\\''", "backslash-escaped quote");
            assertUnknownBecause(analyzer, "SELECT 1 /*!50000 , pan */ FROM cards", "MySQL executable comment");
            assertUnknownBecause(analyzer, "SELECT 1from cards", "a number directly followed by a letter");
            assertUnknownBecause(analyzer, "SELECT\u2028pan FROM cards", "Unicode space");
        }
    }

    @Test
    void quotedCaseIsKeptSoPoliciesCanCompareIt() {
        // PostgreSQL keeps "CARDS" distinct from cards; H2 folds unquoted cards to CARDS. The name is
        // reported as written so a case-insensitive policy match catches both.
        assertEquals(Set.of("CARDS"), statements(any, "SELECT * FROM \"CARDS\"").get(0).tablesRead());
        assertEquals(Set.of("cards"), statements(any, "SELECT * FROM CARDS").get(0).tablesRead());
    }

    @Test
    void readsThroughNestedAndSetQueriesAreSeen() {
        assertEquals(Set.of("cards"), statements(any,
                "SELECT * FROM (SELECT * FROM (SELECT * FROM (SELECT pan FROM cards) a) b) c").get(0).tablesRead());
        assertEquals(Set.of("cards"), statements(any, "SELECT 1 UNION SELECT pan FROM cards").get(0).tablesRead());
        assertEquals(Set.of("t", "cards"), statements(any,
                "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM t WHERE x IN (SELECT pan FROM cards))").get(0).tablesRead());
        assertEquals(Set.of("cards"), statements(any,
                "SELECT (SELECT (SELECT max(pan) FROM cards))").get(0).tablesRead());
    }

    @Test
    void aColumnHiddenInAStandardFunctionSyntaxIsStillASource() {
        AnalyzedSql a = postgres.analyze("SELECT substring(cvv FROM 1 FOR 3) AS x, position('1' IN pan) AS y FROM cards");
        assertEquals(Set.of("cards.cvv"), a.resultColumns().get(0).sourceColumns());
        assertEquals(Set.of("cards.pan"), a.resultColumns().get(1).sourceColumns());
    }

    @Test
    void aColumnAliasCannotHideAMaskedColumn() {
        AnalyzedSql a = postgres.analyze("SELECT pan AS id, id AS pan FROM cards");
        assertEquals(Set.of("cards.pan"), a.resultColumns().get(0).sourceColumns());
        assertEquals(Set.of("cards.id"), a.resultColumns().get(1).sourceColumns());
    }

    @Test
    void aTableAliasColumnListCannotRenameAMaskedColumnAway() {
        // cards AS c(a) renames the first column of cards, whichever it is, to a
        AnalyzedSql a = postgres.analyze("SELECT a FROM cards AS c(a, b)");
        assertTrue(a.resultColumns().get(0).sourceColumns().contains("cards.*"), a.resultColumns().toString());
        AnalyzedSql derived = postgres.analyze("SELECT x.a FROM (SELECT * FROM cards) AS x(a)");
        assertTrue(derived.resultColumns().get(0).sourceColumns().contains("cards.*"), derived.resultColumns().toString());
    }

    @Test
    void aSetReturningFunctionPassesOnWhatItsArgumentsRead() {
        assertTrue(postgres.analyze("SELECT u FROM cards, unnest(ARRAY[pan]) AS u").resultColumns().get(0)
                .sourceColumns().contains("cards.pan"));
        assertTrue(postgres.analyze("SELECT value FROM cards c, json_each(to_json(c))").resultColumns().get(0)
                .sourceColumns().contains("cards.*"));
    }

    @Test
    void aUnionWithAStarCannotMoveAMaskedColumnUnderAnotherName() {
        // the second branch's columns land under the first branch's names, position by position
        AnalyzedSql a = postgres.analyze("SELECT x.name FROM (SELECT id, name FROM users UNION SELECT * FROM cards) x");
        assertTrue(a.resultColumns().get(0).sourceColumns().contains("cards.*"), a.resultColumns().toString());
    }

    @Test
    void theParserNeverSeesLiteralsSoALiteralCannotSteerIt() {
        // if the parser saw the literal it might read the quote differently; it sees '' instead
        SqlStatement s = statements(postgres, "SELECT * FROM t WHERE a = 'x'' OR 1=1 UNION SELECT pan FROM cards --'")
                .get(0);
        assertEquals(Set.of("t"), s.tablesRead());
    }

    private static void assertUnknownBecause(SqlAnalyzer analyzer, String sql, String reasonPart) {
        SqlStatement s = analyzer.analyze(sql).action().statements().get(0);
        assertFalse(s.isUnderstood(), sql + " was understood as " + s);
        assertTrue(s.unknownReason().contains(reasonPart), s.unknownReason());
    }
}
