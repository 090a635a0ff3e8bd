package dev.agentguard.ssh;

import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SftpOperation;
import dev.agentguard.core.guard.Permit;
import org.apache.sshd.sftp.client.SftpClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * SFTP on a guarded session, opened by {@link GuardedSshSession#sftp()}: list, read, write,
 * remove, rename and make directories, each decided by the policy by its path before anything is
 * sent ({@link CommandDeniedException} when refused).
 *
 * <p>Paths are made absolute (relative ones start in the login directory) and resolved: {@code .}
 * and {@code ..} segments, and every symbolic link on the way (asked of the host), so that a link
 * is decided by where it leads; removing or renaming a link acts on the link itself. The operation
 * then runs on exactly the path the policy decided. (A link the host changes between the decision
 * and the operation is not seen: SFTP has no way to open a path without following links.) Content read comes back as text, masked like command output; content written is
 * sent as given. Every transfer is journaled with its path, size and the SHA-256 of the bytes as
 * transferred: the outcome event counts {@code bytes}, and an {@code ssh.sftp.transfer} event after
 * it carries the hash. Thread-safe (one operation at a time).
 */
public final class GuardedSftp implements AutoCloseable {

    /** Outcome count: bytes transferred. */
    static final String BYTES = "bytes";
    /** Outcome count: directory entries listed. */
    static final String ENTRIES = "entries";
    /** The most symbolic links followed in one path, as Linux allows. */
    private static final int MAX_LINKS = 40;

    private final GuardedSshSession session;
    private final SftpClient sftp;
    private final String home;

    GuardedSftp(GuardedSshSession session, SftpClient sftp) throws IOException {
        this.session = session;
        this.sftp = sftp;
        this.home = sftp.canonicalPath(".");
    }

    /** The entries of directory {@code path} (without {@code .} and {@code ..}), names masked. */
    public synchronized List<RemoteFile> list(String path) throws IOException {
        String p = resolve(path, true);
        Operation op = begin(SftpOperation.LIST, p, null);
        List<RemoteFile> out = new ArrayList<>();
        try {
            for (SftpClient.DirEntry e : sftp.readDir(p)) {
                String name = e.getFilename();
                if (name.equals(".") || name.equals("..")) {
                    continue;
                }
                SftpClient.Attributes a = e.getAttributes();
                out.add(new RemoteFile(session.gate().masker().maskText(name, null), a.getSize(),
                        a.isDirectory(), a.isSymbolicLink(),
                        a.getModifyTime() == null ? null : a.getModifyTime().toInstant()));
            }
        } catch (IOException e) {
            throw op.fail(e);
        } catch (UncheckedIOException e) {
            throw op.fail(e.getCause()); // the listing's iterator reports errors unchecked
        }
        op.succeed(Map.of(ENTRIES, (long) out.size()), null, -1);
        session.recordNote("sftp> ls " + p + " (" + out.size() + " entries)");
        return out;
    }

    /**
     * The content of file {@code path} as UTF-8 text, masked (malformed bytes become U+FFFD); at
     * most the client's output limit.
     *
     * @throws IOException when the file is larger than the limit (nothing is returned)
     */
    public synchronized String read(String path) throws IOException {
        String p = resolve(path, true);
        Operation op = begin(SftpOperation.READ, p, null);
        MessageDigest sha = sha256();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        long limit = session.maxOutputChars();
        try (InputStream in = sftp.read(p)) {
            byte[] buf = new byte[32 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (raw.size() + (long) n > limit) {
                    throw new IOException("the file is larger than the limit of " + limit + " bytes; nothing is returned");
                }
                sha.update(buf, 0, n);
                raw.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw op.fail(e);
        }
        byte[] bytes = raw.toByteArray();
        OutputMasker masker = new OutputMasker(session.gate().masker());
        String text = masker.accept(bytes, 0, bytes.length) + masker.finish();
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(BYTES, (long) bytes.length);
        counts.putAll(masker.counts());
        String hash = HexFormat.of().formatHex(sha.digest());
        op.succeed(counts, hash, bytes.length);
        session.recordNote("sftp> get " + p + " (" + bytes.length + " bytes, sha256 " + hash + ")");
        return text;
    }

    /** Writes {@code text} as UTF-8 to file {@code path}, replacing it. */
    public void write(String path, String text) throws IOException {
        Objects.requireNonNull(text, "text");
        write(path, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code content} to file {@code path}, replacing it. */
    public synchronized void write(String path, byte[] content) throws IOException {
        Objects.requireNonNull(content, "content");
        String p = resolve(path, true);
        Operation op = begin(SftpOperation.WRITE, p, null);
        MessageDigest sha = sha256();
        sha.update(content);
        try (OutputStream out = sftp.write(p)) {
            out.write(content);
        } catch (IOException e) {
            throw op.fail(e);
        }
        String hash = HexFormat.of().formatHex(sha.digest());
        op.succeed(Map.of(BYTES, (long) content.length), hash, content.length);
        session.recordNote("sftp> put " + p + " (" + content.length + " bytes, sha256 " + hash + ")");
    }

    /** Removes file {@code path}. */
    public synchronized void remove(String path) throws IOException {
        String p = resolve(path, false);
        Operation op = begin(SftpOperation.REMOVE, p, null);
        try {
            sftp.remove(p);
        } catch (IOException e) {
            throw op.fail(e);
        }
        op.succeed(Map.of(), null, -1);
        session.recordNote("sftp> rm " + p);
    }

    /** Renames {@code from} to {@code to} (both decided; the policy sees the rename with both paths). */
    public synchronized void rename(String from, String to) throws IOException {
        String f = resolve(from, false);
        String t = resolve(to, false);
        Operation op = begin(SftpOperation.RENAME, f, t);
        try {
            sftp.rename(f, t);
        } catch (IOException e) {
            throw op.fail(e);
        }
        op.succeed(Map.of(), null, -1);
        session.recordNote("sftp> rename " + f + " " + t);
    }

    /** Makes directory {@code path}. */
    public synchronized void mkdir(String path) throws IOException {
        String p = resolve(path, false);
        Operation op = begin(SftpOperation.MKDIR, p, null);
        try {
            sftp.mkdir(p);
        } catch (IOException e) {
            throw op.fail(e);
        }
        op.succeed(Map.of(), null, -1);
        session.recordNote("sftp> mkdir " + p);
    }

    /** Closes the SFTP channel. Idempotent. */
    @Override
    public void close() {
        try {
            sftp.close();
        } catch (IOException e) {
            // closing a channel that the host already closed
        } finally {
            session.ended(this);
        }
    }

    /** One decided operation between its intent and its outcome. */
    private final class Operation {
        private final Permit permit;
        private final SftpOperation operation;
        private final String path;

        Operation(Permit permit, SftpOperation operation, String path) {
            this.permit = permit;
            this.operation = operation;
            this.path = path;
        }

        void succeed(Map<String, Long> counts, String sha256, long bytes) throws IOException {
            session.gate().succeeded(permit, counts);
            if (sha256 != null) {
                EventDraft transfer = session.gate().event(Phase.SYSTEM, session.agentSession(), session.targetName(),
                                SshGate.SFTP_TRANSFER)
                        .succeeded()
                        .count(BYTES, bytes)
                        .extension("sftp.operation", operation.name().toLowerCase(Locale.ROOT))
                        .extension("sftp.path", session.gate().mask(path))
                        .extension("sftp.sha256", sha256)
                        .extension("intent-seq", Long.toString(permit.intentSequence()));
                session.gate().appendSystem(transfer);
            }
        }

        IOException fail(IOException e) throws IOException {
            String why = "the SFTP operation failed (" + e.getClass().getSimpleName() + ")";
            String detail = e.getMessage() == null ? why : why + ": " + e.getMessage();
            session.gate().failed(permit, detail, Map.of());
            session.recordNote("[" + why + "]");
            return new IOException(session.gate().mask(detail), e);
        }
    }

    private Operation begin(SftpOperation operation, String path, String toPath) throws IOException {
        session.ensureUsable();
        Action action = toPath == null
                ? SshActions.sftp(session.target(), session.gate().masker(), operation, path)
                : SshActions.sftp(session.target(), session.gate().masker(), operation, path, toPath);
        try {
            Operation op = new Operation(session.gate().begin(session.agentSession(), action), operation, path);
            session.allowed();
            return op;
        } catch (IOException e) {
            session.recordNote("[refused: " + action.redactedText() + " — " + e.getMessage() + "]");
            session.refused();
            throw e;
        }
    }

    /**
     * {@code path} as the policy decides it and the operation runs on it: absolute, with {@code .}
     * and {@code ..} resolved and every symbolic link on the way followed, component by component,
     * by asking the host ({@code lstat}, {@code readlink}); not the host's {@code realpath}, which
     * not every server resolves links in. With {@code followLast} false the last component is kept
     * as it is (removing or renaming a link acts on the link). A component that does not exist ends
     * the resolution; the rest is taken as written.
     */
    private String resolve(String path, boolean followLast) throws IOException {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty() || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an SFTP path must be non-empty and must not contain NUL");
        }
        Deque<String> todo = new ArrayDeque<>(List.of((path.startsWith("/") ? path : home + "/" + path).split("/")));
        Deque<String> resolved = new ArrayDeque<>();
        boolean exists = true;
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                resolved.pollLast();
                continue;
            }
            resolved.addLast(part);
            boolean last = todo.stream().allMatch(p -> p.isEmpty() || p.equals("."));
            if (!exists || (last && !followLast)) {
                continue;
            }
            String current = "/" + String.join("/", resolved);
            SftpClient.Attributes attrs;
            try {
                attrs = sftp.lstat(current);
            } catch (IOException e) {
                exists = false; // the rest cannot exist either (or cannot be looked at): taken as written
                continue;
            }
            if (attrs.isSymbolicLink()) {
                if (++links > MAX_LINKS) {
                    throw new IOException("more than " + MAX_LINKS + " symbolic links in an SFTP path");
                }
                String target = sftp.readLink(current);
                resolved.pollLast();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                List<String> parts = List.of(target.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
            }
        }
        return "/" + String.join("/", resolved);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "GuardedSftp[" + session.targetName() + "]";
    }
}
