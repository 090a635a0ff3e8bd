package dev.agentguard.benchmarks.http;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.benchmarks.ScratchDirectory;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.HttpCondition;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.http.GuardedHttpClient;

import java.io.IOException;
import java.net.http.HttpClient;

/**
 * The client an HTTP benchmark measures for one iteration: {@code raw}, the delegate itself, or
 * {@code guarded}, the delegate inside a {@link GuardedHttpClient} (GETs to 127.0.0.1 allowed, all
 * else denied) journaling to a fresh journal in a scratch directory, which {@link #close} removes.
 */
final class BenchClient implements AutoCloseable {
    private final HttpClient client;
    private final ScratchDirectory directory;
    private final Journal journal;

    private BenchClient(HttpClient client, ScratchDirectory directory, Journal journal) {
        this.client = client;
        this.directory = directory;
        this.journal = journal;
    }

    /** The client for {@code library} ({@code raw} or {@code guarded}) around {@code delegate}. */
    static BenchClient open(String library, HttpClient delegate, String scratchPrefix)
            throws IOException, JournalException {
        if (library.equals("raw")) {
            return new BenchClient(delegate, null, null);
        }
        if (!library.equals("guarded")) {
            throw new IllegalArgumentException("library \"" + library + "\" is not one of [raw, guarded]");
        }
        ScratchDirectory directory = ScratchDirectory.create(scratchPrefix);
        Journal journal = Journal.builder(directory.path()).minFreeSpace(1L << 30).open();
        Policy policy = Policy.builder().name("bench").defaultEffect(Effect.DENY)
                .rule(Rule.allow("api-reads").http(HttpCondition.builder().methods("GET").hosts("127.0.0.1").build()))
                .build();
        HttpClient guarded = GuardedHttpClient.builder().client(delegate).name("bench-api")
                .identity(IdentitySource.fixed(AgentIdentity.of("bench-agent", "bench")))
                .policy(policy).journal(journal).build();
        return new BenchClient(guarded, directory, journal);
    }

    HttpClient client() {
        return client;
    }

    @Override
    public void close() throws Exception {
        if (journal != null) {
            journal.close();
            directory.close();
        }
    }
}
