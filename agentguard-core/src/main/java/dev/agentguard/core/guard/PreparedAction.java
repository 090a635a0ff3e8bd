package dev.agentguard.core.guard;

import dev.agentguard.audit.EventDraft;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Verdict;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Objects;

/**
 * An action a channel runs again and again — a prepared statement, say — with what the guard
 * works out for it once: the objects it touches, the policy's verdict for the agent, and the
 * intent event an allowed run journals. A run then costs the journal append and little else.
 * From {@link Guard#prepare}; run it with {@link Guard#check(CallContext, PreparedAction)}.
 *
 * <p>What is kept is exact, not a heuristic: a policy is immutable, so its verdict depends only
 * on the identity and the action, and is kept for the identity it was decided for (compared by
 * identity of the {@link AgentIdentity} object; a renewed identity is decided again). The intent
 * event is kept for the {@link CallContext} object it was built from, and only for a run without
 * an open {@link CallScope} and without a trace note; anything else builds the event afresh.
 * Thread-safe.
 */
public final class PreparedAction {

    /** A verdict and the identity it was decided for. */
    private record Decided(AgentIdentity identity, Verdict verdict) {
    }

    /**
     * The intent event of an allowed run in {@code context} under {@code verdict}. Never changed
     * after it is built, so threads may append it at once (the journal reads it under its lock).
     */
    record Intent(CallContext context, Verdict verdict, EventDraft draft) {
    }

    private static final VarHandle SPARE;

    static {
        try {
            SPARE = MethodHandles.lookup().findVarHandle(PreparedAction.class, "spare", OutcomeDraft.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Guard guard;
    private final Action action;
    private final List<String> objects;
    private volatile Decided decided;
    private volatile Intent intent;
    /** An outcome draft no run is using, handed from run to run; null while a run has it. */
    @SuppressWarnings("unused") // through SPARE
    private volatile OutcomeDraft spare;

    PreparedAction(Guard guard, Action action, List<String> objects) {
        this.guard = guard;
        this.action = action;
        this.objects = objects;
    }

    /** The action. */
    public Action action() {
        return action;
    }

    /** The tables or paths the action touches, sorted, as its events list them. */
    public List<String> objects() {
        return objects;
    }

    /**
     * The policy's verdict on this action for {@code identity}: decided on the first call for the
     * identity, then kept.
     */
    public Verdict verdictFor(AgentIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        Decided d = decided;
        if (d != null && d.identity() == identity) {
            return d.verdict();
        }
        Verdict verdict = guard.policy().decide(identity, action);
        decided = new Decided(identity, verdict);
        return verdict;
    }

    Guard guard() {
        return guard;
    }

    /** The kept intent event for an allowed run in {@code context} under {@code verdict}, or null. */
    EventDraft intentFor(CallContext context, Verdict verdict) {
        Intent i = intent;
        return i != null && i.context() == context && i.verdict() == verdict ? i.draft() : null;
    }

    /** Keeps {@code draft}, which the caller must never change again, as the intent event for the pair. */
    void keepIntent(CallContext context, Verdict verdict, EventDraft draft) {
        intent = new Intent(context, verdict, draft);
    }

    /** An outcome draft for one run: the spare one, or a new one when another run has it. */
    OutcomeDraft takeOutcomeDraft() {
        OutcomeDraft d = (OutcomeDraft) SPARE.getAndSet(this, null);
        return d != null ? d : new OutcomeDraft(action.channel());
    }

    /** Gives a draft back once the journal's append returned. */
    void giveBack(OutcomeDraft draft) {
        spare = draft;
    }

    @Override
    public String toString() {
        return "PreparedAction[" + action.channel() + " " + action.resource() + ": " + action.redactedText() + "]";
    }
}
