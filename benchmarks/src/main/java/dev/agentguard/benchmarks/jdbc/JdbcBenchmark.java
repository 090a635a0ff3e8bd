package dev.agentguard.benchmarks.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.benchmarks.ForkedJvm;
import dev.agentguard.benchmarks.ScratchDirectory;
import dev.agentguard.benchmarks.jdbc.stub.StubDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What a JDBC call costs through each {@link JdbcLibrary} — raw HikariCP, AgentGuard (policy,
 * masking, journal), p6spy, datasource-proxy — on two back ends:
 * <ul>
 *   <li>{@code backend=h2}: HikariCP over H2 in memory, end to end;</li>
 *   <li>{@code backend=stub}: HikariCP over a driver that does nothing
 *       ({@link StubDataSource}), so that what remains above raw is the wrapper's own cost
 *       (HikariCP's benchmark method).</li>
 * </ul>
 * One operation (time per operation, {@code -prof gc} for bytes per operation):
 * <ul>
 *   <li>{@link #preparedSelectByPk}: a statement prepared once per iteration, run with a new
 *       key: bind, execute, read the row's four cells, close the result set. AgentGuard's
 *       cached path: the SQL was analysed and checked at prepare time; each run is decided,
 *       journaled (intent and outcome) and masked (the {@code pan} cell).</li>
 *   <li>{@link #plainStatementNewLiteral}: a plain {@code Statement} with the key written into
 *       the text, a new literal each time: the same shape, so AgentGuard's analysis comes from
 *       its literal-insensitive cache after lexing the text.</li>
 *   <li>{@link #iterateMaskedResult}: a prepared query returning 100 rows × 10 columns, every
 *       cell read with {@code getString}; two columns are masked by rule, the other eight
 *       scanned by the detectors.</li>
 *   <li>{@link #neverSeenShape}: a plain statement with a table alias never used before, so no
 *       cache helps: one bounded parse by AgentGuard (and by H2).</li>
 * </ul>
 * Each iteration opens a new connection (and, for AgentGuard, a new journal in a scratch
 * directory deleted afterwards, so disk use stays bounded); the pool and data live for the
 * trial. Setup checks that each library really does its work: AgentGuard's answer is masked and
 * journaled, the others' is not masked.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {ForkedJvm.OPEN_REFLECT, ForkedJvm.EXPORT_NIO, ForkedJvm.EXPORT_REF,
        ForkedJvm.NO_DISK_MONITOR, ForkedJvm.NO_BANNER, ForkedJvm.HEAP_MIN, ForkedJvm.HEAP_MAX})
@State(Scope.Thread)
public class JdbcBenchmark {

    static final String BY_ID = "SELECT id, holder, pan, expiry FROM cards WHERE id = ?";
    static final String BY_ID_TEXT = "SELECT id, holder, pan, expiry FROM cards WHERE id = ";
    static final String PAGE = "SELECT id, holder, pan, expiry, brand, issuer, country, status, email, opened "
            + "FROM cards WHERE id BETWEEN ? AND ?";
    static final int PAGE_ROWS = 100;

    /** {@code h2}: HikariCP over H2 in memory; {@code stub}: HikariCP over a driver that does nothing. */
    @Param({"h2", "stub"})
    public String backend;

    /** What wraps the pool: see {@link JdbcLibrary}. */
    @Param({"raw", "guarded", "p6spy", "datasource-proxy"})
    public String library;

    private JdbcLibrary wrapper;
    private HikariDataSource pool;
    private ScratchDirectory journalDirectory;
    private Journal journal;
    private Connection connection;
    private PreparedStatement byId;
    private PreparedStatement page;
    private Statement plain;
    private int nextId;
    private int nextPage;
    private long shapes;

    @Setup(Level.Trial)
    public void openPool() throws SQLException {
        wrapper = JdbcLibrary.named(library);
        HikariConfig config = new HikariConfig();
        config.setPoolName("bench-" + backend);
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(1);
        switch (backend) {
            case "h2" -> {
                config.setJdbcUrl("jdbc:h2:mem:bench" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
                        + ";DB_CLOSE_DELAY=-1");
                config.setUsername("sa");
                config.setPassword("");
            }
            case "stub" -> config.setDataSource(new StubDataSource(List.of(CardsTable.stub())));
            default -> throw new IllegalArgumentException("backend \"" + backend + "\" is not one of [h2, stub]");
        }
        pool = new HikariDataSource(config);
        if (backend.equals("h2")) {
            try (Connection c = pool.getConnection()) {
                CardsTable.createInH2(c);
            }
        }
    }

    @Setup(Level.Iteration)
    public void connect() throws SQLException, JournalException {
        if (wrapper == JdbcLibrary.GUARDED) {
            journalDirectory = ScratchDirectory.create("agentguard-bench-jdbc-");
            journal = Journal.builder(journalDirectory.path()).minFreeSpace(1L << 30).open();
        }
        connection = wrapper.wrap(pool, journal).getConnection();
        byId = connection.prepareStatement(BY_ID);
        page = connection.prepareStatement(PAGE);
        plain = connection.createStatement();
        checkTheLibraryWorks();
    }

    @TearDown(Level.Iteration)
    public void disconnect() throws SQLException, JournalException {
        long journaled = journal == null ? 0 : journal.lastSequence();
        connection.close();
        if (journal != null) {
            journal.close();
            journalDirectory.close();
            journal = null;
            if (journaled < 2) {
                throw new IllegalStateException("the guarded case journaled nothing this iteration");
            }
        }
    }

    @TearDown(Level.Trial)
    public void closePool() {
        pool.close();
    }

    /** (a) The cached path: a prepared SELECT by primary key, the whole row read. */
    @Benchmark
    public long preparedSelectByPk() throws SQLException {
        byId.setLong(1, nextId());
        try (ResultSet rs = byId.executeQuery()) {
            return readRows(rs, 4);
        }
    }

    /** (b) A plain statement whose literal changes every time (same shape). */
    @Benchmark
    public long plainStatementNewLiteral() throws SQLException {
        try (ResultSet rs = plain.executeQuery(BY_ID_TEXT + nextId())) {
            return readRows(rs, 4);
        }
    }

    /** (c) 100 rows × 10 columns, every cell read; two columns masked by rule. */
    @Benchmark
    public long iterateMaskedResult() throws SQLException {
        int first = nextPage * PAGE_ROWS + 1;
        nextPage = (nextPage + 1) % (CardsTable.H2_ROWS / PAGE_ROWS);
        page.setLong(1, first);
        page.setLong(2, first + PAGE_ROWS - 1);
        try (ResultSet rs = page.executeQuery()) {
            return readRows(rs, 10);
        }
    }

    /** (d) A statement shape never seen before (a new table alias each time): no cache helps. */
    @Benchmark
    public long neverSeenShape() throws SQLException {
        String alias = "c" + ++shapes;
        String sql = "SELECT " + alias + ".id, " + alias + ".holder FROM cards " + alias + " WHERE " + alias
                + ".id = " + nextId();
        try (ResultSet rs = plain.executeQuery(sql)) {
            return readRows(rs, 2);
        }
    }

    private int nextId() {
        nextId = nextId % CardsTable.H2_ROWS + 1;
        return nextId;
    }

    /** Reads every row: the key with getLong, every other cell with getString. */
    private static long readRows(ResultSet rs, int columns) throws SQLException {
        long sum = 0;
        while (rs.next()) {
            sum += rs.getLong(1);
            for (int c = 2; c <= columns; c++) {
                String s = rs.getString(c);
                sum += s == null ? 0 : s.length();
            }
        }
        return sum;
    }

    /** Fails the trial when a library is not doing its work (masking, journaling) or is doing the wrong one. */
    private void checkTheLibraryWorks() throws SQLException {
        String expected = CardsTable.pan(1);
        if (wrapper == JdbcLibrary.GUARDED) {
            expected = expected.substring(0, 6) + "******" + expected.substring(12);
        }
        byId.setLong(1, 1);
        try (ResultSet rs = byId.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException(library + " on " + backend + " returned no row for id 1");
            }
            String pan = rs.getString(3);
            if (!expected.equals(pan)) {
                throw new IllegalStateException(library + " on " + backend + " returned the pan of id 1 as \""
                        + (pan == null ? null : pan.replaceAll("[0-9]", "#")) + "\", expected the shape \""
                        + expected.replaceAll("[0-9]", "#") + "\"");
            }
        }
    }
}
