package dev.agentguard.core.guard;

import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an agent says about the calls it makes next on this thread, on any channel: the intent
 * (its stated purpose), a W3C {@code traceparent}, and — only for rules that allow it — a
 * break-glass justification. It overrides the session's intent and trace id (for JDBC, the
 * {@code agentguard.intent} and {@code agentguard.trace} client info) until it is closed.
 *
 * <pre>{@code
 * try (CallScope call = CallScope.builder()
 *         .intent("refund order 42: duplicate charge")
 *         .traceparent(request.header("traceparent"))
 *         .open()) {
 *     statement.executeUpdate("INSERT INTO refunds …");
 * }
 * }</pre>
 *
 * <ul>
 *   <li>The intent is masked with the policy's detectors before it is journaled or shown to an
 *       approver, like every stated intent.</li>
 *   <li>A traceparent that is not valid is ignored, never failing the call: the events then carry
 *       the session's trace id, and the intent event notes why in {@code trace.ignored}.</li>
 *   <li>Break-glass lets a call matching a require-approval rule with {@code breakGlass: true} run
 *       without approval. The justification is mandatory, and every use is journaled loudly
 *       (extension {@code break-glass}) and logged as a warning. On a rule without
 *       {@code breakGlass: true} it changes nothing: approval is asked as usual.</li>
 * </ul>
 * Scopes nest (an inner scope overrides what it sets and keeps the rest) and must be closed in
 * reverse order on the thread that opened them; try-with-resources does both.
 */
public final class CallScope implements AutoCloseable {

    /** The longest intent or justification accepted; state the purpose in a sentence. */
    public static final int MAX_TEXT = 1000;

    /** The shortest break-glass justification: what is broken and why it cannot wait. */
    public static final int MIN_JUSTIFICATION = 10;

    private static final ThreadLocal<CallScope> CURRENT = new ThreadLocal<>();
    /**
     * Scopes open on all threads. While none is, no thread has one, and {@link #current()} skips
     * the thread-local lookup: a guarded call outside any scope pays for no lookup at all.
     */
    private static final AtomicInteger OPEN = new AtomicInteger();

    private final CallScope outer;
    private final Thread owner;
    private final String intent;
    private final String traceparent;
    private final String breakGlass;
    private boolean closed;
    /** Reopened by a channel ({@link Captured#reopen()}): its close also ends scopes left open inside it. */
    private boolean reopened;

    private CallScope(Builder b, CallScope outer) {
        this(outer, b.intent != null ? b.intent : outer == null ? null : outer.intent,
                b.traceparent != null ? b.traceparent : outer == null ? null : outer.traceparent,
                b.breakGlass != null ? b.breakGlass : outer == null ? null : outer.breakGlass);
    }

    /** A scope saying exactly these values, whatever {@code outer} (restored at close) says. */
    private CallScope(CallScope outer, String intent, String traceparent, String breakGlass) {
        this.outer = outer;
        this.owner = Thread.currentThread();
        this.intent = intent;
        this.traceparent = traceparent;
        this.breakGlass = breakGlass;
    }

    /** Makes {@code scope} this thread's innermost. */
    private static CallScope install(CallScope scope) {
        OPEN.incrementAndGet();
        CURRENT.set(scope);
        return scope;
    }

    /** Starts a scope; nothing applies until {@link Builder#open()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The innermost open scope of this thread, or {@code null}. */
    static CallScope current() {
        // A thread that opened a scope counted it before, so a zero here means none on this thread either.
        return OPEN.get() == 0 ? null : CURRENT.get();
    }

    /**
     * What the scope in force on this thread says now (the innermost, with what it keeps of the
     * outer ones), as values that outlive it: for a call the channel goes on with on another
     * thread — an asynchronous request that waits for an approver, a redirect followed where the
     * HTTP client completes — which reopens it there with {@link Captured#reopen()}. The call then
     * runs under the scope it was made in, even when the agent has closed that scope since, and
     * under no other: a call made outside any scope is captured as {@link Captured#NONE}, which
     * reopened hides whatever scope the other thread has open.
     *
     * @return the captured scope; {@link Captured#NONE} when no scope is open on this thread
     */
    public static Captured capture() {
        CallScope scope = current();
        return scope == null ? Captured.NONE : new Captured(scope.intent, scope.traceparent, scope.breakGlass);
    }

    /** The stated intent, or {@code null}. */
    public String intent() {
        return intent;
    }

    /** The traceparent as given (validated when a call is guarded), or {@code null}. */
    public String traceparent() {
        return traceparent;
    }

    /** The break-glass justification, or {@code null}. */
    public String breakGlassJustification() {
        return breakGlass;
    }

    /**
     * Ends the scope: the thread's calls go back to what the enclosing scope (or the session) says.
     * A scope {@link Captured#reopen() reopened} by a channel also ends any scope code inside it
     * left open (an approver's, say), so that the thread it ran on — often a pool's — is left as
     * it was found.
     *
     * @throws IllegalStateException when called on another thread, or while an inner scope is open
     *                               (a scope the agent opened)
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a CallScope is closed on the thread that opened it (" + owner.getName()
                    + ")");
        }
        if (reopened) {
            for (CallScope inner = CURRENT.get(); inner != this && inner != null; inner = CURRENT.get()) {
                inner.close(); // each is this thread's innermost in turn
            }
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("an inner CallScope is still open; close scopes in reverse order "
                    + "(try-with-resources does)");
        }
        closed = true;
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
        OPEN.decrementAndGet();
    }

    @Override
    public String toString() {
        return "CallScope[" + (intent != null ? "intent, " : "") + (traceparent != null ? "traceparent, " : "")
                + (breakGlass != null ? "break-glass, " : "") + (closed ? "closed" : "open") + "]";
    }

    /**
     * A scope's values, captured on the agent's thread by {@link #capture()}. Immutable; its
     * {@code toString} names what is set, never the text (an intent may hold what the policy masks).
     */
    public static final class Captured {
        /** No scope was open: reopened, the calls run under the session's intent and trace alone. */
        public static final Captured NONE = new Captured(null, null, null);

        private final String intent;
        private final String traceparent;
        private final String breakGlass;

        private Captured(String intent, String traceparent, String breakGlass) {
            this.intent = intent;
            this.traceparent = traceparent;
            this.breakGlass = breakGlass;
        }

        /**
         * Opens a scope on this thread saying exactly the captured values — nothing of a scope
         * already open here shows through, not its intent, trace or break-glass — until it is
         * closed, on this thread (try-with-resources); the thread's own scope then applies again,
         * and any scope left open inside this one is ended with it.
         * Everything guarded on this thread meanwhile runs under it, an approver's own calls
         * included, and each reopening breaks the glass again when the captured scope had.
         *
         * @return the open scope, to close on this thread
         */
        public CallScope reopen() {
            CallScope scope = new CallScope(CURRENT.get(), intent, traceparent, breakGlass);
            scope.reopened = true;
            return install(scope);
        }

        @Override
        public String toString() {
            StringJoiner set = new StringJoiner(", ", "CallScope.Captured[", "]");
            if (intent != null) {
                set.add("intent");
            }
            if (traceparent != null) {
                set.add("traceparent");
            }
            if (breakGlass != null) {
                set.add("break-glass");
            }
            return set.toString();
        }
    }

    /** Configures a {@link CallScope}. */
    public static final class Builder {
        private String intent;
        private String traceparent;
        private String breakGlass;

        private Builder() {
        }

        /** The agent's stated purpose for the calls in the scope, at most {@value #MAX_TEXT} characters. */
        public Builder intent(String intent) {
            Objects.requireNonNull(intent, "intent");
            if (intent.isBlank()) {
                throw new IllegalArgumentException("intent is blank; state the purpose, e.g. \"refund order 42\"");
            }
            if (intent.length() > MAX_TEXT) {
                throw new IllegalArgumentException("intent is " + intent.length() + " characters; at most " + MAX_TEXT
                        + " are journaled: state the purpose in a sentence");
            }
            this.intent = intent.strip();
            return this;
        }

        /**
         * The W3C {@code traceparent} of the work the calls belong to. Not checked here: an invalid
         * value is ignored when a call is guarded, and the journal notes it; {@code null} is allowed
         * (a request without the header) and sets nothing.
         */
        public Builder traceparent(String traceparent) {
            this.traceparent = traceparent == null || traceparent.isBlank() ? null : traceparent;
            return this;
        }

        /**
         * Breaks the glass: calls matching a rule with {@code breakGlass: true} run without approval.
         *
         * @param justification what is broken and why it cannot wait for an approver,
         *                      {@value #MIN_JUSTIFICATION} to {@value #MAX_TEXT} characters; journaled
         *                      (masked) with every call it lets through
         * @throws IllegalArgumentException when the justification is missing or too short or long
         */
        public Builder breakGlass(String justification) {
            if (justification == null || justification.isBlank()) {
                throw new IllegalArgumentException("break-glass needs a justification: say what is broken and why it "
                        + "cannot wait for an approver; it is journaled with every call it lets through");
            }
            String j = justification.strip();
            if (j.length() < MIN_JUSTIFICATION || j.length() > MAX_TEXT) {
                throw new IllegalArgumentException("a break-glass justification is " + MIN_JUSTIFICATION + " to "
                        + MAX_TEXT + " characters, this one " + j.length() + ": say what is broken and why it cannot "
                        + "wait for an approver");
            }
            this.breakGlass = j;
            return this;
        }

        /** Opens the scope on this thread. */
        public CallScope open() {
            return install(new CallScope(this, CURRENT.get()));
        }
    }
}
