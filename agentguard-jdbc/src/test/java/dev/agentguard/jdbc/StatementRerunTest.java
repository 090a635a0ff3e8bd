package dev.agentguard.jdbc;

import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.StringJoiner;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A statement run again reuses what its last run left (the run record, the array its result set
 * counted masked values in): each outcome must still report exactly its own run, and nothing of
 * a finished run may be reached through a result set that outlived it.
 */
class StatementRerunTest {

    private static final String AGENT = GuardedJdbcContract.AGENT;

    @TempJournal
    Journal journal;

    private PaymentsDatabase db;
    private GuardedDataSource guarded;

    @BeforeEach
    void openDatabase() throws Exception {
        db = PaymentsDatabase.h2();
        guarded = GuardedDataSource.builder()
                .dataSource(db.forGuard())
                .name(GuardedJdbcContract.RESOURCE)
                .identity(IdentitySource.fixed(GuardedJdbcContract.IDENTITY))
                .policy(TestPolicies.payments())
                .journal(journal)
                .build();
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    @Test
    void eachRunOfAPreparedStatementCountsOnlyItsOwnRowsAndMaskedValues() throws Exception {
        try (Connection c = guarded.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, pan FROM cards WHERE id <= ? ORDER BY id")) {
            ps.setInt(1, 2);
            assertEquals(2, readAll(ps));
            ps.setInt(1, 1);
            assertEquals(1, readAll(ps));
            ps.setInt(1, 2);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                rs.getString(2);
                rs.getString("pan"); // the same value again counts once
            }
            ps.setInt(1, 0);
            assertEquals(0, readAll(ps));
        }
        assertThat(journal).filteredOn(e -> e.agent(AGENT).phase(Phase.OUTCOME))
                .eventsInOrder(
                        e -> e.outcome(Outcome.SUCCESS).count("rows", 2).count("masked.pan", 2),
                        e -> e.outcome(Outcome.SUCCESS).count("rows", 1).count("masked.pan", 1),
                        e -> e.outcome(Outcome.SUCCESS).count("rows", 1).count("masked.pan", 1),
                        e -> e.outcome(Outcome.SUCCESS).count("rows", 0))
                .hasNoEventMatching(e -> e.phase(Phase.OUTCOME).count("rows", 0).count("masked.pan", 1));
    }

    @Test
    void aClosedResultSetRefusesEveryReadWhateverTheDriverWouldDo() throws Exception {
        try (Connection c = guarded.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, pan, holder FROM cards WHERE id = ?")) {
            ps.setInt(1, 1);
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next());
            rs.close();
            for (ThrowingRead read : new ThrowingRead[] {() -> rs.getString(2), () -> rs.getObject("pan"),
                    () -> rs.getLong(1), () -> rs.getString(3), () -> rs.getBytes(3)}) {
                SQLException e = assertThrows(SQLException.class, read::run);
                assertEquals("the result set is closed: run the statement again for a new one", e.getMessage());
                assertEquals("24000", e.getSQLState());
            }
        }
    }

    @Test
    void countsAValueReadTwiceOnceOnEitherSideOfTheSixtyFourthColumn() throws Exception {
        StringJoiner columns = new StringJoiner(", ");
        columns.add("pan");
        for (int i = 2; i < 70; i++) {
            columns.add("id AS c" + i);
        }
        columns.add("pan");
        try (Connection c = guarded.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + columns + " FROM cards ORDER BY id")) {
            assertEquals(70, rs.getMetaData().getColumnCount());
            while (rs.next()) {
                for (int round = 0; round < 2; round++) {
                    assertEquals(rs.getString(1), rs.getString(70));
                    assertTrue(rs.getString(70).contains("*"), "masked by rule");
                }
            }
        }
        // Two rows, two pan columns sharing the label: four values masked, each read twice.
        assertThat(journal).hasEventMatching(e -> e.phase(Phase.OUTCOME).count("rows", 2).count("masked.pan", 4));
    }

    @Test
    void aRunIsReusedOnlyOnceItsOutcomeIsWrittenAndNoResultSetOfItIsOpen() throws Exception {
        try (Connection c = guarded.getConnection()) {
            GuardedStatement s = (GuardedStatement) c.createStatement();
            CheckedSql sql = s.analyse("SELECT id FROM cards");
            Execution first = s.begin(sql);
            long[] firstCounts = first.resultOpened(1);
            first.succeed();
            Execution second = s.begin(sql);
            assertNotSame(first, second, "a result set of the first run is open and could still report to it");

            firstCounts[1] = 5;
            first.closed(1, false, null, firstCounts); // it closes late: the finished run ignores it
            assertEquals(java.util.Map.of(), second.counts(), "nothing of the first run reaches the second");

            long[] secondCounts = second.resultOpened(1);
            secondCounts[1] = 7;
            second.closed(1, false, null, null); // a single-result run ends when its result set closes
            assertTrue(second.finished());
            Execution third = s.begin(sql);
            assertSame(second, third, "an ended run without open result sets is reused");
            assertEquals(java.util.Map.of(), third.counts(), "the reused run starts empty");
            assertSame(secondCounts, third.resultOpened(1), "and lends its array again");
            assertArrayEquals(new long[2], secondCounts, "emptied");
            s.close();
        }
    }

    private static int readAll(PreparedStatement ps) throws SQLException {
        int rows = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rs.getString(2);
                rows++;
            }
        }
        return rows;
    }

    @FunctionalInterface
    private interface ThrowingRead {
        Object run() throws SQLException;
    }
}
