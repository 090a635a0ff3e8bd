package dev.agentguard.core.guard;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SqlAction;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.approval.ApprovalDecision;
import dev.agentguard.core.approval.ApprovalRequest;
import dev.agentguard.core.approval.Approver;
import dev.agentguard.core.approval.InMemoryApprover;
import dev.agentguard.core.identity.IdentityException;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.core.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pipeline every channel runs an action through: decide with the {@link Policy}, ask the
 * {@link Approver} where a rule requires approval, journal the intent event, and hand back a
 * {@link Permit} for the outcome. Built once per guarded data source or client; thread-safe, and
 * holds no lock while it waits for an approver.
 *
 * <h2>What it journals</h2>
 * <ul>
 *   <li>allowed: INTENT (decision ALLOWED, rule); the channel runs the action; OUTCOME;</li>
 *   <li>denied: INTENT (decision DENIED, rule, outcome failure with the reason), then
 *       {@link ActionRefusedException};</li>
 *   <li>approval: APPROVAL (APPROVAL_REQUIRED, rule, request id), APPROVAL (APPROVED or DENIED,
 *       request id, approver), then INTENT (APPROVED, or DENIED as above); an approver that
 *       times out or fails is a refusal;</li>
 *   <li>no identity: IDENTITY (DENIED), then {@link ActionRefusedException} (PCI DSS 10.2.1.4).</li>
 * </ul>
 * Fails closed: when an event before the action cannot be written, the action is refused with
 * {@link Refusal#JOURNAL_UNAVAILABLE}.
 */
public final class Guard {

    /** Extension of outcome events: the sequence number of their intent event. */
    static final String INTENT_SEQUENCE = "intent-seq";

    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    private final Policy policy;
    private final Journal journal;
    private final Approver approver;
    private final Duration approvalTimeout;
    private final Clock clock;
    private final Masker masker;

    private Guard(Builder b) {
        this.policy = b.policy;
        this.journal = b.journal;
        this.approver = b.approver;
        this.approvalTimeout = b.approvalTimeout;
        this.clock = b.clock;
        this.masker = policy.masking().masker();
    }

    /** Starts configuring a guard. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decides {@code action} for the agent in {@code context}, asks for approval where needed, and
     * journals the intent event.
     *
     * @return the permit to run the action; report its outcome on the permit
     * @throws ActionRefusedException when the action must not run: denied, not approved, or not
     *                                journaled; the refusal is journaled where the journal allows
     */
    public Permit check(CallContext context, Action action) throws ActionRefusedException {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(action, "action");
        if (action.channel() == Channel.UNKNOWN || action.channel() == Channel.JOURNAL
                || action.channel() == Channel.TOOL) {
            throw new IllegalArgumentException("channel " + action.channel() + " carries no agent actions; a guarded "
                    + "action travels on JDBC, HTTP or SSH");
        }
        Instant started = clock.instant();
        Verdict verdict = policy.decide(context.identity(), action);
        List<String> objects = objectsOf(action);
        return switch (verdict.effect()) {
            case ALLOW -> {
                long seq = appendBeforeAction(intent(context, action, objects, Decision.ALLOWED, verdict.ruleId(), null));
                yield new Permit(this, context, action, objects, verdict, Decision.ALLOWED, null, seq, started);
            }
            case DENY -> throw refuse(context, action, objects, null,
                    new ActionRefusedException(Refusal.DENIED_BY_POLICY, verdict.ruleId(), verdict.reason()));
            case REQUIRE_APPROVAL -> approve(context, action, objects, verdict, started);
        };
    }

    private Permit approve(CallContext context, Action action, List<String> objects, Verdict verdict, Instant started)
            throws ActionRefusedException {
        String ruleId = verdict.ruleId();
        Rule rule = policy.rule(ruleId).orElse(null);
        if (rule != null && rule.requireIntent() && context.intent() == null) {
            throw refuse(context, action, objects, null, new ActionRefusedException(Refusal.APPROVAL_DENIED, ruleId,
                    "the rule requires the agent to state its intent, and none was given; nobody was asked"));
        }
        String requestId = "apr-" + UUID.randomUUID();
        ApprovalRequest request = ApprovalRequest.of(requestId, context.identity(), action, ruleId,
                mask(context.intent()));
        appendBeforeAction(event(Phase.APPROVAL, context, action, objects)
                .decision(Decision.APPROVAL_REQUIRED, ruleId)
                .approval(requestId)
                .extension("action-hash", request.actionHash())
                .extension("approval-timeout", approvalTimeout.toString()));

        ApprovalDecision decision = null;
        Refusal refusal = null;
        String why = null;
        Throwable cause = null;
        CompletableFuture<ApprovalDecision> answer = null;
        try {
            answer = futureOf(approver.request(request));
            // No lock is held here: other actions keep flowing while this one waits.
            decision = answer.get(approvalTimeout.toNanos(), TimeUnit.NANOSECONDS);
            if (decision == null) {
                refusal = Refusal.APPROVAL_DENIED;
                why = "the approver answered nothing";
            }
        } catch (TimeoutException e) {
            answer.cancel(true);
            refusal = Refusal.APPROVAL_TIMED_OUT;
            why = "no decision within " + approvalTimeout.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(true);
            refusal = Refusal.APPROVAL_DENIED;
            why = "the agent's thread was interrupted while waiting for a decision";
            cause = e;
        } catch (ExecutionException e) {
            refusal = Refusal.APPROVAL_DENIED;
            why = "the approver failed (" + e.getCause().getClass().getSimpleName() + ")";
            cause = e.getCause();
        } catch (RuntimeException e) {
            refusal = Refusal.APPROVAL_DENIED;
            why = "the approver failed (" + (e instanceof CancellationException ? "cancelled" : e.getClass().getSimpleName())
                    + ")";
            cause = e;
        }

        EventDraft outcome = event(Phase.APPROVAL, context, action, objects).approval(requestId);
        if (refusal != null) {
            outcome.decision(Decision.DENIED, ruleId).failed(why);
            throw refuse(context, action, objects, outcome, requestId,
                    new ActionRefusedException(refusal, ruleId, why, cause));
        }
        outcome.extension("approver", mask(decision.approver()));
        if (decision.reason() != null) {
            outcome.extension("approval-reason", mask(decision.reason()));
        }
        if (decision.reference() != null) {
            outcome.extension("approver-reference", mask(decision.reference()));
        }
        if (!decision.approved()) {
            outcome.decision(Decision.DENIED, ruleId);
            String reason = mask(decision.approver()) + " refused it"
                    + (decision.reason() == null ? "" : ": " + mask(decision.reason()));
            throw refuse(context, action, objects, outcome, requestId,
                    new ActionRefusedException(Refusal.APPROVAL_DENIED, ruleId, reason));
        }
        outcome.decision(Decision.APPROVED, ruleId);
        appendBeforeAction(outcome);
        long seq = appendBeforeAction(intent(context, action, objects, Decision.APPROVED, ruleId, requestId));
        return new Permit(this, context, action, objects, verdict, Decision.APPROVED, requestId, seq, started);
    }

    /** The approver's stage as a future the guard can wait on with a timeout and cancel. */
    private static CompletableFuture<ApprovalDecision> futureOf(CompletionStage<ApprovalDecision> stage) {
        Objects.requireNonNull(stage, "the approver returned no CompletionStage");
        try {
            return stage.toCompletableFuture();
        } catch (UnsupportedOperationException e) {
            CompletableFuture<ApprovalDecision> f = new CompletableFuture<>();
            stage.whenComplete((d, t) -> {
                if (t != null) {
                    f.completeExceptionally(t);
                } else {
                    f.complete(d);
                }
            });
            return f;
        }
    }

    /**
     * Journals that an action arrived without a verified identity (PCI DSS 10.2.1.4: invalid
     * logical access attempts) and refuses it.
     *
     * @param redactedText the action as the journal may show it
     * @throws ActionRefusedException always, with {@link Refusal#NO_IDENTITY}
     */
    public void refuseWithoutIdentity(Channel channel, String resource, String redactedText, String sessionId,
                                      IdentityException e) throws ActionRefusedException {
        Objects.requireNonNull(channel, "channel");
        String why = e == null || e.getMessage() == null ? "the identity could not be verified" : mask(e.getMessage());
        ActionRefusedException refused = new ActionRefusedException(Refusal.NO_IDENTITY, null, why, e);
        EventDraft draft = EventDraft.of(Phase.IDENTITY, channel)
                .session(fit(sessionId))
                .resource(fit(resource))
                .action(fit(redactedText))
                .decision(Decision.DENIED, null)
                .failed(fit(refused.getMessage()))
                .extension("pci-requirement", "10.2.1.4");
        try {
            journal.append(draft);
        } catch (JournalException | RuntimeException je) {
            LOG.warn("could not journal a refused access without identity on {} {}: {}", channel, resource,
                    je.getMessage());
            refused.addSuppressed(je);
        }
        throw refused;
    }

    /** The policy this guard decides with. */
    public Policy policy() {
        return policy;
    }

    /** The masker of the policy's masking rules, built once. */
    public Masker masker() {
        return masker;
    }

    /** The journal this guard writes to. */
    public Journal journal() {
        return journal;
    }

    /** How long an action waits for an approver. */
    public Duration approvalTimeout() {
        return approvalTimeout;
    }

    // ---------------------------------------------------------------- events

    Instant now() {
        return clock.instant();
    }

    /** Text an agent or approver wrote, with every detector hit masked and cut to fit an event. */
    String mask(String text) {
        return text == null ? null : fit(masker.maskText(text, null));
    }

    /**
     * {@code text} cut to what one event field holds, saying so, so that a very long statement
     * is still journaled (and so still allowed to run) rather than failing the append.
     */
    static String fit(String text) {
        int max = EventDraft.MAX_TEXT_LENGTH - 64;
        if (text == null || text.length() <= max) {
            return text;
        }
        int cut = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, cut) + "… (cut: " + text.length() + " characters in all)";
    }

    /** An event with everything the action's events share. */
    EventDraft event(Phase phase, CallContext context, Action action, List<String> objects) {
        EventDraft d = EventDraft.of(phase, action.channel())
                .agent(fit(context.identity().agentId()))
                .session(fit(context.sessionId()))
                .resource(fit(action.resource()))
                .action(fit(action.redactedText()))
                .objects(objects);
        if (context.identity().onBehalfOf() != null) {
            d.onBehalfOf(fit(context.identity().onBehalfOf()));
        }
        if (context.traceId() != null) {
            d.trace(fit(context.traceId()));
        }
        return d;
    }

    private EventDraft intent(CallContext context, Action action, List<String> objects, Decision decision,
                              String ruleId, String approvalRef) {
        EventDraft d = event(Phase.INTENT, context, action, objects).decision(decision, ruleId);
        if (context.intent() != null) {
            d.intent(mask(context.intent()));
        }
        if (approvalRef != null) {
            d.approval(approvalRef);
        }
        return d;
    }

    /** Appends an event that must exist before the action runs; refuses the action otherwise. */
    private long appendBeforeAction(EventDraft draft) throws ActionRefusedException {
        try {
            return journal.append(draft);
        } catch (JournalException | RuntimeException e) {
            throw new ActionRefusedException(Refusal.JOURNAL_UNAVAILABLE, null, e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }

    private ActionRefusedException refuse(CallContext context, Action action, List<String> objects,
                                          EventDraft approvalOutcome, ActionRefusedException refused) {
        return refuse(context, action, objects, approvalOutcome, null, refused);
    }

    /**
     * Journals a refusal (the approval decision event, if any, then the INTENT event with
     * decision DENIED) and returns the exception to throw. A journal failure does not turn the
     * refusal into anything else; it is attached as suppressed and logged.
     */
    private ActionRefusedException refuse(CallContext context, Action action, List<String> objects,
                                          EventDraft approvalOutcome, String approvalRef,
                                          ActionRefusedException refused) {
        try {
            if (approvalOutcome != null) {
                journal.append(approvalOutcome);
            }
            journal.append(intent(context, action, objects, Decision.DENIED, refused.ruleId(), approvalRef)
                    .failed(fit(refused.getMessage())));
        } catch (JournalException | RuntimeException e) {
            LOG.warn("could not journal the refusal of an action by agent {} under rule {}: {}",
                    context.identity().agentId(), refused.ruleId(), e.getMessage());
            refused.addSuppressed(e);
        }
        return refused;
    }

    /** The tables an action reads or writes, sorted, for the events' objects. */
    private static List<String> objectsOf(Action action) {
        if (action.detail() instanceof SqlAction sql) {
            List<SqlStatement> statements = sql.statements();
            if (statements.size() == 1) {
                SqlStatement s = statements.get(0);
                if (s.tablesWritten().isEmpty() && s.tablesRead().size() <= 1) {
                    return List.copyOf(s.tablesRead());
                }
            }
            TreeSet<String> all = new TreeSet<>();
            for (SqlStatement s : statements) {
                all.addAll(s.tablesRead());
                all.addAll(s.tablesWritten());
            }
            return List.copyOf(all);
        }
        return List.of();
    }

    @Override
    public String toString() {
        return "Guard[policy=" + policy.name() + ", journal=" + journal.directory() + ", approvalTimeout="
                + approvalTimeout + "]";
    }

    /** Configures a {@link Guard}: a policy and a journal are required. */
    public static final class Builder {
        private Policy policy;
        private Journal journal;
        private Approver approver = InMemoryApprover.denyAll();
        private Duration approvalTimeout = Duration.ofMinutes(5);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The policy to decide with. */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The journal for intent, outcome, approval and identity events. */
        public Builder journal(Journal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /** Who decides approval requests; default {@link InMemoryApprover#denyAll()}. */
        public Builder approver(Approver approver) {
            this.approver = Objects.requireNonNull(approver, "approver");
            return this;
        }

        /** How long an action waits for an approver, more than 0 and at most a day; default 5 minutes. */
        public Builder approvalTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "approvalTimeout");
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("approvalTimeout is " + timeout + "; allowed is more than 0 and at "
                        + "most 1 day (PT24H): an agent's call should not wait longer for a person");
            }
            this.approvalTimeout = timeout;
            return this;
        }

        /** The clock for durations; default the system clock (UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The guard.
         *
         * @throws IllegalStateException when the policy or journal is missing
         */
        public Guard build() {
            if (policy == null) {
                throw new IllegalStateException("a guard needs a policy: call policy(Policy.load(path)) or "
                        + "policy(Policy.builder()…build())");
            }
            if (journal == null) {
                throw new IllegalStateException("a guard needs a journal: call journal(Journal.builder(dir).build()); "
                        + "actions are journaled before they run, so there is no guard without one");
            }
            return new Guard(this);
        }
    }
}
