package dev.agentguard.jdbc;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Building a guarded data source: a bad setting is rejected with a message that says what to do. */
class GuardedDataSourceTest {

    private static final IdentitySource AGENT = IdentitySource.fixed(AgentIdentity.of("payments-agent"));

    @TempJournal
    Journal journal;

    @Test
    void buildRequiresADataSourceANameAndAnIdentity() throws Exception {
        try (PaymentsDatabase db = PaymentsDatabase.h2()) {
            IllegalStateException noData = assertThrows(IllegalStateException.class, () -> GuardedDataSource.builder()
                    .name("payments-db").identity(AGENT).policy(TestPolicies.payments()).journal(journal).build());
            assertEquals("dataSource is not set: pass the DataSource to guard, e.g. a HikariDataSource", noData.getMessage());

            IllegalStateException noName = assertThrows(IllegalStateException.class, () -> GuardedDataSource.builder()
                    .dataSource(db.pool()).identity(AGENT).policy(TestPolicies.payments()).journal(journal).build());
            assertEquals("name is not set: name the data source as audit events should show it, e.g. "
                    + "name(\"payments-db\")", noName.getMessage());

            IllegalStateException noIdentity = assertThrows(IllegalStateException.class, () -> GuardedDataSource.builder()
                    .dataSource(db.pool()).name("payments-db").policy(TestPolicies.payments()).journal(journal).build());
            assertEquals("identity is not set: pass the IdentitySource of the agent, e.g. "
                    + "IdentitySource.fixed(AgentIdentity.of(\"payments-agent\"))", noIdentity.getMessage());

            IllegalStateException noJournal = assertThrows(IllegalStateException.class, () -> GuardedDataSource.builder()
                    .dataSource(db.pool()).name("payments-db").identity(AGENT).policy(TestPolicies.payments()).build());
            assertEquals("journal is not set: pass a policy and a journal, or a Guard built from them",
                    noJournal.getMessage());
        }
    }

    @Test
    void rejectsAGuardTogetherWithItsParts() throws Exception {
        try (PaymentsDatabase db = PaymentsDatabase.h2()) {
            Guard guard = Guard.builder().policy(TestPolicies.payments()).journal(journal).build();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> GuardedDataSource.builder()
                    .dataSource(db.pool()).name("payments-db").identity(AGENT).guard(guard).journal(journal).build());
            assertEquals("guard is set together with policy, journal, approver or approvalTimeout: configure those on "
                    + "the Guard, or drop guard(...) and set them here", e.getMessage());
        }
    }

    @Test
    void rejectsBadNamesAndDoubleGuarding() throws Exception {
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> GuardedDataSource.builder().name(" "));
        assertEquals("name \" \" is not allowed: use 1 to 200 printable characters, e.g. \"payments-db\"",
                blank.getMessage());
        IllegalArgumentException control = assertThrows(IllegalArgumentException.class,
                () -> GuardedDataSource.builder().name("db\nforged line"));
        assertEquals("name \"db?forged line\" is not allowed: use 1 to 200 printable characters, e.g. \"payments-db\"",
                control.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GuardedDataSource.builder().approvalTimeout(java.time.Duration.ZERO));

        try (PaymentsDatabase db = PaymentsDatabase.h2()) {
            GuardedDataSource once = GuardedDataSource.wrap(db.pool(), "payments-db",
                    Guard.builder().policy(TestPolicies.payments()).journal(journal).build(), AGENT);
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> GuardedDataSource.builder().dataSource(once));
            assertEquals("dataSource is already a GuardedDataSource: guard the data source it wraps once, with one policy",
                    twice.getMessage());
        }
    }

    @Test
    void closeClosesTheWrappedPool() throws Exception {
        try (PaymentsDatabase db = PaymentsDatabase.h2()) {
            GuardedDataSource guarded = GuardedDataSource.builder().dataSource(db.pool()).name("payments-db")
                    .identity(AGENT).policy(TestPolicies.payments()).journal(journal).build();
            assertEquals("payments-db", guarded.name());
            assertEquals("GuardedDataSource[payments-db]", guarded.toString());

            guarded.close();
            guarded.close();

            assertTrue(guarded.isClosed());
            assertTrue(db.pool().isClosed());
            SQLException e = assertThrows(SQLException.class, guarded::getConnection);
            assertEquals("the guarded data source \"payments-db\" is closed", e.getMessage());
        }
    }

    @Test
    void logWriterCannotBeRedirectedByTheAgent() throws Exception {
        try (PaymentsDatabase db = PaymentsDatabase.h2()) {
            GuardedDataSource guarded = GuardedDataSource.builder().dataSource(db.pool()).name("payments-db")
                    .identity(AGENT).policy(TestPolicies.payments()).journal(journal).build();
            SQLException e = assertThrows(SQLException.class,
                    () -> guarded.setLogWriter(new PrintWriter(new StringWriter())));
            assertEquals("setLogWriter is refused on the guarded data source \"payments-db\": driver logs can carry SQL "
                    + "literals and connection settings; configure logging on the wrapped data source", e.getMessage());
            assertSame(guarded, guarded.unwrap(DataSource.class));
            assertFalse(guarded.isWrapperFor(com.zaxxer.hikari.HikariDataSource.class));
        }
    }
}
