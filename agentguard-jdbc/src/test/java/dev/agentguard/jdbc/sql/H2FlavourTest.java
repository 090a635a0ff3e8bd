package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class H2FlavourTest {

    private final SqlAnalyzer h2 = SqlAnalyzer.builder().dialect(SqlDialect.H2).build();

    private SqlStatement only(String sql) {
        var statements = h2.analyze(sql).action().statements();
        assertEquals(1, statements.size(), sql);
        return statements.get(0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT TOP 5 * FROM CARDS                                      | SELECT | cards | -
            SELECT * FROM PUBLIC.CARDS LIMIT 10 OFFSET 5                   | SELECT | public.cards | -
            SELECT NEXT VALUE FOR CARD_SEQ                                 | SELECT | - | -
            SELECT * FROM "PUBLIC"."CARDS"                                 | SELECT | PUBLIC.CARDS | -
            MERGE INTO CARDS KEY (ID) VALUES (1, '4111111111111111')       | MERGE  | - | cards
            MERGE INTO CARDS (ID, PAN) KEY (ID) SELECT ID, PAN FROM STAGED | MERGE  | staged | cards
            CREATE TABLE CARDS (ID INT PRIMARY KEY, PAN VARCHAR(19))       | DDL    | - | cards
            CREATE SEQUENCE CARD_SEQ START WITH 1                          | DDL    | - | -
            INSERT INTO CARDS VALUES (1, '4111111111111111')               | INSERT | - | cards
            CALL CSVWRITE('/tmp/cards.csv', 'SELECT * FROM CARDS')          | CALL   | - | -
            SET MODE PostgreSQL                                             | SET    | - | -
            """)
    void understandsH2Statements(String sql, StatementKind kind, String read, String written) {
        SqlStatement s = only(sql);
        assertEquals(kind, s.kind(), s.toString());
        assertEquals(read.equals("-") ? Set.of() : Set.of(read), s.tablesRead());
        assertEquals(written.equals("-") ? Set.of() : Set.of(written), s.tablesWritten());
    }

    @Test
    void readsUnicodeEscapedIdentifiersTheWayH2Does() {
        // H2 resolves U&"\0043ARDS" to CARDS, the table unquoted cards folds to
        assertEquals(Set.of("CARDS"), only("SELECT * FROM U&\"\\0043ARDS\"").tablesRead());
    }

    @Test
    void aCsvWriteOfAQueryIsDangerousAndItsQueryIsNotTrusted() {
        SqlStatement s = only("CALL CSVWRITE('/tmp/x.csv', 'SELECT pan FROM cards')");
        assertEquals(Set.of("csvwrite"), s.dangerousForms());
    }

    @Test
    void dollarQuotedAliasBodiesAreLiterals() {
        AnalyzedSql a = h2.analyze("CREATE ALIAS REVERSE AS $$ String reverse(String s) { return s; } $$");
        assertEquals("CREATE ALIAS REVERSE AS ?", a.redactedSql());
        assertEquals(Set.of("create alias"), a.action().statements().get(0).dangerousForms());
    }
}
