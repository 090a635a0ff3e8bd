package dev.agentguard.benchmarks.ssh;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.benchmarks.ForkedJvm;
import dev.agentguard.benchmarks.ScratchDirectory;
import dev.agentguard.benchmarks.ServerProcess;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.ssh.CommandResult;
import dev.agentguard.ssh.GuardedSshClient;
import dev.agentguard.ssh.GuardedSshSession;
import dev.agentguard.ssh.HostKeys;
import dev.agentguard.ssh.SshCredential;
import dev.agentguard.ssh.SshTarget;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One exec round trip on loopback — open a channel, run {@code df -h}, read its output and exit
 * status, close the channel — over an established session to an Apache MINA SSH server
 * ({@link DiskTableServer}) in a JVM of its own or in the benchmark's (see {@link #server}), whose
 * command answers at once with a fixed disk table (so the host costs next to nothing and the
 * client side is what is measured). Both clients and the server set TCP_NODELAY, as the guarded
 * client does.
 * <ul>
 *   <li>{@code raw}: MINA's own client, the output collected in memory;</li>
 *   <li>{@code guarded}: {@link GuardedSshSession#exec(String)}: the command tokenised and decided
 *       by a policy with an allow rule, the intent and outcome events appended to a real journal,
 *       stdout and stderr masked as they arrive, and the session recorded to an asciicast file;</li>
 *   <li>{@code floor}: MINA's own client plus the work the design requires of every command,
 *       done one step after another in its simplest form: an INTENT event appended before the
 *       channel opens, the standard output masked ({@link Masker#maskText}) and written to a
 *       recording file as one asciicast line (newlines escaped; this benchmark's command writes
 *       nothing else that JSON would escape, and nothing to standard error), an OUTCOME event
 *       appended after it ends — no policy, tokenising, identity or session bookkeeping, and no
 *       overlap of the channel's opening with the INTENT append, which the guard has.</li>
 * </ul>
 * The target: at most 10% added latency over raw.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {ForkedJvm.OPEN_REFLECT, ForkedJvm.EXPORT_NIO, ForkedJvm.EXPORT_REF,
        ForkedJvm.NO_DISK_MONITOR, ForkedJvm.NO_BANNER, ForkedJvm.HEAP_MIN, ForkedJvm.HEAP_MAX})
@State(Scope.Thread)
public class SshExecBenchmark {

    static final String COMMAND = "df -h";

    private static final String POLICY = """
            policy: bench-ssh
            version: 1
            default: deny
            rules:
              - id: no-shadow
                deny: { ssh: { paths: ["/etc/shadow"] } }
              - id: disk-usage
                allow: { ssh: { programs: [df, uptime] } }
            """;

    @Param({"raw", "guarded", "floor"})
    public String client;

    /**
     * {@code process}: the server in a JVM of its own (what the targets are read from: a host is
     * never in the agent's JVM); {@code jvm}: in the benchmark's JVM, where whatever the guard
     * costs the JVM (garbage, JIT, safepoints) slows the server's threads too.
     */
    @Param({"process", "jvm"})
    public String server;

    private ScratchDirectory scratch;
    private SshServer inJvmServer;
    private ServerProcess serverProcess;
    private SshClient rawClient;
    private ClientSession rawSession;
    private Journal journal;
    private GuardedSshClient guardedClient;
    private GuardedSshSession guardedSession;
    /** For {@code floor}: the masker and the recording file (the journal is {@link #journal}). */
    private Masker floorMasker;
    private FileChannel floorRecording;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        scratch = ScratchDirectory.create("agentguard-bench-ssh-");
        KeyPair clientKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        PublicKey hostKey;
        int port;
        if (server.equals("process")) {
            serverProcess = ServerProcess.start(DiskTableServer.class, List.of("-Xms256m", "-Xmx256m"),
                    PublicKeyEntry.toString(clientKey.getPublic()));
            String[] details = serverProcess.details().split(" ", 2);
            port = Integer.parseInt(details[0]);
            hostKey = DiskTableServer.publicKey(details[1]);
        } else {
            KeyPair hostKeys = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
            inJvmServer = DiskTableServer.start(hostKeys, clientKey.getPublic());
            port = inJvmServer.getPort();
            hostKey = hostKeys.getPublic();
        }

        if (client.equals("raw") || client.equals("floor")) {
            rawClient = SshClient.setUpDefaultClient();
            rawClient.setServerKeyVerifier(new RequiredServerKeyVerifier(hostKey));
            rawClient.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
            CoreModuleProperties.TCP_NODELAY.set(rawClient, true); // as the guarded client sets it
            rawClient.start();
            rawSession = rawClient.connect("deploy", "127.0.0.1", port).verify(Duration.ofSeconds(10))
                    .getSession();
            rawSession.addPublicKeyIdentity(clientKey);
            rawSession.auth().verify(Duration.ofSeconds(10));
            if (client.equals("floor")) {
                journal = Journal.builder(scratch.path().resolve("journal")).open();
                floorMasker = MaskingRules.defaults().masker();
                floorRecording = FileChannel.open(scratch.path().resolve("floor.cast"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
        } else {
            Path keyFile = scratch.path().resolve("id_ed25519");
            try (OutputStream out = Files.newOutputStream(keyFile)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "bench", null, out);
            }
            journal = Journal.builder(scratch.path().resolve("journal")).open();
            guardedClient = GuardedSshClient.builder()
                    .target(SshTarget.builder("app1").host("127.0.0.1").port(port).user("deploy")
                            .credential(SshCredential.privateKeyFile(keyFile))
                            .hostKeys(HostKeys.pinned(PublicKeyEntry.toString(hostKey)))
                            .recordings(scratch.path().resolve("recordings"))
                            .build())
                    .identity(IdentitySource.fixed(AgentIdentity.of("ops-agent", "ops")))
                    .policy(Policy.parse(POLICY, "bench-ssh.yaml"))
                    .journal(journal)
                    .build();
            guardedSession = guardedClient.session("app1");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (guardedSession != null) {
            guardedSession.close();
        }
        if (guardedClient != null) {
            guardedClient.close();
        }
        if (journal != null) {
            journal.close();
        }
        if (floorRecording != null) {
            floorRecording.close();
        }
        if (rawSession != null) {
            rawSession.close(false).await(Duration.ofSeconds(10));
        }
        if (rawClient != null) {
            rawClient.stop();
        }
        if (inJvmServer != null) {
            inJvmServer.stop(true);
        }
        if (serverProcess != null) {
            serverProcess.close();
        }
        scratch.close();
    }

    @Benchmark
    public Object exec() throws IOException {
        if (guardedSession != null) {
            CommandResult r = guardedSession.exec(COMMAND);
            if (r.exitStatus() != 0) {
                throw new IllegalStateException("df -h exited with " + r.exitStatus());
            }
            return r.stdout();
        }
        if (floorMasker != null) {
            return floorExec();
        }
        return rawExec();
    }

    private String rawExec() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        ByteArrayOutputStream err = new ByteArrayOutputStream(64);
        try (ChannelExec channel = rawSession.createExecChannel(COMMAND)) {
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(Duration.ofSeconds(10));
            channel.getInvertedIn().close();
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(10));
            Integer status = channel.getExitStatus();
            if (status == null || status != 0) {
                throw new IllegalStateException("df -h exited with " + status);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The raw exec with the design's required work around it (see {@code floor} above). */
    private String floorExec() throws IOException {
        try {
            journal.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("ops-agent").session("s-1")
                    .action(COMMAND).decision(Decision.ALLOWED, "disk-usage"));
            String masked = floorMasker.maskText(rawExec(), null);
            floorRecording.write(ByteBuffer.wrap(("[0.001, \"o\", \"" + masked.replace("\n", "\\n") + "\"]\n")
                    .getBytes(StandardCharsets.UTF_8)));
            journal.append(EventDraft.of(Phase.OUTCOME, Channel.SSH).agent("ops-agent").session("s-1")
                    .action(COMMAND).succeeded().count("exit.status", 0));
            return masked;
        } catch (JournalException e) {
            throw new IOException(e);
        }
    }
}
