package dev.agentguard.samples;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The sample's application host, an SSH server (Apache MINA SSHD) the sample starts itself on
 * loopback: it logs in only the operator's key, and answers a few commands as a payments host
 * would. It never runs anything: each command prints a scripted answer, and every command that
 * reached it is noted, so the sample can show that a denied one never did.
 */
final class OpsHost implements AutoCloseable {
    /** The user the guard logs in as. */
    static final String USER = "deploy";

    /** Where the user's commands start. */
    static final String HOME = "/home/deploy";

    /** A payment log line in which a customer's card number was written in full, as happens. */
    static final String LOG_WITH_PAN = "2026-11-26T09:14:03Z WARN refund 4512 retried for card 4000 0566 5566 5556";

    private static final Map<String, String> ANSWERS = Map.of(
            "df -h", String.join("\n",
                    "Filesystem      Size  Used Avail Use% Mounted on",
                    "/dev/vda1        40G   17G   21G  45% /",
                    "/dev/vdb1       200G  121G   79G  61% /var/lib/payments", ""),
            "tail -n 2 /var/log/app/payments.log", String.join("\n",
                    "2026-11-26T09:14:01Z INFO refund 4511 settled",
                    LOG_WITH_PAN, ""));

    private final SshServer sshd;
    private final KeyPair hostKey;
    private final KeyPair operatorKey;
    private final Queue<String> ran = new ConcurrentLinkedQueue<>();

    private OpsHost(SshServer sshd, KeyPair hostKey, KeyPair operatorKey) {
        this.sshd = sshd;
        this.hostKey = hostKey;
        this.operatorKey = operatorKey;
    }

    /** Starts the host on a free loopback port, with a new host key and a new operator key. */
    static OpsHost start() throws IOException, GeneralSecurityException {
        KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        KeyPair operatorKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKey)));
        sshd.setPublickeyAuthenticator((user, key, session) -> USER.equals(user)
                && KeyUtils.compareKeys(key, operatorKey.getPublic()));
        OpsHost host = new OpsHost(sshd, hostKey, operatorKey);
        sshd.setCommandFactory((channel, command) -> host.new Scripted(command));
        sshd.start();
        return host;
    }

    int port() {
        return sshd.getPort();
    }

    /** The host's public key as an OpenSSH line, which the operator pins in the guard. */
    String hostKeyLine() {
        return PublicKeyEntry.toString(hostKey.getPublic());
    }

    /** The operator's login key as an OpenSSH private key file: handed to the guard, never to the agent. */
    byte[] operatorKeyFile() throws IOException, GeneralSecurityException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(operatorKey, "agentguard-sample-operator", null, file);
        return file.toByteArray();
    }

    /** Every command that reached the host, in order. */
    List<String> ran() {
        return List.copyOf(ran);
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }

    /** One command: its scripted answer, or "command not found". */
    private final class Scripted implements Command {
        private final String command;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        Scripted(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            // the scripted commands read no input
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            ran.add(command);
            String answer = ANSWERS.get(command);
            if (answer != null) {
                out.write(answer.getBytes(StandardCharsets.UTF_8));
                out.flush();
                exit.onExit(0);
            } else {
                err.write((command.split(" ", 2)[0] + ": command not found\n").getBytes(StandardCharsets.UTF_8));
                err.flush();
                exit.onExit(127);
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
            // nothing runs, so nothing to stop
        }
    }
}
