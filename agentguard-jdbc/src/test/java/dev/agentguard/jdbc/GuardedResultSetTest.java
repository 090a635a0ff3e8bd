package dev.agentguard.jdbc;

import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guarded result set as a JDBC object: the cursor stops at the row limit however it moves,
 * the listener hears once what was read and masked, no driver object leaks, rows cannot be
 * changed through it, and typed reads of a masked column fail with a message naming the column
 * and the rule. Real H2 result sets, wrapped directly.
 */
class GuardedResultSetTest {

    private static final Masker MASKER = MaskingRules.builder()
            .column("*.cards.pan", MaskStrategy.PARTIAL)
            .column("*.cards.cvv", MaskStrategy.NULL)
            .column("*.cards.expires", MaskStrategy.REDACT)
            .build()
            .masker();

    private static final String PAN = "4111111111111111";

    /** Stands in for the guarded statement that owns the result set. */
    private final Statement owner = (Statement) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Statement.class}, (proxy, method, args) -> {
                throw new UnsupportedOperationException(method.getName());
            });

    private final List<Closed> closed = new ArrayList<>();
    private Connection db;

    /** One call of the listener. */
    private record Closed(long rowsRead, boolean rowLimitHit, Map<String, Long> maskedCounts) {
    }

    @BeforeEach
    void createCards() throws SQLException {
        db = DriverManager.getConnection("jdbc:h2:mem:rs-" + UUID.randomUUID());
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE cards (id INT PRIMARY KEY, pan VARCHAR(32), cvv VARCHAR(4), holder VARCHAR(100),"
                    + " expires DATE, limit_cents BIGINT)");
        }
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        db.close();
    }

    // ---------------------------------------------------------------- row limit

    @Test
    void stopsAtTheRowLimitAndRecordsThatItHit() throws SQLException {
        insertRows(5);
        ResultSet rs = query("SELECT id FROM cards ORDER BY id", 3);
        assertTrue(rs.next());
        assertTrue(rs.next());
        assertTrue(rs.next());
        assertEquals(3, rs.getInt(1));
        assertFalse(rs.next());
        assertFalse(rs.next());
        rs.close();
        assertEquals(List.of(new Closed(3, true, Map.of())), closed);
    }

    @Test
    void doesNotRecordTheLimitWhenTheResultFitsExactly() throws SQLException {
        insertRows(3);
        ResultSet rs = query("SELECT id FROM cards ORDER BY id", 3);
        int rows = 0;
        while (rs.next()) {
            rows++;
        }
        rs.close();
        assertEquals(3, rows);
        assertEquals(List.of(new Closed(3, false, Map.of())), closed);
    }

    @Test
    void refusesToReadTheRowBeyondTheLimit() throws SQLException {
        insertRows(5);
        ResultSet rs = query("SELECT id, holder FROM cards ORDER BY id", 2);
        assertTrue(rs.next());
        assertTrue(rs.next());
        assertFalse(rs.next());
        SQLException refused = assertThrows(SQLException.class, () -> rs.getInt(1));
        assertEquals("no current row: the cursor is past row 2, the policy's row limit for this result",
                refused.getMessage());
        assertEquals("24000", refused.getSQLState());
        assertThrows(SQLException.class, () -> rs.getString("holder"));
        assertThrows(SQLException.class, () -> rs.getObject(2));
        assertThrows(SQLException.class, () -> rs.getBytes(2));
        assertThrows(SQLException.class, () -> rs.getCharacterStream(2));
    }

    @Test
    void scrollingDoesNotEscapeTheRowLimit() throws SQLException {
        insertRows(5);
        Statement statement = db.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY);
        ResultSet raw = statement.executeQuery("SELECT id FROM cards ORDER BY id");
        ResultSet rs = new GuardedResultSet(raw, owner,
                ResultMasking.forQuery(MASKER, null, raw.getMetaData(), 3, this::closed));

        assertTrue(rs.last());
        assertEquals(3, rs.getInt(1));
        assertEquals(3, rs.getRow());
        assertTrue(rs.isLast());
        assertFalse(rs.absolute(5));
        assertThrows(SQLException.class, () -> rs.getInt(1));
        assertEquals(0, rs.getRow());
        assertTrue(rs.isAfterLast());
        assertTrue(rs.absolute(-1));
        assertEquals(3, rs.getInt(1));
        assertFalse(rs.relative(1));
        assertThrows(SQLException.class, () -> rs.getInt(1));
        assertTrue(rs.previous());
        assertEquals(3, rs.getInt(1));
        assertTrue(rs.relative(-2));
        assertEquals(1, rs.getInt(1));
        assertTrue(rs.isFirst());
        assertTrue(rs.absolute(2));
        assertEquals(2, rs.getInt(1));
        assertFalse(rs.isLast());
        rs.afterLast();
        assertThrows(SQLException.class, () -> rs.getInt(1));
        assertTrue(rs.previous());
        assertEquals(3, rs.getInt(1));
        assertFalse(rs.next());
        rs.beforeFirst();
        assertTrue(rs.isBeforeFirst());
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1));
        assertTrue(rs.first());
        assertFalse(rs.absolute(0));
        assertFalse(rs.previous());
        assertFalse(rs.absolute(-4));
        assertTrue(rs.isBeforeFirst());
        rs.close();
        assertEquals(1, closed.size());
        assertTrue(closed.get(0).rowLimitHit());
    }

    @Test
    void servesEveryRowWithoutALimit() throws SQLException {
        insertRows(4);
        ResultSet rs = query("SELECT id FROM cards ORDER BY id", 0);
        int rows = 0;
        while (rs.next()) {
            rows++;
            assertEquals(rows, rs.getInt(1));
        }
        rs.close();
        assertEquals(List.of(new Closed(4, false, Map.of())), closed);
    }

    // ---------------------------------------------------------------- listener

    @Test
    void tellsTheListenerOnceWhatWasMaskedPerColumn() throws SQLException {
        insert(1, PAN, "123", "Ann Lee");
        insert(2, "5555555555554444", "456", "called about 4111 1111 1111 1111");
        ResultSet rs = query("SELECT id, pan, holder FROM cards ORDER BY id", 0);
        while (rs.next()) {
            rs.getString("pan");
            rs.getString(2); // the same value read again counts once
            rs.getObject("pan");
            rs.getString("holder");
            rs.getCharacterStream("holder");
        }
        rs.close();
        rs.close();
        assertEquals(List.of(new Closed(2, false, Map.of("masked.pan", 2L, "masked.holder", 1L))), closed);
    }

    @Test
    void countsNothingForValuesThatWereNeverRead() throws SQLException {
        insert(1, PAN, "123", "called about 4111 1111 1111 1111");
        ResultSet rs = query("SELECT id, pan, holder FROM cards", 0);
        assertTrue(rs.next());
        rs.getInt(1);
        rs.close();
        assertEquals(List.of(new Closed(1, false, Map.of())), closed);
    }

    // ---------------------------------------------------------------- typed reads of masked columns

    @Test
    void refusesANumericGetterOnAMaskedColumnNamingTheColumnAndRule() throws SQLException {
        insert(1, PAN, "123", "Ann Lee");
        ResultSet rs = query("SELECT id, pan FROM cards", 0);
        assertTrue(rs.next());
        String message = "getLong refused on column \"pan\" (index 2): it is masked by rule \"column:*.cards.pan\", so"
                + " only its masked text can be read; use getString or getObject";
        SQLException byIndex = assertThrows(SQLException.class, () -> rs.getLong(2));
        assertEquals(message, byIndex.getMessage());
        assertEquals("42501", byIndex.getSQLState());
        assertEquals(message, assertThrows(SQLException.class, () -> rs.getLong("pan")).getMessage());
        assertEquals(message.replace("getLong", "getBigDecimal"),
                assertThrows(SQLException.class, () -> rs.getBigDecimal("PAN")).getMessage());
        assertEquals("getObject(2, Long.class) refused on column \"pan\" (index 2): it is masked by rule"
                        + " \"column:*.cards.pan\", so only its masked text can be read; use getString or getObject",
                assertThrows(SQLException.class, () -> rs.getObject(2, Long.class)).getMessage());
        for (String getter : List.of("getInt", "getShort", "getByte", "getDouble", "getFloat", "getBoolean",
                "getDate", "getTime", "getTimestamp", "getURL", "getRowId")) {
            SQLException refused = assertThrows(SQLException.class, () -> call(rs, getter, 2), getter);
            assertEquals(message.replace("getLong", getter), refused.getMessage());
        }
        assertEquals("411111******1111", rs.getString(2));
    }

    @Test
    void refusesADateGetterOnAMaskedDateColumn() throws SQLException {
        insert(1, PAN, "123", "Ann Lee");
        ResultSet rs = query("SELECT expires FROM cards", 0);
        assertTrue(rs.next());
        assertEquals("getDate refused on column \"expires\" (index 1): it is masked by rule \"column:*.cards.expires\","
                        + " so only its masked text can be read; use getString or getObject",
                assertThrows(SQLException.class, () -> rs.getDate("expires")).getMessage());
        assertEquals("[REDACTED]", rs.getString(1));
        assertEquals("[REDACTED]", rs.getObject(1));
    }

    @Test
    void refusesGetRefWhichWouldReadAroundTheMasking() throws SQLException {
        insert(1, PAN, "123", "Ann Lee");
        ResultSet rs = query("SELECT holder FROM cards", 0);
        assertTrue(rs.next());
        assertEquals("getRef refused on column \"holder\" (index 1): a REF reads the referenced value from the database"
                        + " without masking; select the referenced columns instead",
                assertThrows(SQLException.class, () -> rs.getRef(1)).getMessage());
    }

    // ---------------------------------------------------------------- driver errors

    @Test
    void masksACardNumberADriverErrorWouldEcho() throws SQLException {
        insert(1, PAN, "123", "paid with 4111111111111111 today");
        ResultSet rs = query("SELECT holder FROM cards", 0);
        assertTrue(rs.next());
        SQLException failed = assertThrows(SQLException.class, () -> rs.getInt("holder"));
        assertFalse(failed.getMessage().contains(PAN), failed.getMessage());
        assertTrue(failed.getMessage().contains("411111******1111"), failed.getMessage());
        assertEquals("22018", failed.getSQLState());
        assertNull(failed.getCause(), "the driver's exception, with its raw message, is not attached");
    }

    @Test
    void withholdsTheDriversMessageWhenARowFailsInAResultWithMaskedColumns() throws SQLException {
        try (Connection lazy = DriverManager.getConnection("jdbc:h2:mem:lazy-" + UUID.randomUUID()
                + ";LAZY_QUERY_EXECUTION=1"); Statement s = lazy.createStatement()) {
            s.execute("CREATE TABLE cards (id INT PRIMARY KEY, pan VARCHAR(32), cvv VARCHAR(8))");
            s.execute("INSERT INTO cards VALUES (1, '4111111111111111', '1'), (2, '5555555555554444', '97x31')");
            ResultSet raw = s.executeQuery("SELECT pan, CAST(cvv AS INT) AS code FROM cards ORDER BY id");
            ResultSet rs = new GuardedResultSet(raw, owner,
                    ResultMasking.forQuery(MASKER, null, raw.getMetaData(), 0, null));
            assertTrue(rs.next());
            SQLException failed = assertThrows(SQLException.class, rs::next);
            assertEquals("moving the cursor failed (JdbcSQLDataException, SQLState 22018, vendor code 22018); the"
                    + " driver's message is withheld because this result holds or is computed from masked columns,"
                    + " whose values driver messages can echo", failed.getMessage());
            assertEquals("22018", failed.getSQLState());
        }
    }

    @Test
    void withholdsTheDriversMessageWhenARowFailsOnAMaskedColumnTheResultDoesNotShow() throws SQLException {
        try (Connection lazy = DriverManager.getConnection("jdbc:h2:mem:lazy-" + UUID.randomUUID()
                + ";LAZY_QUERY_EXECUTION=1"); Statement s = lazy.createStatement()) {
            s.execute("CREATE TABLE cards (id INT PRIMARY KEY, pan VARCHAR(32), cvv VARCHAR(8))");
            s.execute("INSERT INTO cards VALUES (1, '4111111111111111', '1'), (2, '5555555555554444', '97x31')");
            String sql = "SELECT id FROM cards WHERE CAST(cvv AS INT) > 0 ORDER BY id";
            ResultSet raw = s.executeQuery(sql);
            ResultSet rs = new GuardedResultSet(raw, owner, ResultMasking.forQuery(MASKER,
                    dev.agentguard.jdbc.sql.SqlAnalyzer.builder().build().analyze(sql), raw.getMetaData(), 0, null));
            assertTrue(rs.next());
            SQLException failed = assertThrows(SQLException.class, rs::next);
            assertFalse(failed.getMessage().contains("97x31"), failed.getMessage());
            assertTrue(failed.getMessage().startsWith("moving the cursor failed ("), failed.getMessage());
        }
    }

    // ---------------------------------------------------------------- wasNull

    @Test
    void wasNullFollowsWhatTheGetterReturned() throws SQLException {
        insert(1, PAN, "123", null);
        insert(2, null, null, "Ann Lee");
        ResultSet rs = query("SELECT id, pan, cvv, holder, limit_cents FROM cards ORDER BY id", 0);
        assertTrue(rs.next());
        assertNull(rs.getString("cvv")); // NULL strategy: a value, served as SQL NULL
        assertTrue(rs.wasNull());
        assertEquals("411111******1111", rs.getString("pan"));
        assertFalse(rs.wasNull());
        assertNull(rs.getString("holder"));
        assertTrue(rs.wasNull());
        assertEquals(0L, rs.getLong("limit_cents"));
        assertTrue(rs.wasNull());
        assertEquals(1, rs.getInt("id"));
        assertFalse(rs.wasNull());
        assertNull(rs.getArray("cvv"));
        assertTrue(rs.wasNull());
        assertTrue(rs.next());
        assertNull(rs.getObject("pan"));
        assertTrue(rs.wasNull());
        assertNull(rs.getBytes("cvv"));
        assertTrue(rs.wasNull());
        assertEquals("Ann Lee", rs.getString("holder"));
        assertFalse(rs.wasNull());
    }

    // ---------------------------------------------------------------- no driver object leaks

    @Test
    void getStatementReturnsTheGuardedOwnerNeverTheDriversStatement() throws SQLException {
        insert(1, PAN, "123", "Ann Lee");
        ResultSet rs = query("SELECT id FROM cards", 0);
        assertSame(owner, rs.getStatement());
    }

    @Test
    void aDatabaseMetaDataResultHasNoStatement() throws SQLException {
        ResultSet raw = db.getMetaData().getTables(null, null, "CARDS", null);
        ResultSet rs = new GuardedResultSet(raw, null, ResultMasking.forQuery(MASKER, null, raw.getMetaData(), 0, null));
        assertNull(rs.getStatement());
        assertTrue(rs.next());
        assertEquals("CARDS", rs.getString("TABLE_NAME"));
        rs.close();
    }

    @Test
    void unwrapHandsOutNoDriverResultSet() throws SQLException {
        ResultSet rs = query("SELECT id FROM cards", 0);
        assertSame(rs, rs.unwrap(ResultSet.class));
        assertTrue(rs.isWrapperFor(ResultSet.class));
        assertFalse(rs.isWrapperFor(org.h2.jdbc.JdbcResultSet.class));
        SQLException refused = assertThrows(SQLException.class, () -> rs.unwrap(org.h2.jdbc.JdbcResultSet.class));
        assertEquals("unwrap(org.h2.jdbc.JdbcResultSet) is refused: a guarded result set hands out no driver object,"
                + " whose values would not be masked; use the ResultSet methods", refused.getMessage());
        assertEquals("42501", refused.getSQLState());
    }

    @Test
    void metadataDescribesAMaskedColumnAsTextAndHandsOutNoDriverObject() throws SQLException {
        ResultSet rs = query("SELECT id, pan, limit_cents FROM cards", 0);
        ResultSetMetaData md = rs.getMetaData();
        assertEquals(3, md.getColumnCount());
        assertEquals(Types.INTEGER, md.getColumnType(1));
        assertEquals(Types.VARCHAR, md.getColumnType(2));
        assertEquals("java.lang.String", md.getColumnClassName(2));
        assertEquals(Types.BIGINT, md.getColumnType(3));
        assertEquals("PAN", md.getColumnLabel(2));
        assertEquals("CARDS", md.getTableName(2));
        assertFalse(md.isWritable(1));
        assertTrue(md.isReadOnly(2));
        assertFalse(md.isWrapperFor(org.h2.jdbc.JdbcResultSetMetaData.class));
        assertEquals("unwrap(org.h2.jdbc.JdbcResultSetMetaData) is refused: guarded result set metadata hands out no"
                        + " driver object; use the ResultSetMetaData methods",
                assertThrows(SQLException.class, () -> md.unwrap(org.h2.jdbc.JdbcResultSetMetaData.class)).getMessage());
    }

    // ---------------------------------------------------------------- no changes through the cursor

    @Test
    void refusesUpdatesOfAMaskedColumnNamingTheRule() throws SQLException {
        insert(1, PAN, "123", "Ann Lee");
        ResultSet rs = updatable("SELECT id, pan, holder FROM cards");
        assertTrue(rs.next());
        SQLException refused = assertThrows(SQLException.class, () -> rs.updateString("pan", "4000056655665556"));
        assertEquals("updateString refused on column \"pan\" (index 2): it is masked by rule \"column:*.cards.pan\","
                + " and changing rows through a result set would bypass the policy and the audit journal; run an UPDATE"
                + " statement instead", refused.getMessage());
        assertEquals("42501", refused.getSQLState());
        assertThrows(SQLException.class, () -> rs.updateObject(2, "x"));
        assertThrows(SQLException.class, () -> rs.updateNull(2));
    }

    @Test
    void refusesEveryRowChangeThroughTheCursorSinceItWouldBypassThePolicy() throws SQLException {
        insert(1, PAN, "123", "Ann Lee");
        ResultSet rs = updatable("SELECT id, pan, holder FROM cards");
        assertTrue(rs.next());
        assertEquals("updateString refused: changing rows through a result set would reach the database without the"
                        + " policy and the audit journal; run an UPDATE, INSERT or DELETE statement instead",
                assertThrows(SQLException.class, () -> rs.updateString("holder", "Mallory")).getMessage());
        assertEquals("deleteRow refused: changing rows through a result set would reach the database without the"
                        + " policy and the audit journal; run an UPDATE, INSERT or DELETE statement instead",
                assertThrows(SQLException.class, rs::deleteRow).getMessage());
        assertThrows(SQLException.class, rs::updateRow);
        assertThrows(SQLException.class, rs::moveToInsertRow);
        assertThrows(SQLException.class, rs::insertRow);
        assertEquals(ResultSet.CONCUR_READ_ONLY, rs.getConcurrency());
        try (Statement s = db.createStatement(); ResultSet check = s.executeQuery("SELECT count(*), max(holder) FROM cards")) {
            assertTrue(check.next());
            assertEquals(1, check.getInt(1));
            assertEquals("Ann Lee", check.getString(2));
        }
    }

    // ---------------------------------------------------------------- columns

    @Test
    void refusesAColumnIndexOutOfRange() throws SQLException {
        insert(1, PAN, "123", "Ann Lee");
        ResultSet rs = query("SELECT id, pan FROM cards", 0);
        assertTrue(rs.next());
        SQLException refused = assertThrows(SQLException.class, () -> rs.getString(3));
        assertEquals("column index 3 is out of range: this result has 2 columns, numbered from 1", refused.getMessage());
        assertEquals("07009", refused.getSQLState());
        assertThrows(SQLException.class, () -> rs.getObject(0));
        assertThrows(SQLException.class, () -> rs.getLong(-1));
    }

    @Test
    void readsALabelCaseInsensitivelyLikeTheDriver() throws SQLException {
        insert(1, PAN, "123", "Ann Lee");
        ResultSet rs = query("SELECT pan AS card FROM cards", 0);
        assertTrue(rs.next());
        assertEquals("411111******1111", rs.getString("card"));
        assertEquals("411111******1111", rs.getString("CARD"));
        assertEquals(1, rs.findColumn("Card"));
    }

    @Test
    void aMaskedCopyIsReadOnly() throws SQLException {
        insert(1, PAN, "123", "Ann Lee");
        ResultSet rs = query("SELECT pan FROM cards", 0);
        assertTrue(rs.next());
        assertThrows(java.sql.SQLFeatureNotSupportedException.class, () -> rs.getClob(1).setString(1, PAN));
        assertThrows(java.sql.SQLFeatureNotSupportedException.class, () -> rs.getBlob(1).setBytes(1, new byte[1]));
        assertThrows(java.sql.SQLFeatureNotSupportedException.class, () -> rs.getSQLXML(1).setString(PAN));
        assertThrows(java.sql.SQLFeatureNotSupportedException.class, () -> rs.getArray(1).getResultSet());
    }

    // ---------------------------------------------------------------- every method

    @Test
    void overridesEveryResultSetMethodSoNoneFallsThroughToADefault() throws Exception {
        for (java.lang.reflect.Method method : ResultSet.class.getMethods()) {
            if (java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            java.lang.reflect.Method own = GuardedResultSet.class.getMethod(method.getName(), method.getParameterTypes());
            assertEquals(GuardedResultSet.class, own.getDeclaringClass(), method.toString());
        }
        for (java.lang.reflect.Method method : ResultSetMetaData.class.getMethods()) {
            java.lang.reflect.Method own = GuardedResultSet.MaskedMetaData.class.getMethod(method.getName(),
                    method.getParameterTypes());
            assertEquals(GuardedResultSet.MaskedMetaData.class, own.getDeclaringClass(), method.toString());
        }
    }

    /** Every getter there is, by index and by label, on a masked column: the raw value never comes out. */
    @Test
    void everyGetterOfAMaskedColumnMasksOrRefuses() throws Exception {
        insert(1, PAN, "123", "Ann Lee");
        assertTrue(sweep("SELECT pan FROM cards", "pan") > 80);
    }

    /** The same sweep over free text that holds a card number: no getter gets past the detectors. */
    @Test
    void everyGetterOfATextColumnHoldingACardMasksOrRefuses() throws Exception {
        insert(1, PAN, "123", PAN);
        sweep("SELECT holder FROM cards", "holder");
        try (Statement s = db.createStatement()) {
            s.execute("UPDATE cards SET holder = 'paid with " + PAN + " today'");
        }
        sweep("SELECT holder FROM cards", "holder");
    }

    /** And over a BIGINT that holds a card number. */
    @Test
    void everyGetterOfANumberHoldingACardMasksOrRefuses() throws Exception {
        insert(1, PAN, "123", "Ann Lee");
        try (Statement s = db.createStatement()) {
            s.execute("UPDATE cards SET limit_cents = " + PAN);
        }
        sweep("SELECT limit_cents FROM cards", "limit_cents");
    }

    private int sweep(String sql, String label) throws Exception {
        ResultSet rs = query(sql, 0);
        assertTrue(rs.next());
        int calls = 0;
        for (java.lang.reflect.Method method : ResultSet.class.getMethods()) {
            Class<?>[] types = method.getParameterTypes();
            if (!method.getName().startsWith("get") || types.length == 0
                    || types[0] != int.class && types[0] != String.class) {
                continue;
            }
            for (Object[] args : argumentsFor(types, label)) {
                calls++;
                String where = method.getName() + java.util.Arrays.toString(args);
                try {
                    Object value = readable(method.invoke(rs, args));
                    assertFalse(MaskingSuiteTest.text(value).contains(PAN), where + " returned the PAN");
                    if (value instanceof byte[]) {
                        assertFalse(new String((byte[]) value, java.nio.charset.StandardCharsets.UTF_16BE).contains(PAN),
                                where + " returned the PAN as two-byte characters");
                    }
                    if (value instanceof Number) {
                        assertFalse(new java.math.BigDecimal(value.toString()).toPlainString().contains("411111111"),
                                where + " returned the PAN as a number");
                    }
                } catch (java.lang.reflect.InvocationTargetException e) {
                    assertTrue(e.getCause() instanceof SQLException, where + " threw " + e.getCause());
                    assertFalse(String.valueOf(e.getCause().getMessage()).contains(PAN), where + " put the PAN in a message");
                }
            }
        }
        rs.close();
        return calls;
    }

    private static List<Object[]> argumentsFor(Class<?>[] types, String label) {
        List<Object[]> out = new ArrayList<>();
        Object column = types[0] == int.class ? (Object) 1 : label;
        if (types.length == 1) {
            out.add(new Object[] {column});
        } else if (types[1] == int.class) {
            out.add(new Object[] {column, 2});
        } else if (types[1] == java.util.Calendar.class) {
            out.add(new Object[] {column, java.util.Calendar.getInstance()});
        } else if (types[1] == Map.class) {
            out.add(new Object[] {column, Map.of()});
            out.add(new Object[] {column, Map.of("VARCHAR", String.class)});
        } else if (types[1] == Class.class) {
            for (Class<?> type : List.of(String.class, Object.class, Long.class, java.math.BigDecimal.class,
                    byte[].class, java.sql.Clob.class, java.sql.Blob.class, java.io.Reader.class,
                    java.io.InputStream.class, java.sql.Array.class, java.sql.SQLXML.class, CharSequence.class)) {
                out.add(new Object[] {column, type});
            }
        }
        return out;
    }

    /** A returned value as something {@link MaskingSuiteTest#text} can read. */
    private static Object readable(Object value) throws Exception {
        if (value instanceof java.io.Reader) {
            return MaskingSuiteTest.read((java.io.Reader) value);
        }
        if (value instanceof java.io.InputStream) {
            return ((java.io.InputStream) value).readAllBytes();
        }
        if (value instanceof java.sql.SQLXML) {
            return ((java.sql.SQLXML) value).getString();
        }
        if (value instanceof java.sql.Array) {
            return java.util.Arrays.deepToString((Object[]) ((java.sql.Array) value).getArray());
        }
        return value;
    }

    // ---------------------------------------------------------------- fixture

    private void closed(long rowsRead, boolean rowLimitHit, Map<String, Long> counts) {
        closed.add(new Closed(rowsRead, rowLimitHit, counts));
    }

    private ResultSet query(String sql, long rowLimit) throws SQLException {
        Statement statement = db.createStatement();
        ResultSet raw = statement.executeQuery(sql);
        return new GuardedResultSet(raw, owner,
                ResultMasking.forQuery(MASKER, null, raw.getMetaData(), rowLimit, this::closed));
    }

    private ResultSet updatable(String sql) throws SQLException {
        Statement statement = db.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_UPDATABLE);
        ResultSet raw = statement.executeQuery(sql);
        return new GuardedResultSet(raw, owner, ResultMasking.forQuery(MASKER, null, raw.getMetaData(), 0, null));
    }

    private void insertRows(int n) throws SQLException {
        for (int id = 1; id <= n; id++) {
            insert(id, PAN, "123", "holder " + id);
        }
    }

    private void insert(int id, String pan, String cvv, String holder) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO cards VALUES (?, ?, ?, ?, DATE '2030-12-31', ?)")) {
            ps.setInt(1, id);
            ps.setString(2, pan);
            ps.setString(3, cvv);
            ps.setString(4, holder);
            ps.setObject(5, pan == null ? 500_00L : null);
            ps.executeUpdate();
        }
    }

    /** Calls a one-argument {@code get*(int)} of the result set by name, unwrapping what it throws. */
    private static Object call(ResultSet rs, String getter, int column) throws SQLException {
        try {
            return ResultSet.class.getMethod(getter, int.class).invoke(rs, column);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof SQLException) {
                throw (SQLException) e.getCause();
            }
            throw new AssertionError(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
