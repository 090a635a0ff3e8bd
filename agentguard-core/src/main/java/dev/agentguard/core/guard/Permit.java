package dev.agentguard.core.guard;

import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.masking.MaskTally;
import dev.agentguard.core.policy.Verdict;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Permission to run one action, handed out by {@link Guard#check} after its intent event was
 * journaled. The channel runs the action and then reports how it ended with exactly one of
 * {@link #succeeded} or {@link #failed}, which journal the outcome event. Thread-safe.
 */
public final class Permit {

    private final Guard guard;
    private final CallContext context;
    private final Action action;
    private final List<String> objects;
    private final Verdict verdict;
    private final Decision decision;
    private final String approvalRef;
    private final long intentSequence;
    private final Instant started;
    /** Extensions the outcome event repeats from the intent event (break-glass). */
    private final Map<String, String> extensions;
    private final AtomicBoolean finished = new AtomicBoolean();

    Permit(Guard guard, CallContext context, Action action, List<String> objects, Verdict verdict, Decision decision,
           String approvalRef, long intentSequence, Instant started, Map<String, String> extensions) {
        this.guard = guard;
        this.context = context;
        this.action = action;
        this.objects = objects;
        this.verdict = verdict;
        this.decision = decision;
        this.approvalRef = approvalRef;
        this.intentSequence = intentSequence;
        this.started = started;
        this.extensions = extensions;
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
        return approvalRef;
    }

    /** Whether the outcome was reported. */
    public boolean isFinished() {
        return finished.get();
    }

    /**
     * Journals that the action succeeded.
     *
     * @param counts counters such as {@code rows}, {@code updated} or {@code masked.pan}; may be empty
     * @throws JournalException      when the outcome event could not be written
     * @throws IllegalStateException when the outcome was already reported
     */
    public void succeeded(Map<String, Long> counts) throws JournalException {
        finish(null, counts);
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
        finish(redactedError == null ? "failed" : redactedError, counts);
    }

    private void finish(String error, Map<String, Long> counts) throws JournalException {
        if (!finished.compareAndSet(false, true)) {
            throw new IllegalStateException("the outcome of this action was already journaled (intent event "
                    + intentSequence + "); report it once, with succeeded() or failed()");
        }
        Map<String, Long> c = counts == null ? Map.of() : counts;
        EventDraft draft = guard.event(Phase.OUTCOME, context, action, objects);
        draft.decision(masked(c) ? Decision.MASKED : decision, verdict.ruleId());
        if (approvalRef != null) {
            draft.approval(approvalRef);
        }
        if (error == null) {
            draft.succeeded();
        } else {
            draft.failed(guard.mask(error));
        }
        for (Map.Entry<String, Long> e : c.entrySet()) {
            draft.count(e.getKey(), e.getValue() == null ? 0 : e.getValue());
        }
        Duration took = Duration.between(started, guard.now());
        draft.duration(took.isNegative() ? Duration.ZERO : took);
        draft.extension(Guard.INTENT_SEQUENCE, Long.toString(intentSequence));
        for (Map.Entry<String, String> e : extensions.entrySet()) {
            draft.extension(e.getKey(), e.getValue());
        }
        guard.journal().append(draft);
    }

    private static boolean masked(Map<String, Long> counts) {
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getKey().startsWith(MaskTally.PREFIX) && e.getValue() != null && e.getValue() > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Permit[rule=" + verdict.ruleId() + ", decision=" + decision + ", intent=" + intentSequence
                + (finished.get() ? ", finished" : "") + "]";
    }
}
