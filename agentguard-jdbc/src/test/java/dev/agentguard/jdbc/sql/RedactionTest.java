package dev.agentguard.jdbc.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class RedactionTest {

    private final SqlAnalyzer postgres = SqlAnalyzer.builder().dialect(SqlDialect.POSTGRESQL).build();

    /** The SQL, the redacted form expected, and the secret that must not survive anywhere. */
    static Stream<Arguments> literals() {
        return Stream.of(
                Arguments.of("SELECT * FROM cards WHERE pan = '4111111111111111'",
                        "SELECT * FROM cards WHERE pan = ?", "4111111111111111"),
                Arguments.of("SELECT * FROM cards WHERE pan = 4111111111111111",
                        "SELECT * FROM cards WHERE pan = ?", "4111111111111111"),
                Arguments.of("SELECT 'it''s a s3cret'", "SELECT ?", "s3cret"),
                Arguments.of("SELECT E'it\\\\s \\n s3cret'", "SELECT ?", "s3cret"),
                Arguments.of("SELECT e'x''s3cret'", "SELECT ?", "s3cret"),
                Arguments.of("SELECT $$s3cret ' \" -- $$", "SELECT ?", "s3cret"),
                Arguments.of("SELECT $tag$ s3cret $$ still $tag$", "SELECT ?", "s3cret"),
                Arguments.of("SELECT U&'s3cr\\0065t'", "SELECT ?", "s3cr"),
                Arguments.of("SELECT X'5333435245' , x'ff'", "SELECT ? , ?", "5333435245"),
                Arguments.of("SELECT B'1010101'", "SELECT ?", "1010101"),
                Arguments.of("SELECT N's3cret'", "SELECT ?", "s3cret"),
                Arguments.of("SELECT 1e5, 2.5E-3, .75, 12., 0x1F, 0b101, 0o17, 1_000_000",
                        "SELECT ?, ?, ?, ?, ?, ?, ?, ?", "75"),
                Arguments.of("SELECT DATE '2031-12-31', TIMESTAMP '2031-12-31 10:00', INTERVAL '7 days'",
                        "SELECT DATE ?, TIMESTAMP ?, INTERVAL ?", "2031"),
                Arguments.of("SELECT {d '2031-12-31'}", "SELECT {d ?}", "2031"),
                Arguments.of("SELECT -42", "SELECT -?", "42"),
                Arguments.of("SELECT a FROM t WHERE b = 77 -- the s3cret\n AND c = 88 /* s3cret */",
                        "SELECT a FROM t WHERE b = ? AND c = ?", "s3cret"),
                Arguments.of("SELECT a FROM t LIMIT 4242 OFFSET 4343", "SELECT a FROM t LIMIT ? OFFSET ?", "4242"),
                Arguments.of("INSERT INTO cards (pan, cvv) VALUES ('5555555555554444', '737')",
                        "INSERT INTO cards (pan, cvv) VALUES (?, ?)", "737"),
                Arguments.of("SELECT '4111111111111111'; SELECT '5555555555554444'",
                        "SELECT ?; SELECT ?", "5555"),
                // Text the lexer cannot read safely is not shown at all, only why.
                Arguments.of("SELECT * FROM t WHERE a = 'unterminated s3cret", "[SQL text withheld: the text reads "
                        + "differently in different databases: an unterminated string literal; close it with ']", "s3cret"),
                Arguments.of("SELECT * FROM t WHERE a = $$unterminated s3cret", "[SQL text withheld: the text reads "
                        + "differently in different databases: an unterminated dollar-quoted literal; close it with $$]",
                        "s3cret"),
                Arguments.of("SELECT n FROM t WHERE n = 'it\\' s3cret words'", null, "s3cret"));
    }

    @org.junit.jupiter.api.Test
    void showsNoDoubleQuotedTextUnderTheStrictReadingWhereMySqlTakesItForAString() {
        AnalyzedSql analysed = SqlAnalyzer.builder().build().analyze("SELECT id FROM people WHERE n = \"alice smith\"");
        assertEquals("SELECT id FROM people WHERE n = ?", analysed.redactedSql());
        assertEquals("SELECT id FROM people WHERE n = \"x\"", postgres.analyze("SELECT id FROM people WHERE n = \"x\"")
                .redactedSql(), "PostgreSQL reads it as a name, which the journal shows");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("literals")
    void replacesEveryLiteralWithAPlaceholder(String sql, String redacted, String secret) {
        AnalyzedSql analysed = postgres.analyze(sql);
        if (redacted != null) {
            assertEquals(redacted, analysed.redactedSql());
        }
        assertFalse(analysed.redactedSql().contains(secret), "redacted text leaks " + secret);
        assertFalse(analysed.shapeKey().contains(secret), "shape key leaks " + secret);
        analysed.action().statements().forEach(s -> assertFalse(String.valueOf(s).contains(secret),
                "analysis leaks " + secret + ": " + s));
    }

    @Test
    void keepsIdentifiersKeywordsAndBindParameters() {
        AnalyzedSql analysed = postgres.analyze("SELECT c.\"Pan\" FROM Cards c WHERE id = ? AND x = :name");
        assertEquals("SELECT c.\"Pan\" FROM Cards c WHERE id = ? AND x = :name", analysed.redactedSql());
        assertEquals(1, analysed.parameterCount());
    }

    @Test
    void collapsesWhitespaceAndDropsComments() {
        assertEquals("SELECT a, b FROM t",
                postgres.analyze("  SELECT\n\ta,   b -- why\n /* note */ FROM\r\n t  ").redactedSql());
    }

    @Test
    void countsBindParametersOutsideLiteralsAndComments() {
        assertEquals(3, postgres.analyze("SELECT ? , '?' , \"?\" , ? /* ? */ -- ?\n , ? , a ?? b").parameterCount());
    }

    @Test
    void unknownReasonsNeverHoldLiteralValues() {
        AnalyzedSql analysed = postgres.analyze("SELECT FROM WHERE 's3cret' 4111111111111111 ((");
        String reason = analysed.action().statements().get(0).unknownReason();
        assertFalse(reason.contains("s3cret"), reason);
        assertFalse(reason.contains("4111"), reason);
    }

    @Test
    void givesTheSameShapeKeyToStatementsThatDifferOnlyInLiterals() {
        String a = postgres.analyze("SELECT * FROM cards WHERE id = 1 AND pan = '4111' AND d = DATE '2020-01-01'").shapeKey();
        String b = postgres.analyze("select *   from CARDS where ID = 99 and PAN = 'x' and D = date '1999-12-31' -- c")
                .shapeKey();
        assertEquals(a, b);
        assertEquals(postgres.analyze("SELECT $$a$$, E'b', X'01', 1.5e3").shapeKey(),
                postgres.analyze("SELECT 'z', 'y', 'w', 7").shapeKey());
    }

    @Test
    void givesDifferentShapeKeysToDifferentShapes() {
        String base = postgres.analyze("SELECT * FROM cards WHERE id = 1").shapeKey();
        assertNotEquals(base, postgres.analyze("SELECT * FROM users WHERE id = 1").shapeKey());
        assertNotEquals(base, postgres.analyze("SELECT * FROM cards WHERE uid = 1").shapeKey());
        assertNotEquals(base, postgres.analyze("SELECT * FROM cards WHERE id = ?").shapeKey());
        assertNotEquals(base, postgres.analyze("SELECT * FROM \"CARDS\" WHERE id = 1").shapeKey());
        assertNotEquals(base, postgres.analyze("SELECT * FROM cards WHERE id = 1; DROP TABLE cards").shapeKey());
        assertNotEquals(postgres.analyze("COPY cards TO STDOUT").shapeKey(),
                postgres.analyze("COPY cards TO '/tmp/x'").shapeKey());
        assertNotEquals(postgres.analyze("COPY cards TO '/tmp/x'").shapeKey(),
                postgres.analyze("COPY cards TO PROGRAM '/tmp/x'").shapeKey());
    }

    @Test
    void aLiteralThatMakesTheTextAmbiguousChangesTheShapeKey() {
        // the backslash lives inside a literal, yet it decides the verdict, so it must be in the key
        AnalyzedSql plain = postgres.analyze("SELECT 'a', 'b'");
        AnalyzedSql ambiguous = postgres.analyze("SELECT 'a\\', 'b'");
        assertNotEquals(plain.shapeKey(), ambiguous.shapeKey());
        assertFalse(ambiguous.action().statements().get(0).isUnderstood());
    }
}
