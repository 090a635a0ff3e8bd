package dev.agentguard.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.core.identity.IdentitySource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guarded JDBC contract through HikariCP against a real PostgreSQL server, plus the forms
 * only PostgreSQL has: data-modifying CTEs, dollar quoting, DO blocks, COPY.
 */
@ExtendWith(SharedPostgres.class)
class GuardedJdbcPostgresTest extends GuardedJdbcContract {

    private static EmbeddedPostgres server;

    @BeforeAll
    static void startServer(EmbeddedPostgres postgres) {
        server = postgres;
    }

    @Override
    PaymentsDatabase newDatabase() throws Exception {
        return PaymentsDatabase.postgres(server);
    }

    @Override
    void createEchoFunction() throws SQLException {
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION echo(t varchar) RETURNS varchar AS $$ SELECT t $$ LANGUAGE sql");
        }
    }

    @Test
    void resultsOfAMultiStatementStringAreJournaledWhenExhausted() throws Exception {
        GuardedDataSource multi = GuardedDataSource.builder().dataSource(db.forGuard()).name(RESOURCE)
                .identity(IdentitySource.fixed(IDENTITY))
                .policy(TestPolicies.parse(TestPolicies.PAYMENTS_WITH_MULTI_STATEMENTS_YAML)).journal(journal).build();
        try (Connection c = multi.getConnection(); Statement s = c.createStatement()) {
            assertTrue(s.execute("SELECT pan FROM cards ORDER BY id; SELECT id FROM cards"));
            try (ResultSet first = s.getResultSet()) {
                assertTrue(first.next());
                assertEquals("411111******1111", first.getString(1));
            }
            audit().hasNoEventMatching(e -> e.phase(Phase.OUTCOME));
            assertTrue(s.getMoreResults());
            ResultSet second = s.getResultSet();
            assertSame(s, second.getStatement());
            assertTrue(second.next());
            assertFalse(s.getMoreResults(), "closes the second result set; no more results");
            assertTrue(second.isClosed());
            audit().hasExactly(1).eventsMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS)
                    .count("rows", 2).count("masked.pan", 1));
        }
    }

    @Test
    void readsSqlAsPostgresqlDoesOnceTheFirstConnectionNamedTheDatabase() throws Exception {
        // Dollar quotes and a comment without a space after "--" mean different things to other
        // databases, so the strict default reading refuses them; PostgreSQL's reading allows them.
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT holder FROM cards WHERE holder <> $$nobody$$ --no space\n ORDER BY id")) {
                assertTrue(rs.next());
            }
        }
    }

    @Test
    void deniesADataModifyingCteHiddenInASelect() throws Exception {
        String sql = "WITH gone AS (DELETE FROM cards RETURNING id) SELECT count(*) FROM gone";
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            assertDenied("no-delete-without-where", () -> s.executeQuery(sql), sql);
        }
        assertEquals(2, db.count("cards"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "WITH gone AS (DELETE FROM cards WHERE id = 1 RETURNING pan) SELECT * FROM gone",
            "WITH x AS (UPDATE cards SET holder = 'x' WHERE id = 1 RETURNING id) SELECT id FROM x",
            "SELECT $$a$$; DELETE FROM cards",
            "DO $$ BEGIN DELETE FROM cards; END $$",
            "COPY cards TO PROGRAM 'cat > /tmp/cards.csv'",
            "SELECT pg_read_file('/etc/passwd')",
            "SELECT * FROM dblink('dbname=postgres', 'DELETE FROM cards') AS t(x int)",
            "SELECT lo_import('/etc/passwd')",
            "SET search_path TO information_schema",
            "SELECT holder FROM cards WHERE id = 1 FOR UPDATE; DELETE FROM cards WHERE id = 2",
            "PREPARE p AS DELETE FROM cards; EXECUTE p",
            "EXECUTE p",
            "delete from \"cards\"",
            "DELETE FROM public.cards",
            "DELETE FROM ONLY cards",
            "SELECT U&\"\\0063vv\" FROM cards",
            "DELETE FROM U&\"\\0063ards\"",
            "SELECT E'\\x41'; DELETE FROM cards",
            "SELECT holder FROM cards WHERE id = 1 /* ; */ ; DELETE FROM cards"})
    void deniesPostgresSpecificBypassAttempts(String sql) throws Exception {
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement()) {
            PolicyViolationException e = assertThrows(PolicyViolationException.class, () -> s.execute(sql));
            assertEquals("42501", e.getSQLState());
        }
        assertFalse(db.driverSql().contains(sql), "the driver never saw: " + sql);
        assertEquals(2, db.count("cards"));
        try (Connection c = db.pool().getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT holder FROM cards WHERE id = 1")) {
            assertTrue(rs.next());
            assertEquals("Ada Lovelace", rs.getString(1));
        }
    }
}
