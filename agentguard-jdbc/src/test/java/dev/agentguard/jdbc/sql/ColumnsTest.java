package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColumnsTest {

    private final SqlAnalyzer analyzer = SqlAnalyzer.builder().dialect(SqlDialect.POSTGRESQL).build();

    private SqlStatement only(String sql) {
        var statements = analyzer.analyze(sql).action().statements();
        assertEquals(1, statements.size(), sql);
        return statements.get(0);
    }

    private List<ResultColumn> resultColumns(String sql) {
        return analyzer.analyze(sql).resultColumns();
    }

    private static Set<String> set(String spaceSeparated) {
        return spaceSeparated.equals("-") ? Set.of() : new TreeSet<>(Arrays.asList(spaceSeparated.split(" ")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT pan FROM cards                                       | cards.pan
            SELECT c.pan, c.cvv FROM cards c                            | cards.cvv cards.pan
            SELECT c.pan FROM public.cards c WHERE c.id = ?             | public.cards.id public.cards.pan
            SELECT * FROM cards                                         | cards.*
            SELECT c.* FROM cards c JOIN users u ON u.id = c.uid        | cards.* cards.uid users.id
            SELECT * FROM cards c JOIN users u ON u.id = c.uid          | cards.* cards.uid users.* users.id
            SELECT upper(c.cvv) AS x FROM cards c                       | cards.cvv
            SELECT count(*) FROM cards                                  | -
            SELECT p FROM (SELECT pan AS p FROM cards) s                | cards.pan
            WITH x AS (SELECT cvv AS secret FROM cards) SELECT secret FROM x | cards.cvv
            UPDATE cards SET pan = NULL WHERE cvv = ?                   | cards.cvv cards.pan
            INSERT INTO cards (id, pan) VALUES (?, ?)                   | cards.id cards.pan
            DELETE FROM cards WHERE pan = ? RETURNING cvv               | cards.cvv cards.pan
            SELECT pan FROM cards ORDER BY cvv                          | cards.cvv cards.pan
            SELECT uid, count(*) FROM cards GROUP BY uid HAVING max(cvv) > 0 | cards.cvv cards.uid
            SELECT a FROM t1, t2                                        | t1.a t2.a
            SELECT now()                                                | -
            """)
    void findsColumnsWithAliasesResolved(String sql, String columns) {
        assertEquals(set(columns), new TreeSet<>(only(sql).columns()));
    }

    @Test
    void followsAColumnThroughAnAliasAndAnExpression() {
        List<ResultColumn> columns = resultColumns("SELECT upper(c.cvv) AS x, c.id FROM cards c");
        assertEquals(List.of(new ResultColumn(1, "x", Set.of("cards.cvv")), new ResultColumn(2, "id", Set.of("cards.id"))),
                columns);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT pan AS p FROM cards                                        | p         | cards.pan
            SELECT c.pan AS "Card Number" FROM cards c                        | Card Number | cards.pan
            SELECT PAN FROM cards                                             | pan       | cards.pan
            SELECT pan::text FROM cards                                       | pan       | cards.pan
            SELECT lower(pan) FROM cards                                      | lower     | cards.pan
            SELECT concat(substring(pan, 1, 6), '******', right(pan, 4)) AS masked FROM cards | masked | cards.pan
            SELECT CASE WHEN id > 0 THEN pan ELSE cvv END AS v FROM cards     | v         | cards.cvv cards.id cards.pan
            SELECT coalesce(c.pan, u.email) AS v FROM cards c JOIN users u ON true | v    | cards.pan users.email
            SELECT p FROM (SELECT pan AS p FROM cards) s                      | p         | cards.pan
            SELECT s.p FROM (SELECT upper(pan) AS p FROM cards) s             | p         | cards.pan
            SELECT x.pan FROM (SELECT * FROM cards) x                         | pan       | cards.pan
            WITH w AS (SELECT cvv FROM cards) SELECT w.cvv AS v FROM w        | v         | cards.cvv
            WITH w(code) AS (SELECT cvv FROM cards) SELECT code FROM w        | code      | cards.cvv
            SELECT (SELECT pan FROM cards LIMIT 1) AS first_pan               | first_pan | cards.pan
            SELECT string_agg(pan, ',') AS all_pans FROM cards                | all_pans  | cards.pan
            SELECT row_to_json(c) AS j FROM cards c                           | j         | cards.*
            SELECT max(pan) FROM cards                                        | max       | cards.pan
            SELECT count(pan) FROM cards                                      | count     | -
            SELECT 1 AS one                                                   | one       | -
            DELETE FROM cards WHERE id = 1 RETURNING pan AS p                 | p         | cards.pan
            UPDATE cards SET note = NULL WHERE id = 1 RETURNING upper(cvv) AS c | c       | cards.cvv
            """)
    void labelsAResultColumnAndFindsEverySource(String sql, String label, String sources) {
        List<ResultColumn> columns = resultColumns(sql);
        assertEquals(1, columns.size(), sql);
        assertEquals(label, columns.get(0).label());
        assertEquals(1, columns.get(0).index());
        Set<String> actual = new TreeSet<>(columns.get(0).sourceColumns());
        // a whole-row reference also names the alias itself as a column candidate
        actual.removeIf(s -> s.equals("cards.c"));
        assertEquals(set(sources), actual);
    }

    @Test
    void aStarItemIsSourcedFromEveryColumnOfItsTable() {
        assertEquals(List.of(new ResultColumn(1, "*", Set.of("cards.*"))), resultColumns("SELECT * FROM cards"));
        assertEquals(List.of(new ResultColumn(1, "*", Set.of("public.cards.*")), new ResultColumn(2, "name", Set.of("users.name"))),
                resultColumns("SELECT c.*, u.name FROM public.cards c JOIN users u ON u.id = c.uid"));
        assertEquals(List.of(new ResultColumn(1, "*", Set.of("cards.*")), new ResultColumn(2, "*", Set.of("users.*"))),
                resultColumns("SELECT * FROM cards, users"));
    }

    @Test
    void aStarOverADerivedTableKeepsItsLabelsAndSources() {
        assertEquals(List.of(new ResultColumn(1, "p", Set.of("cards.pan")), new ResultColumn(2, "id", Set.of("cards.id"))),
                resultColumns("SELECT * FROM (SELECT pan AS p, id FROM cards) s"));
    }

    @Test
    void mergesSetOperationBranchesByPosition() {
        assertEquals(List.of(new ResultColumn(1, "id", Set.of("users.id", "cards.id")),
                        new ResultColumn(2, "name", Set.of("users.name", "cards.pan"))),
                resultColumns("SELECT id, name FROM users UNION ALL SELECT id, pan FROM cards"));
    }

    @Test
    void setOperationsWithAStarFallBackToEverySourceForEveryColumn() {
        List<ResultColumn> columns = resultColumns("SELECT * FROM users UNION SELECT id, pan FROM cards");
        assertEquals(1, columns.size());
        assertEquals("*", columns.get(0).label());
        assertEquals(Set.of("users.*", "cards.id", "cards.pan"), columns.get(0).sourceColumns());
    }

    @Test
    void dataModifyingCteFeedsItsReturningColumnsToTheQuery() {
        assertEquals(List.of(new ResultColumn(1, "*", Set.of("cards.*"))),
                resultColumns("WITH d AS (DELETE FROM cards RETURNING *) SELECT * FROM d"));
    }

    @Test
    void anUnqualifiedColumnInACorrelatedSubQueryMayComeFromTheOuterQuery() {
        List<ResultColumn> columns = resultColumns(
                "SELECT (SELECT cvv FROM users u WHERE u.id = c.uid) AS v FROM cards c");
        assertTrue(columns.get(0).sourceColumns().contains("cards.cvv"), columns.toString());
    }

    @Test
    void hasNoResultColumnsWhenTheStatementReturnsNoRows() {
        assertEquals(List.of(), resultColumns("UPDATE cards SET pan = NULL WHERE id = 1"));
        assertEquals(List.of(), resultColumns("INSERT INTO cards (id) VALUES (1)"));
        assertEquals(List.of(), resultColumns("SELECT 1; SELECT 2"));
        assertEquals(List.of(), resultColumns("not sql at all"));
    }
}
