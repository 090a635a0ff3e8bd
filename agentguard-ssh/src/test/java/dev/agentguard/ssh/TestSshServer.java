package dev.agentguard.ssh;

import org.apache.sshd.client.channel.AbstractClientChannel;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Apache MINA SSH server on a random loopback port for the tests: its own host keys, the
 * agent's key (and a password) accepted for user {@value #USER}, scripted commands that record
 * what ran, {@code /bin/sh} as the shell, SFTP on a directory of the test's, and a forwarding
 * filter that records every forwarding request (and refuses it).
 *
 * <p>Scripted commands: {@code echo WORDS} prints its words; {@code df -h} prints a disk table;
 * {@code card-line} prints a line with a card number; {@code split-pan} prints the same line with
 * a card number split into two packets at every position; {@code exit N}; {@code hang} waits until
 * the channel closes; {@code open-channel TYPE} tries to open a channel of TYPE towards the client
 * and prints {@code opened} or {@code refused}. Anything else: status 127.
 */
final class TestSshServer implements AutoCloseable {

    static final String USER = "deploy";
    static final String PASSWORD = "correct horse battery staple";
    /** The line {@code card-line} prints. */
    static final String CARD_LINE = "customer 42 paid with 4111 1111 1111 1111 yesterday";

    private final SshServer sshd;
    /** Every exec command the server received, in order. */
    final Queue<String> ran = new ConcurrentLinkedQueue<>();
    /** Every forwarding the client asked for (agent, x11, tcpip). */
    final Queue<String> forwardingRequests = new ConcurrentLinkedQueue<>();
    /** Every login attempt: "publickey" or "password:<the password tried>". */
    final Queue<String> authAttempts = new ConcurrentLinkedQueue<>();
    /** Connections accepted (sessions created), whether or not they logged in. */
    final AtomicInteger connections = new AtomicInteger();
    /** Channels the server opened at a client's request (exec, shell, SFTP), whether or not they ran anything. */
    final AtomicInteger channelsOpened = new AtomicInteger();
    /** Channels the server closed, whoever asked. */
    final AtomicInteger channelsClosed = new AtomicInteger();
    private final ExecutorService commands = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-sshd-command");
        t.setDaemon(true);
        return t;
    });

    TestSshServer(Path sftpRoot, KeyPair... hostKeys) throws IOException {
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        List<KeyPair> keys = List.of(hostKeys.length == 0 ? new KeyPair[] {TestKeys.HOST_ED25519} : hostKeys);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(keys));
        sshd.setPublickeyAuthenticator((user, key, session) -> {
            authAttempts.add("publickey");
            return USER.equals(user) && KeyUtils.compareKeys(key, TestKeys.CLIENT_ED25519.getPublic());
        });
        sshd.setPasswordAuthenticator((user, password, session) -> {
            authAttempts.add("password:" + password);
            return USER.equals(user) && PASSWORD.equals(password);
        });
        sshd.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                connections.incrementAndGet();
            }
        });
        sshd.addChannelListener(new ChannelListener() {
            @Override
            public void channelOpenSuccess(Channel channel) {
                channelsOpened.incrementAndGet();
            }

            @Override
            public void channelClosed(Channel channel, Throwable reason) {
                channelsClosed.incrementAndGet();
            }
        });
        sshd.setCommandFactory((channel, command) -> new Scripted(command));
        sshd.setShellFactory(new ProcessShellFactory("/bin/sh", "/bin/sh", "-i"));
        Files.createDirectories(sftpRoot);
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(sftpRoot));
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.setForwardingFilter(new RecordingForwardingFilter());
        sshd.start();
    }

    int port() {
        return sshd.getPort();
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
        commands.shutdownNow();
    }

    /** Refuses every forwarding, and notes that it was asked for. */
    private final class RecordingForwardingFilter implements ForwardingFilter {
        @Override
        public boolean canForwardAgent(Session session, String requestType) {
            forwardingRequests.add("agent:" + requestType);
            return false;
        }

        @Override
        public boolean canForwardX11(Session session, String requestType) {
            forwardingRequests.add("x11:" + requestType);
            return false;
        }

        @Override
        public boolean canListen(SshdSocketAddress address, Session session) {
            forwardingRequests.add("listen:" + address);
            return false;
        }

        @Override
        public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
            forwardingRequests.add("connect:" + type + ":" + address);
            return false;
        }
    }

    /** A channel the server opens towards the client, as X11, agent or remote forwarding would. */
    private static final class ProbeChannel extends AbstractClientChannel {
        ProbeChannel(String type) {
            super(type);
        }

        @Override
        protected void doOpen() {
            // nothing to set up: the test only looks at whether the client accepts the channel
        }
    }

    /** One scripted command. */
    private final class Scripted implements Command {
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private volatile ChannelSession channel;

        Scripted(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in; // only read-input reads it
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
        public void start(ChannelSession channel, Environment env) {
            this.channel = channel;
            ran.add(command);
            commands.execute(this::run);
        }

        private void run() {
            int status;
            try {
                status = script();
            } catch (IOException | RuntimeException e) {
                status = 255;
            }
            exit.onExit(status);
        }

        private int script() throws IOException {
            String[] words = command.split(" ");
            switch (words[0]) {
                case "echo":
                    print(out, command.substring(Math.min(command.length(), 5)) + "\n");
                    return 0;
                case "df":
                    print(out, "Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1        50G   20G   30G  40% /\n");
                    return 0;
                case "card-line":
                    print(out, CARD_LINE + "\n");
                    return 0;
                case "split-pan": {
                    byte[] line = (CARD_LINE + "\n").getBytes(StandardCharsets.UTF_8);
                    for (int cut = 1; cut < line.length - 1; cut++) {
                        out.write(line, 0, cut);
                        out.flush();
                        out.write(line, cut, line.length - cut);
                        out.flush();
                    }
                    return 0;
                }
                case "stderr-pan":
                    print(err, "error: card 5555 5555 5555 4444 declined\n");
                    return 3;
                case "exit":
                    return Integer.parseInt(words[1]);
                case "read-input": {
                    // Reads standard input to its end, as cat or a filter does.
                    long n = in.transferTo(OutputStream.nullOutputStream());
                    print(out, "read " + n + " bytes\n");
                    return 0;
                }
                case "hang": {
                    // Runs until the client closes the channel.
                    CountDownLatch closed = new CountDownLatch(1);
                    channel.addCloseFutureListener(f -> closed.countDown());
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return 130;
                }
                case "open-channel": {
                    ProbeChannel probe = new ProbeChannel(words[1]);
                    ConnectionService service = channel.getSession().getService(ConnectionService.class);
                    service.registerChannel(probe);
                    OpenFuture opened = probe.open();
                    opened.await(Duration.ofSeconds(10));
                    print(out, opened.isOpened() ? "opened\n" : "refused\n");
                    probe.close(true);
                    return 0;
                }
                default:
                    print(err, words[0] + ": command not found\n");
                    return 127;
            }
        }

        private void print(OutputStream s, String text) throws IOException {
            s.write(text.getBytes(StandardCharsets.UTF_8));
            s.flush();
        }

        @Override
        public void destroy(ChannelSession channel) {
            // the command thread ends by itself
        }
    }

    /** The commands the server ran, as a list. */
    List<String> ranCommands() {
        return new ArrayList<>(ran);
    }
}
