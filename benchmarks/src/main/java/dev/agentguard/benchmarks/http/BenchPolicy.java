package dev.agentguard.benchmarks.http;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.HttpCondition;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.http.GuardedHttpClient;

import java.net.http.HttpClient;

/** The guarded client every HTTP benchmark measures: GETs to 127.0.0.1 allowed, all else denied. */
final class BenchPolicy {

    private BenchPolicy() {
    }

    /** {@code delegate} inside a {@link GuardedHttpClient} for agent {@code bench-agent}, journaling to {@code journal}. */
    static HttpClient guard(HttpClient delegate, Journal journal) {
        Policy policy = Policy.builder().name("bench").defaultEffect(Effect.DENY)
                .rule(Rule.allow("api-reads").http(HttpCondition.builder().methods("GET").hosts("127.0.0.1").build()))
                .build();
        return GuardedHttpClient.builder().client(delegate).name("bench-api")
                .identity(IdentitySource.fixed(AgentIdentity.of("bench-agent", "bench")))
                .policy(policy).journal(journal).build();
    }
}
