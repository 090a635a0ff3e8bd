package dev.agentguard.http;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.guard.ActionRefusedException;
import dev.agentguard.core.guard.CallContext;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.guard.Permit;
import dev.agentguard.core.guard.Refusal;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentityException;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.HttpCondition;
import dev.agentguard.core.policy.Rule;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place where HTTP meets the guard: every request and every redirect hop a guarded
 * client sends is turned into an {@link HttpAction} here, decided and journaled through the
 * {@link Guard} here, and given its wire form — credential, identity header, encodings — here.
 * It also maps every refusal to the {@code IOException} the agent sees. One per
 * {@link GuardedHttpClient}; thread-safe.
 */
final class HttpGate {
    /** The actions of the body-less requests this client sent: worked out once per method, URI and header names. */
    private final BodylessActions bodylessActions = new BodylessActions();


    /**
     * Headers the HTTP client computes, or that change how a server or proxy frames the request:
     * never taken from the agent. {@code Host} in particular is refused so that the host a server
     * routes on is the URI's, which the policy decided.
     */
    static final Set<String> FRAMING_HEADERS = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection", "http2-settings");

    /**
     * Headers that would let the agent read a response in pieces that the masking never sees
     * whole (a card number fetched four digits at a time): dropped, so the server sends the whole
     * representation, masked.
     */
    static final Set<String> PARTIAL_CONTENT_HEADERS = Set.of("range", "if-range");

    /** Headers that carry credentials: dropped on a hop to another origin, never journaled. */
    static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie");

    /** Headers dropped on a hop to another origin besides the credential headers, as the JDK client does. */
    static final Set<String> ORIGIN_HEADERS = Set.of("origin", "referer");

    private final Guard guard;
    private final Masker masker;
    private final IdentitySource identities;
    private final String resource;
    private final String sessionId;
    private final Clock clock;
    private final HttpClient delegate;
    private final List<TargetCredential> targets;
    private final String identityHeader;
    private final Set<String> sensitiveHeaders;
    private final RedactedRequestLine requestLine;
    private final int bodyLimit;
    private final boolean sizeRules;
    private final List<String> jsonFields;
    private final boolean approvalRules;
    private final HttpClient.Redirect redirects;
    private final int maxRedirects;
    private final ExecutorService ownDecisionPool;
    private final java.util.concurrent.Executor decisionExecutor;

    /** A credential, its target, and the client that sends to the target (its own for a client certificate). */
    record TargetCredential(HttpTarget target, HttpCredential credential, HttpClient client) {
    }

    /** The client's kept body-less actions (see {@link BodylessActions}). */
    BodylessActions bodylessActions() {
        return bodylessActions;
    }

    HttpGate(Guard guard, IdentitySource identities, String resource, Clock clock, HttpClient delegate,
             List<TargetCredential> targets, String identityHeader, Set<String> sensitiveHeaders,
             Set<String> redactedParameters, int bodyLimit, HttpClient.Redirect redirects, int maxRedirects,
             java.util.concurrent.Executor decisionExecutor) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.masker = guard.masker();
        this.identities = Objects.requireNonNull(identities, "identities");
        this.resource = Objects.requireNonNull(resource, "resource");
        char[] id = new char[16];
        // Letters among the digits, so that no session id ever reads as a card number the journal would mask.
        Exchange.hexWithLetters(ThreadLocalRandom.current().nextLong(), id, 0);
        this.sessionId = "http-" + new String(id);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.targets = List.copyOf(targets);
        this.identityHeader = identityHeader == null ? null : identityHeader.toLowerCase(Locale.ROOT);
        Set<String> sensitive = new LinkedHashSet<>(CREDENTIAL_HEADERS);
        sensitive.addAll(sensitiveHeaders);
        for (TargetCredential t : targets) {
            if (t.credential().headerName() != null) {
                sensitive.add(t.credential().headerName());
            }
        }
        this.sensitiveHeaders = Set.copyOf(sensitive);
        this.requestLine = new RedactedRequestLine(masker, redactedParameters);
        this.bodyLimit = bodyLimit;
        this.redirects = redirects;
        this.maxRedirects = maxRedirects;
        boolean size = false;
        boolean approval = false;
        Set<String> fields = new LinkedHashSet<>();
        for (Rule r : guard.policy().rules()) {
            if (r.condition() instanceof HttpCondition c) {
                size |= c.constrainsBodySize();
                if (c.jsonField() != null) {
                    fields.add(c.jsonField().field());
                }
            }
            approval |= r.effect() == Effect.REQUIRE_APPROVAL
                    && (r.condition() == null || r.condition() instanceof HttpCondition);
        }
        this.sizeRules = size;
        this.jsonFields = List.copyOf(fields);
        this.approvalRules = approval;
        if (decisionExecutor != null) {
            this.ownDecisionPool = null;
            this.decisionExecutor = decisionExecutor;
        } else {
            this.ownDecisionPool = Executors.newCachedThreadPool(new DecisionThreads(resource));
            this.decisionExecutor = ownDecisionPool;
        }
    }

    String resource() {
        return resource;
    }

    String sessionId() {
        return sessionId;
    }

    Guard guard() {
        return guard;
    }

    Masker masker() {
        return masker;
    }

    Clock clock() {
        return clock;
    }

    HttpClient delegate() {
        return delegate;
    }

    HttpClient.Redirect redirects() {
        return redirects;
    }

    int maxRedirects() {
        return maxRedirects;
    }

    Set<String> sensitiveHeaders() {
        return sensitiveHeaders;
    }

    /** Where sendAsync waits for approvers, so the agent's thread never blocks. */
    java.util.concurrent.Executor decisionExecutor() {
        return decisionExecutor;
    }

    /** The pool the gate made itself, to shut down with the client; {@code null} when the builder gave one. */
    ExecutorService ownDecisionPool() {
        return ownDecisionPool;
    }

    /** Whether the policy would send {@code action} of {@code identity} for approval; false on any doubt. */
    boolean needsApproval(AgentIdentity identity, Action action) {
        if (!approvalRules) {
            return false;
        }
        try {
            return guard.policy().decide(identity, action).effect() == Effect.REQUIRE_APPROVAL;
        } catch (RuntimeException e) {
            return false; // Guard.check decides again, and fails closed on a broken policy
        }
    }

    // ------------------------------------------------------------------ identity

    /**
     * The verified identity of the agent calling now: a binding on the calling thread first, then
     * the client's identity source. Without one the attempt is journaled and refused.
     */
    AgentIdentity identityNow(AgentRequest request) throws HttpIdentityRefusedException {
        AgentIdentity identity;
        try {
            identity = identities.currentIdentity();
            if (identity == null) {
                throw new IdentityException("the identity source returned no identity");
            }
            if (identity.isExpiredAt(clock.instant())) {
                throw new IdentityException("the identity of agent \"" + identity.agentId() + "\" expired at "
                        + identity.expiresAt());
            }
        } catch (IdentityException e) {
            throw refuseWithoutIdentity(describe(request), e);
        } catch (RuntimeException e) {
            // A failing identity source is no identity; its message may hold a token, so only its type is kept.
            throw refuseWithoutIdentity(describe(request),
                    new IdentityException("the identity source failed with " + e.getClass().getName()));
        }
        return identity;
    }

    /** The identity source, for a renewal asked under the caller's captured bindings. */
    IdentitySource identities() {
        return identities;
    }

    HttpIdentityRefusedException refuseWithoutIdentity(String redactedText, IdentityException cause) {
        String message = "no verified agent identity for HTTP client \"" + resource + "\": "
                + masker.maskText(String.valueOf(cause.getMessage()), null);
        HttpIdentityRefusedException refused = new HttpIdentityRefusedException(message);
        try {
            guard.refuseWithoutIdentity(Channel.HTTP, resource, redactedText, sessionId, cause);
        } catch (ActionRefusedException e) {
            if (e.refusal() == Refusal.JOURNAL_UNAVAILABLE) {
                refused.addSuppressed(journalUnavailable(e));
            }
        } catch (RuntimeException e) {
            // refused either way
        }
        return refused;
    }

    /** The redacted request line of a request that has not been analysed with its body yet. */
    String describe(AgentRequest request) {
        try {
            HttpAction a = HttpAction.of(request.method(), request.uri(), Set.of(), 0, Map.of());
            return requestLine.of(a, request.uri());
        } catch (RuntimeException e) {
            return "(a request the guard could not read)";
        }
    }

    // ------------------------------------------------------------------ decision

    /**
     * Whether the body of a request must be read before it is decided or sent: a rule looks at
     * its size (and the publisher does not say) or at a JSON field, or a 307/308 redirect may have
     * to send it again. Bodies declared larger than the limit are never read ahead.
     *
     * @param declared the length the agent's publisher declared, -1 for unknown
     */
    boolean mustBuffer(long declared) {
        if (bodyLimit == 0 || declared == 0 || declared > bodyLimit) {
            return false;
        }
        return (sizeRules && declared < 0) || !jsonFields.isEmpty() || redirects != HttpClient.Redirect.NEVER;
    }

    int bodyLimit() {
        return bodyLimit;
    }

    /**
     * The request as the policy sees it. Given the header values, not only the names, so that
     * the policy decides on every method a method-override header names.
     */
    Action action(AgentRequest request, RequestBody body) {
        Map<String, String> fields = body.isBuffered() && !jsonFields.isEmpty()
                ? JsonFields.read(body.bytes(), body.length(), jsonFields) : Map.of();
        long size = body.sizeForDecision();
        HttpAction detail = size == 0 && fields.isEmpty() && request.bodylessAction() != null
                ? request.bodylessAction() // made when the request was read: its URI is read once
                : HttpAction.of(request.method(), request.uri(), request.headers().map(), size, fields);
        return new Action(Channel.HTTP, resource, requestLine.of(detail, request.uri()), detail);
    }

    /** The most specific configured credential for {@code action}'s target, or {@code null}. */
    TargetCredential credentialFor(Action action) {
        HttpAction http = (HttpAction) action.detail();
        TargetCredential best = null;
        for (TargetCredential t : targets) {
            if (t.target().covers(http)
                    && (best == null || t.target().pathPrefix().length() > best.target().pathPrefix().length())) {
                best = t;
            }
        }
        return best;
    }

    /** Decides on and journals the intent of one request or hop. */
    Permit check(CallContext context, Action action) throws java.io.IOException {
        try {
            return guard.check(context, action);
        } catch (ActionRefusedException e) {
            throw refused(e);
        } catch (RuntimeException e) {
            throw internalError("checking the request", e);
        }
    }

    /**
     * The request that goes on the wire: the agent's request without the headers the guard owns
     * or refuses, with the credential of its target, the agent identity header and the encodings
     * the masking can read.
     *
     * @throws IllegalArgumentException when a header of the agent's request is not valid
     */
    HttpRequest wire(AgentRequest request, BodyPublisher body, TargetCredential target, AgentIdentity identity) {
        String credentialHeader = target == null ? null : target.credential().headerName();
        HttpRequest.Builder b = HttpRequest.newBuilder(request, (name, value) -> {
            String n = name.toLowerCase(Locale.ROOT);
            return !FRAMING_HEADERS.contains(n) && !PARTIAL_CONTENT_HEADERS.contains(n)
                    && !n.equals("accept-encoding") && !n.equals(identityHeader) && !n.equals(credentialHeader);
        });
        // Set from the snapshot again: what was decided is what is sent.
        b.uri(request.uri());
        String method = request.method();
        if (body == null) {
            switch (method) {
                case "GET" -> b.GET();
                case "DELETE" -> b.DELETE();
                default -> b.method(method, BodyPublishers.noBody());
            }
        } else {
            b.method(method, body);
        }
        if (credentialHeader != null) {
            b.setHeader(credentialHeader, target.credential().headerValue());
        }
        if (identityHeader != null) {
            b.setHeader(identityHeader, headerSafe(identity.agentId()));
        }
        b.setHeader("Accept-Encoding", acceptEncoding(request.headers()));
        return b.build();
    }

    /**
     * The encodings the guard accepts for the response: those of gzip and deflate the agent
     * asked for (the masking decodes them), else {@code identity}. Any other encoding could reach
     * the agent unmasked, so it is never offered.
     */
    static String acceptEncoding(HttpHeaders agentHeaders) {
        boolean gzip = false;
        boolean deflate = false;
        for (String value : agentHeaders.allValues("accept-encoding")) {
            for (String part : value.split(",")) {
                String[] p = part.strip().split(";");
                String coding = p[0].strip().toLowerCase(Locale.ROOT);
                boolean refused = false;
                for (int i = 1; i < p.length; i++) {
                    String param = p[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
                    if (param.matches("q=0(\\.0{0,3})?")) {
                        refused = true;
                    }
                }
                if (!refused) {
                    gzip |= coding.equals("gzip") || coding.equals("x-gzip");
                    deflate |= coding.equals("deflate");
                }
            }
        }
        if (gzip && deflate) {
            return "gzip, deflate";
        }
        return gzip ? "gzip" : deflate ? "deflate" : "identity";
    }

    /** An agent id as a header value: anything outside visible ASCII percent-encoded. */
    private static String headerSafe(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (byte x : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c > 0x20 && c < 0x7f && c != '%') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /** Whether two URIs share scheme, host and port (the credential and cookie boundary). */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : HttpAction.defaultPort(u.getScheme());
    }

    /** Text of an error for the journal: its type and its message masked, never the request's query. */
    String errorText(String what, Throwable t, URI uri) {
        String message = t.getMessage();
        if (message != null && uri != null && uri.getRawQuery() != null) {
            message = message.replace(uri.getRawQuery(), "…");
        }
        return what + " (" + t.getClass().getSimpleName() + (message == null ? "" : ": " + message) + ")";
    }

    // ------------------------------------------------------------------ refusals

    /** The IOException an agent sees for a refusal of the guard. */
    java.io.IOException refused(ActionRefusedException e) {
        return switch (e.refusal()) {
            case DENIED_BY_POLICY, APPROVAL_DENIED, APPROVAL_TIMED_OUT -> new HttpPolicyViolationException(
                    masker.maskText(String.valueOf(e.getMessage()), null), e.refusal(), e.ruleId(), e.reason());
            case NO_IDENTITY -> new HttpIdentityRefusedException("no verified agent identity for HTTP client \""
                    + resource + "\": " + masker.maskText(String.valueOf(e.reason()), null));
            case JOURNAL_UNAVAILABLE -> journalUnavailable(e);
        };
    }

    private HttpJournalUnavailableException journalUnavailable(ActionRefusedException e) {
        return new HttpJournalUnavailableException("the audit journal of HTTP client \"" + resource
                + "\" cannot be written, so the request was not sent (fail closed): " + e.reason()
                + "; make the journal writable again (disk space, an open journal) and retry", e);
    }

    /** The request ran, but its outcome event could not be written. */
    HttpJournalUnavailableException outcomeNotJournaled(Exception e) {
        return new HttpJournalUnavailableException("the request was sent, but its outcome could not be written to the "
                + "audit journal of HTTP client \"" + resource + "\": " + e.getMessage()
                + "; further requests are refused while the journal stays unwritable", e);
    }

    /** A failure inside the guard itself: nothing was sent. The cause's message is kept out; it may quote the URL. */
    java.io.IOException internalError(String what, RuntimeException e) {
        return new java.io.IOException("the guard of HTTP client \"" + resource + "\" failed while " + what + " ("
                + e.getClass().getName() + "), so the request was not sent (fail closed)");
    }

    /** Names the decision threads, daemon so that a forgotten client does not keep the JVM alive. */
    private static final class DecisionThreads implements ThreadFactory {
        private final String name;
        private final AtomicInteger count = new AtomicInteger();

        DecisionThreads(String name) {
            this.name = name;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "agentguard-http-" + name + "-decision-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
