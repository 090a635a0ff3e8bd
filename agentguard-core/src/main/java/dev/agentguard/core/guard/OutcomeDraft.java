package dev.agentguard.core.guard;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.core.masking.MaskTally;

/**
 * The outcome event of one run as it is built, and the sink its counts go into. An outcome event
 * holds who acted and in which session, the decision (masked or not), how the action ended, its
 * counts and duration, and the sequence of its intent event ({@code intent-seq}); readers take
 * the rest (resource, action, objects, rule, approval, person, trace) from that intent. A prepared
 * action hands one from run to run ({@link PreparedAction#takeOutcomeDraft()}), since a draft may
 * be reused once the journal's append returns; used by one thread at a time.
 */
final class OutcomeDraft implements OutcomeCounts.Sink {
    private final EventDraft draft;
    /** The context whose shared fields the draft holds, or null. */
    private CallContext filledFor;
    private boolean masked;

    OutcomeDraft(Channel channel) {
        this.draft = EventDraft.of(Phase.OUTCOME, channel);
    }

    /**
     * The draft for a new outcome in {@code context}: who acted, in which session. The rest of
     * what the action's events share (resource, action, objects, rule…) is in its intent event,
     * which the outcome names. Set again only when the context changed since the last outcome.
     */
    EventDraft start(CallContext context) {
        masked = false;
        if (context == filledFor) {
            return draft.clearOutcome();
        }
        filledFor = null; // until the fields below are all set
        draft.clear().agent(Guard.fit(context.identity().agentId())).session(Guard.fit(context.sessionId()));
        filledFor = context;
        return draft;
    }

    /** Whether a count says a value was masked ({@code masked.…} above 0). */
    boolean masked() {
        return masked;
    }

    @Override
    public void add(String name, long value) {
        draft.addCount(name, value);
        if (value > 0 && name.startsWith(MaskTally.PREFIX)) {
            masked = true;
        }
    }
}
