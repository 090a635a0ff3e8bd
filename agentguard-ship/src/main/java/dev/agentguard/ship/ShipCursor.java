package dev.agentguard.ship;

import dev.agentguard.audit.Hash;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The durable cursor of one journal and one target: the position the target last acknowledged,
 * in a one-line file {@code ship-<target>.cursor} (by default in the journal directory).
 *
 * <pre>
 * AGSHIP1 target=kafka-audit journal=3f9a0c1b2d4e seq=4200 hash=9c1d…(64 hex) checkpoint=4000 index=… state=0:81234 time=2026-11-25T22:14:03Z
 * </pre>
 *
 * <p>It moves only after an acknowledgement (or a committed transaction), and every move is a
 * new file written, forced to disk and renamed over the old one, so a crash at any moment leaves
 * either the old or the new position, never a torn one. The retention sweep reads it too
 * ({@link RetentionHold}): events after it are not deleted.
 */
public final class ShipCursor {
    /** The marker that starts every cursor line (format version 1). */
    public static final String MARKER = "AGSHIP1";
    private static final Pattern TARGET_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern LINE = Pattern.compile("AGSHIP1 target=(\\S+) journal=([0-9a-f]{12}) seq=([0-9]{1,19})"
            + " hash=([0-9a-f]{64}) checkpoint=([0-9]{1,19}) index=(-1|[0-9]{1,19}) state=(\\S+) time=(\\S+)");

    private final Path file;
    private final String target;
    private final Clock clock;

    private ShipCursor(Path file, String target, Clock clock) {
        this.file = file;
        this.target = target;
        this.clock = clock;
    }

    /** The cursor of target {@code targetName} in {@code directory}. */
    public static ShipCursor in(Path directory, String targetName) {
        return new ShipCursor(fileFor(directory, targetName), targetName, Clock.systemUTC());
    }

    /**
     * A target name made from {@code prefix} and {@code detail} (a topic, a host and port): as
     * given when it fits in 64 characters and is made of allowed characters, otherwise cut and
     * completed with 8 hex digits of its SHA-256, so that different details keep different names.
     */
    public static String targetNameFor(String prefix, String detail) {
        String full = (prefix + detail).replaceAll("[^A-Za-z0-9._-]", "_");
        if (full.length() <= 64 && full.equals(prefix + detail)) {
            return full;
        }
        String digest;
        try {
            digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest((prefix + detail).getBytes(StandardCharsets.UTF_8))).substring(0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
        return full.substring(0, Math.min(full.length(), 55)) + "-" + digest;
    }

    /** The file holding the cursor of {@code targetName} in {@code directory}. */
    public static Path fileFor(Path directory, String targetName) {
        Objects.requireNonNull(directory, "directory");
        requireTargetName(targetName);
        return directory.toAbsolutePath().normalize().resolve("ship-" + targetName + ".cursor");
    }

    /** Checks a target name: 1 to 64 letters, digits, '.', '_' or '-'. */
    public static String requireTargetName(String name) {
        if (name == null || !TARGET_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a target name is 1 to 64 letters, digits, '.', '_' or '-', got '"
                    + name + "'");
        }
        return name;
    }

    /** The cursor file. */
    public Path file() {
        return file;
    }

    /**
     * The stored position, or empty when nothing was acknowledged yet (no file).
     *
     * @throws ShippingException when the file cannot be read or is not a cursor of this target;
     *                           the shipper then stops rather than guess where to resume
     */
    public Optional<ShipPosition> read() throws ShippingException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ShippingException("cannot read the shipping cursor " + file + ": " + e.getMessage(), e);
        }
        Matcher m = LINE.matcher(text.strip());
        if (!m.matches()) {
            throw new ShippingException("the shipping cursor " + file + " is damaged (not an '" + MARKER + " target=… "
                    + "journal=… seq=…' line); move it away to ship the journal again from its start");
        }
        if (!m.group(1).equals(target)) {
            throw new ShippingException("the shipping cursor " + file + " belongs to target '" + m.group(1)
                    + "', not '" + target + "'");
        }
        try {
            String state = m.group(7);
            return Optional.of(new ShipPosition(m.group(2), Long.parseLong(m.group(3)), Hash.fromHex(m.group(4)),
                    Long.parseLong(m.group(5)), Long.parseLong(m.group(6)), state.equals("-") ? null : state));
        } catch (IllegalArgumentException e) {
            throw new ShippingException("the shipping cursor " + file + " is damaged (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Replaces the stored position with {@code position}, durably: written to a new file, forced,
     * renamed over the old one, and the directory forced.
     */
    public void store(ShipPosition position) throws ShippingException {
        String line = MARKER + " target=" + target + " journal=" + position.journalId() + " seq=" + position.sequence()
                + " hash=" + position.hash().toHex() + " checkpoint=" + position.checkpointSequence()
                + " index=" + position.journalIndex()
                + " state=" + (position.targetState() == null ? "-" : position.targetState())
                + " time=" + clock.instant() + "\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + file.getParent() + " cannot rename atomically", e);
            }
            forceDirectory(file.getParent());
        } catch (IOException e) {
            throw new ShippingException("cannot store the shipping cursor " + file + ": " + e.getMessage(), e);
        }
    }

    private static void forceDirectory(Path dir) {
        // Makes the rename itself durable on Linux; other systems refuse to open a directory,
        // and there the rename is as durable as the file system makes it.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // see above
        }
    }

    @Override
    public String toString() {
        return "ShipCursor[" + file + "]";
    }
}
