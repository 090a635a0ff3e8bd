package dev.agentguard.cli;

import dev.agentguard.audit.integrity.JournalIntegrityException;
import dev.agentguard.audit.journal.JournalCorruptException;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.core.policy.PolicyFileException;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why a command failed, as the user sees it: an exit code and one line of text. Every error of
 * every command goes through {@link #of} and {@link #report}, so that no path prints a stack
 * trace (unless {@code --verbose}) or a message spread over several lines.
 *
 * @param exitCode one of {@link ExitCodes}
 * @param status   {@code "integrity-failure"} or {@code "error"}, for {@code --json}
 * @param message  one line, naming the file and position where known
 * @param position "FILE entry N", "FILE line N" or "FILE:LINE:COLUMN" (a policy file) when the
 *                 failure has one, else {@code null}
 * @param cause    the exception behind it, printed with {@code --verbose}
 */
record Failure(int exitCode, String status, String message, String position, Throwable cause) {

    Failure {
        message = oneLine(message);
    }

    /** A usage or input failure (exit code 2). */
    static Failure input(String message, Throwable cause) {
        return new Failure(ExitCodes.USAGE_OR_UNREADABLE_INPUT, "error", message, null, cause);
    }

    /** The journal was changed: exit code 1, naming the first bad position. */
    static Failure integrity(String position, String message, Throwable cause) {
        return new Failure(ExitCodes.INTEGRITY_FAILURE, "integrity-failure", "integrity failure at " + message,
                position, cause);
    }

    /**
     * Classifies {@code e}, thrown while the command worked on {@code subject} (a journal
     * directory or an output directory, or {@code null}).
     */
    static Failure of(Throwable e, Path subject) {
        if (e instanceof JournalIntegrityException x) {
            return integrity(x.position(), x.getMessage(), e);
        }
        if (e instanceof JournalCorruptException x) {
            // The position names the file inside the journal; say which journal.
            return new Failure(ExitCodes.USAGE_OR_UNREADABLE_INPUT, "error", inJournal(subject, x.getMessage()),
                    x.position(), e);
        }
        if (e instanceof PolicyFileException x) {
            // The message is already "FILE:LINE:COLUMN: reason", the form editors and CI logs link to.
            return new Failure(ExitCodes.USAGE_OR_UNREADABLE_INPUT, "error", x.getMessage(),
                    x.line() > 0 ? x.source() + ":" + x.line() + ":" + x.column() : null, e);
        }
        if (e instanceof JournalException || e instanceof InputException || e instanceof GeneralSecurityException) {
            return input(e.getMessage(), e);
        }
        if (e instanceof NoSuchFileException x) {
            return input(x.getFile() + ": no such file", e);
        }
        if (e instanceof NotDirectoryException x) {
            return input(x.getFile() + ": not a directory", e);
        }
        if (e instanceof AccessDeniedException x) {
            return input(x.getFile() + ": permission denied", e);
        }
        if (e instanceof FileAlreadyExistsException x) {
            return input(x.getFile() + ": already exists", e);
        }
        if (e instanceof IOException) {
            return input(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
        // Chronicle reports damaged files with runtime exceptions, and a truncated memory-mapped
        // file with InternalError; they are bad input, not a reason for a stack trace.
        String where = subject == null ? "" : subject + ": ";
        return input(where + "cannot be read (" + describe(e) + "); run with --verbose for details", e);
    }

    /** Prints the failure (one line on stderr; a JSON object on stdout with --json) and returns its exit code. */
    int report(String commandName, boolean json, boolean verbose, PrintWriter out, PrintWriter err) {
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("status", status);
            o.put("exitCode", exitCode);
            o.put("message", message);
            if (position != null) {
                o.put("position", position);
            }
            out.println(Json.object(o));
            out.flush();
        }
        err.println(commandName + ": " + message);
        if (verbose && cause != null) {
            cause.printStackTrace(err);
        }
        err.flush();
        return exitCode;
    }

    static String describe(Throwable e) {
        String msg = e.getMessage();
        return e.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + firstLine(msg));
    }

    private static String inJournal(Path journal, String message) {
        return journal == null ? message : journal + File.separator + message;
    }

    private static String firstLine(String text) {
        return text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
    }

    private static String oneLine(String text) {
        // Messages quote file contents and names; keep them on one line and free of terminal controls.
        return text == null ? "failed" : SafeText.escape(text.replaceAll("\\s+", " ").strip());
    }
}
