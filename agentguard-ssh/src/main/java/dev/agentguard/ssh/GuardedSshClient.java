package dev.agentguard.ssh;

import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.approval.Approver;
import dev.agentguard.core.guard.AgentSession;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.identity.AgentContext;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.ssh.recording.SessionRecorder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SSH client an agent gets instead of a raw one: it reaches only the named {@link SshTarget}s,
 * with credentials and host keys the agent never sees, and every command, shell line and SFTP
 * operation is bound to the agent's verified identity, decided by the policy, journaled before it
 * runs and after it ends, answered with sensitive values masked, and recorded.
 *
 * <pre>{@code
 * GuardedSshClient ssh = GuardedSshClient.builder()
 *         .target(SshTarget.builder("app1")
 *                 .host("app1.internal").user("deploy")
 *                 .credential(SshCredential.privateKeyFile(Path.of("/etc/agentguard/keys/deploy_ed25519")))
 *                 .hostKeys(HostKeys.knownHosts(Path.of("/etc/agentguard/known_hosts")))
 *                 .recordings(Path.of("/var/lib/agentguard/recordings"))
 *                 .build())
 *         .identity(IdentitySource.fixed(AgentIdentity.of("ops-agent", "ops")))
 *         .policy(Policy.load(Path.of("policy.yaml")))
 *         .journal(journal)
 *         .build();
 * try (GuardedSshSession app1 = ssh.session("app1")) {   // the agent names the target, nothing else
 *     String disks = app1.exec("df -h").stdout();
 * }
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>No identity, no session: {@link #session(String)} refuses with
 *       {@link SshIdentityRefusedException} before anything connects, and journals the attempt.</li>
 *   <li>Host keys are always checked against the target's {@link HostKeys}; an unknown or changed
 *       key ends the connection before any credential is sent ({@link HostKeyRejectedException}).</li>
 *   <li>Only the target's credential is offered: no keys from {@code ~/.ssh}, no SSH agent, no
 *       {@code ~/.ssh/config}.</li>
 *   <li>No port forwarding, agent forwarding or X11: never requested, and channels a host opens
 *       towards the client are refused.</li>
 *   <li>Fail closed: an action the policy denies, that needs an approval that does not come, whose
 *       identity expired, or whose intent cannot be journaled, does not reach the host.</li>
 * </ul>
 *
 * <p>Thread-safe; one client serves many sessions and agents. {@link #close()} closes the open
 * sessions and stops the SSH client; the journal belongs to whoever opened it.
 */
public final class GuardedSshClient implements AutoCloseable {

    private final SshClient client;
    private final Map<String, SshTarget> targets;
    private final SshGate gate;
    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final int maxOutputChars;
    private final int terminalColumns;
    private final int terminalRows;
    private final Set<GuardedSshSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private GuardedSshClient(Builder b, Guard guard, Clock clock) {
        this.targets = Collections.unmodifiableMap(new LinkedHashMap<>(b.targets));
        this.gate = new SshGate(guard, AgentContext.currentOr(b.identity), clock);
        this.connectTimeout = b.connectTimeout;
        this.commandTimeout = b.commandTimeout;
        this.maxOutputChars = b.maxOutputChars;
        this.terminalColumns = b.terminalColumns;
        this.terminalRows = b.terminalRows;
        this.client = newClient(connectTimeout);
    }

    /** A MINA client that trusts nothing by default and offers nothing it was not given. */
    private static SshClient newClient(Duration connectTimeout) {
        SshClient c = SshClient.setUpDefaultClient();
        c.setServerKeyVerifier(TargetKeyVerifier.INSTANCE);
        c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        c.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
        c.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE));
        c.setUserInteraction(null);
        c.setAgentFactory(null);
        // No channel factories: forwarded-tcpip, x11 and auth-agent channels a host opens are refused.
        c.setChannelFactories(List.of());
        c.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        c.setGlobalRequestHandlers(List.of());
        // Commands are small request/response exchanges: without TCP_NODELAY, Nagle's algorithm and
        // delayed acknowledgements add tens of milliseconds to each (OpenSSH sets it too).
        CoreModuleProperties.TCP_NODELAY.set(c, true);
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(c, connectTimeout);
        CoreModuleProperties.AUTH_TIMEOUT.set(c, connectTimeout);
        c.start();
        return c;
    }

    /** Starts a guarded SSH client. */
    public static Builder builder() {
        return new Builder();
    }

    /** The names of the targets agents may open sessions to. */
    public Set<String> targets() {
        return targets.keySet();
    }

    /**
     * Opens a session to the target called {@code target}, for the verified identity of the
     * calling agent, and starts its recording.
     *
     * @throws IllegalArgumentException    when there is no such target
     * @throws SshIdentityRefusedException when no verified identity is available (journaled; nothing connected)
     * @throws HostKeyRejectedException    when the host's key is not one the target lists (journaled)
     * @throws IOException                 when the host cannot be reached or refuses the login (journaled)
     */
    public GuardedSshSession session(String target) throws IOException {
        Objects.requireNonNull(target, "target");
        ensureOpen();
        SshTarget t = targets.get(target);
        if (t == null) {
            throw new IllegalArgumentException("no SSH target named \"" + SshTarget.printable(target) + "\"; the "
                    + "targets are " + targets.keySet());
        }
        String sessionId = SshGate.newSessionId();
        AgentSession agent = gate.openSession(t.name(), sessionId);
        Instant started = gate.clock().instant();
        ClientSession ssh;
        TargetKeyVerifier.Verdict verdict = new TargetKeyVerifier.Verdict();
        try {
            ssh = connect(t, verdict);
        } catch (HostKeyRejectedException e) {
            journalOpenFailure(agent, t, Decision.DENIED, SshGate.HOST_KEY_RULE, e.getMessage(), e.fingerprint());
            throw e;
        } catch (IOException | RuntimeException e) {
            String why = "connecting as " + t.user() + " failed: " + GuardedSshSession.describe(e);
            journalOpenFailure(agent, t, null, null, why, null);
            throw new IOException("SSH target \"" + t.name() + "\": " + gate.mask(why), e);
        }
        Path file = t.recordings().resolve(sessionId + ".cast");
        SessionRecorder recorder;
        try {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("TERM", "xterm");
            recorder = SessionRecorder.create(file, terminalColumns, terminalRows, started,
                    gate.mask(agent.identity().agentId() + " on " + t.name() + " (" + t.user() + "@" + t.host() + ")"),
                    env);
        } catch (IOException | RuntimeException e) {
            ssh.close(true);
            String why = "the recording " + file + " cannot be created (" + e.getClass().getSimpleName() + ")";
            journalOpenFailure(agent, t, null, null, why, null);
            throw new RecordingFailedException("SSH target \"" + t.name() + "\": " + why
                    + "; every session is recorded, so none was opened", e);
        }
        String fingerprint = verdict.fingerprint();
        EventDraft open = gate.event(Phase.SYSTEM, agent, t.name(), SshGate.SESSION_OPEN)
                .decision(Decision.ALLOWED, null)
                .succeeded()
                .extension("ssh.host", t.host())
                .extension("ssh.port", Integer.toString(t.port()))
                .extension("ssh.user", t.user())
                .extension("recording.file", file.toString());
        if (fingerprint != null) {
            open.extension("ssh.host-key", fingerprint);
        }
        try {
            gate.appendSystem(open);
        } catch (SshJournalUnavailableException e) {
            ssh.close(true);
            recorder.close();
            throw e;
        }
        GuardedSshSession session = new GuardedSshSession(this, t, ssh, agent, recorder, started);
        sessions.add(session);
        return session;
    }

    /**
     * Runs one command on {@code target} in a session of its own (opened, recorded and closed
     * around it).
     *
     * @see GuardedSshSession#exec(String)
     */
    public CommandResult exec(String target, String command) throws IOException {
        try (GuardedSshSession s = session(target)) {
            return s.exec(command);
        }
    }

    private ClientSession connect(SshTarget t, TargetKeyVerifier.Verdict verdict) throws IOException {
        Map<AttributeRepository.AttributeKey<?>, Object> context = new HashMap<>();
        context.put(TargetKeyVerifier.TARGET, t);
        context.put(TargetKeyVerifier.VERDICT, verdict);
        ClientSession ssh = null;
        try {
            ssh = client.connect(t.user(), t.host(), t.port(), AttributeRepository.ofAttributesMap(context), null)
                    .verify(connectTimeout)
                    .getSession();
            t.credential().addTo(ssh);
            ssh.auth().verify(connectTimeout);
            return ssh;
        } catch (IOException | RuntimeException e) {
            if (ssh != null) {
                ssh.close(true);
            }
            if (verdict.refusal() != null) {
                throw new HostKeyRejectedException("SSH target \"" + t.name() + "\" refused: " + verdict.refusal()
                        + "; no credential was sent", verdict.fingerprint());
            }
            throw e;
        }
    }

    private void journalOpenFailure(AgentSession agent, SshTarget t, Decision decision, String rule, String why,
                                    String fingerprint) throws SshJournalUnavailableException {
        EventDraft failed = gate.event(Phase.SYSTEM, agent, t.name(), SshGate.SESSION_OPEN)
                .failed(gate.mask(why))
                .extension("ssh.host", t.host())
                .extension("ssh.port", Integer.toString(t.port()))
                .extension("ssh.user", t.user());
        if (decision != null) {
            failed.decision(decision, rule);
        }
        if (fingerprint != null) {
            failed.extension("ssh.host-key", fingerprint);
        }
        gate.appendSystem(failed);
    }

    SshGate gate() {
        return gate;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    Duration commandTimeout() {
        return commandTimeout;
    }

    int maxOutputChars() {
        return maxOutputChars;
    }

    int terminalColumns() {
        return terminalColumns;
    }

    int terminalRows() {
        return terminalRows;
    }

    void sessionClosed(GuardedSshSession session) {
        sessions.remove(session);
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the guarded SSH client is closed");
        }
    }

    /** Closes the open sessions (journaling their ends) and stops the SSH client. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        for (GuardedSshSession s : new ArrayList<>(sessions)) {
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        client.stop();
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "GuardedSshClient[targets=" + targets.keySet() + (closed ? ", closed]" : "]");
    }

    /**
     * Builds a {@link GuardedSshClient}: at least one target, an identity source, and either a
     * {@link Guard} or the parts to build one (a policy and a journal, optionally an approver).
     */
    public static final class Builder {
        private final Map<String, SshTarget> targets = new LinkedHashMap<>();
        private IdentitySource identity;
        private Guard guard;
        private Policy policy;
        private Journal journal;
        private Approver approver;
        private Duration approvalTimeout;
        private Clock clock;
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Duration commandTimeout = Duration.ofMinutes(5);
        private int maxOutputChars = 16 * 1024 * 1024;
        private int terminalColumns = 120;
        private int terminalRows = 40;

        private Builder() {
        }

        /** A target agents may open sessions to; names are unique. */
        public Builder target(SshTarget target) {
            Objects.requireNonNull(target, "target");
            if (targets.containsKey(target.name())) {
                throw new IllegalArgumentException("two targets are named \"" + target.name() + "\"; names are what "
                        + "agents use, so each must be unique");
            }
            targets.put(target.name(), target);
            return this;
        }

        /**
         * Where the verified identity of the agent opening a session comes from. Required. An
         * identity bound on the calling thread with {@link AgentContext#bind} wins over it.
         */
        public Builder identity(IdentitySource identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /** An existing guard (policy, journal, approver); instead of {@link #policy} and {@link #journal}. */
        public Builder guard(Guard guard) {
            this.guard = Objects.requireNonNull(guard, "guard");
            return this;
        }

        /** The policy that decides every action; with {@link #journal}, instead of {@link #guard}. */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The audit journal; with {@link #policy}, instead of {@link #guard}. */
        public Builder journal(Journal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /** Who grants actions the policy sends for approval; default: nobody (they are refused). */
        public Builder approver(Approver approver) {
            this.approver = Objects.requireNonNull(approver, "approver");
            return this;
        }

        /** How long an action waits for an approval before it is refused; default 5 minutes. */
        public Builder approvalTimeout(Duration timeout) {
            this.approvalTimeout = positive("approvalTimeout", timeout);
            return this;
        }

        /** The clock for identity expiry and durations (and the guard, when this builder builds it). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long connecting and logging in may take; default 30 seconds. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /** How long {@link GuardedSshSession#exec(String)} waits for a command; default 5 minutes. */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = positive("commandTimeout", timeout);
            return this;
        }

        /**
         * The most characters of unread output kept per stream, and the largest file
         * {@link GuardedSftp#read} returns; default 16 Mi. Output beyond it is dropped and the
         * outcome event says so.
         */
        public Builder maxOutputChars(int max) {
            if (max < 1024) {
                throw new IllegalArgumentException("maxOutputChars must be at least 1024, got " + max);
            }
            this.maxOutputChars = max;
            return this;
        }

        /** The terminal size of interactive shells and of recordings; default 120 × 40. */
        public Builder terminalSize(int columns, int rows) {
            if (columns < 20 || columns > 1000 || rows < 5 || rows > 1000) {
                throw new IllegalArgumentException("terminal size must be 20 to 1000 columns and 5 to 1000 rows, got "
                        + columns + "x" + rows);
            }
            this.terminalColumns = columns;
            this.terminalRows = rows;
            return this;
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " is " + d + "; it must be positive");
            }
            return d;
        }

        /**
         * The client; checks every target's credential and host key source can be read.
         *
         * @throws IllegalStateException naming what is missing, contradictory or unreadable
         */
        public GuardedSshClient build() {
            if (targets.isEmpty()) {
                throw new IllegalStateException("no target is set: add the hosts agents may reach with "
                        + "target(SshTarget.builder(\"app1\")…build())");
            }
            if (identity == null) {
                throw new IllegalStateException("identity is not set: pass the IdentitySource of the agent, e.g. "
                        + "IdentitySource.fixed(AgentIdentity.of(\"ops-agent\"))");
            }
            for (SshTarget t : targets.values()) {
                try {
                    t.credential().check();
                    t.hostKeys().check();
                } catch (IOException e) {
                    throw new IllegalStateException("target \"" + t.name() + "\": " + e.getMessage());
                }
            }
            Clock effectiveClock = clock != null ? clock : Clock.systemUTC();
            Guard effectiveGuard = Guard.ofChannelSettings(guard, policy, journal, approver, approvalTimeout,
                    effectiveClock);
            return new GuardedSshClient(this, effectiveGuard, effectiveClock);
        }
    }
}
