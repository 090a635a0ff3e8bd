package dev.agentguard.core.guard;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.core.policy.Verdict;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;

/**
 * Permission to run one action, handed out by {@link Guard#check} after its intent event was
 * journaled. The channel runs the action and then reports how it ended with exactly one of
 * {@link #succeeded} or {@link #failed}, which journal the outcome event. Thread-safe.
 *
 * <p>The outcome event names its intent event ({@code intent-seq}) and holds what the run added:
 * agent and session, the decision ({@code MASKED} when a count says values were masked), success
 * or failure with the masked error, the counts and the duration. The fields it shares with the
 * intent (resource, action, objects, rule, approval, the person acted for, trace) are journaled
 * once, in the intent; readers show the outcome with them.
 */
public final class Permit {

    private static final VarHandle FINISHED;

    static {
        try {
            FINISHED = MethodHandles.lookup().findVarHandle(Permit.class, "finished", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * How the action was let through: the decision, the approval or break-glass reference, and the
     * extensions the outcome event repeats from the intent event (break-glass).
     */
    private record Grant(Decision decision, String approvalRef, Map<String, String> extensions) {
    }

    /** The grant of an action the policy simply allowed, shared by all of them. */
    private static final Grant ALLOWED = new Grant(Decision.ALLOWED, null, Map.of());

    private final CallContext context;
    private final PreparedAction action;
    private final Verdict verdict;
    private final Grant grant;
    private final long intentSequence;
    /** From {@link Guard#startTime()}. */
    private final long started;
    @SuppressWarnings("unused") // through FINISHED
    private volatile boolean finished;

    Permit(Guard guard, CallContext context, PreparedAction action, Verdict verdict, Decision decision,
           String approvalRef, long intentSequence, long started, Map<String, String> extensions) {
        assert action.guard() == guard;
        this.context = context;
        this.action = action;
        this.verdict = verdict;
        this.grant = decision == Decision.ALLOWED && approvalRef == null && extensions.isEmpty() ? ALLOWED
                : new Grant(decision, approvalRef, Map.copyOf(extensions));
        this.intentSequence = intentSequence;
        this.started = started;
    }

    /** The policy's verdict for the action (allow, or require-approval that was granted). */
    public Verdict verdict() {
        return verdict;
    }

    /** The most rows the action may return; 0 for no limit. */
    public long rowLimit() {
        return verdict.rowLimit();
    }

    /** The journal sequence number of the intent event; the outcome event refers to it. */
    public long intentSequence() {
        return intentSequence;
    }

    /**
     * The approval request id when an approver granted the action (or the request id of the
     * window grant it reused), the break-glass reference ({@code brk-…}) when the agent broke the
     * glass, else {@code null}.
     */
    public String approvalReference() {
        return grant.approvalRef();
    }

    /** Whether the outcome was reported. */
    public boolean isFinished() {
        return finished;
    }

    /**
     * Journals that the action succeeded.
     *
     * @param counts counters such as {@code rows}, {@code updated} or {@code masked.pan}; may be empty
     * @throws JournalException      when the outcome event could not be written
     * @throws IllegalStateException when the outcome was already reported
     */
    public void succeeded(Map<String, Long> counts) throws JournalException {
        finish(null, countsOf(counts), Map.of());
    }

    /**
     * Journals that the action succeeded, with extensions on the outcome event: facts only the
     * outcome knows, such as the SHA-256 of a binary response body. Values must already be
     * redacted; the journal's safety net masks card numbers once more.
     *
     * @param extensions extension name → value; may be empty
     * @throws JournalException      when the outcome event could not be written
     * @throws IllegalStateException when the outcome was already reported
     */
    public void succeeded(Map<String, Long> counts, Map<String, String> extensions) throws JournalException {
        finish(null, countsOf(counts), extensions == null ? Map.of() : extensions);
    }

    /**
     * Journals that the action succeeded, with counters a channel hands over without a map.
     *
     * @throws JournalException      when the outcome event could not be written
     * @throws IllegalStateException when the outcome was already reported
     */
    public void succeeded(OutcomeCounts counts) throws JournalException {
        finish(null, counts == null ? OutcomeCounts.NONE : counts, Map.of());
    }

    /**
     * Journals that the action failed.
     *
     * @param redactedError the error text without literal values; detectors mask it once more
     * @param counts        counters gathered before the failure; may be empty
     * @throws JournalException      when the outcome event could not be written
     * @throws IllegalStateException when the outcome was already reported
     */
    public void failed(String redactedError, Map<String, Long> counts) throws JournalException {
        finish(redactedError == null ? "failed" : redactedError, countsOf(counts), Map.of());
    }

    /**
     * Journals that the action failed, with extensions on the outcome event.
     *
     * @see #failed(String, Map)
     * @see #succeeded(Map, Map)
     */
    public void failed(String redactedError, Map<String, Long> counts, Map<String, String> extensions)
            throws JournalException {
        finish(redactedError == null ? "failed" : redactedError, countsOf(counts),
                extensions == null ? Map.of() : extensions);
    }

    /**
     * Journals that the action failed, with counters a channel hands over without a map.
     *
     * @see #failed(String, Map)
     */
    public void failed(String redactedError, OutcomeCounts counts) throws JournalException {
        finish(redactedError == null ? "failed" : redactedError, counts == null ? OutcomeCounts.NONE : counts,
                Map.of());
    }

    private static OutcomeCounts countsOf(Map<String, Long> counts) {
        if (counts == null || counts.isEmpty()) {
            return OutcomeCounts.NONE;
        }
        return sink -> {
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                sink.add(e.getKey(), e.getValue() == null ? 0 : e.getValue());
            }
        };
    }

    private void finish(String error, OutcomeCounts counts, Map<String, String> extensions) throws JournalException {
        if (!FINISHED.compareAndSet(this, false, true)) {
            throw new IllegalStateException("the outcome of this action was already journaled (intent event "
                    + intentSequence + "); report it once, with succeeded() or failed()");
        }
        Guard guard = action.guard();
        long took = guard.nanosSince(started);
        OutcomeDraft outcome = action.takeOutcomeDraft();
        try {
            EventDraft draft = outcome.start(context);
            counts.addTo(outcome);
            // The rule, approval and what the action was are in the intent event this one names.
            draft.decision(outcome.masked() ? Decision.MASKED : grant.decision(), null);
            if (error == null) {
                draft.succeeded();
            } else {
                draft.failed(guard.mask(error));
            }
            draft.durationNanos(took);
            draft.extension(AuditEvent.INTENT_SEQUENCE, intentSequence);
            if (!grant.extensions().isEmpty()) {
                for (Map.Entry<String, String> e : grant.extensions().entrySet()) {
                    draft.extension(e.getKey(), e.getValue());
                }
            }
            for (Map.Entry<String, String> e : extensions.entrySet()) {
                draft.extension(e.getKey(), e.getValue());
            }
            guard.journal().append(draft);
        } finally {
            action.giveBack(outcome);
        }
    }

    @Override
    public String toString() {
        return "Permit[rule=" + verdict.ruleId() + ", decision=" + grant.decision() + ", intent=" + intentSequence
                + (finished ? ", finished" : "") + "]";
    }
}
