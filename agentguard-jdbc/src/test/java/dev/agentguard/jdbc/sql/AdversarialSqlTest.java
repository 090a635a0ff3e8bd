package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An attacker's review of the SQL analysis: statements that look like plain reads to a
 * table-confined allow rule (they read no table) but run a query hidden in a string, or read and
 * write data outside every table, must carry a dangerous form so that no such rule allows them.
 */
class AdversarialSqlTest {

    private final SqlAnalyzer postgres = SqlAnalyzer.builder().dialect(SqlDialect.POSTGRESQL).build();

    private SqlStatement only(String sql) {
        var statements = postgres.analyze(sql).action().statements();
        assertEquals(1, statements.size(), sql);
        return statements.get(0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, cvv::tsquery FROM cards')   | ts_rewrite
            SELECT * FROM crosstab('SELECT holder, id, cvv FROM cards') AS t(a text, b text)     | crosstab
            SELECT * FROM crosstab3('SELECT holder, id, cvv FROM cards')                         | crosstab3
            SELECT * FROM connectby('cards', 'cvv', 'id', '1', 0) AS t(a text, b text, c int)   | connectby
            """)
    void recognisesFunctionsThatRunAQueryGivenAsText(String sql, String form) {
        SqlStatement statement = only(sql);
        assertEquals(StatementKind.SELECT, statement.kind());
        assertEquals(Set.of(), statement.tablesRead());
        assertEquals(Set.of(form), statement.dangerousForms(), sql);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT lo_get(16384)                              | lo_get
            SELECT lo_put(16384, 0, '\\x00')                  | lo_put
            SELECT lo_unlink(16384)                           | lo_unlink
            SELECT lo_from_bytea(0, 'x')                      | lo_from_bytea
            SELECT lo_create(0)                               | lo_create
            SELECT lo_truncate(lo_open(16384, 131072), 0)     | lo_truncate
            SELECT loread(lo_open(16384, 262144), 100)        | loread
            SELECT lowrite(lo_open(16384, 131072), 'x')       | lowrite
            """)
    void recognisesLargeObjectFunctionsThatReadAndWriteOutsideEveryTable(String sql, String form) {
        SqlStatement statement = only(sql);
        assertEquals(StatementKind.SELECT, statement.kind());
        assertEquals(true, statement.dangerousForms().contains(form), sql + " -> " + statement.dangerousForms());
    }

    @org.junit.jupiter.api.Test
    void takesH2sCompatibilityModeForADangerousSetting() {
        SqlAnalyzer h2 = SqlAnalyzer.builder().dialect(SqlDialect.H2).build();
        SqlStatement statement = h2.analyze("SET MODE MySQL").action().statements().get(0);

        assertEquals(StatementKind.SET, statement.kind());
        assertEquals(Set.of("set mode"), statement.dangerousForms());
    }
}
