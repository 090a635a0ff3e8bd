package dev.agentguard.jdbc;

import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.AgentContext;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One guarded pool shared by several agents of one JVM: each call runs as the agent bound to it. */
class AgentContextBindingTest {

    @TempJournal
    Journal journal;

    private static String holderOfCardOne(GuardedDataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT holder FROM cards WHERE id = 1")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    @Test
    void runsEachCallAsTheAgentBoundToItAndKeepsTheBindingAcrossAnExecutor() throws Exception {
        try (PaymentsDatabase db = PaymentsDatabase.h2()) {
            GuardedDataSource ds = GuardedDataSource.builder().dataSource(db.forGuard()).name("payments-db")
                    .identity(IdentitySource.fixed(AgentIdentity.of("default-agent", "payments")))
                    .policy(TestPolicies.payments()).journal(journal).build();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                holderOfCardOne(ds);
                try (AgentContext.Scope scope = AgentContext.bind(AgentIdentity.of("refund-bot", "payments")
                        .actingFor("bob@example.com"))) {
                    holderOfCardOne(ds);
                    // Captured when the task is handed over, not when the pool thread runs it.
                    CompletableFuture.supplyAsync(() -> {
                        try {
                            return holderOfCardOne(ds);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, AgentContext.wrap(pool)).get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(journal).hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).agent("default-agent"))
                .hasExactly(2).eventsMatching(e -> e.phase(Phase.INTENT).agent("refund-bot").onBehalfOf("bob@example.com"));
        assertEquals(false, AgentContext.isBound(), "the scope ended with its block");
    }
}
