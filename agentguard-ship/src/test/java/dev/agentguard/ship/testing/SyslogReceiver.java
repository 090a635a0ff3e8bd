package dev.agentguard.ship.testing;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A syslog-over-TLS receiver (RFC 5425 octet-counted frames) on loopback, standing in for
 * rsyslog's imtcp with TLS. Like a receiver with an in-memory queue, it loses what it holds
 * when it crashes ({@link #crash()}), which is what the shipper's replay window is for.
 *
 * <p>A crashed receiver keeps its listening socket and resets every connection at once until
 * {@link #restart()}: to the shipper that is a receiver that is down, and the port cannot be
 * taken meanwhile by another socket on a busy machine, as it could be if it were closed and
 * bound again.
 */
public final class SyslogReceiver implements AutoCloseable {
    private final int port;
    private final SSLServerSocket server;
    private final List<Socket> connections = new ArrayList<>();
    private final List<String> held = new ArrayList<>();
    private int connectionsAccepted;
    private boolean down;

    public SyslogReceiver(TlsFiles tls) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(tls.keyStore())) {
            ks.load(in, TlsFiles.PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, TlsFiles.PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server = s;
        port = s.getLocalPort();
        Thread accept = new Thread(() -> acceptLoop(s), "syslog-receiver-accept");
        accept.setDaemon(true);
        accept.start();
    }

    private void acceptLoop(SSLServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket c = s.accept();
                synchronized (this) {
                    if (down) {
                        reset(c);
                        continue;
                    }
                    connections.add(c);
                    connectionsAccepted++;
                }
                Thread t = new Thread(() -> read(c), "syslog-receiver-read");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void read(Socket c) {
        try (InputStream in = new BufferedInputStream(c.getInputStream())) {
            while (true) {
                int length = 0;
                int b;
                while ((b = in.read()) != ' ') {
                    if (b < 0) {
                        return;
                    }
                    if (b < '0' || b > '9') {
                        throw new IOException("bad frame length byte " + b);
                    }
                    length = length * 10 + (b - '0');
                }
                byte[] msg = in.readNBytes(length);
                if (msg.length < length) {
                    return;
                }
                synchronized (this) {
                    if (!connections.contains(c)) {
                        return; // read before a crash that has forgotten it
                    }
                    held.add(new String(msg, StandardCharsets.UTF_8));
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // connection reset or closed by a crash
        }
    }

    public int port() {
        return port;
    }

    /** The messages received and still held (a crash forgets them). */
    public synchronized List<String> held() {
        return List.copyOf(held);
    }

    /** Connections accepted so far. */
    public synchronized int connectionsAccepted() {
        return connectionsAccepted;
    }

    /** Waits until the held messages satisfy {@code condition}. */
    public synchronized List<String> await(Predicate<List<String>> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(held)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the receiver holds " + held.size() + " messages, not what was awaited");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(held);
    }

    /**
     * Dies as a receiver process would: connections reset, no new one kept until
     * {@link #restart()}, and every message it held in memory lost.
     */
    public synchronized void crash() {
        down = true;
        for (Socket c : connections) {
            reset(c);
        }
        connections.clear();
        held.clear();
    }

    /** Takes connections again, on the same port. */
    public synchronized void restart() {
        down = false;
    }

    private static void reset(Socket c) {
        try {
            c.setSoLinger(true, 0);
            c.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public synchronized void close() throws IOException {
        server.close();
        for (Socket c : connections) {
            c.close();
        }
    }
}
