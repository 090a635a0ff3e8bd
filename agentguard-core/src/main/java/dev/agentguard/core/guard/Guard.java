package dev.agentguard.core.guard;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
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
import dev.agentguard.core.approval.ApprovalEvidence;
import dev.agentguard.core.approval.ApprovalRequest;
import dev.agentguard.core.approval.ApprovalServiceException;
import dev.agentguard.core.approval.Approver;
import dev.agentguard.core.approval.InMemoryApprover;
import dev.agentguard.core.approval.RejectedDecisionException;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentityException;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.policy.ApprovalTerms;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.core.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
 *   <li>approval: APPROVAL (APPROVAL_REQUIRED, rule, request id), one APPROVAL (APPROVED or
 *       DENIED, request id, approver, signed decision) per decision, then INTENT (APPROVED, or
 *       DENIED as above); an approver that times out or fails is a refusal;</li>
 *   <li>a grant reused within its window: APPROVAL (APPROVED, the grant's request id,
 *       {@code approval.grant=reused}), INTENT (APPROVED); an expired one: APPROVAL
 *       ({@code approval.grant=expired}) before the new request;</li>
 *   <li>break-glass: APPROVAL (ALLOWED, {@code break-glass=true} and the justification), INTENT
 *       (ALLOWED, {@code break-glass=true});</li>
 *   <li>no identity: IDENTITY (DENIED), then {@link ActionRefusedException} (PCI DSS 10.2.1.4).</li>
 * </ul>
 * Fails closed: when an event before the action cannot be written, the action is refused with
 * {@link Refusal#JOURNAL_UNAVAILABLE}.
 *
 * <h2>What it enforces on every decision</h2>
 * Whatever the approver, the rule's {@link ApprovalTerms} hold: nobody approves their own action
 * (neither the agent nor the person it acts for), only members of the rule's approver groups
 * count, the approvals come from as many different people as the rule needs, any refusal refuses
 * the action, and a grant past its expiry grants nothing.
 */
public final class Guard {

    /** Extension of events of a break-glass call. */
    static final String BREAK_GLASS = "break-glass";
    /** Extension of intent events whose traceparent was ignored: why. */
    static final String TRACE_IGNORED = "trace.ignored";

    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);
    private static final int GRANT_SWEEP_SIZE = 1024;

    private final Policy policy;
    private final Journal journal;
    private final Approver approver;
    private final Duration approvalTimeout;
    private final Clock clock;
    private final Masker masker;
    /** Whether the clock is the system's: durations then come from {@link System#nanoTime()}. */
    private final boolean systemClock;
    /** Window grants by rule, channel, resource, agent and the person it acts for. */
    private final ConcurrentHashMap<GrantKey, Grant> grants = new ConcurrentHashMap<>();
    /** The last session trace value found valid; a session sets it once and sends it with every statement. */
    private volatile String lastValidTrace;

    /** What a window grant covers: the rule, and the agent (for the same person) on the same resource. */
    private record GrantKey(String ruleId, Channel channel, String resource, String agentId, String onBehalfOf) {
    }

    /** A window grant: who approved, under which request, until when. */
    private record Grant(String requestId, List<String> approvers, Instant expiresAt) {
    }

    /** One call as the guard sees it: the context with per-call overrides, and what to note about it. */
    private record Call(CallContext context, String traceNote, String breakGlass) {
    }

    /** What the approver answered for one approval, or why there is no answer. */
    private record Answer(ApprovalDecision decision, Refusal refusal, String why, Throwable cause) {
    }

    private Guard(Builder b) {
        this.policy = b.policy;
        this.journal = b.journal;
        this.approver = b.approver;
        this.approvalTimeout = b.approvalTimeout;
        this.clock = b.clock;
        this.masker = policy.masking().masker();
        this.systemClock = clock.equals(Clock.systemUTC());
    }

    /**
     * The guard of a channel's builder (the guarded data source, HTTP client, SSH client): either
     * {@code guard}, given whole, or one built from {@code policy} and {@code journal} (with the
     * {@code approver} and {@code approvalTimeout} when set) on {@code clock}. Settings of both
     * kinds at once, or a policy without a journal, are refused with a message that says so.
     *
     * @throws IllegalStateException naming what is missing or contradictory
     */
    public static Guard ofChannelSettings(Guard guard, Policy policy, Journal journal, Approver approver,
                                          Duration approvalTimeout, Clock clock) {
        if (guard != null) {
            if (policy != null || journal != null || approver != null || approvalTimeout != null) {
                throw new IllegalStateException("guard is set together with policy, journal, approver or "
                        + "approvalTimeout: configure those on the Guard, or drop guard(...) and set them here");
            }
            return guard;
        }
        if (policy == null || journal == null) {
            throw new IllegalStateException((policy == null ? "policy" : "journal") + " is not set: pass "
                    + "a policy and a journal, or a Guard built from them");
        }
        Builder builder = builder().policy(policy).journal(journal).clock(clock);
        if (approver != null) {
            builder.approver(approver);
        }
        if (approvalTimeout != null) {
            builder.approvalTimeout(approvalTimeout);
        }
        return builder.build();
    }

    /** Starts configuring a guard. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decides {@code action} for the agent in {@code context}, asks for approval where needed, and
     * journals the intent event. An open {@link CallScope} on this thread overrides the context's
     * intent and trace, and may break the glass.
     *
     * @return the permit to run the action; report its outcome on the permit
     * @throws ActionRefusedException when the action must not run: denied, not approved, or not
     *                                journaled; the refusal is journaled where the journal allows
     */
    public Permit check(CallContext context, Action action) throws ActionRefusedException {
        Objects.requireNonNull(context, "context");
        PreparedAction prepared = prepare(action);
        long started = startTime();
        return decided(context, prepared, policy.decide(context.identity(), action), CallScope.current(), started);
    }

    /**
     * Prepares an action the channel will run more than once (a prepared statement): its objects
     * now, the policy's verdict on the first run for each identity, and the intent event of an
     * allowed run once per session. Decides and journals nothing.
     *
     * @throws IllegalArgumentException when the action's channel carries no agent actions
     */
    public PreparedAction prepare(Action action) {
        Objects.requireNonNull(action, "action");
        if (action.channel() == Channel.UNKNOWN || action.channel() == Channel.JOURNAL
                || action.channel() == Channel.TOOL) {
            throw new IllegalArgumentException("channel " + action.channel() + " carries no agent actions; a guarded "
                    + "action travels on JDBC, HTTP or SSH");
        }
        return new PreparedAction(this, action, objectsOf(action));
    }

    /**
     * {@link #check(CallContext, Action)} for a prepared action: the same decision, approval and
     * journal events, with what the preparation keeps reused. An allowed run outside any
     * {@link CallScope} costs one journal append.
     *
     * @throws IllegalArgumentException when another guard prepared the action
     */
    public Permit check(CallContext context, PreparedAction action) throws ActionRefusedException {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(action, "action");
        if (action.guard() != this) {
            throw new IllegalArgumentException("the action was prepared by another guard; prepare it with this one");
        }
        long started = startTime();
        Verdict verdict = action.verdictFor(context.identity());
        CallScope scope = CallScope.current();
        String trace = context.traceId();
        // As resolve() would find: nothing to override or note. Identity, not equality: the same
        // String a session hands in with every statement was checked once.
        if (scope == null && verdict.effect() == Effect.ALLOW
                && (trace == null || trace == lastValidTrace || !TraceParent.looksLikeTraceParent(trace))) {
            EventDraft intent = action.intentFor(context, verdict);
            if (intent == null) {
                intent = intent(new Call(context, null, null), action.action(), action.objects(), Decision.ALLOWED,
                        verdict.ruleId(), null);
                action.keepIntent(context, verdict, intent);
            }
            long seq = appendBeforeAction(intent);
            return new Permit(this, context, action, verdict, Decision.ALLOWED, null, seq, started, Map.of());
        }
        return decided(context, action, verdict, scope, started);
    }

    /** The pipeline after the policy's verdict: allow, refuse, or ask for approval. */
    private Permit decided(CallContext context, PreparedAction prepared, Verdict verdict, CallScope scope, long started)
            throws ActionRefusedException {
        Action action = prepared.action();
        List<String> objects = prepared.objects();
        Call call = resolve(context, scope);
        return switch (verdict.effect()) {
            case ALLOW -> {
                long seq = appendBeforeAction(intent(call, action, objects, Decision.ALLOWED, verdict.ruleId(), null));
                yield new Permit(this, call.context(), prepared, verdict, Decision.ALLOWED, null, seq, started, Map.of());
            }
            case DENY -> throw refuse(call, action, objects, null, null,
                    new ActionRefusedException(Refusal.DENIED_BY_POLICY, verdict.ruleId(), verdict.reason()));
            case REQUIRE_APPROVAL -> approve(call, prepared, verdict, started);
        };
    }

    /**
     * The context this call runs under: the scope's intent and traceparent over the session's,
     * each trace value validated when it is (or looks like) a traceparent; an invalid one is
     * dropped with a note, never failing the call.
     */
    private Call resolve(CallContext context, CallScope scope) {
        String trace = context.traceId();
        String note = null;
        // Identity, not equality: the same String a session hands in with every statement was checked once.
        if (trace != null && trace != lastValidTrace && TraceParent.looksLikeTraceParent(trace)) {
            try {
                String valid = TraceParent.parse(trace).toString();
                if (valid.equals(trace)) {
                    lastValidTrace = trace;
                }
                trace = valid;
            } catch (IllegalArgumentException e) {
                note = "the session's " + e.getMessage() + "; it was ignored";
                trace = null;
            }
        }
        if (scope == null) {
            return note == null && trace == context.traceId() ? new Call(context, null, null)
                    : new Call(new CallContext(context.identity(), context.sessionId(), trace, context.intent()), note,
                    null);
        }
        if (scope.traceparent() != null) {
            try {
                trace = TraceParent.parse(scope.traceparent()).toString();
            } catch (IllegalArgumentException e) {
                note = "the call's " + e.getMessage() + "; it was ignored" + (trace == null ? ""
                        : " and the session's trace id kept");
            }
        }
        String intent = scope.intent() != null ? scope.intent() : context.intent();
        return new Call(new CallContext(context.identity(), context.sessionId(), trace, intent), note,
                scope.breakGlassJustification());
    }

    private Permit approve(Call call, PreparedAction prepared, Verdict verdict, long started)
            throws ActionRefusedException {
        Action action = prepared.action();
        List<String> objects = prepared.objects();
        CallContext context = call.context();
        String ruleId = verdict.ruleId();
        Rule rule = policy.rule(ruleId).orElse(null);
        ApprovalTerms terms = rule == null ? ApprovalTerms.DEFAULT : rule.approval();
        String actionHash = ApprovalRequest.hashOf(action);

        if (call.breakGlass() != null && terms.breakGlass()) {
            return breakGlass(call, prepared, verdict, actionHash, started);
        }
        if (rule != null && rule.requireIntent() && context.intent() == null) {
            throw refuse(call, action, objects, null, null, new ActionRefusedException(Refusal.APPROVAL_DENIED, ruleId,
                    "the rule requires the agent to state its intent, and none was given; nobody was asked"));
        }
        GrantKey key = terms.grantOnce() ? null : new GrantKey(ruleId, action.channel(), action.resource(),
                context.identity().agentId(), context.identity().onBehalfOf());
        if (key != null) {
            Grant grant = grants.get(key);
            if (grant != null) {
                if (clock.instant().isBefore(grant.expiresAt())) {
                    return reuse(call, prepared, verdict, actionHash, grant, started);
                }
                grants.remove(key, grant);
                appendBeforeAction(event(Phase.APPROVAL, context, action, objects)
                        .approval(grant.requestId())
                        .extension(ApprovalEvidence.GRANT, "expired")
                        .extension("approval.grant-expires", grant.expiresAt().toString())
                        .extension(ApprovalEvidence.ACTION_HASH, actionHash));
            }
        }

        String requestId = "apr-" + UUID.randomUUID();
        EventDraft required = event(Phase.APPROVAL, context, action, objects)
                .decision(Decision.APPROVAL_REQUIRED, ruleId)
                .approval(requestId)
                .extension(ApprovalEvidence.ACTION_HASH, actionHash)
                .extension("approval-timeout", approvalTimeout.toString())
                .extension(ApprovalEvidence.GRANT, terms.grantOnce() ? "once" : "window " + terms.grantWindow());
        if (terms.approvals() > 1) {
            required.extension("approval.needed", Integer.toString(terms.approvals()));
        }
        if (!terms.approverGroups().isEmpty()) {
            required.extension("approval.groups", String.join(",", terms.approverGroups()));
        }
        if (call.breakGlass() != null) {
            required.extension("break-glass.refused", "rule \"" + ruleId + "\" does not allow break-glass; "
                    + "approval was asked as usual");
        }
        if (call.traceNote() != null) {
            required.extension(TRACE_IGNORED, fit(call.traceNote()));
        }
        appendBeforeAction(required);

        if (terms.autoApprove()) {
            appendBeforeAction(event(Phase.APPROVAL, context, action, objects)
                    .decision(Decision.APPROVED, ruleId)
                    .approval(requestId)
                    .extension(ApprovalEvidence.APPROVER, ApprovalTerms.AUTO_APPROVER)
                    .extension(ApprovalEvidence.ACTION_HASH, actionHash)
                    .extension("approval-reason", "the rule approves automatically (autoApprove: true)"));
            long seq = appendBeforeAction(intent(call, action, objects, Decision.APPROVED, ruleId, requestId));
            return new Permit(this, context, prepared, verdict, Decision.APPROVED, requestId, seq, started, Map.of());
        }

        long deadline = System.nanoTime() + approvalTimeout.toNanos();
        ApprovalRequest request = new ApprovalRequest(requestId, context.identity(), action, ruleId,
                mask(context.intent()), actionHash, terms.approvals(), List.of(), terms.approverGroups(),
                terms.grantWindow(), clock.instant().plus(approvalTimeout));
        List<String> approvers = new ArrayList<>(terms.approvals());
        Instant grantEnds = null;
        try {
            while (approvers.size() < terms.approvals()) {
                ApprovalRequest round = approvers.isEmpty() ? request : request.afterApprovalsBy(approvers);
                Answer answer = await(round, deadline, approvers, terms.approvals());
                EventDraft outcome = event(Phase.APPROVAL, context, action, objects).approval(requestId)
                        .extension(ApprovalEvidence.ACTION_HASH, actionHash);
                if (answer.refusal() != null) {
                    outcome.decision(Decision.DENIED, ruleId).failed(fit(answer.why()));
                    if (answer.cause() instanceof RejectedDecisionException r && r.tokenSha256() != null) {
                        outcome.extension("approval.rejected-jws-sha256", r.tokenSha256());
                    }
                    throw refuse(call, action, objects, outcome, requestId,
                            new ActionRefusedException(answer.refusal(), ruleId, answer.why(), answer.cause()));
                }
                ApprovalDecision decision = answer.decision();
                describe(outcome, decision);
                if (!decision.approved()) {
                    outcome.decision(Decision.DENIED, ruleId);
                    evidence(outcome, decision, true);
                    String reason = fit(decision.approver()) + " refused it"
                            + (decision.reason() == null ? "" : ": " + mask(decision.reason()));
                    throw refuse(call, action, objects, outcome, requestId,
                            new ActionRefusedException(Refusal.APPROVAL_DENIED, ruleId, reason));
                }
                String broken = unboundEvidence(decision, request);
                if (broken == null) {
                    broken = brokenTerm(decision, context, terms, approvers);
                }
                if (broken != null) {
                    outcome.decision(Decision.DENIED, ruleId).failed(fit(broken));
                    evidence(outcome, decision, false);
                    throw refuse(call, action, objects, outcome, requestId,
                            new ActionRefusedException(Refusal.APPROVAL_DENIED, ruleId, broken));
                }
                approvers.add(decision.approver());
                if (decision.grantExpiresAt() != null && (grantEnds == null || decision.grantExpiresAt().isBefore(grantEnds))) {
                    grantEnds = decision.grantExpiresAt();
                }
                outcome.decision(Decision.APPROVED, ruleId);
                evidence(outcome, decision, true);
                if (terms.approvals() > 1) {
                    outcome.extension("approval.count", approvers.size() + " of " + terms.approvals());
                }
                Grant grant = null;
                if (approvers.size() == terms.approvals() && key != null) {
                    Instant expires = clock.instant().plus(terms.grantWindow());
                    if (grantEnds != null && grantEnds.isBefore(expires)) {
                        expires = grantEnds;
                    }
                    outcome.extension("approval.grant-expires", expires.toString());
                    grant = new Grant(requestId, List.copyOf(approvers), expires);
                }
                appendBeforeAction(outcome);
                if (grant != null) {
                    // Only a grant whose approval is journaled may be reused.
                    remember(key, grant);
                }
            }
        } finally {
            try {
                approver.requestClosed(request);
            } catch (RuntimeException e) {
                LOG.warn("approver {} failed to close approval request {}: {}", approver.getClass().getSimpleName(),
                        requestId, e.getClass().getSimpleName());
            }
        }
        if (context.identity().isExpiredAt(clock.instant())) {
            // An approval can take hours; the agent's identity must still hold when the action runs.
            throw refuse(call, action, objects, null, requestId, new ActionRefusedException(Refusal.NO_IDENTITY, null,
                    "the identity of agent " + context.identity().agentId() + " expired at "
                            + context.identity().expiresAt() + " while the action waited for approval"));
        }
        long seq = appendBeforeAction(intent(call, action, objects, Decision.APPROVED, ruleId, requestId));
        return new Permit(this, context, prepared, verdict, Decision.APPROVED, requestId, seq, started, Map.of());
    }

    /** Asks the approver for one decision and waits, holding no lock, until the deadline. */
    private Answer await(ApprovalRequest round, long deadline, List<String> approvers, int needed) {
        CompletableFuture<ApprovalDecision> answer = null;
        try {
            answer = futureOf(approver.request(round));
            // No lock is held here: other actions keep flowing while this one waits.
            ApprovalDecision decision = answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (decision == null) {
                return new Answer(null, Refusal.APPROVAL_DENIED, "the approver answered nothing", null);
            }
            return new Answer(decision, null, null, null);
        } catch (TimeoutException e) {
            answer.cancel(true);
            return new Answer(null, Refusal.APPROVAL_TIMED_OUT, "no decision within "
                    + approvalTimeout.toString().substring(2).toLowerCase(Locale.ROOT)
                    + (approvers.isEmpty() ? "" : " (" + approvers.size() + " of " + needed + " approvals given)"), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(true);
            return new Answer(null, Refusal.APPROVAL_DENIED,
                    "the agent's thread was interrupted while waiting for a decision", e);
        } catch (ExecutionException e) {
            return failed(e.getCause());
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    private static Answer failed(Throwable cause) {
        String why;
        if (cause instanceof RejectedDecisionException r) {
            why = "the signed decision was rejected: " + r.getMessage();
        } else if (cause instanceof ApprovalServiceException a) {
            why = "the approver failed: " + a.getMessage();
        } else {
            why = "the approver failed (" + (cause instanceof CancellationException ? "cancelled"
                    : cause.getClass().getSimpleName()) + ")";
        }
        return new Answer(null, Refusal.APPROVAL_DENIED, why, cause);
    }

    /**
     * Why an approval's signed evidence does not back it, or {@code null}: the token must be bound
     * to this request and this action and say what the decision says. The approver verified the
     * signature; this holds even when it checked nothing else, so that a lax or compromised
     * approver cannot replay a grant made for another request or action.
     */
    private static String unboundEvidence(ApprovalDecision d, ApprovalRequest request) {
        if (d.evidence() == null) {
            return null;
        }
        JWTClaimsSet claims;
        try {
            claims = SignedJWT.parse(d.evidence().strip()).getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            return "the approval's evidence is not a signed decision (compact JWS); the approval does not count";
        }
        Object requestId = claims.getClaim("request_id");
        Object scope = claims.getClaim("grant_scope");
        Object decision = claims.getClaim("decision");
        if (!request.requestId().equals(requestId)) {
            return "the signed decision is for another request, not " + request.requestId()
                    + "; the approval does not count";
        }
        if (!request.actionHash().equals(scope)) {
            return "the signed decision's grant scope is another action, not this one (hash "
                    + request.actionHash().substring(0, 12) + "…); the approval does not count";
        }
        if (!"approved".equals(decision) || !d.approver().equals(claims.getSubject())) {
            return "the signed decision does not say what the approver reported (decision or approver differ); "
                    + "the approval does not count";
        }
        return null;
    }

    /**
     * Which of the rule's terms an approval breaks, or {@code null}: no self-approval, the
     * approver groups, different approvers, an unexpired grant.
     */
    private String brokenTerm(ApprovalDecision d, CallContext context, ApprovalTerms terms, List<String> approvers) {
        String approver = d.approver().strip();
        String who = comparable(approver);
        if (who.equals(comparable(context.identity().agentId()))) {
            return "agent \"" + fit(approver) + "\" approved its own action; approval needs someone else";
        }
        String user = context.identity().onBehalfOf();
        if (user != null && who.equals(comparable(user))) {
            return "\"" + fit(approver) + "\" approved an action the agent takes on their behalf; approval needs "
                    + "someone else";
        }
        for (String actor : context.identity().earlierActors()) {
            if (who.equals(comparable(actor))) {
                return "\"" + fit(approver) + "\" delegated this work to the agent (an earlier actor of its token); "
                        + "approval needs someone else";
            }
        }
        if (!terms.approverGroups().isEmpty() && d.groups().stream().noneMatch(terms.approverGroups()::contains)) {
            return "\"" + fit(approver) + "\" is in none of the rule's approver groups ("
                    + String.join(", ", terms.approverGroups()) + "); the approval does not count";
        }
        for (String earlier : approvers) {
            if (comparable(earlier).equals(who)) {
                return "\"" + fit(approver) + "\" approved twice; the rule needs " + terms.approvals()
                        + " different approvers";
            }
        }
        if (d.grantExpiresAt() != null && !clock.instant().isBefore(d.grantExpiresAt())) {
            return "the grant by \"" + fit(approver) + "\" expired at " + d.grantExpiresAt();
        }
        return null;
    }

    static String comparable(String name) {
        return AgentIdentity.comparableName(name);
    }

    /** The approver, their groups, reason and reference on a decision event. */
    private void describe(EventDraft outcome, ApprovalDecision d) {
        outcome.extension(ApprovalEvidence.APPROVER, fit(d.approver()));
        if (!d.groups().isEmpty()) {
            outcome.extension("approval.approver-groups", fit(String.join(",", d.groups())));
        }
        if (d.reason() != null) {
            outcome.extension("approval-reason", mask(d.reason()));
        }
        if (d.reference() != null) {
            outcome.extension("approver-reference", mask(d.reference()));
        }
    }

    /**
     * The signed decision on its event: as {@code approval.jws} when the event records what the
     * token says, else as {@code approval.refused-jws} (a valid approval the guard did not count).
     */
    private static void evidence(EventDraft outcome, ApprovalDecision d, boolean recordsIt) {
        if (d.evidence() != null && d.evidence().length() <= EventDraft.MAX_TEXT_LENGTH) {
            outcome.extension(recordsIt ? ApprovalEvidence.JWS : "approval.refused-jws", d.evidence());
        }
    }

    /** Runs the action under a window grant given earlier for the same rule, agent and resource. */
    private Permit reuse(Call call, PreparedAction prepared, Verdict verdict, String actionHash, Grant grant,
                         long started) throws ActionRefusedException {
        Action action = prepared.action();
        List<String> objects = prepared.objects();
        CallContext context = call.context();
        appendBeforeAction(event(Phase.APPROVAL, context, action, objects)
                .decision(Decision.APPROVED, verdict.ruleId())
                .approval(grant.requestId())
                .extension(ApprovalEvidence.GRANT, "reused")
                .extension("approval.grant-expires", grant.expiresAt().toString())
                .extension(ApprovalEvidence.APPROVER, fit(String.join(",", grant.approvers())))
                .extension(ApprovalEvidence.ACTION_HASH, actionHash));
        long seq = appendBeforeAction(intent(call, action, objects, Decision.APPROVED, verdict.ruleId(),
                grant.requestId()));
        return new Permit(this, context, prepared, verdict, Decision.APPROVED, grant.requestId(), seq, started,
                Map.of());
    }

    /** Lets the action run without approval on the agent's justification, loudly. */
    private Permit breakGlass(Call call, PreparedAction prepared, Verdict verdict, String actionHash, long started)
            throws ActionRefusedException {
        Action action = prepared.action();
        List<String> objects = prepared.objects();
        CallContext context = call.context();
        String justification = mask(call.breakGlass());
        String reference = "brk-" + UUID.randomUUID();
        appendBeforeAction(event(Phase.APPROVAL, context, action, objects)
                .decision(Decision.ALLOWED, verdict.ruleId())
                .approval(reference)
                .extension(BREAK_GLASS, "true")
                .extension("break-glass.justification", justification)
                .extension(ApprovalEvidence.ACTION_HASH, actionHash));
        LOG.warn("BREAK-GLASS: agent {} ran an action on {} under rule {} without approval ({}): {}",
                context.identity().agentId(), action.resource(), verdict.ruleId(), reference, justification);
        CallContext stated = context.intent() != null ? context : context.withIntent(call.breakGlass());
        EventDraft intent = intent(new Call(stated, call.traceNote(), call.breakGlass()), action, objects,
                Decision.ALLOWED, verdict.ruleId(), reference).extension(BREAK_GLASS, "true");
        long seq = appendBeforeAction(intent);
        return new Permit(this, stated, prepared, verdict, Decision.ALLOWED, reference, seq, started,
                Map.of(BREAK_GLASS, "true"));
    }

    private void remember(GrantKey key, Grant grant) {
        if (grants.size() >= GRANT_SWEEP_SIZE) {
            Instant now = clock.instant();
            grants.values().removeIf(g -> !now.isBefore(g.expiresAt()));
        }
        grants.put(key, grant);
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

    /** A start time for {@link #nanosSince}: the monotonic clock when the guard's clock is the system's. */
    long startTime() {
        if (systemClock) {
            return System.nanoTime();
        }
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Nanoseconds since {@code started} (from {@link #startTime()}), never negative. */
    long nanosSince(long started) {
        return Math.max(0, startTime() - started);
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
        return shared(EventDraft.of(phase, action.channel()), context, action, objects);
    }

    /** Sets on {@code d} everything the action's events share. */
    static EventDraft shared(EventDraft d, CallContext context, Action action, List<String> objects) {
        d.agent(fit(context.identity().agentId()))
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

    private EventDraft intent(Call call, Action action, List<String> objects, Decision decision,
                              String ruleId, String approvalRef) {
        CallContext context = call.context();
        EventDraft d = event(Phase.INTENT, context, action, objects).decision(decision, ruleId);
        if (context.intent() != null) {
            d.intent(mask(context.intent()));
        }
        if (approvalRef != null) {
            d.approval(approvalRef);
        }
        if (call.traceNote() != null) {
            d.extension(TRACE_IGNORED, fit(call.traceNote()));
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

    /**
     * Journals a refusal (the approval decision event, if any, then the INTENT event with
     * decision DENIED) and returns the exception to throw. A journal failure does not turn the
     * refusal into anything else; it is attached as suppressed and logged.
     */
    private ActionRefusedException refuse(Call call, Action action, List<String> objects,
                                          EventDraft approvalOutcome, String approvalRef,
                                          ActionRefusedException refused) {
        try {
            if (approvalOutcome != null) {
                journal.append(approvalOutcome);
            }
            journal.append(intent(call, action, objects, Decision.DENIED, refused.ruleId(), approvalRef)
                    .failed(fit(refused.getMessage())));
        } catch (JournalException | RuntimeException e) {
            LOG.warn("could not journal the refusal of an action by agent {} under rule {}: {}",
                    call.context().identity().agentId(), refused.ruleId(), e.getMessage());
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
