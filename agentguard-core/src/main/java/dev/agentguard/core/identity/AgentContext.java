package dev.agentguard.core.identity;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * Binds an agent's identity to the calling thread for the length of a call, for JVMs that run
 * several agents over the same guarded {@code DataSource}, {@code HttpClient} or SSH client.
 *
 * <pre>{@code
 * try (AgentContext.Scope scope = AgentContext.bind(TokenIdentitySource.fixed(verifier, requestToken))) {
 *     refunds.process(order);          // every statement runs as the agent of requestToken
 * }
 * }</pre>
 *
 * <p>A channel built with {@link #currentOr(IdentitySource)} asks the innermost binding of the
 * calling thread first, so <b>a scoped binding wins over the channel's own identity source</b>.
 * Bindings nest; closing a scope restores the binding that was in place before it.
 *
 * <p>A binding belongs to one thread. Work handed to another thread keeps the identity of the
 * call that handed it over when it is wrapped: {@link #wrap(Runnable)}, {@link #wrap(Callable)},
 * {@link #wrap(Executor)} or {@link #capture()}. The binding (the identity source) is what
 * travels, so the work still acts as the same agent and its token's expiry is judged when the
 * work runs. Unwrapped work on a pool thread sees no binding, never a stale one from an earlier
 * task, as long as every binding on that thread is made with try-with-resources or by a wrapper.
 */
public final class AgentContext {

    private static final ThreadLocal<Binding> BOUND = new ThreadLocal<>();

    /** One binding and the one it covers; immutable, so capturing it is a reference copy. */
    private record Binding(IdentitySource source, Binding outer) {

        boolean covers(Binding other) {
            for (Binding b = outer; b != null; b = b.outer) {
                if (b == other) {
                    return true;
                }
            }
            return false;
        }
    }

    private AgentContext() {
    }

    /** Binds {@code source} to the calling thread until the returned scope is closed. */
    public static Scope bind(IdentitySource source) {
        Objects.requireNonNull(source, "source");
        Binding binding = new Binding(source, BOUND.get());
        BOUND.set(binding);
        return new Scope(binding, Thread.currentThread());
    }

    /** Binds an already verified identity to the calling thread until the returned scope is closed. */
    public static Scope bind(AgentIdentity identity) {
        return bind(IdentitySource.fixed(identity));
    }

    /** Whether the calling thread has a binding. */
    public static boolean isBound() {
        return BOUND.get() != null;
    }

    /**
     * An identity source that answers with the calling thread's innermost binding, or asks
     * {@code fallback} (a channel's own source) when the thread has none.
     */
    public static IdentitySource currentOr(IdentitySource fallback) {
        Objects.requireNonNull(fallback, "fallback");
        return new IdentitySource() {
            @Override
            public AgentIdentity currentIdentity() throws IdentityException {
                Binding binding = BOUND.get();
                return binding != null ? binding.source().currentIdentity() : fallback.currentIdentity();
            }

            @Override
            public String toString() {
                return "AgentContext.currentOr(" + fallback + ")";
            }
        };
    }

    /**
     * An identity source that answers with the calling thread's innermost binding and refuses
     * calls made outside any binding: for channels shared by agents that must each bind.
     */
    public static IdentitySource required() {
        return REQUIRED;
    }

    private static final IdentitySource REQUIRED = new IdentitySource() {
        @Override
        public AgentIdentity currentIdentity() throws IdentityException {
            Binding binding = BOUND.get();
            if (binding == null) {
                throw new IdentityException("no agent identity is bound to this thread: make the call inside "
                        + "AgentContext.bind(...), or hand work to other threads through AgentContext.wrap(...)");
            }
            return binding.source().currentIdentity();
        }

        @Override
        public String toString() {
            return "AgentContext.required()";
        }
    };

    /** The calling thread's bindings, to run work under elsewhere. */
    public static Captured capture() {
        return new Captured(BOUND.get());
    }

    /** {@code task}, running under the bindings of the calling thread as they are now. */
    public static Runnable wrap(Runnable task) {
        return capture().wrap(task);
    }

    /** {@code task}, running under the bindings of the calling thread as they are now. */
    public static <V> Callable<V> wrap(Callable<V> task) {
        return capture().wrap(task);
    }

    /**
     * An executor that runs each task under the bindings of the thread that submitted it, as
     * they were at submission; use it for {@code CompletableFuture} stages and callbacks.
     */
    public static Executor wrap(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return new Executor() {
            @Override
            public void execute(Runnable command) {
                executor.execute(AgentContext.wrap(command));
            }

            @Override
            public String toString() {
                return "AgentContext.wrap(" + executor + ")";
            }
        };
    }

    /**
     * A binding made by {@link AgentContext#bind}; closing it restores the binding before it.
     * Close it on the thread that made it, in reverse order of binding (try-with-resources does).
     */
    public static final class Scope implements AutoCloseable {

        private final Binding binding;
        private final Thread thread;
        private boolean closed;

        private Scope(Binding binding, Thread thread) {
            this.binding = binding;
            this.thread = thread;
        }

        /**
         * Restores the binding that was in place when this scope was made. Closing twice does
         * nothing.
         *
         * @throws IllegalStateException on another thread than the binding one (nothing changes),
         *                               or when a scope made inside this one was left open (it is
         *                               closed too, so that no identity outlives its scope)
         */
        @Override
        public void close() {
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException("an AgentContext scope must be closed on the thread that bound it ("
                        + thread.getName() + "); it stays bound there");
            }
            if (closed) {
                return;
            }
            closed = true;
            Binding top = BOUND.get();
            if (top == binding) {
                restore(binding.outer());
            } else if (top != null && top.covers(binding)) {
                restore(binding.outer());
                throw new IllegalStateException("an AgentContext scope made inside this one was left open; it is "
                        + "closed now: close scopes in reverse order, with try-with-resources");
            }
            // Otherwise an outer scope was closed first and already unwound this one.
        }
    }

    /** Bindings captured from a thread, to run work under on any thread. */
    public static final class Captured {

        private final Binding binding;

        private Captured(Binding binding) {
            this.binding = binding;
        }

        /** Whether anything was bound when these bindings were captured. */
        public boolean isBound() {
            return binding != null;
        }

        /** Runs {@code task} on the calling thread under the captured bindings, then restores the thread's own. */
        public void run(Runnable task) {
            Objects.requireNonNull(task, "task");
            Binding before = BOUND.get();
            restore(binding);
            try {
                task.run();
            } finally {
                restore(before);
            }
        }

        /** Calls {@code task} on the calling thread under the captured bindings, then restores the thread's own. */
        public <V> V call(Callable<V> task) throws Exception {
            Objects.requireNonNull(task, "task");
            Binding before = BOUND.get();
            restore(binding);
            try {
                return task.call();
            } finally {
                restore(before);
            }
        }

        /** {@code task}, running under the captured bindings wherever it runs. */
        public Runnable wrap(Runnable task) {
            Objects.requireNonNull(task, "task");
            return () -> run(task);
        }

        /** {@code task}, running under the captured bindings wherever it runs. */
        public <V> Callable<V> wrap(Callable<V> task) {
            Objects.requireNonNull(task, "task");
            return () -> call(task);
        }
    }

    private static void restore(Binding binding) {
        if (binding == null) {
            BOUND.remove();
        } else {
            BOUND.set(binding);
        }
    }
}
