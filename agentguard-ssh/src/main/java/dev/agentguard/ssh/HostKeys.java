package dev.agentguard.ssh;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which host keys a {@link SshTarget} may present: keys pinned in the configuration, or the
 * entries of an OpenSSH {@code known_hosts} file. There is no "accept any key": a host whose key
 * is not listed, or whose key changed, is refused before any credential is sent
 * ({@link HostKeyRejectedException}).
 *
 * <pre>{@code
 * HostKeys.pinned("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI… app1")     // an OpenSSH public key line
 * HostKeys.knownHosts(Path.of("/etc/agentguard/known_hosts"))        // hashed entries and [host]:port too
 * }</pre>
 */
public abstract sealed class HostKeys permits HostKeys.Pinned, HostKeys.KnownHosts {

    private HostKeys() {
    }

    /**
     * The host keys given as OpenSSH public key lines ({@code ssh-ed25519 AAAA… comment}, as in a
     * {@code .pub} file or {@code ssh-keyscan} output without the host name).
     *
     * @throws IllegalArgumentException when a line is not a public key
     */
    public static HostKeys pinned(String... publicKeyLines) {
        Objects.requireNonNull(publicKeyLines, "publicKeyLines");
        if (publicKeyLines.length == 0) {
            throw new IllegalArgumentException("pin at least one host key: a target without host keys is refused");
        }
        List<PublicKey> keys = new ArrayList<>();
        for (String line : publicKeyLines) {
            keys.add(parse(Objects.requireNonNull(line, "publicKeyLines must not contain null")));
        }
        return new Pinned(List.copyOf(keys));
    }

    /** The host keys given as Java public keys. */
    public static HostKeys pinned(PublicKey... keys) {
        Objects.requireNonNull(keys, "keys");
        if (keys.length == 0) {
            throw new IllegalArgumentException("pin at least one host key: a target without host keys is refused");
        }
        for (PublicKey k : keys) {
            Objects.requireNonNull(k, "keys must not contain null");
        }
        return new Pinned(List.of(keys));
    }

    /**
     * The entries of an OpenSSH {@code known_hosts} file, read at every connection (so an edit takes
     * effect without a restart). Plain and hashed ({@code |1|…}) host names, {@code [host]:port}
     * for other ports than 22, and {@code @revoked} markers are honoured; {@code @cert-authority}
     * entries are not supported and match nothing. The file is never written.
     */
    public static HostKeys knownHosts(Path file) {
        return new KnownHosts(Objects.requireNonNull(file, "file").toAbsolutePath().normalize());
    }

    /**
     * Whether {@code presented} is a key this target may present at {@code host}:{@code port}.
     *
     * @return {@code null} when it is; otherwise why not, naming the key by its fingerprint
     */
    abstract String refusal(String host, int port, PublicKey presented);

    /** Checks what can be checked when the client is built (that the file is readable). */
    abstract void check() throws IOException;

    static PublicKey parse(String line) {
        String t = line.strip();
        try {
            AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(t);
            if (entry == null) {
                throw new IllegalArgumentException("empty");
            }
            return entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("a pinned host key must be an OpenSSH public key line such as "
                    + "\"ssh-ed25519 AAAAC3Nza… host\" (" + e.getClass().getSimpleName() + ")");
        }
    }

    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }

    /** Keys pinned in the configuration. */
    static final class Pinned extends HostKeys {
        private final List<PublicKey> keys;

        private Pinned(List<PublicKey> keys) {
            this.keys = keys;
        }

        @Override
        String refusal(String host, int port, PublicKey presented) {
            for (PublicKey k : keys) {
                if (KeyUtils.compareKeys(k, presented)) {
                    return null;
                }
            }
            return "the host key " + describe(presented) + " is not one of the " + keys.size() + " pinned for this target";
        }

        @Override
        void check() {
            // parsed when pinned
        }

        @Override
        public String toString() {
            List<String> prints = new ArrayList<>();
            for (PublicKey k : keys) {
                prints.add(fingerprint(k));
            }
            return "HostKeys.pinned" + prints;
        }
    }

    /** An OpenSSH known_hosts file. */
    static final class KnownHosts extends HostKeys {
        private final Path file;

        private KnownHosts(Path file) {
            this.file = file;
        }

        @Override
        String refusal(String host, int port, PublicKey presented) {
            List<KnownHostEntry> entries;
            try {
                entries = KnownHostEntry.readKnownHostEntries(file);
            } catch (IOException | RuntimeException e) {
                return "the known_hosts file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")";
            }
            String h = host.toLowerCase(Locale.ROOT);
            int listed = 0;
            for (KnownHostEntry entry : entries) {
                if (!matches(entry, h, port)) {
                    continue;
                }
                PublicKey key = keyOf(entry);
                if (key == null) {
                    continue;
                }
                String marker = entry.getMarker();
                if ("revoked".equals(marker)) {
                    if (KeyUtils.compareKeys(key, presented)) {
                        return "the host key " + describe(presented) + " is marked @revoked in " + file;
                    }
                    continue;
                }
                if (marker != null) {
                    continue; // @cert-authority: not supported, matches nothing
                }
                listed++;
            }
            for (KnownHostEntry entry : entries) {
                if (entry.getMarker() == null && matches(entry, h, port)) {
                    PublicKey key = keyOf(entry);
                    if (key != null && KeyUtils.compareKeys(key, presented)) {
                        return null;
                    }
                }
            }
            if (listed == 0) {
                return "the host " + hostPort(host, port) + " is not in " + file + " (unknown host; its key is "
                        + describe(presented) + ")";
            }
            return "the host key " + describe(presented) + " of " + hostPort(host, port) + " does not match the "
                    + listed + " listed in " + file + " (the host key changed, or someone is in between)";
        }

        private static boolean matches(KnownHostEntry entry, String host, int port) {
            try {
                return entry.isHostMatch(host, port);
            } catch (RuntimeException e) {
                return false;
            }
        }

        private static PublicKey keyOf(KnownHostEntry entry) {
            AuthorizedKeyEntry k = entry.getKeyEntry();
            if (k == null) {
                return null;
            }
            try {
                return k.resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                return null;
            }
        }

        @Override
        void check() throws IOException {
            if (!Files.isReadable(file)) {
                throw new IOException("the known_hosts file " + file + " cannot be read");
            }
        }

        @Override
        public String toString() {
            return "HostKeys.knownHosts[" + file + "]";
        }
    }

    static String describe(PublicKey key) {
        return KeyUtils.getKeyType(key) + " " + fingerprint(key);
    }

    static String hostPort(String host, int port) {
        return port == 22 ? host : "[" + host + "]:" + port;
    }

    /** An OpenSSH public key line for {@code key}, as {@link #pinned(String...)} takes it. */
    static String openSshLine(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }
}
