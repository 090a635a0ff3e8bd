package dev.agentguard.benchmarks.ssh;

import dev.agentguard.benchmarks.ServerProcess;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Map;

/**
 * The SSH host of the exec benchmarks: an Apache MINA server on 127.0.0.1 whose every command
 * prints a fixed disk table and exits 0 at once (so the host costs next to nothing), TCP_NODELAY
 * set as the guarded client sets it, one client key accepted. In the benchmark's JVM
 * ({@link #start}) or in one of its own ({@link #main}, through {@link ServerProcess}).
 */
final class DiskTableServer {

    static final byte[] DISK_TABLE = ("Filesystem      Size  Used Avail Use% Mounted on\n"
            + "/dev/sda1        50G   20G   30G  40% /\n"
            + "tmpfs           7.8G     0  7.8G   0% /dev/shm\n").getBytes(StandardCharsets.US_ASCII);

    private DiskTableServer() {
    }

    /** A started server with {@code hostKey}, accepting {@code clientKey} only. */
    static SshServer start(KeyPair hostKey, PublicKey clientKey) throws IOException {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKey));
        server.setCommandFactory((channel, command) -> new DiskTable());
        CoreModuleProperties.TCP_NODELAY.set(server, true);
        server.start();
        return server;
    }

    /**
     * In a JVM of its own: {@code args[0]} is the client's public key (an OpenSSH line). Prints
     * {@code ready <port> <host public key line>} and serves until its standard input closes.
     */
    public static void main(String[] args) throws Exception {
        KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        SshServer server = start(hostKey, publicKey(args[0]));
        try {
            ServerProcess.serveUntilParentCloses(server.getPort() + " " + PublicKeyEntry.toString(hostKey.getPublic()));
        } finally {
            server.stop(true);
            System.exit(0); // no thread of the server's may keep an orphaned child alive
        }
    }

    /** The key of an OpenSSH public key line ({@code ssh-ed25519 AAAA…}). */
    static PublicKey publicKey(String line) throws IOException, GeneralSecurityException {
        return PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
    }

    /** The host's side of a command: prints the disk table and exits 0. */
    private static final class DiskTable implements Command {
        private OutputStream out;
        private ExitCallback exit;

        @Override
        public void setInputStream(InputStream in) {
            // reads nothing
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            // writes nothing there
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            out.write(DISK_TABLE);
            out.flush();
            exit.onExit(0);
        }

        @Override
        public void destroy(ChannelSession channel) {
            // nothing runs after start
        }
    }
}
