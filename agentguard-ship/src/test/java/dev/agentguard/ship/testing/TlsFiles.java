package dev.agentguard.ship.testing;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

/** A receiver's key pair and certificate, made with the JDK's keytool for each test. */
public final class TlsFiles {
    public static final char[] PASSWORD = "changeit".toCharArray();

    private final Path keyStore;
    private final Path certificate;

    private TlsFiles(Path keyStore, Path certificate) {
        this.keyStore = keyStore;
        this.certificate = certificate;
    }

    /** A PKCS#12 key store with a self-signed EC certificate for {@code subjectAltNames} ("dns:localhost,ip:127.0.0.1"). */
    public static TlsFiles create(Path dir, String subjectAltNames) throws Exception {
        Path ks = dir.resolve("receiver.p12");
        Path pem = dir.resolve("receiver.pem");
        keytool("-genkeypair", "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=syslog receiver", "-ext", "SAN=" + subjectAltNames, "-validity", "2",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", new String(PASSWORD));
        keytool("-exportcert", "-rfc", "-alias", "receiver", "-keystore", ks.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-file", pem.toString());
        return new TlsFiles(ks, pem);
    }

    private static void keytool(String... args) throws Exception {
        Path keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new java.util.ArrayList<>(List.of(keytool.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(Duration.ofSeconds(60).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
            throw new AssertionError("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }

    public Path keyStore() {
        return keyStore;
    }

    /** The certificate (PEM) a client trusts. */
    public Path certificate() {
        return certificate;
    }
}
