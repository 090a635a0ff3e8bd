package dev.agentguard.ssh;

import dev.agentguard.core.action.SshAction;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A host an agent may reach, by name: where it is, who the guard logs in as, with which
 * credential, which host keys it must present, and where its sessions are recorded. The agent
 * only ever names the target ({@code session("app1")}); everything else stays with the guard.
 *
 * <pre>{@code
 * SshTarget app1 = SshTarget.builder("app1")
 *         .host("app1.internal").port(22).user("deploy")
 *         .credential(SshCredential.privateKeyFile(Path.of("/etc/agentguard/keys/deploy_ed25519")))
 *         .hostKeys(HostKeys.knownHosts(Path.of("/etc/agentguard/known_hosts")))
 *         .recordings(Path.of("/var/lib/agentguard/recordings/app1"))
 *         .build();
 * }</pre>
 *
 * <p>Immutable. {@link #toString()} names the target, host, port and user, never the credential.
 */
public final class SshTarget {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern HOST = Pattern.compile("[a-z0-9._:%-]{1,253}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._@-]{0,63}");

    private final String name;
    private final String host;
    private final int port;
    private final String user;
    private final SshCredential credential;
    private final HostKeys hostKeys;
    private final Path recordings;
    private final String homeDirectory;

    private SshTarget(Builder b) {
        this.name = b.name;
        this.host = b.host;
        this.port = b.port;
        this.user = b.user;
        this.credential = b.credential;
        this.hostKeys = b.hostKeys;
        this.recordings = b.recordings;
        this.homeDirectory = b.homeDirectory;
    }

    /**
     * Starts a target called {@code name}: 1 to 100 letters, digits, {@code .}, {@code _} or
     * {@code -}, starting with a letter or digit. The journal shows it as the resource of every
     * event, and recordings are named after the session.
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The name agents use, and the resource of every audit event. */
    public String name() {
        return name;
    }

    /** The host name or address, lower case, as the policy's {@code hosts} patterns see it. */
    public String host() {
        return host;
    }

    /** The port, 1 to 65535. */
    public int port() {
        return port;
    }

    /** The user the guard logs in as. */
    public String user() {
        return user;
    }

    /** The directory this target's session recordings are written to. */
    public Path recordings() {
        return recordings;
    }

    /** The directory exec commands start in, or {@code null} when not configured. */
    public String homeDirectory() {
        return homeDirectory;
    }

    SshCredential credential() {
        return credential;
    }

    HostKeys hostKeys() {
        return hostKeys;
    }

    @Override
    public String toString() {
        return "SshTarget[" + name + ": " + user + "@" + HostKeys.hostPort(host, port) + ", " + credential + ", "
                + hostKeys + "]";
    }

    /** Configures a {@link SshTarget}; host, user, credential, host keys and recordings are required. */
    public static final class Builder {
        private final String name;
        private String host;
        private int port = 22;
        private String user;
        private SshCredential credential;
        private HostKeys hostKeys;
        private Path recordings;
        private String homeDirectory;

        private Builder(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("target name \"" + printable(name) + "\" is not allowed: use 1 to "
                        + "100 letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. \"app1\"");
            }
            this.name = name;
        }

        /**
         * The host name or IP address (IPv6 with or without brackets). Kept in the one spelling
         * the policy's {@code hosts} patterns are compared in ({@link SshAction#canonicalHost}, as
         * for HTTP): lower case, without a trailing dot, an IP address in one text form
         * ({@code 127.1} and {@code ::ffff:127.0.0.1} are {@code 127.0.0.1}, {@code 0:0:0:0:0:0:0:1}
         * is {@code ::1}), so a rule on a host cannot be passed by writing the target's host
         * another way. The guard connects to, and looks up host keys under, that spelling.
         *
         * @throws IllegalArgumentException when it is no host name or IP address, an address
         *                                  resolvers read differently ({@code 0177.0.0.1}), or the
         *                                  unspecified address ({@code 0.0.0.0}, {@code ::})
         */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            String h;
            try {
                h = SshAction.canonicalHost(host);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("host \"" + printable(host) + "\" is not allowed: " + e.getMessage());
            }
            if (!HOST.matcher(h).matches()) {
                throw new IllegalArgumentException("host \"" + printable(host) + "\" is not a host name or IP address");
            }
            this.host = h;
            return this;
        }

        /** The port; default 22. */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The user the guard logs in as: 1 to 64 letters, digits, {@code .}, {@code _}, {@code -} or {@code @}. */
        public Builder user(String user) {
            Objects.requireNonNull(user, "user");
            if (!USER.matcher(user).matches()) {
                throw new IllegalArgumentException("user \"" + printable(user) + "\" is not allowed: use 1 to 64 "
                        + "letters, digits, '.', '_', '-' or '@', e.g. \"deploy\"");
            }
            this.user = user;
            return this;
        }

        /** How the guard logs in. */
        public Builder credential(SshCredential credential) {
            this.credential = Objects.requireNonNull(credential, "credential");
            return this;
        }

        /** The host keys the target must present. */
        public Builder hostKeys(HostKeys hostKeys) {
            this.hostKeys = Objects.requireNonNull(hostKeys, "hostKeys");
            return this;
        }

        /**
         * The directory for this target's session recordings (created if missing). Every session
         * is recorded; a directory shared by several targets is fine, as files are named by session.
         */
        public Builder recordings(Path directory) {
            this.recordings = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
            return this;
        }

        /**
         * The directory the user logs in to (e.g. {@code /home/deploy}), so that the policy can decide
         * relative paths in exec commands ({@code cat app/config.yaml}). Without it, a relative path
         * may be anywhere: deny rules on paths match it, allow rules on paths never do. Lines of an
         * interactive shell are always decided that way, since earlier lines may have changed directory.
         */
        public Builder homeDirectory(String absolutePath) {
            Objects.requireNonNull(absolutePath, "absolutePath");
            if (!absolutePath.startsWith("/") || absolutePath.contains("/../") || absolutePath.endsWith("/..")
                    || absolutePath.chars().anyMatch(c -> c < 0x20)) {
                throw new IllegalArgumentException("homeDirectory must be an absolute path without '..', e.g. "
                        + "\"/home/deploy\"");
            }
            this.homeDirectory = absolutePath;
            return this;
        }

        /** @throws IllegalStateException naming what is missing */
        public SshTarget build() {
            if (host == null) {
                throw new IllegalStateException("target \"" + name + "\": host is not set, e.g. host(\"app1.internal\")");
            }
            if (user == null) {
                throw new IllegalStateException("target \"" + name + "\": user is not set, e.g. user(\"deploy\")");
            }
            if (credential == null) {
                throw new IllegalStateException("target \"" + name + "\": credential is not set, e.g. "
                        + "credential(SshCredential.privateKeyFile(path))");
            }
            if (hostKeys == null) {
                throw new IllegalStateException("target \"" + name + "\": hostKeys is not set: pin the host's keys "
                        + "(HostKeys.pinned(...)) or name a known_hosts file (HostKeys.knownHosts(path)); no host key "
                        + "is accepted unchecked");
            }
            if (recordings == null) {
                throw new IllegalStateException("target \"" + name + "\": recordings is not set: every session is "
                        + "recorded, name the directory, e.g. recordings(Path.of(\"/var/lib/agentguard/recordings\"))");
            }
            return new SshTarget(this);
        }
    }

    static String printable(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return t.replaceAll("[\\p{Cntrl}\\p{Cf}]", "?");
    }
}
