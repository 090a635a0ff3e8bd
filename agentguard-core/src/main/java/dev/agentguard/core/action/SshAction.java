package dev.agentguard.core.action;

import dev.agentguard.core.shell.ShellLine;
import dev.agentguard.core.shell.ShellSyntaxException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One thing an agent asks an SSH host to do, as the policy sees it: a command line (parsed into
 * every command it runs, see {@link ShellLine}), a command line that could not be read, or an
 * SFTP operation. Exactly one of {@code command}, {@code unreadableReason} and
 * {@code sftpOperation} is set.
 *
 * <p>No policy allows an unreadable line: a line the tokeniser cannot read the way a shell would
 * (an unbalanced quote, a control character, a line over the limits) is denied.
 *
 * <p>Relative paths in a command line or an SFTP request are relative to
 * {@code workingDirectory} when it is known; a line that changes directory ({@code cd}) makes it
 * unknown for that line. Where it is unknown, a relative path may be anywhere: deny rules on paths
 * match it and allow rules on paths never do.
 *
 * @param host             the host, lower case, without brackets for IPv6
 * @param user             the user the session logs in as, or {@code null} when not known
 * @param interactive      whether the line was typed into an interactive shell session (for SFTP: false)
 * @param workingDirectory the absolute directory relative paths start from (the login directory), or
 *                         {@code null} when not known; normalised, without {@code .} or {@code ..}
 * @param command          the parsed command line, or {@code null}
 * @param unreadableReason why the command line could not be read, or {@code null}; never quotes the line
 * @param sftpOperation    the SFTP operation, or {@code null}
 * @param sftpPaths        the SFTP paths (two for a rename: from, to), normalised: repeated and trailing
 *                         {@code /} and {@code .} segments removed, {@code ..} kept as written; empty for
 *                         commands
 */
public record SshAction(String host, String user, boolean interactive, String workingDirectory, ShellLine command,
                        String unreadableReason, SftpOperation sftpOperation, List<String> sftpPaths)
        implements ActionDetail {

    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._@$\\\\-]{0,99}");

    public SshAction {
        host = canonicalHost(host);
        if (user != null && !USER.matcher(user).matches()) {
            throw new IllegalArgumentException("SSH user must be 1 to 100 letters, digits or . _ - @ $ \\, starting "
                    + "with a letter, digit, '.' or '_'; use null when the user is not known");
        }
        if (workingDirectory != null) {
            String normal = normalise(workingDirectory);
            if (!normal.startsWith("/") || hasDotDot(normal)) {
                throw new IllegalArgumentException("workingDirectory must be an absolute path without '..' "
                        + "segments, or null when not known");
            }
            workingDirectory = normal;
        }
        int set = (command != null ? 1 : 0) + (unreadableReason != null ? 1 : 0) + (sftpOperation != null ? 1 : 0);
        if (set != 1) {
            throw new IllegalArgumentException("an SSH action is exactly one of a command line, an unreadable command "
                    + "line or an SFTP operation");
        }
        if (unreadableReason != null && unreadableReason.isBlank()) {
            throw new IllegalArgumentException("an unreadable command line carries the reason it could not be read");
        }
        if (sftpOperation != null) {
            if (interactive) {
                throw new IllegalArgumentException("an SFTP operation is never an interactive shell line");
            }
            Objects.requireNonNull(sftpPaths, "sftpPaths");
            if (sftpPaths.size() != sftpOperation.pathCount()) {
                throw new IllegalArgumentException("SFTP " + sftpOperation.fileName() + " names "
                        + sftpOperation.pathCount() + (sftpOperation.pathCount() == 1 ? " path" : " paths (from, to)")
                        + ", got " + sftpPaths.size());
            }
            List<String> out = new ArrayList<>(sftpPaths.size());
            for (String p : sftpPaths) {
                Objects.requireNonNull(p, "sftpPaths must not contain null");
                if (p.isEmpty() || p.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("an SFTP path must not be empty or contain NUL");
                }
                out.add(normalise(p));
            }
            sftpPaths = List.copyOf(out);
        } else {
            if (sftpPaths != null && !sftpPaths.isEmpty()) {
                throw new IllegalArgumentException("only an SFTP operation has SFTP paths");
            }
            sftpPaths = List.of();
        }
    }

    /** A parsed command line. */
    public static SshAction command(String host, String user, ShellLine line, boolean interactive,
                                    String workingDirectory) {
        return new SshAction(host, user, interactive, workingDirectory, Objects.requireNonNull(line, "line"), null,
                null, List.of());
    }

    /**
     * A command line as the agent typed it: parsed here, or recorded as unreadable (which every
     * policy denies) when it cannot be read exactly.
     */
    public static SshAction parse(String host, String user, String commandLine, boolean interactive,
                                  String workingDirectory) {
        Objects.requireNonNull(commandLine, "commandLine");
        try {
            return command(host, user, ShellLine.parse(commandLine), interactive, workingDirectory);
        } catch (ShellSyntaxException e) {
            return new SshAction(host, user, interactive, workingDirectory, null, e.getMessage(), null, List.of());
        }
    }

    /** An SFTP operation on {@code paths} (two for {@link SftpOperation#RENAME}: from, to). */
    public static SshAction sftp(String host, String user, String workingDirectory, SftpOperation operation,
                                 String... paths) {
        return new SshAction(host, user, false, workingDirectory, null, null, Objects.requireNonNull(operation,
                "operation"), List.of(paths));
    }

    /** Whether this is a command line that was read. */
    public boolean isCommand() {
        return command != null;
    }

    /** Whether this is a command line that could not be read; no policy allows it. */
    public boolean isUnreadable() {
        return unreadableReason != null;
    }

    /** Whether this is an SFTP operation. */
    public boolean isSftp() {
        return sftpOperation != null;
    }

    /**
     * The action as reasons name it, without arguments or paths (which may hold secrets):
     * {@code ssh deploy@app1: df, grep}, {@code sftp deploy@app1: read}.
     */
    public String describe() {
        StringBuilder b = new StringBuilder(48);
        b.append(isSftp() ? "sftp " : "ssh ");
        if (user != null) {
            b.append(user).append('@');
        }
        b.append(host).append(": ");
        if (isSftp()) {
            b.append(sftpOperation.fileName());
        } else if (isUnreadable()) {
            b.append("a command line that could not be read");
        } else {
            b.append(String.join(", ", command.programNames()));
            if (command.programNames().isEmpty()) {
                b.append("no program");
            }
        }
        return b.toString();
    }

    /** {@code path} with repeated and trailing slashes and {@code .} segments removed; {@code ..} is kept. */
    static String normalise(String path) {
        boolean absolute = path.startsWith("/");
        StringBuilder b = new StringBuilder(path.length());
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (b.length() > 0 || absolute) {
                b.append('/');
            }
            b.append(segment);
        }
        if (b.length() == 0) {
            return absolute ? "/" : ".";
        }
        return b.toString();
    }

    private static boolean hasDotDot(String path) {
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The one spelling of an SSH host that policies compare, as for HTTP
     * ({@link HttpAction#canonicalHost}): lower case, without brackets or a trailing dot, an IP
     * address in one text form ({@code 127.1} and {@code ::ffff:127.0.0.1} are {@code 127.0.0.1}).
     * Refused: what is no host name or IP address, an address resolvers read differently
     * ({@code 0177.0.0.1}, hexadecimal parts, zone ids), and the unspecified address
     * ({@code 0.0.0.0}, {@code ::}), which a connection takes for this machine itself.
     *
     * @throws IllegalArgumentException naming what is wrong (never quoting the host)
     */
    public static String canonicalHost(String host) {
        Objects.requireNonNull(host, "host");
        return CanonicalHost.checked(host.strip(), "SSH");
    }
}
