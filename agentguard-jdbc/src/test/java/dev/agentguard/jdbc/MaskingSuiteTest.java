package dev.agentguard.jdbc;

import dev.agentguard.core.action.SqlAction;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingKey;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.jdbc.sql.AnalyzedSql;
import dev.agentguard.jdbc.sql.ResultColumn;
import dev.agentguard.jdbc.sql.SqlAnalyzer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The masking suite of the issue: every test PAN of the major brands is masked in every getter
 * of a guarded result set — by index and by label, in a column with a rule and in free text a
 * detector scans, in CLOBs, BLOBs, arrays, JSON and numbers — and Luhn-valid numbers that are
 * not cards (timestamps, order ids) are left alone. Real H2 result sets, wrapped directly.
 */
class MaskingSuiteTest {

    private static final Masker MASKER = MaskingRules.builder()
            .column("*.cards.pan", MaskStrategy.PARTIAL)
            .column("*.cards.cvv", MaskStrategy.REDACT)
            .build()
            .masker();

    private Connection db;

    static Stream<Arguments> brandPans() {
        return Stream.of(
                Arguments.of("Visa", "4111111111111111"),
                Arguments.of("Visa 13 digits", "4222222222222"),
                Arguments.of("Visa debit", "4000056655665556"),
                Arguments.of("Mastercard", "5555555555554444"),
                Arguments.of("Mastercard prepaid", "5105105105105100"),
                Arguments.of("Mastercard 2-series", "2223003122003222"),
                Arguments.of("American Express", "378282246310005"),
                Arguments.of("American Express 34", "341111111111111"),
                Arguments.of("Discover", "6011111111111117"),
                Arguments.of("Discover 644", "6445644564456445"),
                Arguments.of("Diners Club", "30569309025904"),
                Arguments.of("Diners Club 36", "36227206271667"),
                Arguments.of("JCB", "3530111333300000"),
                Arguments.of("JCB 3566", "3566002020360505"),
                Arguments.of("UnionPay", "6200000000000005"),
                Arguments.of("UnionPay 19 digits", "6205500000000000004"),
                Arguments.of("Maestro", "6759649826438453"),
                Arguments.of("Mir", "2200000000000004"));
    }

    /** Luhn-valid numbers no card brand issues: they must come back exactly as stored. */
    static Stream<Arguments> luhnValidNonCards() {
        return Stream.of(
                Arguments.of("epoch-millisecond timestamp", withLuhnDigit("173689920000")),
                Arguments.of("16-digit order id", withLuhnDigit("100000000000000")),
                Arguments.of("sequential order id", withLuhnDigit("123456781234567")),
                Arguments.of("7-prefixed reference", withLuhnDigit("700000000000000")),
                Arguments.of("9-prefixed reference", withLuhnDigit("900000000000000")),
                Arguments.of("20-digit invoice number", withLuhnDigit("4111111111111111111")));
    }

    @BeforeEach
    void createCards() throws SQLException {
        db = DriverManager.getConnection("jdbc:h2:mem:suite-" + UUID.randomUUID());
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE cards (id INT PRIMARY KEY, pan VARCHAR(40), cvv VARCHAR(4), holder VARCHAR(200),"
                    + " note CLOB, scan BLOB, tags VARCHAR ARRAY, doc JSON, pan_number BIGINT,"
                    + " pan_decimal DECIMAL(20, 0), amount DECIMAL(12, 2), created_at TIMESTAMP)");
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(40))");
            s.execute("INSERT INTO orders VALUES (1, 'coffee')");
        }
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        db.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brandPans")
    void masksEveryBrandPanInEveryGetterOfAMaskedColumn(String brand, String pan) throws Exception {
        insert(pan, "123", "nothing here", null);
        String expected = partial(pan);
        try (ResultSet rs = query("SELECT id, pan FROM cards", null)) {
            assertTrue(rs.next());
            for (Map.Entry<String, String> read : readEveryWay(rs, 2, "pan").entrySet()) {
                assertEquals(expected, read.getValue(), brand + " through " + read.getKey());
            }
            assertArrayEquals(new String[] {expected}, (Object[]) rs.getArray(2).getArray(), "getArray");
            assertArrayEquals(new String[] {expected}, (Object[]) rs.getArray("pan").getArray(), "getArray by label");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brandPans")
    void masksEveryBrandPanInFreeTextThroughEveryGetter(String brand, String pan) throws Exception {
        String text = "customer read card " + spaced(pan) + " over the phone";
        insert("n/a", "n/a", text, text);
        try (ResultSet rs = query("SELECT holder, note, scan, tags, doc FROM cards", null)) {
            assertTrue(rs.next());
            for (int column = 1; column <= 2; column++) {
                String label = column == 1 ? "holder" : "note";
                Map<String, String> reads = readEveryWay(rs, column, label);
                for (Map.Entry<String, String> read : reads.entrySet()) {
                    assertPanHidden(pan, read.getValue(), brand + " in " + label + " through " + read.getKey());
                    assertTrue(read.getValue().startsWith("customer read card "), read.getKey());
                }
            }
            for (Object scan : List.of(3, "scan")) {
                byte[] bytes = scan instanceof Integer ? rs.getBytes((Integer) scan) : rs.getBytes((String) scan);
                assertPanHidden(pan, new String(bytes, StandardCharsets.UTF_8), brand + " in getBytes(" + scan + ")");
                Blob blob = scan instanceof Integer ? rs.getBlob((Integer) scan) : rs.getBlob((String) scan);
                assertPanHidden(pan, new String(blob.getBytes(1, (int) blob.length()), StandardCharsets.UTF_8),
                        brand + " in getBlob(" + scan + ")");
                InputStream in = scan instanceof Integer ? rs.getBinaryStream((Integer) scan)
                        : rs.getBinaryStream((String) scan);
                assertPanHidden(pan, new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        brand + " in getBinaryStream(" + scan + ")");
                Object object = scan instanceof Integer ? rs.getObject((Integer) scan) : rs.getObject((String) scan);
                assertPanHidden(pan, text(object), brand + " in getObject(" + scan + ")");
            }
            for (Object tags : List.of(4, "tags")) {
                Array array = tags instanceof Integer ? rs.getArray((Integer) tags) : rs.getArray((String) tags);
                Object[] elements = (Object[]) array.getArray();
                assertEquals("plain", elements[0]);
                assertPanHidden(pan, (String) elements[1], brand + " in an array element");
                Object object = tags instanceof Integer ? rs.getObject((Integer) tags) : rs.getObject((String) tags);
                assertPanHidden(pan, Arrays.toString((Object[]) ((Array) object).getArray()),
                        brand + " in getObject of an array");
            }
            for (Object doc : List.of(5, "doc")) {
                Object json = doc instanceof Integer ? rs.getObject((Integer) doc) : rs.getObject((String) doc);
                assertTrue(json instanceof String, "JSON comes back as text, was " + json.getClass());
                assertPanHidden(pan, (String) json, brand + " in JSON through getObject");
                assertTrue(((String) json).startsWith("{\"note\":"), (String) json);
                String string = doc instanceof Integer ? rs.getString((Integer) doc) : rs.getString((String) doc);
                assertPanHidden(pan, string, brand + " in JSON through getString");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brandPans")
    void refusesANumberColumnHoldingABrandPanThroughTypedGetters(String brand, String pan) throws Exception {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO cards (id, pan_number, pan_decimal)"
                + " VALUES (1, ?, ?)")) {
            ps.setBigDecimal(1, new BigDecimal(pan).compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0
                    ? null : new BigDecimal(pan));
            ps.setBigDecimal(2, new BigDecimal(pan));
            ps.executeUpdate();
        }
        try (ResultSet rs = query("SELECT pan_number, pan_decimal FROM cards", null)) {
            assertTrue(rs.next());
            String decimalMessage = "getBigDecimal refused on column \"pan_decimal\" (index 2): the masking detectors"
                    + " flag its value, and a number cannot carry a masked value; use getString to read the masked text";
            assertEquals(decimalMessage, assertThrows(SQLException.class, () -> rs.getBigDecimal(2)).getMessage());
            assertEquals(decimalMessage, assertThrows(SQLException.class,
                    () -> rs.getBigDecimal("pan_decimal")).getMessage());
            assertThrows(SQLException.class, () -> rs.getDouble(2), "getDouble");
            assertThrows(SQLException.class, () -> rs.getFloat(2), "getFloat");
            assertThrows(SQLException.class, () -> rs.getObject(2, BigDecimal.class), "getObject(BigDecimal)");
            assertThrows(SQLException.class, () -> rs.getBytes(2), "getBytes");
            assertPanHidden(pan, rs.getString(2), "getString of a DECIMAL");
            assertPanHidden(pan, text(rs.getObject(2)), "getObject of a DECIMAL");
            if (pan.length() < 19) {
                String longMessage = "getLong refused on column \"pan_number\" (index 1): the masking detectors flag"
                        + " its value, and a number cannot carry a masked value; use getString to read the masked text";
                assertEquals(longMessage, assertThrows(SQLException.class, () -> rs.getLong(1)).getMessage());
                assertEquals(longMessage, assertThrows(SQLException.class, () -> rs.getLong("PAN_NUMBER")).getMessage());
                assertThrows(SQLException.class, () -> rs.getObject(1, Long.class), "getObject(Long)");
                assertThrows(SQLException.class, () -> rs.getBytes(1), "getBytes of a BIGINT (its binary form)");
                assertThrows(SQLException.class, () -> rs.getBinaryStream(1), "getBinaryStream of a BIGINT");
                assertThrows(SQLException.class, () -> rs.getBlob(1), "getBlob of a BIGINT");
                assertPanHidden(pan, rs.getString(1), "getString of a BIGINT");
                assertPanHidden(pan, text(rs.getObject(1)), "getObject of a BIGINT");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("luhnValidNonCards")
    void leavesLuhnValidNumbersThatAreNotCardsAlone(String what, String number) throws Exception {
        String text = "ref " + number + " done";
        insert("n/a", "n/a", text, text);
        try (PreparedStatement ps = db.prepareStatement("UPDATE cards SET pan_decimal = ?, pan_number = ?")) {
            ps.setBigDecimal(1, new BigDecimal(number));
            ps.setObject(2, number.length() <= 18 ? Long.valueOf(number) : null);
            ps.executeUpdate();
        }
        try (ResultSet rs = query("SELECT holder, note, pan_decimal, pan_number FROM cards", null)) {
            assertTrue(rs.next());
            for (Map.Entry<String, String> read : readEveryWay(rs, 1, "holder").entrySet()) {
                assertEquals(text, read.getValue(), what + " through " + read.getKey());
            }
            assertEquals(text, rs.getString("note"));
            assertEquals(new BigDecimal(number), rs.getBigDecimal(3));
            assertEquals(number, rs.getString(3));
            if (number.length() <= 18) {
                assertEquals(Long.parseLong(number), rs.getLong(4));
                assertEquals(Long.valueOf(number), rs.getObject(4));
            }
        }
    }

    @Test
    void masksTheCvvReadThroughAnAlias() throws Exception {
        insert("4111111111111111", "737", "n/a", null);
        AnalyzedSql sql = select(new ResultColumn(1, "x", Set.of("cards.cvv")));
        try (ResultSet rs = query("SELECT c.cvv AS x FROM cards c", sql)) {
            assertTrue(rs.next());
            assertEquals("[REDACTED]", rs.getString("x"));
            assertEquals("[REDACTED]", rs.getObject(1));
        }
    }

    @Test
    void masksTheCvvReadThroughAnExpression() throws Exception {
        insert("4111111111111111", "737", "n/a", null);
        AnalyzedSql sql = select(new ResultColumn(1, "x", Set.of("cards.cvv")),
                new ResultColumn(2, "y", Set.of("cards.cvv", "cards.holder")));
        try (ResultSet rs = query("SELECT upper(c.cvv) AS x, c.holder || c.cvv AS y FROM cards c", sql)) {
            assertTrue(rs.next());
            assertEquals("[REDACTED]", rs.getString("x"));
            assertEquals("[REDACTED]", rs.getString("y"));
            SQLException refused = assertThrows(SQLException.class, () -> rs.getInt("x"));
            assertEquals("getInt refused on column \"x\" (index 1): it is masked by rule \"column:*.cards.cvv\", so"
                    + " only its masked text can be read; use getString or getObject", refused.getMessage());
        }
    }

    @Test
    void masksTheCvvReadThroughAStar() throws Exception {
        insert("4111111111111111", "737", "n/a", null);
        AnalyzedSql sql = select(new ResultColumn(1, "*", Set.of("cards.*")), new ResultColumn(2, "one", Set.of()));
        try (ResultSet rs = query("SELECT c.*, 1 AS one FROM cards c", sql)) {
            assertTrue(rs.next());
            assertEquals("[REDACTED]", rs.getString("cvv"));
            assertEquals("411111******1111", rs.getString("pan"));
            assertEquals(1, rs.getInt("one"));
            assertEquals(1, rs.getInt("id"));
        }
    }

    @Test
    void masksTheCvvOfAStarFromASubqueryWhoseTableTheDriverDoesNotName() throws Exception {
        insert("4111111111111111", "737", "n/a", null);
        // H2 names no table for a computed column, so only the parsed query knows it is the CVV.
        AnalyzedSql sql = select(new ResultColumn(1, "*", Set.of("cards.*")));
        try (ResultSet rs = query("SELECT * FROM (SELECT id, lower(cvv) AS cvv FROM cards) t", sql)) {
            assertTrue(rs.next());
            assertEquals("[REDACTED]", rs.getString("cvv"));
        }
    }

    /** Ways a query can carry the CVV into a result column; the analyzer traces each one. */
    static Stream<String> queriesReachingTheCvv() {
        return Stream.of(
                "SELECT c.cvv AS x FROM cards c",
                "SELECT upper(c.cvv) AS x FROM cards c",
                "SELECT c.holder || c.cvv AS x FROM cards c",
                "SELECT coalesce(NULL, cvv) AS x FROM cards",
                "SELECT substring(cvv, 1, 2) || substring(cvv, 3, 2) AS x FROM cards",
                "SELECT CAST(cvv AS INT) + 0 AS n FROM cards",
                "SELECT cvv AS \"Hint\" FROM cards",
                "SELECT * FROM cards",
                "SELECT c.*, 1 AS one FROM cards c",
                "SELECT 'x' AS a, c.*, o.item FROM cards c JOIN orders o ON o.id = c.id",
                "SELECT * FROM cards c JOIN orders o ON o.id = c.id",
                "SELECT t.* FROM (SELECT id, lower(cvv) AS code FROM cards) t",
                "WITH x AS (SELECT cvv AS code FROM cards) SELECT code FROM x",
                "SELECT holder FROM cards UNION SELECT cvv FROM cards",
                "SELECT (SELECT cvv FROM cards LIMIT 1) AS s",
                "SELECT max(cvv) AS m FROM cards GROUP BY id");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queriesReachingTheCvv")
    void masksTheCvvHoweverTheQueryReachesIt(String query) throws Exception {
        insert("4111111111111111", "9731", "Ann Lee", null);
        AnalyzedSql analyzed = SqlAnalyzer.builder().build().analyze(query);
        try (ResultSet rs = query(query, analyzed)) {
            int columns = rs.getMetaData().getColumnCount();
            int rows = 0;
            while (rs.next()) {
                rows++;
                for (int i = 1; i <= columns; i++) {
                    String value = rs.getString(i);
                    assertFalse(value != null && value.contains("9731"),
                            "column " + i + " of \"" + query + "\" shows the CVV: " + value);
                    assertFalse(value != null && value.contains("4111111111111111"), "column " + i + " shows the PAN");
                    Object object = rs.getObject(i);
                    assertFalse(object != null && String.valueOf(object).contains("9731"),
                            "getObject of column " + i + " shows the CVV");
                }
            }
            assertTrue(rows > 0);
        }
    }

    @Test
    void masksACardNumberWrittenWithSeparatorsInAMaskedColumn() throws Exception {
        insert("4111-1111-1111-1111", "737", "n/a", null);
        try (ResultSet rs = query("SELECT pan FROM cards", null)) {
            assertTrue(rs.next());
            assertEquals("4111-11**-****-1111", rs.getString(1));
        }
    }

    @Test
    void masksEveryCardInALongClobEvenAcrossReadBufferBoundaries() throws Exception {
        StringBuilder note = new StringBuilder();
        while (note.length() < 8190) {
            note.append('x');
        }
        note.append(" 4111111111111111 and later 5555555555554444"); // the first card straddles char 8192
        insert("n/a", "n/a", "n/a", note.toString());
        try (ResultSet rs = query("SELECT note FROM cards", null)) {
            assertTrue(rs.next());
            String fromStream = read(rs.getCharacterStream(1));
            assertPanHidden("4111111111111111", fromStream, "first card");
            assertPanHidden("5555555555554444", fromStream, "second card");
            Clob clob = rs.getClob(1);
            assertEquals(fromStream, clob.getSubString(1, (int) clob.length()));
        }
    }

    @Test
    void servesJsonAsMaskedTextThroughTypedGetObject() throws Exception {
        insert("n/a", "n/a", "n/a", "card 4111111111111111");
        try (ResultSet rs = query("SELECT doc FROM cards", null)) {
            assertTrue(rs.next());
            String json = rs.getObject(1, String.class);
            assertEquals("{\"note\":\"card 411111******1111\"}", json);
            assertEquals(json, new String(rs.getBytes(1), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aKeyedHashColumnStillJoinsEqualValues() throws Exception {
        Masker hashing = MaskingRules.builder()
                .column("*.cards.pan", MaskStrategy.KEYED_HASH)
                .hashKey(MaskingKey.of(new byte[32]))
                .build()
                .masker();
        insert("4111111111111111", "1", "n/a", null);
        try (Statement s = db.createStatement()) {
            s.execute("INSERT INTO cards (id, pan) VALUES (2, '4111111111111111'), (3, '5555555555554444')");
        }
        Statement statement = db.createStatement();
        ResultSet raw = statement.executeQuery("SELECT pan FROM cards ORDER BY id");
        try (ResultSet rs = new GuardedResultSet(raw, statement,
                ResultMasking.forQuery(hashing, null, raw.getMetaData(), 0, null))) {
            List<String> hashes = new ArrayList<>();
            while (rs.next()) {
                hashes.add(rs.getString(1));
            }
            assertEquals(hashes.get(0), hashes.get(1));
            assertFalse(hashes.get(0).equals(hashes.get(2)));
            assertTrue(hashes.get(0).startsWith("[HASH:"), hashes.get(0));
        }
    }

    @Test
    void aNumberIsReadableWhenThePolicyTurnsThePanDetectorOff() throws Exception {
        Masker noPan = MaskingRules.builder().disableDetector("pan").build().masker();
        try (Statement s = db.createStatement()) {
            s.execute("INSERT INTO cards (id, pan_number) VALUES (1, 4111111111111111)");
        }
        Statement statement = db.createStatement();
        ResultSet raw = statement.executeQuery("SELECT pan_number FROM cards");
        try (ResultSet rs = new GuardedResultSet(raw, statement,
                ResultMasking.forQuery(noPan, null, raw.getMetaData(), 0, null))) {
            assertTrue(rs.next());
            assertEquals(4111111111111111L, rs.getLong(1));
            assertEquals("4111111111111111", rs.getString(1));
        }
    }

    // ---------------------------------------------------------------- fixture

    private void insert(String pan, String cvv, String holder, String note) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO cards (id, pan, cvv, holder, note, scan, tags,"
                + " doc, amount, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, ? FORMAT JSON, 12.50, CURRENT_TIMESTAMP)")) {
            ps.setString(1, pan);
            ps.setString(2, cvv);
            ps.setString(3, holder);
            ps.setString(4, note);
            ps.setBytes(5, note == null ? null : note.getBytes(StandardCharsets.UTF_8));
            ps.setArray(6, db.createArrayOf("VARCHAR", new Object[] {"plain", note}));
            ps.setString(7, note == null ? null : "{\"note\":\"" + note + "\"}");
            ps.executeUpdate();
        }
    }

    private ResultSet query(String sql, AnalyzedSql analyzed) throws SQLException {
        Statement statement = db.createStatement();
        ResultSet rs = statement.executeQuery(sql);
        return new GuardedResultSet(rs, statement,
                ResultMasking.forQuery(MASKER, analyzed, rs.getMetaData(), 0, null));
    }

    static AnalyzedSql select(ResultColumn... columns) {
        SqlStatement select = new SqlStatement(StatementKind.SELECT, Set.of("cards"), Set.of(), Set.of(), Set.of(),
                false, Set.of(), null);
        return new AnalyzedSql(new SqlAction(List.of(select)), "SELECT ?", "SELECT ?", 0, List.of(columns));
    }

    /**
     * Every way a text value can be read from one column, by index and by label: getter name to
     * the text it gave.
     */
    static Map<String, String> readEveryWay(ResultSet rs, int index, String label) throws Exception {
        Map<String, String> reads = new LinkedHashMap<>();
        for (Object column : List.of(index, label, label.toUpperCase(java.util.Locale.ROOT))) {
            boolean byIndex = column instanceof Integer;
            int i = byIndex ? (Integer) column : rs.findColumn((String) column);
            String suffix = "(" + (byIndex ? column : "\"" + column + "\"") + ")";
            reads.put("getString" + suffix, byIndex ? rs.getString(i) : rs.getString(label));
            reads.put("getNString" + suffix, byIndex ? rs.getNString(i) : rs.getNString(label));
            reads.put("getObject" + suffix, text(byIndex ? rs.getObject(i) : rs.getObject(label)));
            reads.put("getObject(String.class)" + suffix,
                    byIndex ? rs.getObject(i, String.class) : rs.getObject(label, String.class));
            reads.put("getObject(Object.class)" + suffix,
                    text(byIndex ? rs.getObject(i, Object.class) : rs.getObject(label, Object.class)));
            reads.put("getObject(map)" + suffix, text(byIndex ? rs.getObject(i, Map.of()) : rs.getObject(label, Map.of())));
            reads.put("getBytes" + suffix,
                    new String(byIndex ? rs.getBytes(i) : rs.getBytes(label), StandardCharsets.UTF_8));
            reads.put("getCharacterStream" + suffix,
                    read(byIndex ? rs.getCharacterStream(i) : rs.getCharacterStream(label)));
            reads.put("getNCharacterStream" + suffix,
                    read(byIndex ? rs.getNCharacterStream(i) : rs.getNCharacterStream(label)));
            reads.put("getAsciiStream" + suffix, new String(
                    (byIndex ? rs.getAsciiStream(i) : rs.getAsciiStream(label)).readAllBytes(), StandardCharsets.US_ASCII));
            reads.put("getBinaryStream" + suffix, new String(
                    (byIndex ? rs.getBinaryStream(i) : rs.getBinaryStream(label)).readAllBytes(), StandardCharsets.UTF_8));
            @SuppressWarnings("deprecation")
            InputStream unicode = byIndex ? rs.getUnicodeStream(i) : rs.getUnicodeStream(label);
            reads.put("getUnicodeStream" + suffix, new String(unicode.readAllBytes(), StandardCharsets.UTF_16BE));
            reads.put("getClob" + suffix, text(byIndex ? rs.getClob(i) : rs.getClob(label)));
            reads.put("getNClob" + suffix, text(byIndex ? rs.getNClob(i) : rs.getNClob(label)));
            reads.put("getObject(Clob.class)" + suffix, text(rs.getObject(i, Clob.class)));
            reads.put("getObject(Reader.class)" + suffix, read(rs.getObject(i, Reader.class)));
            reads.put("getSQLXML" + suffix, (byIndex ? rs.getSQLXML(i) : rs.getSQLXML(label)).getString());
            Blob blob = byIndex ? rs.getBlob(i) : rs.getBlob(label);
            reads.put("getBlob" + suffix, new String(blob.getBytes(1, (int) blob.length()), StandardCharsets.UTF_8));
            reads.put("getObject(byte[].class)" + suffix, new String(rs.getObject(i, byte[].class), StandardCharsets.UTF_8));
        }
        return reads;
    }

    static String text(Object value) throws SQLException {
        if (value instanceof Clob) {
            Clob clob = (Clob) value;
            return clob.getSubString(1, (int) clob.length());
        }
        if (value instanceof byte[]) {
            return new String((byte[]) value, StandardCharsets.UTF_8);
        }
        if (value instanceof Blob) {
            Blob blob = (Blob) value;
            return new String(blob.getBytes(1, (int) blob.length()), StandardCharsets.UTF_8);
        }
        return String.valueOf(value);
    }

    static String read(Reader reader) {
        try (Reader r = reader) {
            StringBuilder out = new StringBuilder();
            char[] buffer = new char[1024];
            int n;
            while ((n = r.read(buffer)) >= 0) {
                out.append(buffer, 0, n);
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PCI display masking of a whole card number: first 6 and last 4 digits shown. */
    static String partial(String pan) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pan.length(); i++) {
            out.append(i < 6 || i >= pan.length() - 4 ? pan.charAt(i) : '*');
        }
        return out.toString();
    }

    /** The card in groups of four, as people write it in free text. */
    static String spaced(String pan) {
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < pan.length(); i += 4) {
            groups.add(pan.substring(i, Math.min(pan.length(), i + 4)));
        }
        return String.join(" ", groups);
    }

    /** Fails when the text still holds the card's digits in a row, whatever separators are around them. */
    static void assertPanHidden(String pan, String text, String where) {
        if (text == null) {
            fail(where + ": no value at all");
        }
        String digits = text.replaceAll("[^0-9]", "");
        assertFalse(digits.contains(pan), where + ": the card number is readable in \"" + text.replace(pan, "<PAN>")
                + "\"");
    }

    /** {@code digits} completed with the Luhn check digit. */
    static String withLuhnDigit(String digits) {
        int sum = 0;
        boolean doubled = true;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return digits + (10 - sum % 10) % 10;
    }

    @Test
    void luhnFixtureComputesCheckDigits() {
        assertEquals("4111111111111111", withLuhnDigit("411111111111111"));
        assertEquals("378282246310005", withLuhnDigit("37828224631000"));
    }
}
