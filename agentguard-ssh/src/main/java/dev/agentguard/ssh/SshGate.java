package dev.agentguard.ssh;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.guard.ActionRefusedException;
import dev.agentguard.core.guard.AgentSession;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.guard.Permit;
import dev.agentguard.core.guard.PreparedAction;
import dev.agentguard.core.guard.Refusal;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentityException;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.policy.Effect;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * The one place where SSH meets the guard: every command, shell line and SFTP operation of every
 * session is decided here and turned into a {@link Permit} (whose intent event is journaled), and
 * every refusal becomes the {@link IOException} the agent sees. It also writes the SSH channel's
 * own events: refused shell input, and the session's start and end. One per
 * {@link GuardedSshClient}; thread-safe.
 */
final class SshGate {

    /** SYSTEM event action: a session connected (or failed to). */
    static final String SESSION_OPEN = "ssh.session.open";
    /** SYSTEM event action: a session ended; carries the recording's hash. */
    static final String SESSION_CLOSE = "ssh.session.close";
    /** SYSTEM event action: an interactive shell was opened (its lines are decided one by one). */
    static final String SHELL_OPEN = "ssh.shell.open";
    /** SYSTEM event action: an interactive shell ended. */
    static final String SHELL_CLOSE = "ssh.shell.close";
    /** SYSTEM event action: an SFTP transfer's content hash, after its outcome event. */
    static final String SFTP_TRANSFER = "ssh.sftp.transfer";
    /** The rule id of shell input refused before the policy saw it. */
    static final String SHELL_INPUT_RULE = "ssh-shell-input";
    /** The rule id of a host key refused by the target's host keys. */
    static final String HOST_KEY_RULE = "ssh-host-key";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Guard guard;
    private final IdentitySource identities;
    private final Clock clock;
    private final Masker masker;
    private final PreparedCommands commands;

    SshGate(Guard guard, IdentitySource identities, Clock clock) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.identities = Objects.requireNonNull(identities, "identities");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.masker = guard.masker();
        this.commands = new PreparedCommands(guard);
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

    /**
     * A new session id, also the recording's file name: {@code ssh-} and 20 random lower-case
     * letters (94 bits). Letters only, so that no detector and no card-number safety net ever
     * mistakes part of it for a value to mask.
     */
    static String newSessionId() {
        char[] id = new char[20];
        for (int i = 0; i < id.length; i++) {
            id[i] = (char) ('a' + RANDOM.nextInt(26));
        }
        return "ssh-" + new String(id);
    }

    /**
     * Captures the verified identity of the agent opening a session to {@code target}. Without one
     * the attempt is journaled and refused before anything connects.
     */
    AgentSession openSession(String target, String sessionId) throws SshIdentityRefusedException {
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
            throw refuseWithoutIdentity(target, "session open", sessionId, e);
        } catch (RuntimeException e) {
            // A failing identity source is no identity; its message may hold a token.
            throw refuseWithoutIdentity(target, "session open", sessionId,
                    new IdentityException("the identity source failed with " + e.getClass().getName()));
        }
        return new AgentSession(identity, sessionId);
    }

    /**
     * The command line {@code line} on {@code target} as the guard prepared it: parsed, redacted
     * and kept for the next time the same line runs there ({@link PreparedCommands}).
     */
    PreparedAction command(SshTarget target, String line, boolean interactive) {
        return commands.of(target, line, interactive);
    }

    /**
     * Whether the policy allows {@code prepared} outright for the session's identity (no approval
     * needed, the identity not expired), so that its channel may be opened while {@link #begin}
     * journals the intent. Decides nothing that counts: {@code begin} decides, journals and may
     * still refuse (the verdict is kept for the identity, so it is not worked out twice).
     */
    boolean allowsOutright(AgentSession session, PreparedAction prepared) {
        AgentIdentity identity = session.identity();
        try {
            if (identity.expiresAt() != null && identity.isExpiredAt(clock.instant())) {
                return false;
            }
            return prepared.verdictFor(identity).effect() == Effect.ALLOW;
        } catch (RuntimeException e) {
            return false; // begin() decides, and fails closed
        }
    }

    /** The prepared command lines (for tests). */
    PreparedCommands commands() {
        return commands;
    }

    /**
     * Decides one action and journals its intent: the only way anything reaches a host. Refusals
     * (policy, approval, identity, journal) come back as IOExceptions, and nothing was sent.
     */
    Permit begin(AgentSession session, Action action) throws IOException {
        verifiedIdentity(session, action);
        try {
            return guard.check(session.context(), action);
        } catch (ActionRefusedException e) {
            throw refused(e, action.resource());
        } catch (RuntimeException e) {
            throw failedWhileDeciding(action, e);
        }
    }

    /**
     * {@link #begin(AgentSession, Action)} for a prepared command line: the same decision and
     * events, with the verdict kept for the session's identity and the intent event for its context.
     */
    Permit begin(AgentSession session, PreparedAction prepared) throws IOException {
        Action action = prepared.action();
        verifiedIdentity(session, action);
        try {
            return guard.check(session.context(), prepared);
        } catch (ActionRefusedException e) {
            throw refused(e, action.resource());
        } catch (RuntimeException e) {
            throw failedWhileDeciding(action, e);
        }
    }

    private static IOException failedWhileDeciding(Action action, RuntimeException e) {
        return new IOException("the guard of SSH target \"" + action.resource() + "\" failed while deciding ("
                + e.getClass().getName() + "), so nothing was sent (fail closed)");
    }

    /** Journals a successful outcome; a journal failure reaches the agent, saying the action ran. */
    void succeeded(Permit permit, Map<String, Long> counts) throws SshJournalUnavailableException {
        try {
            permit.succeeded(counts);
        } catch (JournalException | RuntimeException e) {
            throw outcomeNotJournaled(e);
        }
    }

    /** Journals a failed outcome (the error redacted by the caller, masked again by the guard). */
    void failed(Permit permit, String redactedError, Map<String, Long> counts) throws SshJournalUnavailableException {
        try {
            permit.failed(redactedError, counts);
        } catch (JournalException | RuntimeException e) {
            throw outcomeNotJournaled(e);
        }
    }

    /**
     * Journals shell input refused before the policy saw it (an INTENT event, decision DENIED, rule
     * {@value #SHELL_INPUT_RULE}); the journal shows only the masked line. Fails closed: when the
     * refusal cannot be journaled the agent still gets the refusal, with the journal failure attached.
     */
    ShellInputRefusedException refuseShellInput(AgentSession session, String resource, String maskedLine, String why) {
        ShellInputRefusedException refused = new ShellInputRefusedException("shell input refused: " + why);
        EventDraft draft = event(Phase.INTENT, session, resource, maskedLine)
                .decision(Decision.DENIED, SHELL_INPUT_RULE)
                .failed(fit(why));
        try {
            guard.journal().append(draft);
        } catch (JournalException | RuntimeException e) {
            refused.addSuppressed(new SshJournalUnavailableException("the refusal could not be journaled: "
                    + e.getMessage(), e));
        }
        return refused;
    }

    /** Appends an SSH SYSTEM event (session open or close, SFTP transfer); fails closed. */
    void appendSystem(EventDraft draft) throws SshJournalUnavailableException {
        try {
            guard.journal().append(draft);
        } catch (JournalException | RuntimeException e) {
            throw new SshJournalUnavailableException("the audit journal cannot be written: " + e.getMessage()
                    + "; make it writable again (disk space, an open journal) and retry", e);
        }
    }

    /** An SSH event of {@code phase} for {@code session}, with the resource and the (redacted) action. */
    EventDraft event(Phase phase, AgentSession session, String resource, String redactedAction) {
        EventDraft d = EventDraft.of(phase, Channel.SSH)
                .agent(fit(session.identity().agentId()))
                .session(session.sessionId())
                .resource(resource)
                .action(fit(redactedAction));
        if (session.identity().onBehalfOf() != null) {
            d.onBehalfOf(fit(session.identity().onBehalfOf()));
        }
        if (session.context().traceId() != null) {
            d.trace(fit(session.context().traceId()));
        }
        return d;
    }

    /** Text the journal may show: detector hits masked, cut to fit an event field. */
    String mask(String text) {
        return text == null ? null : fit(masker.maskText(text, null));
    }

    static String fit(String text) {
        int max = EventDraft.MAX_TEXT_LENGTH - 64;
        if (text == null || text.length() <= max) {
            return text;
        }
        int cut = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, cut) + "… (cut: " + text.length() + " characters in all)";
    }

    /**
     * The session's identity, re-checked for expiry on every action. An expired identity is
     * renewed from the identity source when it answers for the same agent (a refreshed token);
     * otherwise the action is refused and the attempt journaled.
     */
    private void verifiedIdentity(AgentSession session, Action action) throws IOException {
        AgentIdentity identity = session.identity();
        if (identity.expiresAt() == null || !identity.isExpiredAt(clock.instant())) {
            return;
        }
        try {
            AgentIdentity renewed;
            try {
                renewed = identities.currentIdentity();
            } catch (RuntimeException e) {
                throw new IdentityException("the identity source failed with " + e.getClass().getName());
            }
            if (renewed == null || renewed.isExpiredAt(clock.instant())) {
                throw new IdentityException("the identity of agent \"" + identity.agentId() + "\" expired at "
                        + identity.expiresAt() + " and the identity source has no valid one");
            }
            if (!renewed.agentId().equals(identity.agentId())) {
                throw new IdentityException("this session belongs to agent \"" + identity.agentId()
                        + "\" but the current identity is agent \"" + renewed.agentId()
                        + "\": open a new session for the other agent");
            }
            session.renew(renewed);
        } catch (IdentityException e) {
            throw refuseWithoutIdentity(action.resource(), action.redactedText(), session.sessionId(), e);
        }
    }

    private SshIdentityRefusedException refuseWithoutIdentity(String resource, String redactedText, String sessionId,
                                                              IdentityException cause) {
        String message = "no verified agent identity for SSH target \"" + resource + "\": "
                + masker.maskText(String.valueOf(cause.getMessage()), null);
        SshIdentityRefusedException refused = new SshIdentityRefusedException(message);
        try {
            guard.refuseWithoutIdentity(Channel.SSH, resource, redactedText, sessionId, cause);
        } catch (ActionRefusedException e) {
            if (e.refusal() == Refusal.JOURNAL_UNAVAILABLE) {
                refused.addSuppressed(journalUnavailable(e, resource));
            }
            for (Throwable s : e.getSuppressed()) {
                refused.addSuppressed(s);
            }
        } catch (RuntimeException e) {
            // refused either way
        }
        return refused;
    }

    /** The exception an agent sees for a refusal of the guard. */
    IOException refused(ActionRefusedException e, String resource) {
        switch (e.refusal()) {
            case DENIED_BY_POLICY:
            case APPROVAL_DENIED:
            case APPROVAL_TIMED_OUT:
                return new CommandDeniedException(masker.maskText(String.valueOf(e.getMessage()), null),
                        e.refusal(), e.ruleId(), e.reason());
            case NO_IDENTITY:
                return new SshIdentityRefusedException("no verified agent identity for SSH target \"" + resource
                        + "\": " + masker.maskText(String.valueOf(e.reason()), null));
            case JOURNAL_UNAVAILABLE:
            default:
                return journalUnavailable(e, resource);
        }
    }

    private static SshJournalUnavailableException journalUnavailable(ActionRefusedException e, String resource) {
        return new SshJournalUnavailableException("the audit journal for SSH target \"" + resource
                + "\" cannot be written, so nothing was sent (fail closed): " + e.reason()
                + "; make the journal writable again (disk space, an open journal) and retry", e);
    }

    private static SshJournalUnavailableException outcomeNotJournaled(Exception e) {
        return new SshJournalUnavailableException("the action ran, but its outcome could not be written to the "
                + "audit journal: " + e.getMessage() + "; further actions are refused until the journal is writable", e);
    }
}
