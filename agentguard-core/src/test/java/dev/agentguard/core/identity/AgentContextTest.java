package dev.agentguard.core.identity;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.agentguard.core.identity.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-call identity bindings: scoped, nested, carried to other threads only when wrapped. */
class AgentContextTest {

    private static final AgentIdentity POOL_OWNER = AgentIdentity.of("datasource-agent");
    private static final AgentIdentity ALICE_BOT = AgentIdentity.of("alice-bot");
    private static final AgentIdentity BOB_BOT = AgentIdentity.of("bob-bot");
    private static final String UNBOUND = "no agent identity is bound to this thread: make the call inside "
            + "AgentContext.bind(...), or hand work to other threads through AgentContext.wrap(...)";

    /** What a guarded DataSource would hold: its own source, overridden by a scoped binding. */
    private final IdentitySource channel = AgentContext.currentOr(IdentitySource.fixed(POOL_OWNER));
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertFalse(AgentContext.isBound(), "a test left a binding on the test thread");
    }

    private static String agent(IdentitySource source) throws IdentityException {
        return source.currentIdentity().agentId();
    }

    @Test
    void withoutABindingTheChannelsOwnSourceAnswers() throws IdentityException {
        assertEquals("datasource-agent", agent(channel));
        assertRefused(UNBOUND, null, AgentContext.required()::currentIdentity);
    }

    @Test
    void aScopedBindingWinsOverTheChannelsOwnSource() throws IdentityException {
        try (AgentContext.Scope scope = AgentContext.bind(ALICE_BOT)) {
            assertEquals("alice-bot", agent(channel));
            assertEquals("alice-bot", agent(AgentContext.required()));
        }

        assertEquals("datasource-agent", agent(channel));
    }

    @Test
    void bindingsNestAndCloseInReverseOrder() throws IdentityException {
        try (AgentContext.Scope outer = AgentContext.bind(ALICE_BOT)) {
            try (AgentContext.Scope inner = AgentContext.bind(BOB_BOT)) {
                assertEquals("bob-bot", agent(channel));
            }
            assertEquals("alice-bot", agent(channel));
        }
        assertFalse(AgentContext.isBound());
    }

    @Test
    void aBoundTokenSourceIsAskedAtEachCall() throws IdentityException {
        MutableClock clock = new MutableClock(TestIssuer.NOW);
        AgentTokenVerifier verifier = TestIssuer.verifier(clock, TestIssuer.RSA).build();
        String token = TestIssuer.token(TestIssuer.claims().subject("request-agent").build());

        try (AgentContext.Scope scope = AgentContext.bind(TokenIdentitySource.fixed(verifier, token))) {
            assertEquals("request-agent", agent(channel));
            clock.advance(Duration.ofMinutes(12));
            assertRefused("the agent token of \"request-agent\" has expired (accepted until 2030-01-01T00:11:00Z, "
                    + "clock skew included); a fixed token cannot be renewed: build the source with "
                    + "TokenIdentitySource.file or supplier", token, channel::currentIdentity);
        }
    }

    @Test
    void anUnwrappedTaskOnAnotherThreadDoesNotSeeTheBinding() throws Exception {
        try (AgentContext.Scope scope = AgentContext.bind(ALICE_BOT)) {
            Future<String> seen = pool.submit(() -> agent(channel));

            assertEquals("datasource-agent", seen.get());
        }
    }

    @Test
    void aWrappedExecutorRunsEachTaskAsTheAgentThatSubmittedIt() throws Exception {
        Executor executor = AgentContext.wrap(pool);
        CompletableFuture<String> asAlice;
        CompletableFuture<String> asBob;
        try (AgentContext.Scope alice = AgentContext.bind(ALICE_BOT)) {
            asAlice = CompletableFuture.supplyAsync(() -> agentUnchecked(channel), executor);
        }
        try (AgentContext.Scope bob = AgentContext.bind(BOB_BOT)) {
            asBob = CompletableFuture.supplyAsync(() -> agentUnchecked(channel), executor);
        }
        CompletableFuture<String> unbound = CompletableFuture.supplyAsync(() -> agentUnchecked(channel), executor);

        assertEquals("alice-bot", asAlice.get());
        assertEquals("bob-bot", asBob.get());
        assertEquals("datasource-agent", unbound.get());
    }

    @Test
    void theIdentityIsCapturedWhenTheCallIsMadeNotWhenItRuns() throws Exception {
        Callable<String> callback;
        try (AgentContext.Scope alice = AgentContext.bind(ALICE_BOT)) {
            callback = AgentContext.wrap(() -> agent(channel));
        }
        try (AgentContext.Scope bob = AgentContext.bind(BOB_BOT)) {
            assertEquals("alice-bot", callback.call()); // run on this thread, still as alice
            assertEquals("bob-bot", agent(channel)); // and this thread's binding is back afterwards
        }
        assertEquals("alice-bot", pool.submit(callback).get());
    }

    @Test
    void aCapturedEmptyContextClearsTheWorkersBindingForTheTask() throws Exception {
        AgentContext.Captured nothing = AgentContext.capture();
        assertFalse(nothing.isBound());

        try (AgentContext.Scope bob = AgentContext.bind(BOB_BOT)) {
            assertEquals("datasource-agent", nothing.call(() -> agent(channel)));
            assertEquals("bob-bot", agent(channel));
        }
    }

    @Test
    void aTaskThatLeaksAScopeDoesNotLeakItsIdentityToTheNextTask() throws Exception {
        Runnable leaky = AgentContext.wrap(() -> {
            AgentContext.bind(ALICE_BOT); // never closed
        });
        pool.submit(leaky).get();

        assertEquals("datasource-agent", pool.submit(() -> agent(channel)).get());
    }

    @Test
    void closingAnOuterScopeFirstClosesTheInnerOneAndSaysSo() throws IdentityException {
        AgentContext.Scope outer = AgentContext.bind(ALICE_BOT);
        AgentContext.Scope inner = AgentContext.bind(BOB_BOT);

        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);

        assertEquals("an AgentContext scope made inside this one was left open; it is closed now: close scopes in "
                + "reverse order, with try-with-resources", e.getMessage());
        assertEquals("datasource-agent", agent(channel));
        inner.close(); // already unwound: nothing left to do
        assertFalse(AgentContext.isBound());
    }

    @Test
    void aScopeClosesOnlyOnItsOwnThread() throws Exception {
        try (AgentContext.Scope scope = AgentContext.bind(ALICE_BOT)) {
            String thread = Thread.currentThread().getName();

            IllegalStateException e = pool.submit(() -> assertThrows(IllegalStateException.class, scope::close)).get();

            assertEquals("an AgentContext scope must be closed on the thread that bound it (" + thread + "); it stays "
                    + "bound there", e.getMessage());
            assertEquals("alice-bot", agent(channel));
        }
    }

    @Test
    void closingTwiceIsHarmless() throws IdentityException {
        AgentContext.Scope outer = AgentContext.bind(ALICE_BOT);
        AgentContext.Scope inner = AgentContext.bind(BOB_BOT);
        inner.close();
        inner.close();

        assertEquals("alice-bot", agent(channel));
        outer.close();
    }

    @Test
    void aWrappedTaskRestoresTheWorkersOwnBindingAfterwards() throws Exception {
        Runnable asAlice;
        try (AgentContext.Scope alice = AgentContext.bind(ALICE_BOT)) {
            asAlice = AgentContext.wrap(() -> { });
        }
        try (AgentContext.Scope bob = AgentContext.bind(BOB_BOT)) {
            asAlice.run();
            assertEquals("bob-bot", agent(channel));
        }
    }

    private static String agentUnchecked(IdentitySource source) {
        try {
            return agent(source);
        } catch (IdentityException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
