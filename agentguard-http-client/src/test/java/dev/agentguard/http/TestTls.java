package dev.agentguard.http;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Self-signed keys and certificates for the HTTPS tests, made once per test JVM with the JDK's
 * {@code keytool}: a server certificate for {@code localhost} and a client certificate for the
 * agent's mutual-TLS target.
 */
final class TestTls {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static volatile TestTls instance;

    final KeyStore server;
    final KeyStore client;

    private TestTls(KeyStore server, KeyStore client) {
        this.server = server;
        this.client = client;
    }

    static TestTls get() throws Exception {
        TestTls t = instance;
        if (t == null) {
            synchronized (TestTls.class) {
                if (instance == null) {
                    instance = make();
                }
                t = instance;
            }
        }
        return t;
    }

    private static TestTls make() throws Exception {
        Path dir = Files.createTempDirectory("agentguard-http-tls");
        try {
            KeyStore server = keyPair(dir, "server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
            KeyStore client = keyPair(dir, "client", "CN=payments-agent-client", null);
            return new TestTls(server, client);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static KeyStore keyPair(Path dir, String alias, String dname, String san) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> command = new java.util.ArrayList<>(List.of(keytool, "-genkeypair", "-alias", alias,
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname, "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD),
                "-keypass", new String(PASSWORD)));
        if (san != null) {
            command.add("-ext");
            command.add(san);
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    /** The server side: its key, and trust in the client certificate (for mutual TLS). */
    SSLContext serverContext() throws Exception {
        return context(server, "server", trusting(client.getCertificate("client")));
    }

    /** A client that trusts the server and has no certificate of its own. */
    SSLContext trustingClient() throws Exception {
        return context(null, null, trusting(server.getCertificate("server")));
    }

    /** A client that trusts the server and presents the client certificate. */
    SSLContext clientWithCertificate() throws Exception {
        return context(client, "client", trusting(server.getCertificate("server")));
    }

    private static KeyStore trusting(Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("trusted", certificate);
        return trust;
    }

    private static SSLContext context(KeyStore keys, String alias, KeyStore trust) throws Exception {
        KeyManagerFactory kmf = null;
        if (keys != null) {
            KeyStore only = KeyStore.getInstance("PKCS12");
            only.load(null, null);
            only.setKeyEntry(alias, keys.getKey(alias, PASSWORD), PASSWORD, keys.getCertificateChain(alias));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(only, PASSWORD);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
