package dev.agentguard.jdbc;

import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.jdbc.sql.AnalyzedSql;
import dev.agentguard.jdbc.sql.SqlAnalyzer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.util.PGobject;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The masking result set against a real PostgreSQL server, whose driver describes columns
 * differently from H2: {@code getSchemaName} is empty, {@code getTableName} is the base table, and
 * {@code getColumnName} is the alias, not the source column. JSON, JSONB and array columns come
 * back as driver objects ({@code PGobject}, {@code PgArray}) and are masked as text.
 */
@ExtendWith(SharedPostgres.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaskingPostgresTest {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Masker MASKER = MaskingRules.builder()
            .column("*.cards.pan", MaskStrategy.PARTIAL)
            .column("*.cards.cvv", MaskStrategy.REDACT)
            .build()
            .masker();

    private Connection db;
    private final List<Statement> statements = new ArrayList<>();

    @BeforeAll
    void createCards(EmbeddedPostgres postgres) throws SQLException {
        String name = "masking_rs_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
             Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        db = postgres.getDatabase("postgres", name).getConnection();
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE cards (id int PRIMARY KEY, pan varchar(32), cvv varchar(4), doc json, docb jsonb,"
                    + " tags text[], pan_number bigint)");
            s.execute("INSERT INTO cards VALUES (1, '4111111111111111', '9731',"
                    + " '{\"card\": \"4111111111111111\", \"note\": \"ok\"}', '{\"card\": \"5555 5555 5555 4444\"}',"
                    + " ARRAY['plain', 'paid with 4111-1111-1111-1111'], 4111111111111111)");
            s.execute("INSERT INTO cards VALUES (2, '5555555555554444', '1234', '{\"note\": \"no card\"}',"
                    + " '{\"note\": \"no card\"}', ARRAY['plain'], 42)");
        }
    }

    @AfterAll
    void closeDatabase() throws SQLException {
        for (Statement s : statements) {
            s.close();
        }
        db.close();
    }

    @Test
    void masksAnAliasedColumnThoughPostgresNamesTheAliasAsTheColumn() throws SQLException {
        try (ResultSet rs = query("SELECT pan AS p, cvv AS code FROM cards WHERE id = 1", null)) {
            assertTrue(rs.next());
            assertEquals("411111******1111", rs.getString("p"));
            assertEquals("[REDACTED]", rs.getString("code"));
            assertEquals("[REDACTED]", rs.getObject(2));
        }
        // what the driver itself says, which is why the plan also asks for the base column
        try (Statement s = db.createStatement(); ResultSet raw = s.executeQuery("SELECT pan AS p FROM cards")) {
            ResultSetMetaData md = raw.getMetaData();
            assertEquals("p", md.getColumnName(1));
            assertEquals("cards", md.getTableName(1));
            assertEquals("", md.getSchemaName(1));
        }
    }

    @Test
    void masksAnExpressionThroughTheParsedQuery() throws SQLException {
        String sql = "SELECT upper(c.cvv) AS x, c.id FROM cards c WHERE c.id = 1";
        try (ResultSet rs = query(sql, SqlAnalyzer.builder().build().analyze(sql))) {
            assertTrue(rs.next());
            assertEquals("[REDACTED]", rs.getString("x"));
            assertEquals(1, rs.getInt("id"));
        }
    }

    @Test
    void masksACardNumberInsideJsonAndJsonb() throws SQLException {
        try (ResultSet rs = query("SELECT doc, docb FROM cards ORDER BY id", null)) {
            assertTrue(rs.next());
            assertEquals("{\"card\": \"411111******1111\", \"note\": \"ok\"}", rs.getObject("doc"));
            assertEquals("{\"card\": \"411111******1111\", \"note\": \"ok\"}", rs.getString(1));
            assertEquals("{\"card\": \"5555 55** **** 4444\"}", rs.getObject("docb"));
            assertEquals("{\"card\": \"5555 55** **** 4444\"}", rs.getString(2));
            assertFalse(MaskingSuiteTest.read(rs.getCharacterStream(2)).contains("5555 5555 5555 4444"));
            SQLException refused = assertThrows(SQLException.class, () -> rs.getObject(1, PGobject.class));
            assertEquals("getObject(1, PGobject.class) refused on column \"doc\" (index 1): a detector flags part of it,"
                    + " and a PGobject cannot carry a masked value; use getString to read the masked text",
                    refused.getMessage());
            assertTrue(rs.next());
            assertEquals("{\"note\": \"no card\"}", rs.getObject("doc"));
            PGobject clean = rs.getObject(2, PGobject.class);
            assertEquals("jsonb", clean.getType());
            assertEquals("{\"note\": \"no card\"}", clean.getValue());
        }
    }

    @Test
    void masksCardNumbersInTheElementsOfATextArray() throws SQLException {
        try (ResultSet rs = query("SELECT tags FROM cards WHERE id = 1", null)) {
            assertTrue(rs.next());
            Array tags = rs.getArray(1);
            assertEquals("text", tags.getBaseTypeName());
            assertArrayEquals(new String[] {"plain", "paid with 4111-11**-****-1111"}, (String[]) tags.getArray());
            Array viaObject = (Array) rs.getObject("tags");
            assertArrayEquals(new String[] {"paid with 4111-11**-****-1111"}, (Object[]) viaObject.getArray(2, 1));
            assertEquals("{plain,\"paid with 4111-11**-****-1111\"}", rs.getString(1));
        }
    }

    @Test
    void refusesANumericGetterOnABigintHoldingACardNumber() throws SQLException {
        try (ResultSet rs = query("SELECT pan_number FROM cards ORDER BY id", null)) {
            assertTrue(rs.next());
            assertEquals("getLong refused on column \"pan_number\" (index 1): the masking detectors flag its value,"
                            + " and a number cannot carry a masked value; use getString to read the masked text",
                    assertThrows(SQLException.class, () -> rs.getLong(1)).getMessage());
            assertEquals("411111******1111", rs.getString(1));
            assertEquals("411111******1111", rs.getObject(1));
            assertTrue(rs.next());
            assertEquals(42L, rs.getLong(1));
            assertEquals(42L, rs.getObject(1));
        }
    }

    @Test
    void stopsAtTheRowLimitOnPostgres() throws SQLException {
        List<Long> rowsRead = new ArrayList<>();
        List<Boolean> limitHit = new ArrayList<>();
        Statement s = db.createStatement();
        statements.add(s);
        ResultSet raw = s.executeQuery("SELECT id, pan FROM cards ORDER BY id");
        ResultSet rs = new GuardedResultSet(raw, s, ResultMasking.forQuery(MASKER, null, raw.getMetaData(), 1,
                (rows, hit, counts) -> {
                    rowsRead.add(rows);
                    limitHit.add(hit);
                }));
        assertTrue(rs.next());
        assertEquals("411111******1111", rs.getString(2));
        assertFalse(rs.next());
        rs.close();
        assertEquals(List.of(1L), rowsRead);
        assertEquals(List.of(true), limitHit);
    }

    private ResultSet query(String sql, AnalyzedSql analyzed) throws SQLException {
        Statement s = db.createStatement();
        statements.add(s);
        ResultSet raw = s.executeQuery(sql);
        return new GuardedResultSet(raw, s, ResultMasking.forQuery(MASKER, analyzed, raw.getMetaData(), 0, null));
    }
}
