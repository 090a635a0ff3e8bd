package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresFlavourTest {

    private final SqlAnalyzer postgres = SqlAnalyzer.builder().dialect(SqlDialect.POSTGRESQL).build();

    private SqlStatement only(String sql) {
        var statements = postgres.analyze(sql).action().statements();
        assertEquals(1, statements.size(), sql);
        return statements.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id::text, amount::numeric(10,2), '{1,2}'::int[] FROM payments",
            "SELECT * FROM users WHERE email ILIKE '%@example.com' AND name NOT ILIKE 'a%'",
            "SELECT * FROM users WHERE id = ANY(ARRAY[1, 2, 3]) AND tags && ARRAY['a']",
            "SELECT * FROM users WHERE id = ANY(?) AND id <> ALL(SELECT banned_id FROM bans)",
            "SELECT data->'a'->>'b', data @> '{\"a\": 1}', data ? 'k' FROM docs",
            "SELECT arr[1], arr[2:3], array_length(arr, 1) FROM t",
            "SELECT DISTINCT ON (uid) uid, created_at FROM events ORDER BY uid, created_at DESC",
            "SELECT uid, count(*) FILTER (WHERE ok) FROM events GROUP BY uid",
            "SELECT x, row_number() OVER (PARTITION BY y ORDER BY z) FROM t",
            "SELECT * FROM generate_series(1, 10) AS g(n)",
            "SELECT * FROM t WHERE created_at > now() - INTERVAL '7 days'",
            "SELECT name || ' ' || surname AS full_name FROM users",
            "SELECT * FROM t WHERE a IS DISTINCT FROM b",
            "SELECT * FROM t WHERE (a, b) IN (SELECT x, y FROM u)",
            "SELECT * FROM t ORDER BY a NULLS LAST LIMIT 10 OFFSET 20",
            "SELECT * FROM t FETCH FIRST 5 ROWS ONLY",
            "SELECT * FROM t FOR UPDATE SKIP LOCKED",
            "SELECT date_trunc('day', ts), extract(epoch FROM ts) FROM t",
            "SELECT jsonb_build_object('a', a), to_char(ts, 'YYYY') FROM t",
            "SELECT * FROM cards WHERE pan ~ '^4'",
    })
    void understandsPostgresqlQueries(String sql) {
        SqlStatement s = only(sql);
        assertEquals(StatementKind.SELECT, s.kind(), () -> sql + " → " + s);
    }

    @Test
    void castsDoNotHideColumns() {
        AnalyzedSql a = postgres.analyze("SELECT pan::text AS p, cvv::varchar(3) FROM cards");
        assertEquals(Set.of("cards.pan"), a.resultColumns().get(0).sourceColumns());
        assertEquals("cvv", a.resultColumns().get(1).label());
        assertEquals(Set.of("cards.cvv"), a.resultColumns().get(1).sourceColumns());
    }

    @Test
    void concatenationCarriesEveryOperandAsASource() {
        AnalyzedSql a = postgres.analyze("SELECT left(pan, 6) || '******' || right(pan, 4) || cvv AS shown FROM cards");
        assertEquals(Set.of("cards.pan", "cards.cvv"), a.resultColumns().get(0).sourceColumns());
    }

    @Test
    void onConflictDoUpdateIsAnUpsertThatWritesTheTarget() {
        SqlStatement s = only("INSERT INTO cards AS c (id, pan) VALUES (?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET pan = EXCLUDED.pan WHERE c.locked = false RETURNING c.id");
        assertEquals(StatementKind.MERGE, s.kind());
        assertEquals(Set.of("cards"), s.tablesWritten());
        assertTrue(s.columns().containsAll(Set.of("cards.id", "cards.pan", "cards.locked")), s.columns().toString());
    }

    @Test
    void returningMakesAWriteAReadOfTheReturnedColumns() {
        AnalyzedSql a = postgres.analyze("UPDATE cards SET note = ? WHERE id = ? RETURNING pan, cvv AS code");
        SqlStatement s = a.action().statements().get(0);
        assertEquals(Set.of("cards"), s.tablesRead());
        assertEquals(List.of(new ResultColumn(1, "pan", Set.of("cards.pan")), new ResultColumn(2, "code", Set.of("cards.cvv"))),
                a.resultColumns());
    }

    @Test
    void deleteUsingAndUpdateFromReadTheirExtraTables() {
        assertEquals(Set.of("banned"), only("DELETE FROM cards c USING banned b WHERE c.uid = b.uid").tablesRead());
        assertEquals(Set.of("staged"), only("UPDATE cards SET pan = s.pan FROM staged s WHERE cards.id = s.id").tablesRead());
    }

    @Test
    void dataModifyingCtesAreWritesWhateverTheOuterStatement() {
        SqlStatement s = only("WITH moved AS (DELETE FROM cards WHERE expired RETURNING *) "
                + "INSERT INTO cards_archive SELECT * FROM moved");
        assertEquals(StatementKind.DELETE, s.kind());
        assertEquals(Set.of("cards", "cards_archive"), s.tablesWritten());
    }

    @Test
    void positionalParametersAreKeptAndNotCountedAsJdbcParameters() {
        AnalyzedSql a = postgres.analyze("PREPARE q (int) AS SELECT * FROM cards WHERE id = $1");
        assertEquals("PREPARE q (int) AS SELECT * FROM cards WHERE id = $1", a.redactedSql());
        assertEquals(0, a.parameterCount());
    }

    @Test
    void questionMarkOperatorsAreEscapedAsDoubleQuestionMarks() {
        // PostgreSQL's JDBC driver reads ?? as the jsonb ? operator and ? as a bind parameter
        AnalyzedSql a = postgres.analyze("SELECT * FROM docs WHERE data ?? 'key' AND id = ?");
        assertEquals(1, a.parameterCount());
    }
}
