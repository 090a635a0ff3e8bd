package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TablesTest {

    private final SqlAnalyzer analyzer = SqlAnalyzer.builder().dialect(SqlDialect.POSTGRESQL).build();

    private SqlStatement only(String sql) {
        var statements = analyzer.analyze(sql).action().statements();
        assertEquals(1, statements.size(), sql);
        return statements.get(0);
    }

    /** "a b" → {a, b}; "-" → {}. */
    private static Set<String> set(String spaceSeparated) {
        return spaceSeparated.equals("-") ? Set.of() : new TreeSet<>(Arrays.asList(spaceSeparated.split(" ")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT * FROM cards                                                          | cards                | -
            SELECT * FROM public.cards                                                   | public.cards         | -
            SELECT c.pan FROM cards c JOIN users u ON u.id = c.uid LEFT JOIN audit a ON a.id = u.id | audit cards users | -
            SELECT * FROM cards, users                                                   | cards users          | -
            SELECT * FROM (SELECT * FROM cards) x                                        | cards                | -
            SELECT * FROM users WHERE id IN (SELECT uid FROM cards)                      | cards users          | -
            SELECT * FROM users u WHERE EXISTS (SELECT 1 FROM cards c WHERE c.uid = u.id) | cards users         | -
            SELECT (SELECT max(pan) FROM cards) AS p                                     | cards                | -
            SELECT id FROM users UNION SELECT uid FROM cards                             | cards users          | -
            SELECT id FROM users INTERSECT SELECT uid FROM cards EXCEPT SELECT id FROM banned | banned cards users |  -
            WITH x AS (SELECT pan FROM cards) SELECT * FROM x                            | cards                | -
            WITH x AS (SELECT 1) SELECT * FROM x                                         | -                    | -
            WITH cards AS (SELECT 1 AS pan) SELECT pan FROM cards                        | -                    | -
            WITH x AS (SELECT * FROM a), y AS (SELECT * FROM x JOIN b ON true) SELECT * FROM y | a b            | -
            WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r | -                 | -
            SELECT * FROM x.cards WHERE id = (WITH c AS (SELECT 1) SELECT * FROM c)      | x.cards              | -
            SELECT * FROM cards c, LATERAL (SELECT * FROM users u WHERE u.id = c.uid) l  | cards users          | -
            SELECT * FROM (cards c JOIN users u ON c.uid = u.id)                         | cards users          | -
            INSERT INTO archive SELECT * FROM cards                                      | cards                | archive
            INSERT INTO archive (id) SELECT id FROM cards UNION SELECT id FROM old_cards | cards old_cards      | archive
            INSERT INTO cards (id) VALUES ((SELECT max(id) FROM staged))                 | staged               | cards
            UPDATE cards SET pan = NULL WHERE id = 1                                     | -                    | cards
            UPDATE cards c SET pan = o.pan FROM other o WHERE c.id = o.id                | other                | cards
            UPDATE cards SET pan = (SELECT pan FROM staged s WHERE s.id = cards.id) WHERE id = 1 | staged       | cards
            DELETE FROM cards WHERE uid IN (SELECT id FROM users WHERE banned)           | users                | cards
            DELETE FROM cards USING users u WHERE cards.uid = u.id                       | users                | cards
            DELETE FROM cards WHERE id = 1 RETURNING pan                                 | cards                | cards
            MERGE INTO cards t USING staged s ON t.id = s.id WHEN MATCHED THEN DELETE     | staged               | cards
            WITH d AS (DELETE FROM cards RETURNING *) SELECT * FROM d                    | cards                | cards
            WITH d AS (DELETE FROM cards RETURNING *) INSERT INTO archive SELECT * FROM d | cards               | archive cards
            WITH u AS (UPDATE cards SET pan = NULL WHERE id = 1 RETURNING id) SELECT * FROM u | cards           | cards
            CREATE TABLE copy AS SELECT * FROM cards                                     | cards                | copy
            CREATE VIEW v AS SELECT pan FROM cards                                       | cards                | v
            DROP TABLE cards, users                                                      | -                    | cards users
            TRUNCATE cards, users                                                        | -                    | cards users
            ALTER TABLE cards ADD COLUMN note TEXT                                       | -                    | cards
            COPY cards TO STDOUT                                                         | cards                | -
            COPY cards FROM STDIN                                                        | -                    | cards
            COPY (SELECT * FROM cards JOIN users ON true) TO STDOUT                      | cards users          | -
            LOCK TABLE cards, users IN SHARE MODE                                        | -                    | cards users
            VACUUM (VERBOSE, ANALYZE) cards (pan), public.users                          | -                    | cards public.users
            TABLE cards                                                                  | cards                | -
            """)
    void findsTablesReadAndWritten(String sql, String read, String written) {
        SqlStatement s = only(sql);
        assertEquals(set(read), new TreeSet<>(s.tablesRead()), "read by " + sql);
        assertEquals(set(written), new TreeSet<>(s.tablesWritten()), "written by " + sql);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT * FROM CARDS                  | cards
            SELECT * FROM Public.Cards           | public.cards
            SELECT * FROM "Cards"                | Cards
            SELECT * FROM "CARDS"                | CARDS
            SELECT * FROM "public"."cards"       | public.cards
            SELECT * FROM "my ""odd"" table"     | my "odd" table
            SELECT * FROM "a.b"                  | a.b
            SELECT * FROM U&"c\\0061rds"          | cards
            SELECT * FROM U&"\\0043ARDS"          | CARDS
            SELECT * FROM U&"c!0061rds" UESCAPE '!' | cards
            SELECT * FROM `cards`                | cards
            SeLeCt * FrOm CaRdS                  | cards
            SELECT * FROM db.public.cards        | db.public.cards
            """)
    void normalisesTableNames(String sql, String table) {
        // unquoted names fold to lower case, quoted names keep their case without the quotes
        assertEquals(Set.of(table), only(sql).tablesRead());
    }

    @Test
    void cteNamesAreNotTablesButShadowOnlyUnqualifiedNames() {
        SqlStatement s = only("WITH cards AS (SELECT 1 AS pan) SELECT * FROM cards, public.cards");
        assertEquals(Set.of("public.cards"), s.tablesRead());
    }

    @Test
    void analysesEveryStatementOfAMultiStatementString() {
        var statements = analyzer.analyze("SELECT * FROM users; DELETE FROM cards; UPDATE t SET a = 1 WHERE b = 2")
                .action().statements();
        assertEquals(3, statements.size());
        assertEquals(Set.of("users"), statements.get(0).tablesRead());
        assertEquals(Set.of("cards"), statements.get(1).tablesWritten());
        assertEquals(Set.of("t"), statements.get(2).tablesWritten());
    }

    @Test
    void ignoresEmptyStatementsBetweenSeparators() {
        var statements = analyzer.analyze(";; SELECT 1 ;; ; -- done\n").action().statements();
        assertEquals(1, statements.size());
    }
}
