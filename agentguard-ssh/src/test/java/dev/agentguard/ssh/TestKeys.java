package dev.agentguard.ssh;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;

/** Key pairs made once per test run: host keys of the test servers and the agent's login key. */
final class TestKeys {

    /** The test server's Ed25519 host key. */
    static final KeyPair HOST_ED25519 = generate(KeyPairProvider.SSH_ED25519, 256);
    /** The test server's RSA host key. */
    static final KeyPair HOST_RSA = generate(KeyPairProvider.SSH_RSA, 2048);
    /** Another Ed25519 key: an impostor's host key. */
    static final KeyPair OTHER_ED25519 = generate(KeyPairProvider.SSH_ED25519, 256);
    /** The key the guard logs in with. */
    static final KeyPair CLIENT_ED25519 = generate(KeyPairProvider.SSH_ED25519, 256);

    private TestKeys() {
    }

    static KeyPair generate(String type, int bits) {
        try {
            return KeyUtils.generateKeyPair(type, bits);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + type + " key", e);
        }
    }

    /** The OpenSSH public key line of {@code key} ({@code ssh-ed25519 AAAA…}). */
    static String publicLine(KeyPair key) {
        return PublicKeyEntry.toString(key.getPublic());
    }

    /** The OpenSSH private key file of {@code key}, as bytes. */
    static byte[] privateKeyFile(KeyPair key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "agentguard-test", null, out);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write a private key", e);
        }
        return out.toByteArray();
    }

    /** Writes {@code key}'s private key file into {@code dir} and returns its path. */
    static Path writePrivateKey(Path dir, KeyPair key) {
        try {
            Path file = dir.resolve("id_agent");
            Files.write(file, privateKeyFile(key));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
