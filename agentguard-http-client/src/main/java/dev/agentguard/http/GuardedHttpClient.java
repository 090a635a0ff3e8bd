package dev.agentguard.http;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.approval.Approver;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.identity.AgentContext;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.policy.Policy;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The {@link HttpClient} an agent gets instead of the real one. Every request it sends — and
 * every redirect it follows — is bound to the verified identity of the calling agent, decided by
 * the policy (allow, deny, or wait for an approval), journaled before it goes out and after it
 * ends, sent with the credential the operator configured for its target (which the agent never
 * holds), and answered with its body masked.
 *
 * <pre>{@code
 * GuardedHttpClient http = GuardedHttpClient.builder()
 *         .client(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build())
 *         .name("payments-api")                                   // the resource in every audit event
 *         .identity(IdentitySource.fixed(AgentIdentity.of("payments-agent", "payments")))
 *         .policy(Policy.load(Path.of("policy.yaml")))
 *         .journal(journal)
 *         .credential(HttpTarget.of("https://api.payments.example/v1"),
 *                     HttpCredential.bearerToken(System.getenv("PAYMENTS_TOKEN")))
 *         .followRedirects(HttpClient.Redirect.NORMAL)
 *         .build();
 * agent.run(http);                                                // the agent sees only `http`
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>No identity, no request: {@link HttpIdentityRefusedException}, journaled.</li>
 *   <li>Denied, not approved, or not journaled: nothing reaches the network
 *       ({@link HttpPolicyViolationException}, {@link HttpJournalUnavailableException}).</li>
 *   <li>The wrapped client never follows redirects ({@code Redirect.NEVER}); this client follows
 *       them as {@link Builder#followRedirects} says, deciding and journaling every hop.</li>
 *   <li>{@code response.request()} and {@code previousResponse()} give back the agent's own
 *       requests, never the wire requests that carry a credential.</li>
 *   <li>Push promises are refused: the push handler of
 *       {@link #sendAsync(HttpRequest, HttpResponse.BodyHandler, HttpResponse.PushPromiseHandler)}
 *       is never called, and the wrapped client, given none, resets every pushed stream.</li>
 *   <li>WebSockets are refused ({@link #newWebSocketBuilder()}).</li>
 * </ul>
 * Thread-safe. {@link #close()} and the other Java 21 lifecycle methods reach the wrapped client
 * when it has them; the journal belongs to whoever opened it.
 */
public final class GuardedHttpClient extends HttpClient implements AutoCloseable {

    private final HttpGate gate;
    private final HttpClient delegate;
    /** The wrapped client and the clients of client-certificate targets. */
    private final List<HttpClient> clients;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean shutdown;

    private GuardedHttpClient(HttpGate gate, List<HttpClient> clients) {
        this.gate = gate;
        this.delegate = gate.delegate();
        this.clients = List.copyOf(clients);
    }

    /** Starts a guarded client. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Guards {@code client} with an existing {@link Guard} (one guard may serve several channels),
     * without credentials, following no redirects.
     *
     * @param client   the client that sends requests; it must not follow redirects itself
     * @param name     the client's name as every audit event shows it, e.g. {@code payments-api}
     * @param guard    the policy, journal and approver
     * @param identity where the identity of the agent sending a request comes from
     */
    public static GuardedHttpClient wrap(HttpClient client, String name, Guard guard, IdentitySource identity) {
        return builder().client(client).name(name).guard(guard).identity(identity).build();
    }

    /** The name every audit event of this client carries as its resource. */
    public String name() {
        return gate.resource();
    }

    /** The session id every audit event of this client carries. */
    public String sessionId() {
        return gate.sessionId();
    }

    // ------------------------------------------------------------------ sending

    /**
     * Sends {@code request} as the calling agent, following redirects as configured, and returns
     * the response with its body masked.
     *
     * @throws HttpPolicyViolationException    the policy denied the request or a redirect hop, or an
     *                                         approval was refused or timed out; nothing was sent
     *                                         (for a hop: that hop)
     * @throws HttpIdentityRefusedException    no verified identity; nothing was sent
     * @throws HttpJournalUnavailableException the journal could not record the request
     * @throws IllegalArgumentException        the request is not one the guard can decide on: not
     *                                         http or https, no host, user information in the URL,
     *                                         invalid headers, a host that resolvers read differently
     *                                         ({@code 0177.0.0.1}) or the unspecified address
     *                                         ({@code 0.0.0.0}); nothing was sent
     */
    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> responseBodyHandler)
            throws IOException, InterruptedException {
        return exchange(request, responseBodyHandler).send();
    }

    /**
     * As {@link #send}, asynchronously. Refusals complete the future exceptionally with the same
     * exceptions. Cancelling the future cancels the request in flight (or the wait for an
     * approval, which is then journaled as refused) and journals the outcome as cancelled: before
     * {@code cancel} returns when no response body has begun, else as the cancelled body ends.
     */
    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                            HttpResponse.BodyHandler<T> responseBodyHandler) {
        Exchange<T> exchange;
        try {
            exchange = exchange(request, responseBodyHandler);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return exchange.sendAsync();
    }

    /**
     * As {@link #sendAsync(HttpRequest, HttpResponse.BodyHandler)}: push promises are refused, so
     * {@code pushPromiseHandler} is never called (and never reaches the wrapped client). A pushed
     * response would be a response to a request the policy never decided.
     */
    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                            HttpResponse.BodyHandler<T> responseBodyHandler,
                                                            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        return sendAsync(request, responseBodyHandler);
    }

    private <T> Exchange<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(handler, "responseBodyHandler");
        if (shutdown) {
            throw new IOException("the guarded HTTP client \"" + gate.resource() + "\" is shut down");
        }
        AgentRequest snapshot = AgentRequest.snapshot(request, gate.bodylessActions());
        // The calling thread's bindings are captured now, so an identity renewed later is the same call's.
        AgentContext.Captured bindings = AgentContext.capture();
        AgentIdentity identity = gate.identityNow(snapshot);
        return new Exchange<>(gate, this, snapshot, handler, identity, bindings);
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void ended() {
        inFlight.decrementAndGet();
    }

    /**
     * Refused: WebSocket frames after the handshake can be neither decided by policy nor masked,
     * so a WebSocket would be a channel around the guard. The refusal is always, whatever the
     * policy says.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public WebSocket.Builder newWebSocketBuilder() {
        throw new UnsupportedOperationException("WebSockets are refused by the guarded HTTP client \""
                + gate.resource() + "\": messages after the handshake cannot be decided by policy, masked or "
                + "journaled; use HTTP requests");
    }

    // ------------------------------------------------------------------ settings of the wrapped client

    /** The wrapped client's cookie handler. */
    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    /** The wrapped client's connect timeout. */
    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    /**
     * The redirect policy the agent sees and the guard applies ({@link Builder#followRedirects});
     * the wrapped client's is always {@code NEVER}.
     */
    @Override
    public Redirect followRedirects() {
        return gate.redirects();
    }

    /** The wrapped client's proxy selector. */
    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    /** The wrapped client's SSL context (never a client certificate's: those clients are the guard's). */
    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    /** The wrapped client's SSL parameters. */
    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    /** The wrapped client's authenticator; always empty, as the builder refuses a client that has one. */
    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    /** The wrapped client's preferred HTTP version. */
    @Override
    public Version version() {
        return delegate.version();
    }

    /** The wrapped client's executor. */
    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }

    // ------------------------------------------------------------------ lifecycle (Java 21 methods, forwarded)

    /**
     * Refuses new requests and shuts the wrapped clients down (on Java 21 and later, or any
     * wrapped client that has {@code shutdown()}); requests in flight complete.
     */
    public void shutdown() {
        shutdown = true;
        for (HttpClient c : clients) {
            ClientLifecycle.run(c, "shutdown");
        }
        ExecutorService pool = gate.ownDecisionPool();
        if (pool != null) {
            pool.shutdown();
        }
    }

    /** As {@link #shutdown()}, and cancels what is in flight where the wrapped clients can. */
    public void shutdownNow() {
        shutdown = true;
        for (HttpClient c : clients) {
            ClientLifecycle.run(c, "shutdownNow");
        }
        ExecutorService pool = gate.ownDecisionPool();
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /**
     * Waits until the wrapped clients have terminated after a shutdown, at most {@code duration}.
     * A wrapped client without {@code awaitTermination} (Java 17) counts as terminated once no
     * request of this client is in flight.
     *
     * @return whether everything terminated in time
     */
    public boolean awaitTermination(Duration duration) throws InterruptedException {
        Objects.requireNonNull(duration, "duration");
        long deadline = System.nanoTime() + Math.max(0, duration.toNanos());
        for (HttpClient c : clients) {
            Boolean done = ClientLifecycle.awaitTermination(c,
                    Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (Boolean.FALSE.equals(done)) {
                return false;
            }
        }
        ExecutorService pool = gate.ownDecisionPool();
        if (pool != null && !pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return false;
        }
        return isTerminated();
    }

    /** Whether a shutdown was asked for and everything has finished since. */
    public boolean isTerminated() {
        if (!shutdown) {
            return false;
        }
        for (HttpClient c : clients) {
            Boolean done = ClientLifecycle.isTerminated(c);
            if (done == null ? inFlight.get() > 0 : !done) {
                return false;
            }
        }
        ExecutorService pool = gate.ownDecisionPool();
        return pool == null || pool.isTerminated();
    }

    /**
     * Shuts down and waits for the wrapped clients to terminate ({@code close()} of each, on Java
     * 21 and later), so no selector thread outlives the client. Idempotent.
     */
    @Override
    public void close() {
        shutdown = true;
        for (HttpClient c : clients) {
            ClientLifecycle.run(c, "close");
        }
        ExecutorService pool = gate.ownDecisionPool();
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "GuardedHttpClient[" + gate.resource() + (shutdown ? ", shut down]" : "]");
    }

    /**
     * Builds a {@link GuardedHttpClient}. Give it the client to wrap, a name and an identity
     * source, and either a {@link Guard} or the parts to build one (a policy and a journal,
     * optionally an approver, approval timeout and clock).
     */
    public static final class Builder {
        private static final int MAX_NAME = 200;
        private static final int MAX_BODY_LIMIT = 16 * 1024 * 1024;
        private static final int MAX_REDIRECTS = 20;
        private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");

        private HttpClient client;
        private String name;
        private IdentitySource identity;
        private Guard guard;
        private Policy policy;
        private Journal journal;
        private Approver approver;
        private Duration approvalTimeout;
        private Clock clock;
        private Redirect redirects = Redirect.NEVER;
        private int maxRedirects = 5;
        private final Map<HttpTarget, HttpCredential> credentials = new java.util.LinkedHashMap<>();
        private String identityHeader;
        private int bodyLimit = 64 * 1024;
        private final Set<String> sensitiveHeaders = new LinkedHashSet<>();
        private final Set<String> redactedParameters = new LinkedHashSet<>();
        private Executor decisionExecutor;

        private Builder() {
        }

        /**
         * The client that sends the requests. Required. It must not follow redirects
         * ({@code HttpClient.Redirect.NEVER}, the JDK default) — the guard follows them, deciding
         * every hop — and must have no {@link Authenticator}, whose passwords would bypass the
         * per-target credentials and which any holder of the client can ask for them.
         */
        public Builder client(HttpClient client) {
            Objects.requireNonNull(client, "client");
            if (client instanceof GuardedHttpClient) {
                throw new IllegalArgumentException("client is already a GuardedHttpClient: guard the client it wraps "
                        + "once, with one policy");
            }
            this.client = client;
            return this;
        }

        /**
         * The name every audit event of this client carries as its resource, e.g.
         * {@code payments-api}. Required: 1 to 200 characters, no control characters.
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("name \"" + name.replaceAll("\\p{Cntrl}", "?") + "\" is not "
                        + "allowed: use 1 to " + MAX_NAME + " printable characters, e.g. \"payments-api\"");
            }
            this.name = name.strip();
            return this;
        }

        /**
         * Where the verified identity of the agent sending a request comes from. Required. An
         * identity bound on the calling thread with {@link AgentContext#bind} wins over it.
         */
        public Builder identity(IdentitySource identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /** An existing guard (policy, journal, approver); instead of {@link #policy} and {@link #journal}. */
        public Builder guard(Guard guard) {
            this.guard = Objects.requireNonNull(guard, "guard");
            return this;
        }

        /** The policy that decides on every request; with {@link #journal}, instead of {@link #guard}. */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The audit journal every request is written to; with {@link #policy}, instead of {@link #guard}. */
        public Builder journal(Journal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /** Who grants requests the policy sends for approval; default: nobody (they are refused). */
        public Builder approver(Approver approver) {
            this.approver = Objects.requireNonNull(approver, "approver");
            return this;
        }

        /** How long a request waits for an approval before it is refused; default 5 minutes. */
        public Builder approvalTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "approvalTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("approvalTimeout is " + timeout + "; it must be positive, e.g. "
                        + "Duration.ofMinutes(5)");
            }
            this.approvalTimeout = timeout;
            return this;
        }

        /** The clock for identity expiry (and the guard, when this builder builds it); default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Which redirects the guard follows, with the JDK's meaning: {@code NEVER} (the default,
         * as the JDK client's), {@code NORMAL} (all but https to http) or {@code ALWAYS}. Every hop
         * is decided by the policy and journaled. What {@link GuardedHttpClient#followRedirects()}
         * answers.
         */
        public Builder followRedirects(Redirect policy) {
            this.redirects = Objects.requireNonNull(policy, "followRedirects");
            return this;
        }

        /** The most redirects followed for one request, 1 to 20; default 5. Past it, the 3xx response is returned. */
        public Builder maxRedirects(int hops) {
            if (hops < 1 || hops > MAX_REDIRECTS) {
                throw new IllegalArgumentException("maxRedirects is " + hops + "; allowed is 1 to " + MAX_REDIRECTS
                        + " (to follow none, use followRedirects(HttpClient.Redirect.NEVER))");
            }
            this.maxRedirects = hops;
            return this;
        }

        /**
         * Sends {@code credential} with every request to {@code target} (the most specific target
         * wins), replacing a header of the same name the agent set. The agent never holds it, and
         * it is never journaled.
         */
        public Builder credential(HttpTarget target, HttpCredential credential) {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(credential, "credential");
            if (credentials.containsKey(target)) {
                throw new IllegalArgumentException("target " + target + " has a credential already; one target, one "
                        + "credential (use a longer path prefix for another)");
            }
            if (credential instanceof HttpCredential.ClientCertificate && !target.scheme().equals("https")) {
                throw new IllegalArgumentException("target " + target + " is http: a client certificate needs an "
                        + "https target");
            }
            credentials.put(target, credential);
            return this;
        }

        /** As {@link #credential(HttpTarget, HttpCredential)} with {@link HttpTarget#of(String)}. */
        public Builder credential(String targetUrl, HttpCredential credential) {
            return credential(HttpTarget.of(targetUrl), credential);
        }

        /**
         * Sends the agent's id in header {@code headerName} (e.g. {@code X-Agent-Id}) with every
         * request, replacing a header of that name the agent set, so the target can tell agents
         * apart. Off by default.
         */
        public Builder forwardIdentity(String headerName) {
            this.identityHeader = checkHeaderName("forwardIdentity", headerName);
            if (HttpGate.FRAMING_HEADERS.contains(identityHeader.toLowerCase(Locale.ROOT))
                    || HttpGate.CREDENTIAL_HEADERS.contains(identityHeader.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("forwardIdentity header \"" + identityHeader + "\" is a header the "
                        + "client or a credential sets; use a header of its own, such as X-Agent-Id");
            }
            return this;
        }

        /**
         * The most bytes of a request body the guard reads ahead when a decision needs the body
         * (a rule on its size or a JSON field) or a 307/308 redirect may re-send it; 0 to 16 MiB,
         * default 64 KiB. A larger body is decided with an unknown size and without its JSON
         * fields (deny and require-approval conditions on them match; allow conditions do not),
         * and a 307/308 redirect of it is not followed.
         */
        public Builder requestBodyLimit(int bytes) {
            if (bytes < 0 || bytes > MAX_BODY_LIMIT) {
                throw new IllegalArgumentException("requestBodyLimit is " + bytes + "; allowed is 0 to " + MAX_BODY_LIMIT
                        + " bytes (16 MiB)");
            }
            this.bodyLimit = bytes;
            return this;
        }

        /**
         * More headers that carry credentials (beside {@code Authorization},
         * {@code Proxy-Authorization}, {@code Cookie} and the headers of configured API keys): the
         * agent's values of them are dropped on a redirect to another origin.
         */
        public Builder sensitiveHeaders(String... names) {
            for (String n : names) {
                sensitiveHeaders.add(checkHeaderName("sensitiveHeaders", n).toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /**
         * More query parameters whose values the journal never shows (beside the names that look
         * like credentials: {@code token}, {@code api_key}, {@code password}, {@code sig}, …).
         */
        public Builder redactQueryParameters(String... names) {
            for (String n : names) {
                Objects.requireNonNull(n, "redactQueryParameters must not contain null");
                if (n.isBlank()) {
                    throw new IllegalArgumentException("redactQueryParameters must not contain a blank name");
                }
                redactedParameters.add(n.strip().toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /**
         * Where {@code sendAsync} waits for approvers (each waiting request holds a thread of it
         * until a person decides). Default: daemon threads of the client's own, stopped by
         * {@link GuardedHttpClient#close()}.
         */
        public Builder decisionExecutor(Executor executor) {
            this.decisionExecutor = Objects.requireNonNull(executor, "decisionExecutor");
            return this;
        }

        private static String checkHeaderName(String what, String name) {
            Objects.requireNonNull(name, what);
            String n = name.strip();
            if (!HEADER.matcher(n).matches()) {
                throw new IllegalArgumentException(what + " must be header names (letters, digits, '-'), 1 to 100 "
                        + "characters, such as X-Agent-Id");
            }
            return n;
        }

        /** @throws IllegalStateException naming what is missing or contradictory */
        public GuardedHttpClient build() {
            if (client == null) {
                throw new IllegalStateException("client is not set: pass the HttpClient to guard, e.g. "
                        + "HttpClient.newHttpClient()");
            }
            if (name == null) {
                throw new IllegalStateException("name is not set: name the client as audit events should show it, "
                        + "e.g. name(\"payments-api\")");
            }
            if (identity == null) {
                throw new IllegalStateException("identity is not set: pass the IdentitySource of the agent, e.g. "
                        + "IdentitySource.fixed(AgentIdentity.of(\"payments-agent\"))");
            }
            if (client.followRedirects() != Redirect.NEVER) {
                throw new IllegalStateException("the wrapped HttpClient follows redirects (" + client.followRedirects()
                        + "), so its hops would reach the network without a decision: build it with "
                        + "followRedirects(HttpClient.Redirect.NEVER) and set the redirects the agent gets with "
                        + "GuardedHttpClient.Builder.followRedirects(...)");
            }
            if (client.authenticator().isPresent()) {
                throw new IllegalStateException("the wrapped HttpClient has an Authenticator, which answers 401 "
                        + "challenges with passwords the guard cannot scope to a target, and hands them to anyone who "
                        + "holds the client: build it without one and configure credentials per target with "
                        + "GuardedHttpClient.Builder.credential(...)");
            }
            Clock effectiveClock = clock != null ? clock : Clock.systemUTC();
            Guard effectiveGuard = Guard.ofChannelSettings(guard, policy, journal, approver, approvalTimeout,
                    effectiveClock);
            List<HttpClient> clients = new ArrayList<>();
            clients.add(client);
            Map<SSLContext, HttpClient> certificateClients = new IdentityHashMap<>();
            List<HttpGate.TargetCredential> targets = new ArrayList<>();
            for (Map.Entry<HttpTarget, HttpCredential> e : credentials.entrySet()) {
                HttpClient sender = null;
                SSLContext ssl = e.getValue().sslContext();
                if (ssl != null) {
                    sender = certificateClients.computeIfAbsent(ssl, s -> clientWith(client, s));
                }
                targets.add(new HttpGate.TargetCredential(e.getKey(), e.getValue(), sender));
            }
            clients.addAll(certificateClients.values());
            // An identity bound on the calling thread (AgentContext.bind) wins over the client's own source:
            // one client can serve several agents of a multi-agent JVM, each under its own identity.
            HttpGate gate = new HttpGate(effectiveGuard, AgentContext.currentOr(identity), name, effectiveClock, client,
                    targets, identityHeader, sensitiveHeaders, redactedParameters, bodyLimit, redirects, maxRedirects,
                    decisionExecutor);
            return new GuardedHttpClient(gate, clients);
        }

        /**
         * A client for a client-certificate target: the wrapped client's settings with the
         * certificate's SSL context, so that no other target is ever offered the certificate.
         */
        private static HttpClient clientWith(HttpClient base, SSLContext ssl) {
            HttpClient.Builder b = HttpClient.newBuilder()
                    .sslContext(ssl)
                    .followRedirects(Redirect.NEVER)
                    .version(base.version())
                    .sslParameters(base.sslParameters());
            base.connectTimeout().ifPresent(b::connectTimeout);
            base.proxy().ifPresent(b::proxy);
            base.executor().ifPresent(b::executor);
            base.cookieHandler().ifPresent(b::cookieHandler);
            return b.build();
        }
    }
}
