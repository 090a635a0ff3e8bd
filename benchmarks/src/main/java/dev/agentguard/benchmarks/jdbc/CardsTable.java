package dev.agentguard.benchmarks.jdbc;

import dev.agentguard.benchmarks.jdbc.stub.StubTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The table every JDBC benchmark reads: {@code public.cards}, ten columns of which the policy
 * masks two by column rule ({@code pan} partially, {@code email} redacted) while its detectors
 * scan the other eight text values of every row. The same rows go into H2 and into the stub
 * driver, so both answer the same queries with the same text.
 */
final class CardsTable {

    static final List<String> COLUMNS = List.of("id", "holder", "pan", "expiry", "brand", "issuer", "country",
            "status", "email", "opened");

    /**
     * Rows in H2. The queries by key rotate over them, so a plain statement's text (key
     * written in) repeats only after 100,000 statements: far more than AgentGuard's analysis
     * cache holds (10,000), so every text is new to it and only its shape is cached.
     */
    static final int H2_ROWS = 100_000;

    /** Rows of the stub table: a query without an equality returns all of them. */
    static final int STUB_ROWS = 100;

    private static final String[] HOLDERS = {"Alice Martin", "Bruno Keller", "Chloé Dubois", "Dario Rossi",
        "Eva Novak", "Farid Haddad", "Greta Lund", "Hiro Tanaka"};
    private static final String[] ISSUERS = {"Example Bank", "Sample Savings", "Demo Credit Union"};
    private static final String[] COUNTRIES = {"DE", "FR", "IT", "NL", "SE", "JP"};
    private static final String[] STATUSES = {"active", "active", "active", "blocked", "expired"};

    private CardsTable() {
    }

    /** The text of every cell of row {@code id} (1-based), in column order. */
    static List<String> row(int id) {
        return List.of(
                Integer.toString(id),
                HOLDERS[id % HOLDERS.length],
                pan(id),
                String.format("20%02d-%02d", 27 + id % 5, 1 + id % 12),
                "visa",
                ISSUERS[id % ISSUERS.length],
                COUNTRIES[id % COUNTRIES.length],
                STATUSES[id % STATUSES.length],
                "holder" + id + "@example.com",
                String.format("2024-%02d-%02d", 1 + id % 12, 1 + id % 28));
    }

    /** The stub driver's copy of the table. */
    static StubTable stub() {
        List<List<String>> rows = new ArrayList<>(STUB_ROWS);
        for (int id = 1; id <= STUB_ROWS; id++) {
            rows.add(row(id));
        }
        return new StubTable("public", "cards", COLUMNS, rows);
    }

    /** Creates and fills {@code public.cards} in H2. */
    static void createInH2(Connection connection) throws SQLException {
        try (Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE TABLE cards (id BIGINT PRIMARY KEY, holder VARCHAR(100) NOT NULL, "
                    + "pan VARCHAR(19) NOT NULL, expiry VARCHAR(7) NOT NULL, brand VARCHAR(20) NOT NULL, "
                    + "issuer VARCHAR(100) NOT NULL, country CHAR(2) NOT NULL, status VARCHAR(20) NOT NULL, "
                    + "email VARCHAR(200) NOT NULL, opened DATE NOT NULL)");
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int id = 1; id <= H2_ROWS; id++) {
                List<String> cells = row(id);
                insert.setLong(1, id);
                for (int c = 1; c < cells.size() - 1; c++) {
                    insert.setString(c + 1, cells.get(c));
                }
                insert.setDate(10, java.sql.Date.valueOf(cells.get(9)));
                insert.addBatch();
                if (id % 1_000 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }

    /**
     * A 16-digit Visa number that passes the Luhn check: {@code 400000}, the id in nine digits,
     * and the check digit. Card-number detectors would flag it wherever it appeared.
     */
    static String pan(int id) {
        String body = String.format("400000%09d", id);
        int sum = 0;
        for (int i = 0; i < body.length(); i++) {
            int digit = body.charAt(body.length() - 1 - i) - '0';
            if (i % 2 == 0) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return body + (10 - sum % 10) % 10;
    }
}
