package dev.agentguard.core.approval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Approval by operators at a terminal: each pending request is a JSON file in a directory
 * ({@link PendingApproval}, no secrets), an operator decides with
 * {@code agentguard approvals approve|deny DIR ID --key KEYFILE --as NAME --reason TEXT}, which
 * signs the decision with the operator's key and drops it beside the request, and this approver
 * picks it up, verifies it ({@link DecisionVerifier}) and hands it to the guard.
 *
 * <h2>The directory</h2>
 * <ul>
 *   <li>{@code <request id>.json}: a pending request, rewritten for each approval it still needs;</li>
 *   <li>{@code <request id>.<n>.jws}: the signed decision for its n-th approval (1, 2, …);</li>
 *   <li>files starting with {@code .}: being written; never read.</li>
 * </ul>
 * Several agent JVMs may share a directory: each only reads the decisions of its own requests.
 * A request's files are removed when the guard stops waiting for it.
 *
 * <p>The directory is checked every poll interval by a daemon thread; {@link #poll()} checks at
 * once (for a file watcher, or a test). {@link #close()} stops the thread.
 */
public final class DirectoryApprover implements Approver, AutoCloseable {

    private static final String REQUEST_SUFFIX = ".json";
    private static final String DECISION_SUFFIX = ".jws";

    private final Path directory;
    private final DecisionVerifier verifier;
    private final Clock clock;
    private final ScheduledExecutorService poller;
    private final Object lock = new Object();
    /** Held by one poll at a time, so that a decision file is read and removed once. */
    private final Object pollLock = new Object();
    private final Map<String, Pending> pending = new LinkedHashMap<>(); // guarded by lock

    private record Pending(ApprovalRequest request, CompletableFuture<ApprovalDecision> answer) {
    }

    private DirectoryApprover(Builder b) {
        this.directory = b.directory;
        this.verifier = b.verifier;
        this.clock = b.clock;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agentguard-approvals-" + directory.getFileName());
            t.setDaemon(true);
            return t;
        });
        long every = b.pollInterval.toNanos();
        poller.scheduleWithFixedDelay(this::pollQuietly, every, every, TimeUnit.NANOSECONDS);
    }

    /** Starts configuring an approver working in {@code directory} (created when the first request comes). */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    @Override
    public CompletionStage<ApprovalDecision> request(ApprovalRequest request) {
        Objects.requireNonNull(request, "request");
        if (!PendingApproval.REQUEST_ID.matcher(request.requestId()).matches()) {
            return CompletableFuture.failedFuture(new ApprovalServiceException("request id cannot name a file"));
        }
        CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
        Pending entry = new Pending(request, answer);
        synchronized (lock) {
            Pending previous = pending.get(request.requestId());
            if (previous != null && !previous.answer().isDone()) {
                return CompletableFuture.failedFuture(new ApprovalServiceException("approval request "
                        + request.requestId() + " is already pending; request ids are unique"));
            }
            pending.put(request.requestId(), entry);
        }
        try {
            Files.createDirectories(directory);
            writeAtomically(requestFile(directory, request.requestId()),
                    PendingApproval.of(request, clock.instant()).toJson(), true);
        } catch (IOException e) {
            synchronized (lock) {
                pending.remove(request.requestId(), entry);
            }
            return CompletableFuture.failedFuture(new ApprovalServiceException("cannot write the approval request to "
                    + directory + " (" + e.getClass().getSimpleName() + ")", e));
        }
        return answer;
    }

    /**
     * Looks for decisions on the pending requests now, and hands each one found to the guard.
     *
     * @return how many decisions were picked up (accepted or rejected)
     */
    public int poll() {
        List<Pending> waiting;
        synchronized (lock) {
            waiting = new ArrayList<>(pending.values());
        }
        int found = 0;
        synchronized (pollLock) {
            for (Pending p : waiting) {
                if (p.answer().isDone()) {
                    continue;
                }
                Path file = decisionFile(directory, p.request().requestId(), p.request().round());
                String token;
                try {
                    if (!Files.exists(file)) {
                        continue;
                    }
                    if (Files.size(file) > DecisionVerifier.MAX_TOKEN_LENGTH + 1024) {
                        Files.deleteIfExists(file);
                        p.answer().completeExceptionally(new RejectedDecisionException("the decision file is larger "
                                + "than a signed decision can be", null));
                        found++;
                        continue;
                    }
                    token = Files.readString(file, StandardCharsets.US_ASCII);
                    Files.deleteIfExists(file);
                } catch (NoSuchFileException gone) {
                    continue;
                } catch (IOException e) {
                    p.answer().completeExceptionally(new ApprovalServiceException("cannot read the decision file "
                            + file.getFileName() + " (" + e.getClass().getSimpleName() + ")", e));
                    found++;
                    continue;
                }
                found++;
                try {
                    p.answer().complete(ApprovalDecision.of(verifier.verify(token, p.request())));
                } catch (RejectedDecisionException e) {
                    p.answer().completeExceptionally(e);
                }
            }
        }
        return found;
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; the next poll retries.
        }
    }

    @Override
    public void requestClosed(ApprovalRequest request) {
        synchronized (lock) {
            Pending p = pending.get(request.requestId());
            if (p != null) {
                p.answer().cancel(false);
                pending.remove(request.requestId(), p);
            }
        }
        try {
            Files.deleteIfExists(requestFile(directory, request.requestId()));
            for (int n = 1; n <= request.approvalsNeeded(); n++) {
                Files.deleteIfExists(decisionFile(directory, request.requestId(), n));
            }
        } catch (IOException e) {
            // Left-over files name a request nobody waits for; 'approvals approve' finds no waiting agent.
        }
    }

    /** Stops polling; pending requests stay until the guard times them out. */
    @Override
    public void close() {
        poller.shutdownNow();
    }

    @Override
    public String toString() {
        return "DirectoryApprover[" + directory + ", " + verifier + "]";
    }

    // ---------------------------------------------------------------- the operator's side

    /**
     * The requests pending in {@code directory}, oldest first.
     *
     * @throws IOException when the directory cannot be read, or holds a request file that is not a
     *                     request (its name is in the message)
     */
    public static List<PendingApproval> pending(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no such approvals directory");
        }
        List<PendingApproval> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + REQUEST_SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                out.add(read(f, name.substring(0, name.length() - REQUEST_SUFFIX.length())));
            }
        }
        out.sort(Comparator.comparing(PendingApproval::createdAt).thenComparing(PendingApproval::requestId));
        return List.copyOf(out);
    }

    /**
     * The pending request {@code requestId} in {@code directory}.
     *
     * @throws NoSuchFileException when no such request is pending
     * @throws IOException         when its file cannot be read or is not a request
     */
    public static PendingApproval pending(Path directory, String requestId) throws IOException {
        Objects.requireNonNull(requestId, "requestId");
        if (!PendingApproval.REQUEST_ID.matcher(requestId).matches()) {
            throw new ApprovalServiceException("request id " + DecisionVerifier.shown(requestId) + " is not one the "
                    + "guard hands out (letters, digits, '-', '_', '.', ':'); copy the id from 'agentguard approvals list'");
        }
        Path f = requestFile(directory, requestId);
        if (!Files.isRegularFile(f)) {
            throw new NoSuchFileException(f.toString(), null, "no pending approval request " + requestId);
        }
        return read(f, requestId);
    }

    /**
     * Hands a signed decision on {@code request} to the agent waiting for it, as the file of the
     * approval round the request is in.
     *
     * @return the decision file
     * @throws FileAlreadyExistsException when a decision for this round already waits to be picked up
     */
    public static Path submitDecision(Path directory, PendingApproval request, String compactJws) throws IOException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(compactJws, "compactJws");
        Path target = decisionFile(directory, request.requestId(), request.round());
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "a decision on approval " + request.round()
                    + " of request " + request.requestId() + " already waits for the agent to pick it up");
        }
        writeAtomically(target, compactJws, false);
        return target;
    }

    private static PendingApproval read(Path file, String expectedId) throws IOException {
        if (Files.size(file) > PendingApproval.MAX_LENGTH) {
            throw new ApprovalServiceException(file + " is larger than an approval request can be");
        }
        PendingApproval p;
        try {
            p = PendingApproval.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new ApprovalServiceException(file + ": " + e.getMessage(), e);
        }
        if (!p.requestId().equals(expectedId)) {
            throw new ApprovalServiceException(file + " holds request " + p.requestId() + ", not the one its name says");
        }
        return p;
    }

    private static Path requestFile(Path directory, String requestId) {
        return directory.resolve(requestId + REQUEST_SUFFIX);
    }

    private static Path decisionFile(Path directory, String requestId, int round) {
        return directory.resolve(requestId + "." + round + DECISION_SUFFIX);
    }

    /** Writes a hidden temporary file and renames it, so that a reader never sees half a file. */
    private static void writeAtomically(Path target, String text, boolean replace) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            if (replace) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.move(tmp, target);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Configures a {@link DirectoryApprover}: the decision verifier is required. */
    public static final class Builder {
        private final Path directory;
        private DecisionVerifier verifier;
        private Duration pollInterval = Duration.ofSeconds(2);
        private Clock clock = Clock.systemUTC();

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        }

        /** Verifies the operators' signed decisions: their public keys and accepted algorithms. Required. */
        public Builder verifier(DecisionVerifier verifier) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /** How often the directory is checked, from 10 ms to 1 minute; default 2 seconds. */
        public Builder pollInterval(Duration interval) {
            Objects.requireNonNull(interval, "pollInterval");
            if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("pollInterval is " + interval + "; allowed is 10 ms to 1 minute");
            }
            this.pollInterval = interval;
            return this;
        }

        /** The clock for the request documents' time; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The approver; it polls until {@link DirectoryApprover#close()}.
         *
         * @throws IllegalStateException when no verifier is set
         */
        public DirectoryApprover build() {
            if (verifier == null) {
                throw new IllegalStateException("a directory approver accepts signed decisions only: call "
                        + "verifier(DecisionVerifier.builder().keyFile(operatorKeys).acceptedAlgorithms(\"EdDSA\").build())");
            }
            return new DirectoryApprover(this);
        }
    }
}
