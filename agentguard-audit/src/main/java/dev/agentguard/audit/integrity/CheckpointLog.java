package dev.agentguard.audit.integrity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The checkpoint file of a journal ({@value #FILE_NAME} in the journal directory): one
 * {@link Checkpoint} line per checkpoint, appended and forced to disk.
 */
public final class CheckpointLog implements AutoCloseable {
    /** The file's name inside a journal directory. */
    public static final String FILE_NAME = "checkpoints.log";

    private final Path file;
    private final FileChannel channel;

    private CheckpointLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (or creates) {@code file} for appending. */
    public static CheckpointLog openForAppend(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        return new CheckpointLog(file, ch);
    }

    /** Appends {@code checkpoint} as one line and forces it to disk. */
    public void append(Checkpoint checkpoint) throws IOException {
        appendAll(List.of(checkpoint));
    }

    /**
     * Appends {@code checkpoints} as one line each, in order, and forces them to disk once: a
     * journal that fell behind its checkpoints writes them in one go.
     */
    public void appendAll(List<Checkpoint> checkpoints) throws IOException {
        if (checkpoints.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder(checkpoints.size() * 200);
        for (Checkpoint c : checkpoints) {
            text.append(c.toLine()).append('\n');
        }
        ByteBuffer lines = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
        while (lines.hasRemaining()) {
            channel.write(lines);
        }
        channel.force(false);
    }

    /** The file written to. */
    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** A parsed line and where it stands. */
    public record Line(int lineNumber, Checkpoint checkpoint) {
    }

    /** What {@link #read} found: the checkpoints and a note about a torn last line, if any. */
    public record Contents(List<Line> lines, String tornTail) {
        public Contents {
            lines = List.copyOf(lines);
        }

        /** The last checkpoint, or {@code null} when there is none. */
        public Checkpoint last() {
            return lines.isEmpty() ? null : lines.get(lines.size() - 1).checkpoint();
        }
    }

    /**
     * Reads every checkpoint of {@code file}; a missing file has none. A last line without its
     * newline is a write torn by a crash and is reported in {@link Contents#tornTail()}, not
     * parsed; any other line that is not a checkpoint is an error naming its line number.
     */
    public static Contents read(Path file) throws IOException, MalformedCheckpointException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return new Contents(List.of(), null);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new MalformedCheckpointException(file + ": not a checkpoint file (it holds non-ASCII bytes)");
        }
        List<Line> lines = new ArrayList<>();
        String torn = null;
        int lineNo = 0;
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            lineNo++;
            if (nl < 0) {
                torn = file + " line " + lineNo + ": incomplete last line ignored (a write cut short by a crash)";
                break;
            }
            String line = text.substring(start, nl);
            start = nl + 1;
            if (line.isBlank()) {
                continue;
            }
            try {
                lines.add(new Line(lineNo, Checkpoint.parse(line)));
            } catch (IllegalArgumentException e) {
                throw new MalformedCheckpointException(file + " line " + lineNo + ": " + e.getMessage());
            }
        }
        return new Contents(lines, torn);
    }
}
