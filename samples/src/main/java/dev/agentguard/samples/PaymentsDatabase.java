package dev.agentguard.samples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sample's payments database, as the operator of an agent sets it up: H2 in memory behind a
 * HikariCP pool that holds the database credentials. It has a {@code cards} table seeded with the
 * card brands' published test PANs (never real cards) and an {@code orders} table.
 *
 * <p>The pool is the operator's: the agent only ever gets the guarded data source built over it.
 */
final class PaymentsDatabase implements AutoCloseable {

    /** A card on file: the brands' published test numbers, which no issuer will ever honour. */
    record Card(int id, String holder, String pan, String cvv, String expiry, String brand) {
    }

    /** The seeded cards, one per brand (Mastercard twice: its 5-series and its 2-series). */
    static final List<Card> CARDS = List.of(
            new Card(1, "Ada Lovelace", "4111111111111111", "123", "12/29", "Visa"),
            new Card(2, "Alan Turing", "5555555555554444", "456", "01/30", "Mastercard"),
            new Card(3, "Grace Hopper", "2223003122003222", "789", "06/28", "Mastercard"),
            new Card(4, "Katherine Johnson", "378282246310005", "1234", "09/27", "American Express"),
            new Card(5, "Edsger Dijkstra", "6011111111111117", "321", "03/31", "Discover"));

    /**
     * A support note in which a customer read out a card number: free text that no column rule
     * covers, so only the PAN detector stands between it and the agent.
     */
    static final String NOTE_WITH_PAN = "customer read out card 5555 5555 5555 4444 on the phone";

    // Several runs in one JVM (the tests) each get their own database.
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final HikariDataSource pool;

    private PaymentsDatabase(HikariDataSource pool) {
        this.pool = pool;
    }

    /** A new in-memory database with the tables and their rows; gone when {@link #close()}d. */
    static PaymentsDatabase create() throws SQLException {
        HikariConfig config = new HikariConfig();
        // No DB_CLOSE_DELAY: the database lives as long as the pool keeps a connection open.
        config.setJdbcUrl("jdbc:h2:mem:payments-" + RUNS.incrementAndGet());
        config.setUsername("payments_owner");     // the credentials stay with the pool,
        config.setPassword("sample-only-secret");  // out of the agent's reach
        config.setMaximumPoolSize(2);
        config.setPoolName("payments-pool");
        HikariDataSource pool = new HikariDataSource(config);
        try {
            seed(pool);
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
        return new PaymentsDatabase(pool);
    }

    private static void seed(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE cards (id INT PRIMARY KEY, holder VARCHAR(100) NOT NULL, pan VARCHAR(19) NOT NULL,"
                    + " cvv VARCHAR(4) NOT NULL, expiry VARCHAR(5) NOT NULL)");
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, card_id INT NOT NULL REFERENCES cards (id),"
                    + " amount DECIMAL(10, 2) NOT NULL, status VARCHAR(20) NOT NULL, note VARCHAR(200))");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO cards VALUES (?, ?, ?, ?, ?)")) {
                for (Card card : CARDS) {
                    insert.setInt(1, card.id());
                    insert.setString(2, card.holder());
                    insert.setString(3, card.pan());
                    insert.setString(4, card.cvv());
                    insert.setString(5, card.expiry());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?, ?)")) {
                Object[][] orders = {
                        {1, 1, "42.00", "paid", "gift wrap"},
                        {2, 2, "19.99", "paid", NOTE_WITH_PAN},
                        {3, 4, "120.00", "refunded", null}};
                for (Object[] order : orders) {
                    for (int i = 0; i < order.length; i++) {
                        insert.setObject(i + 1, order[i]);
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }

    /** The pool, holding the credentials: what the operator wraps, never what the agent gets. */
    HikariDataSource pool() {
        return pool;
    }

    /** Rows in {@code table}, counted by the operator through the pool, not through the guard. */
    long count(String table) throws SQLException {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("table \"" + table + "\" is not a plain table name like \"cards\"");
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Closes the pool, and with its last connection the in-memory database. Idempotent. */
    @Override
    public void close() {
        pool.close();
    }
}
