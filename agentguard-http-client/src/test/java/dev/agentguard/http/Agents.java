package dev.agentguard.http;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.approval.ApprovalRequest;
import dev.agentguard.core.approval.Approver;
import dev.agentguard.core.approval.InMemoryApprover;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.junit.JournalAssertions;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Identities, clients and journal readings the HTTP tests share. */
final class Agents {

    static final IdentitySource PAYMENTS_AGENT = IdentitySource.fixed(AgentIdentity.of("payments-agent", "payments"));

    private Agents() {
    }

    /** A guarded client over a plain JDK client, under the payments API policy. */
    static GuardedHttpClient.Builder client(Journal journal) {
        return GuardedHttpClient.builder()
                .client(HttpClient.newHttpClient())
                .name("payments-api")
                .identity(PAYMENTS_AGENT)
                .policy(TestPolicies.paymentsApi())
                .journal(journal);
    }

    /** The HTTP channel's events, in order. */
    static List<AuditEvent> httpEvents(Journal journal) {
        List<AuditEvent> out = new ArrayList<>();
        for (AuditEvent e : JournalAssertions.assertThat(journal).events()) {
            if (e.channel() == Channel.HTTP) {
                out.add(e);
            }
        }
        return out;
    }

    /** An {@link InMemoryApprover} that also tells the test when a request arrives. */
    static final class WatchedApprover implements Approver {
        final InMemoryApprover approver = new InMemoryApprover();
        final BlockingQueue<ApprovalRequest> arrived = new LinkedBlockingQueue<>();
        /** Requests the guard closed: it has journaled their decision by then. */
        final BlockingQueue<ApprovalRequest> closed = new LinkedBlockingQueue<>();

        @Override
        public CompletionStage<dev.agentguard.core.approval.ApprovalDecision> request(ApprovalRequest request) {
            CompletionStage<dev.agentguard.core.approval.ApprovalDecision> answer = approver.request(request);
            arrived.add(request);
            return answer;
        }

        @Override
        public void requestClosed(ApprovalRequest request) {
            approver.requestClosed(request);
            closed.add(request);
        }

        /** The next approval request, waiting at most 10 seconds. */
        ApprovalRequest next() throws InterruptedException {
            ApprovalRequest r = arrived.poll(10, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("no approval request arrived within 10 seconds");
            }
            return r;
        }
    }
}
