package dev.agentguard.ssh;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How the guard logs in to a {@link SshTarget}: a private key (a file, or its bytes) or a
 * password. The agent never sees it: it names the target, and the guard authenticates.
 *
 * <p>The secret cannot be read back: there is no accessor, {@link #toString()} names only the
 * kind, and neither the journal, a log line nor an exception message ever holds it (a key that
 * cannot be read is reported by its file name and the kind of problem only).
 *
 * <p>Key formats: OpenSSH ({@code -----BEGIN OPENSSH PRIVATE KEY-----}) and PEM (PKCS#1, PKCS#8),
 * for Ed25519, ECDSA and RSA keys; a passphrase-protected key needs its passphrase.
 */
public abstract sealed class SshCredential permits SshCredential.KeyFile, SshCredential.KeyBytes, SshCredential.Password {

    private SshCredential() {
    }

    /**
     * A private key read from {@code file} at every login, so a rotated key is picked up without
     * rebuilding the client. {@link GuardedSshClient.Builder#build()} reads it once to check it.
     */
    public static SshCredential privateKeyFile(Path file) {
        return new KeyFile(Objects.requireNonNull(file, "file").toAbsolutePath().normalize(), null);
    }

    /** A passphrase-protected private key read from {@code file} at every login. */
    public static SshCredential privateKeyFile(Path file, char[] passphrase) {
        Objects.requireNonNull(passphrase, "passphrase");
        return new KeyFile(Objects.requireNonNull(file, "file").toAbsolutePath().normalize(), passphrase.clone());
    }

    /** A private key given as the bytes of its file (OpenSSH or PEM); the array is copied. */
    public static SshCredential privateKey(byte[] keyFile) {
        Objects.requireNonNull(keyFile, "keyFile");
        if (keyFile.length == 0) {
            throw new IllegalArgumentException("the private key is empty; pass the bytes of an OpenSSH or PEM key file");
        }
        return new KeyBytes(keyFile.clone(), null);
    }

    /** A passphrase-protected private key given as the bytes of its file; both arrays are copied. */
    public static SshCredential privateKey(byte[] keyFile, char[] passphrase) {
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(passphrase, "passphrase");
        return new KeyBytes(keyFile.clone(), passphrase.clone());
    }

    /** A password; the array is copied. Prefer a key: a password can be phished by a false host. */
    public static SshCredential password(char[] password) {
        Objects.requireNonNull(password, "password");
        if (password.length == 0) {
            throw new IllegalArgumentException("the password is empty");
        }
        return new Password(password.clone());
    }

    /** Adds this credential to {@code session} before it authenticates. */
    abstract void addTo(ClientSession session) throws IOException;

    /** Reads the key once, so a configuration mistake shows when the client is built, not at the first login. */
    abstract void check() throws IOException;

    /** The kind of credential, as {@link #toString()} and configuration messages name it. */
    abstract String kind();

    @Override
    public final String toString() {
        return "SshCredential[" + kind() + "]";
    }

    static List<KeyPair> loadKeys(String name, byte[] bytes, char[] passphrase) throws IOException {
        FilePasswordProvider provider = passphrase == null ? FilePasswordProvider.EMPTY
                : FilePasswordProvider.of(new String(passphrase));
        List<KeyPair> keys = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(name), in, provider);
            if (loaded != null) {
                loaded.forEach(keys::add);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // The library's message may quote key material (it dumps bytes it did not expect);
            // name the kind of problem only.
            throw new IOException("the private key " + name + " cannot be read (" + e.getClass().getSimpleName()
                    + "): is it an OpenSSH or PEM private key, and is the passphrase right?");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        if (keys.isEmpty()) {
            throw new IOException("the private key " + name + " holds no key: pass an OpenSSH or PEM private key file");
        }
        return keys;
    }

    /** A key file on disk. */
    static final class KeyFile extends SshCredential {
        private final Path file;
        private final char[] passphrase;

        private KeyFile(Path file, char[] passphrase) {
            this.file = file;
            this.passphrase = passphrase;
        }

        @Override
        void addTo(ClientSession session) throws IOException {
            for (KeyPair key : read()) {
                session.addPublicKeyIdentity(key);
            }
        }

        @Override
        void check() throws IOException {
            read();
        }

        private List<KeyPair> read() throws IOException {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new IOException("the private key file " + file + " cannot be read (" + e.getClass().getSimpleName()
                        + ")");
            }
            return loadKeys(file.getFileName().toString(), bytes, passphrase);
        }

        @Override
        String kind() {
            return "private key file " + file.getFileName();
        }
    }

    /** A key held in memory. */
    static final class KeyBytes extends SshCredential {
        private final byte[] bytes;
        private final char[] passphrase;

        private KeyBytes(byte[] bytes, char[] passphrase) {
            this.bytes = bytes;
            this.passphrase = passphrase;
        }

        @Override
        void addTo(ClientSession session) throws IOException {
            for (KeyPair key : loadKeys("(in memory)", bytes.clone(), passphrase)) {
                session.addPublicKeyIdentity(key);
            }
        }

        @Override
        void check() throws IOException {
            loadKeys("(in memory)", bytes.clone(), passphrase);
        }

        @Override
        String kind() {
            return "private key";
        }
    }

    /** A password. */
    static final class Password extends SshCredential {
        private final char[] password;

        private Password(char[] password) {
            this.password = password;
        }

        @Override
        void addTo(ClientSession session) {
            session.addPasswordIdentity(new String(password));
        }

        @Override
        void check() {
            // nothing to read
        }

        @Override
        String kind() {
            return "password";
        }
    }
}
