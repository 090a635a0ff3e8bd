package dev.agentguard.samples;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import dev.agentguard.core.approval.DecisionSigner;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.PolicyFileException;
import dev.agentguard.core.guard.CallScope;
import dev.agentguard.http.GuardedHttpClient;
import dev.agentguard.http.HttpCredential;
import dev.agentguard.http.HttpPolicyViolationException;
import dev.agentguard.jdbc.GuardedDataSource;
import dev.agentguard.jdbc.PolicyViolationException;
import dev.agentguard.ssh.CommandDeniedException;
import dev.agentguard.ssh.CommandResult;
import dev.agentguard.ssh.GuardedSshClient;
import dev.agentguard.ssh.GuardedSshSession;
import dev.agentguard.ssh.HostKeys;
import dev.agentguard.ssh.SshCredential;
import dev.agentguard.ssh.SshTarget;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A payments support agent working on cardholder data through AgentGuard, on embedded defaults:
 * an H2 database in memory behind a HikariCP pool, the policy {@code payments-policy.yaml} (read
 * from the classpath root, where the build puts {@code samples/src/main/resources}), and a signed
 * audit journal.
 *
 * <p>The operator's side ({@link #run}) holds the pool, the policy and the journal and hands the
 * agent one {@link GuardedDataSource}. The agent's side ({@link #work}) is what an LLM-driven
 * agent might try in a shift: it reads the cards (the PANs come back masked), reads a support
 * note in which a customer read out a card number (masked by the PAN detector), tries to delete
 * every card, to read the CVVs and to smuggle a {@code DROP TABLE} behind a harmless
 * {@code SELECT} (all three refused before reaching the database, and journaled), and marks an
 * order shipped (allowed: an update with a {@code WHERE}). Then it calls the payments API the
 * sample serves on loopback through a {@link GuardedHttpClient}: a card look-up whose JSON
 * comes back with the PAN masked, a refund {@code POST} that needs the on-call supervisor's
 * approval, and an admin path the policy denies (never sent). The API's bearer token is the
 * operator's: the guard adds it, the agent never holds it. Last, it runs commands on an
 * application host the sample serves on loopback over SSH through a {@link GuardedSshClient}
 * (the login key and the pinned host key are the operator's): {@code df -h} is allowed, a log
 * line holding a card number comes back masked, and {@code cat /etc/shadow} is denied before it
 * reaches the host. The session is recorded, masked, and {@code agentguard replay} plays it.
 *
 * <p>Usage: {@code java -jar samples/target/agentguard-sample.jar [JOURNAL_DIR [KEY_DIR]]};
 * defaults {@code target/demo-journal} and {@code target/demo-keys}. Each run replaces the journal
 * and the key pair of the previous one.
 */
public final class PaymentsAgent {

    /** The policy the sample runs under, read from the classpath. */
    public static final String POLICY_RESOURCE = "/payments-policy.yaml";

    /** The agent's verified identity: its own, never a shared account (PCI DSS 8.2.1), acting for a person. */
    static final AgentIdentity IDENTITY = AgentIdentity.of("payments-agent", "payments").actingFor("alice@example.com");

    /** The data source's name, which every audit event carries as its resource. */
    static final String DATA_SOURCE_NAME = "payments-db";

    /** The guarded HTTP client's name, the resource of the API calls' audit events. */
    static final String API_NAME = "payments-api";

    /** The SSH target's name: what the agent asks for, and the resource of its commands' audit events. */
    static final String HOST_NAME = "app1";

    private final DataSource db;
    private final HttpClient api;
    private final URI apiBase;
    private final GuardedSshClient ssh;
    private final PrintStream out;
    private final List<Step> steps = new ArrayList<>();
    private String sshSession;

    /** Where an attempt went. */
    enum Via { DATABASE, API, HOST }

    /** What the agent tried ({@code action}: SQL, a request line or a command) and what AgentGuard did with it. */
    record Step(Via via, String intent, String action, boolean ran, String result) {
    }

    /** One call of the agent to the payments API, describing what came back. */
    @FunctionalInterface
    private interface Call {
        String run() throws IOException, InterruptedException;
    }

    /** One attempt of the agent: runs {@code sql} and describes what came back. */
    @FunctionalInterface
    private interface Attempt {
        String run(String sql) throws SQLException;
    }

    private PaymentsAgent(DataSource db, HttpClient api, URI apiBase, GuardedSshClient ssh, PrintStream out) {
        this.db = db;
        this.api = api;
        this.apiBase = apiBase;
        this.ssh = ssh;
        this.out = out;
    }

    /** Runs the sample with the journal in {@code target/demo-journal} and its keys in {@code target/demo-keys}. */
    public static void main(String[] args) {
        if (args.length > 2 || (args.length > 0 && args[0].startsWith("-"))) {
            System.err.println("usage: java -jar agentguard-sample.jar [JOURNAL_DIR [KEY_DIR]]"
                    + " (defaults: target/demo-journal target/demo-keys)");
            System.exit(2);
        }
        Path journalDir = Path.of(args.length > 0 ? args[0] : "target/demo-journal");
        Path keyDir = Path.of(args.length > 1 ? args[1] : "target/demo-keys");
        try {
            run(journalDir, keyDir, System.out);
        } catch (Exception e) {
            System.err.println("payments-agent sample: " + (e.getMessage() != null ? e.getMessage() : e));
            System.exit(2);
        }
    }

    /**
     * Sets up the database, the policy, a new signing key pair in {@code keyDir}
     * ({@code checkpoint-signing.pem}, {@code checkpoint.pub}) and a new journal in
     * {@code journalDir} (replacing an older one), lets the agent work, and prints to {@code out}
     * what it tried, what AgentGuard did, and how to look at the journal.
     *
     * @throws IOException when {@code journalDir} exists but is not a journal, or a file cannot be written
     */
    public static void run(Path journalDir, Path keyDir, PrintStream out)
            throws IOException, GeneralSecurityException, SQLException, PolicyFileException, InterruptedException {
        Policy policy = readPolicy();
        removeOldJournal(journalDir);
        KeyPair keys = replaceKeyPair(keyDir);
        // The on-call supervisor signs approval decisions with a key of their own; its public half
        // lets an assessor check every decision offline (verify --approval-key).
        DecisionSigner supervisorKey = DecisionSigner.of(CheckpointSigner.generateKeyPair());
        Files.writeString(keyDir.resolve("approver.pub"), supervisorKey.publicKeyPem());

        List<Step> steps;
        long cardsLeft;
        int adminCalls;
        List<String> hostRan;
        String session;
        Path recordings = recordingsDirectory(journalDir);
        try (PaymentsDatabase database = PaymentsDatabase.create();
             PaymentsApi paymentsApi = PaymentsApi.start();
             OpsHost host = OpsHost.start();
             Journal journal = Journal.builder(journalDir).signer(CheckpointSigner.of(keys)).checkpointEvery(10).open()) {
            // The operator wraps the pool; the agent gets this and nothing else. (Closing it would
            // close the pool, which the database does at the end.)
            GuardedDataSource guarded = GuardedDataSource.builder()
                    .dataSource(database.pool())
                    .name(DATA_SOURCE_NAME)
                    .identity(IdentitySource.fixed(IDENTITY))
                    .policy(policy)
                    .journal(journal)
                    .approver(new OnCallSupervisor(supervisorKey, out, Clock.systemUTC()))
                    .build();
            // The same for the API: the operator's bearer token goes to the guard, which adds it
            // to requests for the API's /v1 paths; the agent gets a client without it.
            GuardedHttpClient guardedApi = GuardedHttpClient.builder()
                    .client(HttpClient.newHttpClient())
                    .name(API_NAME)
                    .identity(IdentitySource.fixed(IDENTITY))
                    .policy(policy)
                    .journal(journal)
                    .approver(new OnCallSupervisor(supervisorKey, out, Clock.systemUTC()))
                    .credential(paymentsApi.baseUri() + "/v1", HttpCredential.bearerToken(paymentsApi.token()))
                    .build();
            // And for the host: the login key and the host's pinned key go to the guard; the
            // agent names the target "app1" and nothing else.
            GuardedSshClient guardedSsh = GuardedSshClient.builder()
                    .target(SshTarget.builder(HOST_NAME).host("127.0.0.1").port(host.port()).user(OpsHost.USER)
                            .homeDirectory(OpsHost.HOME) // so the policy knows where a relative path points
                            .credential(SshCredential.privateKey(host.operatorKeyFile()))
                            .hostKeys(HostKeys.pinned(host.hostKeyLine()))
                            .recordings(recordings)
                            .build())
                    .identity(IdentitySource.fixed(IDENTITY))
                    .policy(policy)
                    .journal(journal)
                    .build();
            out.println("AgentGuard sample: a payments support agent on cardholder data");
            out.println("  agent     " + IDENTITY.agentId() + " (role payments), acting for " + IDENTITY.onBehalfOf());
            long brands = PaymentsDatabase.CARDS.stream().map(PaymentsDatabase.Card::brand).distinct().count();
            out.println("  database  " + DATA_SOURCE_NAME + ": H2 in memory through HikariCP, " + database.count("cards")
                    + " cards (test PANs of " + brands + " brands), " + database.count("orders") + " orders");
            out.println("  API       " + API_NAME + ": " + paymentsApi.baseUri() + " on loopback, bearer token held by "
                    + "the guard");
            out.println("  host      " + HOST_NAME + ": SSH on 127.0.0.1:" + host.port() + ", login key and pinned host key "
                    + "held by the guard");
            out.println("  policy    " + policy.name() + " (" + POLICY_RESOURCE.substring(1) + "): "
                    + policy.rules().size() + " rules, default " + policy.defaultEffect().fileName());
            out.println();

            PaymentsAgent agent = new PaymentsAgent(guarded, guardedApi, paymentsApi.baseUri(), guardedSsh, out);
            agent.work();
            agent.callTheApi();
            agent.workOnTheHost();
            guardedSsh.close();
            steps = agent.steps;
            session = agent.sshSession;
            cardsLeft = database.count("cards"); // asked through the pool: what really happened
            adminCalls = paymentsApi.adminCalls(); // counted by the server: what really reached it
            hostRan = host.ran();
        }
        printSummary(out, steps, cardsLeft, adminCalls, hostRan, session, journalDir, keyDir);
    }

    /** The agent's shift, on one connection (one session in the journal). */
    void work() throws SQLException {
        try (Connection c = db.getConnection()) {
            attempt(c, "look up the cards on file", "SELECT id, holder, pan, expiry FROM cards ORDER BY id", sql -> {
                StringBuilder rows = new StringBuilder("allowed; the PANs come back masked:");
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                    while (rs.next()) {
                        rows.append(String.format("%n       %d  %-18s %-17s %s",
                                rs.getInt("id"), rs.getString("holder"), rs.getString("pan"), rs.getString("expiry")));
                    }
                }
                return rows.toString();
            });

            attempt(c, "read the support note of order 2", "SELECT status, note FROM orders WHERE id = ?", sql -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setInt(1, 2);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return String.format("allowed; the card number in the note is masked:%n       %s  \"%s\"",
                                rs.getString("status"), rs.getString("note"));
                    }
                }
            });

            attempt(c, "tidy up: delete the cards", "DELETE FROM cards", sql -> {
                try (Statement s = c.createStatement()) {
                    return "ran: " + s.executeUpdate(sql) + " rows deleted";
                }
            });

            attempt(c, "check the CVVs", "SELECT cvv FROM cards", sql -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                    return "ran: CVVs read" + (rs.next() ? "" : " (none)");
                }
            });

            attempt(c, "a harmless query with a second statement behind it", "SELECT 1; DROP TABLE cards", sql -> {
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                    return "ran";
                }
            });

            attempt(c, "refund order 3 as agreed in ticket CS-1042", "UPDATE orders SET amount = ? WHERE id = ?", sql -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setBigDecimal(1, java.math.BigDecimal.ZERO);
                    ps.setInt(2, 3);
                    int updated = ps.executeUpdate();
                    return "approved by " + OnCallSupervisor.NAME + "; " + updated + (updated == 1 ? " row" : " rows")
                            + " updated";
                }
            });

            attempt(c, "mark order 1 shipped", "UPDATE orders SET status = ? WHERE id = ?", sql -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, "shipped");
                    ps.setInt(2, 1);
                    int updated = ps.executeUpdate();
                    return "allowed; " + updated + (updated == 1 ? " row" : " rows") + " updated";
                }
            });
        }
    }

    /** The agent's calls to the payments API, through the guarded client. */
    void callTheApi() throws IOException, InterruptedException {
        HttpRequest card = HttpRequest.newBuilder(apiBase.resolve("/v1/cards/1")).build();
        call("look up card 1 through the payments API", card, () -> {
            HttpResponse<String> r = api.send(card, HttpResponse.BodyHandlers.ofString());
            return String.format("allowed; the PAN in the JSON comes back masked:%n       %d %s", r.statusCode(), r.body());
        });

        HttpRequest refund = HttpRequest.newBuilder(apiBase.resolve("/v1/refunds"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"order\": 4, \"amount\": 250.00}")).build();
        call("refund order 4 through the API as agreed in ticket CS-1043", refund, () -> {
            HttpResponse<String> r = api.send(refund, HttpResponse.BodyHandlers.ofString());
            return "approved by " + OnCallSupervisor.NAME + "; " + r.statusCode() + " " + r.body();
        });

        HttpRequest admin = HttpRequest.newBuilder(apiBase.resolve("/admin/users")).build();
        call("list the API's admin users", admin, () -> {
            HttpResponse<String> r = api.send(admin, HttpResponse.BodyHandlers.ofString());
            return "sent: " + r.statusCode();
        });
    }

    /** The agent's commands on the application host, in one recorded SSH session. */
    void workOnTheHost() throws IOException {
        try (GuardedSshSession app1 = ssh.session(HOST_NAME)) {
            sshSession = app1.id();
            run(app1, "check the disk space on " + HOST_NAME, "df -h");
            run(app1, "read the last lines of the payment log", "tail -n 2 /var/log/app/payments.log");
            run(app1, "look at the password hashes", "cat /etc/shadow");
        }
    }

    /** Runs one command; a refusal is an {@code IOException} to the agent, whose message names the rule. */
    private void run(GuardedSshSession session, String intent, String command) throws IOException {
        out.println((steps.size() + 1) + ". " + intent);
        out.println("   " + HOST_NAME + "$ " + command);
        session.intent(intent);
        Step step;
        try {
            CommandResult r = session.exec(command);
            StringBuilder shown = new StringBuilder("exit " + r.exitStatus() + (r.maskedValues() > 0
                    ? "; the card number in the output is masked:" : ":"));
            r.stdout().lines().forEach(l -> shown.append(String.format("%n       %s", l)));
            step = new Step(Via.HOST, intent, command, true, shown.toString());
        } catch (CommandDeniedException e) {
            step = new Step(Via.HOST, intent, command, false, "refused: " + e.getMessage());
        }
        steps.add(step);
        out.println("   -> " + step.result());
    }

    /**
     * Sends one request. The agent states its purpose in a {@link CallScope}; a refusal is an
     * {@code IOException} to the agent, whose message names the rule.
     */
    private void call(String intent, HttpRequest request, Call work) throws IOException, InterruptedException {
        String line = request.method() + " " + request.uri();
        out.println((steps.size() + 1) + ". " + intent);
        out.println("   " + line);
        Step step;
        try (CallScope scope = CallScope.builder().intent(intent).open()) {
            step = new Step(Via.API, intent, line, true, work.run());
        } catch (HttpPolicyViolationException e) {
            step = new Step(Via.API, intent, line, false, "refused: " + e.getMessage());
        }
        steps.add(step);
        out.println("   -> " + step.result());
    }

    /**
     * Tries one thing. The agent states its purpose first (every later audit event carries it);
     * a refusal by the policy is an ordinary {@code SQLException} to the agent, whose message
     * names the rule. Any other error ends the run.
     */
    private void attempt(Connection c, String intent, String sql, Attempt work) throws SQLException {
        c.setClientInfo(GuardedDataSource.CLIENT_INFO_INTENT, intent);
        out.println((steps.size() + 1) + ". " + intent);
        out.println("   " + sql);
        Step step;
        try {
            step = new Step(Via.DATABASE, intent, sql, true, work.run(sql));
        } catch (PolicyViolationException e) {
            step = new Step(Via.DATABASE, intent, sql, false, "refused: " + e.getMessage());
        }
        steps.add(step);
        out.println("   -> " + step.result());
    }

    private static void printSummary(PrintStream out, List<Step> steps, long cardsLeft, int adminCalls,
                                     List<String> hostRan, String session, Path journalDir, Path keyDir)
            throws IOException {
        List<Step> sql = steps.stream().filter(s -> s.via() == Via.DATABASE).toList();
        List<Step> http = steps.stream().filter(s -> s.via() == Via.API).toList();
        List<Step> commands = steps.stream().filter(s -> s.via() == Via.HOST).toList();
        long executed = commands.stream().filter(Step::ran).count();
        long ran = sql.stream().filter(Step::ran).count();
        long sent = http.stream().filter(Step::ran).count();
        out.println();
        out.println("Summary: " + sql.size() + " statements tried; " + ran + " ran, " + (sql.size() - ran)
                + " were refused before reaching the database");
        out.println("  (PolicyViolationException, SQLState " + PolicyViolationException.SQL_STATE
                + "); the cards table still holds " + cardsLeft + " cards.");
        out.println("  " + http.size() + " API calls; " + sent + " sent, " + (http.size() - sent) + " refused before "
                + "reaching the API (HttpPolicyViolationException); the admin path was reached " + adminCalls + " times.");
        out.println("  " + commands.size() + " commands; " + executed + " ran, " + (commands.size() - executed)
                + " refused before reaching the host (CommandDeniedException); the host ran: "
                + String.join(", ", hostRan) + ".");

        List<AuditEvent> events;
        try (JournalReader reader = JournalReader.open(journalDir)) {
            events = reader.events(EventFilter.all());
        }
        long intents = events.stream().filter(e -> e.phase() == Phase.INTENT).count();
        long denied = events.stream().filter(e -> e.phase() == Phase.INTENT && e.decision() == Decision.DENIED).count();
        long outcomes = events.stream().filter(e -> e.phase() == Phase.OUTCOME).count();
        long approvals = events.stream().filter(e -> e.phase() == Phase.APPROVAL).count();
        Map<String, Long> masked = new LinkedHashMap<>();
        for (AuditEvent e : events) {
            e.counts().forEach((name, count) -> {
                if (name.startsWith("masked.")) {
                    masked.merge(name.substring("masked.".length()), count, Long::sum);
                }
            });
        }
        out.println("Journal: " + events.size() + " events: " + intents + " intents (" + denied + " denied), " + outcomes
                + " outcomes, " + approvals + " approval events (request, signed decision), the journal's open and close;");
        out.println("  values masked: " + (masked.isEmpty() ? "none" : masked.entrySet().stream()
                .map(m -> m.getKey() + " " + m.getValue()).collect(Collectors.joining(", "))));
        out.println("  journal      " + shown(journalDir));
        out.println("  signed with  " + shown(keyDir.resolve("checkpoint-signing.pem"))
                + " (a new key pair each run)");
        out.println("Look at it:");
        out.println("  bin/agentguard list " + shown(journalDir));
        out.println("  bin/agentguard verify --public-key " + shown(keyDir.resolve("checkpoint.pub")) + " " + shown(journalDir));
        out.println("  bin/agentguard verify --public-key " + shown(keyDir.resolve("checkpoint.pub")) + " --approval-key "
                + shown(keyDir.resolve("approver.pub")) + " " + shown(journalDir) + "   (approval signatures too)");
        out.println("  bin/agentguard replay " + session + " --journal " + shown(journalDir) + "   (the SSH session, "
                + "as the agent saw it)");
    }

    /** {@code path} as the user would type it: relative to the working directory when inside it. */
    private static String shown(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        return absolute.startsWith(here) && !absolute.equals(here) ? here.relativize(absolute).toString() : absolute.toString();
    }

    private static Policy readPolicy() throws IOException, PolicyFileException {
        try (InputStream in = PaymentsAgent.class.getResourceAsStream(POLICY_RESOURCE)) {
            if (in == null) {
                throw new IOException(POLICY_RESOURCE.substring(1) + " is not on the classpath; build the sample with "
                        + "mvn -B -DskipTests package, which puts it into the jar");
            }
            return Policy.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), POLICY_RESOURCE.substring(1));
        }
    }

    /** Where the SSH session recordings go: beside the journal, {@code <journal>-recordings}. */
    static Path recordingsDirectory(Path journalDir) {
        Path absolute = journalDir.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + "-recordings");
    }

    /** Writes a new Ed25519 key pair for the journal's checkpoints, replacing the last run's. */
    private static KeyPair replaceKeyPair(Path keyDir) throws IOException, GeneralSecurityException {
        Files.createDirectories(keyDir);
        KeyPair keys = CheckpointSigner.generateKeyPair();
        Path signing = keyDir.resolve("checkpoint-signing.pem");
        Files.deleteIfExists(signing);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            // The private key is readable by its owner only, from the moment the file exists.
            Files.createFile(signing, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(signing, CheckpointSigner.privateKeyPemWithPublicKey(keys));
        Files.writeString(keyDir.resolve("checkpoint.pub"), CheckpointSigner.publicKeyPem(keys.getPublic()));
        return keys;
    }

    /**
     * Deletes the previous run's journal, whose checkpoints the new key could not verify. Refuses
     * a directory that holds anything but a journal, so a mistyped argument deletes nothing else.
     */
    private static void removeOldJournal(Path journalDir) throws IOException {
        if (!Files.exists(journalDir)) {
            return;
        }
        if (!Files.isDirectory(journalDir)) {
            throw new IOException(journalDir + " is a file, not a journal directory; pass a directory for the journal");
        }
        boolean empty;
        try (Stream<Path> entries = Files.list(journalDir)) {
            empty = entries.findAny().isEmpty();
        }
        if (!empty && !Files.exists(journalDir.resolve("metadata.cq4t"))) {
            throw new IOException(journalDir + " exists and is not an AgentGuard journal, so the sample does not replace "
                    + "it; pass another directory, or remove it yourself");
        }
        try (Stream<Path> s = Files.walk(journalDir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
