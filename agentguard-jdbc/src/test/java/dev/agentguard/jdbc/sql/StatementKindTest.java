package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatementKindTest {

    private final SqlAnalyzer analyzer = SqlAnalyzer.builder().dialect(SqlDialect.POSTGRESQL).build();

    private SqlStatement only(String sql) {
        var statements = analyzer.analyze(sql).action().statements();
        assertEquals(1, statements.size(), sql);
        return statements.get(0);
    }

    @ParameterizedTest(name = "{1} is {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT      | SELECT id FROM cards
            SELECT      | select * from cards c join users u on u.id = c.uid
            SELECT      | VALUES (1, 2)
            SELECT      | TABLE cards
            SELECT      | (SELECT 1) UNION (SELECT 2)
            SELECT      | WITH x AS (SELECT 1) SELECT * FROM x
            SELECT      | SELECT * FROM cards FOR UPDATE
            INSERT      | INSERT INTO cards (id) VALUES (1)
            INSERT      | INSERT INTO cards SELECT * FROM staged
            INSERT      | INSERT INTO cards (id) VALUES (1) ON CONFLICT DO NOTHING
            UPDATE      | UPDATE cards SET pan = ? WHERE id = ?
            DELETE      | DELETE FROM cards WHERE id = ?
            MERGE       | MERGE INTO cards t USING staged s ON t.id = s.id WHEN MATCHED THEN UPDATE SET pan = s.pan
            MERGE       | INSERT INTO cards (id, pan) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET pan = excluded.pan
            MERGE       | REPLACE INTO cards (id) VALUES (1)
            DDL         | CREATE TABLE t (id INT PRIMARY KEY)
            DDL         | ALTER TABLE cards ADD COLUMN note TEXT
            DDL         | DROP TABLE cards
            DDL         | TRUNCATE cards
            DDL         | CREATE INDEX i ON cards (pan)
            DDL         | CREATE VIEW v AS SELECT pan FROM cards
            DDL         | COMMENT ON TABLE cards IS 'x'
            DDL         | VACUUM cards
            DDL         | ANALYZE cards
            DDL         | CREATE SEQUENCE s
            DDL         | SELECT * INTO backup_cards FROM cards
            DCL         | GRANT SELECT ON cards TO bob
            DCL         | REVOKE SELECT ON cards FROM bob
            DCL         | CREATE ROLE auditor
            DCL         | ALTER ROLE bob SUPERUSER
            CALL        | CALL refresh_stats(1)
            CALL        | EXECUTE prepared_plan(1)
            CALL        | {call refresh_stats(?)}
            CALL        | {? = call compute(?)}
            CALL        | DO $$ BEGIN PERFORM 1; END $$
            TRANSACTION | BEGIN
            TRANSACTION | START TRANSACTION ISOLATION LEVEL SERIALIZABLE
            TRANSACTION | COMMIT
            TRANSACTION | END
            TRANSACTION | ROLLBACK
            TRANSACTION | ROLLBACK TO SAVEPOINT s1
            TRANSACTION | SAVEPOINT s1
            TRANSACTION | RELEASE SAVEPOINT s1
            TRANSACTION | SET TRANSACTION ISOLATION LEVEL READ COMMITTED
            TRANSACTION | LOCK TABLE cards IN ACCESS EXCLUSIVE MODE
            SET         | SET statement_timeout TO 1000
            SET         | SET statement_timeout = '5s'
            SET         | SET TIME ZONE 'UTC'
            SET         | RESET statement_timeout
            SET         | SHOW search_path
            SET         | DISCARD ALL
            UNKNOWN     | DEL/**/ETE FROM cards
            UNKNOWN     | this is not sql
            UNKNOWN     | SELECT FROM WHERE
            """)
    void classifiesEveryKind(StatementKind kind, String sql) {
        assertEquals(kind, only(sql).kind());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            WITH d AS (DELETE FROM cards RETURNING *) SELECT * FROM d                     | DELETE
            WITH u AS (UPDATE cards SET pan = NULL WHERE id = 1 RETURNING id) SELECT * FROM u | UPDATE
            WITH i AS (INSERT INTO log (id) VALUES (1) RETURNING id) SELECT * FROM i       | INSERT
            WITH i AS (INSERT INTO log VALUES (1) RETURNING id) DELETE FROM cards WHERE id IN (SELECT id FROM i) | DELETE
            WITH d AS (DELETE FROM cards WHERE id = 1 RETURNING id) INSERT INTO log SELECT id FROM d | DELETE
            EXPLAIN ANALYZE DELETE FROM cards                                            | DELETE
            EXPLAIN (ANALYZE, BUFFERS) UPDATE cards SET pan = NULL                         | UPDATE
            PREPARE wipe AS DELETE FROM cards                                            | DELETE
            """)
    void reportsTheStrongestChangeOfNestedStatements(String sql, StatementKind kind) {
        assertEquals(kind, only(sql).kind());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            DELETE FROM cards                                  | true
            delete from cards c                                | true
            UPDATE cards SET pan = NULL                        | true
            UPDATE cards c SET pan = o.pan FROM other o        | true
            TRUNCATE cards                                     | true
            WITH d AS (DELETE FROM cards RETURNING id) SELECT count(*) FROM d | true
            DELETE FROM cards WHERE id = 1                     | false
            UPDATE cards SET pan = NULL WHERE id = ?           | false
            DELETE FROM cards WHERE true                       | false
            DELETE FROM cards WHERE 1 = 1                      | false
            DELETE FROM cards USING users u WHERE cards.uid = u.id | false
            SELECT * FROM cards                                | false
            INSERT INTO cards (id) VALUES (1)                  | false
            """)
    void marksUpdateAndDeleteWithoutWhere(String sql, boolean whereMissing) {
        // a WHERE clause counts whatever it says: WHERE true still names the rows, just all of them
        assertEquals(whereMissing, only(sql).whereMissing());
    }
}
