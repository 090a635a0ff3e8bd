package dev.agentguard.ship.syslog;

import dev.agentguard.ship.ShipBatch;
import dev.agentguard.ship.ShipCursor;
import dev.agentguard.ship.ShipItem;
import dev.agentguard.ship.ShipPosition;
import dev.agentguard.ship.ShipTarget;
import dev.agentguard.ship.ShippingException;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Objects;

/**
 * Ships a journal as RFC 5424 syslog messages over TLS (RFC 5425: octet-counted framing), with
 * the JDK alone: one message per event and per checkpoint, JSON or CEF in the message body,
 * microsecond timestamps, structured data naming journal, sequence and hash.
 *
 * <p><b>Delivery.</b> Syslog over TCP has no acknowledgement: a message the receiver had not yet
 * read when it restarted is gone, and the sender cannot tell. This target therefore counts a
 * message as delivered only once it has been out for the {@link Builder#replayWindow replay
 * window} on a connection that is still open; after any reconnect it sends everything after that
 * point again (a SIEM drops the copies by event id). That narrows the loss to a receiver that
 * takes longer than the window to lose what it held; for no loss at all, relay through RELP with
 * a disk-assisted queue (docs/shipping.md) or ship to Kafka.
 *
 * <pre>{@code
 * SyslogTarget syslog = SyslogTarget.builder("siem.example.com", 6514)
 *         .trustedCertificates(Path.of("/etc/agentguard/siem-ca.pem")).format(SyslogFormat.CEF).build();
 * }</pre>
 */
public final class SyslogTarget implements ShipTarget {
    private final Builder config;
    private final String name;
    private final SyslogMessages messages;
    private SSLSocket socket;
    private OutputStream out;
    private InputStream in;
    private ShipPosition acked;
    private final ArrayDeque<Sent> window = new ArrayDeque<>();

    /** A message written at {@code sentAt} (System.nanoTime), and the position once it counts as delivered. */
    private record Sent(ShipPosition position, long sentAt) {
    }

    private SyslogTarget(Builder b) {
        this.config = b;
        this.name = b.name != null ? b.name : ShipCursor.targetNameFor("syslog-", b.host + "-" + b.port);
        ShipCursor.requireTargetName(name);
        this.messages = new SyslogMessages(b.facility, b.hostname, b.appName, b.structuredDataId, b.format);
    }

    /** Starts configuring a target that sends to {@code host:port} (6514 is the registered syslog-over-TLS port). */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ShipPosition connect(ShipPosition cursor) throws ShippingException {
        disconnect();
        window.clear();
        SSLSocket s = null;
        try {
            s = (SSLSocket) config.sslContext().getSocketFactory().createSocket();
            SSLParameters params = s.getSSLParameters();
            // The certificate must name the host we meant to reach, not just chain to a trusted CA.
            params.setEndpointIdentificationAlgorithm("HTTPS");
            params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            s.setSSLParameters(params);
            s.connect(new InetSocketAddress(config.host, config.port), (int) config.connectTimeout.toMillis());
            s.setSoTimeout((int) config.connectTimeout.toMillis());
            s.startHandshake();
            s.setTcpNoDelay(true);
            socket = s;
            out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            in = s.getInputStream();
        } catch (IOException | GeneralSecurityException e) {
            closeQuietly(s);
            throw new ShippingException("cannot open syslog over TLS to " + config.host + ":" + config.port + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        acked = cursor;
        return cursor;
    }

    @Override
    public ShipPosition send(ShipBatch batch) throws ShippingException {
        if (socket == null) {
            throw new ShippingException("not connected to syslog at " + config.host + ":" + config.port);
        }
        try {
            requireOpen();
            ShipPosition p = batch.start();
            long now = System.nanoTime();
            for (ShipItem item : batch.items()) {
                byte[] framed = item instanceof ShipItem.Event e ? messages.event(e.event())
                        : messages.checkpoint(((ShipItem.CheckpointLine) item).checkpoint());
                out.write(framed);
                p = p.after(item);
                window.addLast(new Sent(p, now));
            }
            out.flush();
        } catch (IOException e) {
            disconnect();
            throw new ShippingException("syslog receiver " + config.host + ":" + config.port + " dropped the connection ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "); resending from event " + acked.sequence(), e);
        }
        long cutoff = System.nanoTime() - config.replayWindow.toNanos();
        while (!window.isEmpty() && window.peekFirst().sentAt() - cutoff <= 0) {
            acked = window.pollFirst().position();
        }
        return acked;
    }

    /**
     * A receiver that closed its end (a restart) shows as end-of-stream on our side; written
     * messages would vanish into a half-closed connection, so look before writing.
     */
    private void requireOpen() throws IOException {
        socket.setSoTimeout(1);
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the receiver closed the connection");
                }
                // A syslog receiver sends nothing; whatever it sent is discarded.
            }
        } catch (SocketTimeoutException open) {
            // Nothing to read and not closed: the connection is up.
        }
    }

    private void disconnect() {
        closeQuietly(socket);
        socket = null;
        out = null;
        in = null;
    }

    private static void closeQuietly(SSLSocket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // gone either way
            }
        }
    }

    @Override
    public void close() {
        disconnect();
    }

    @Override
    public String toString() {
        return "SyslogTarget[" + config.host + ":" + config.port + ", " + config.format + "]";
    }

    /** Configures a {@link SyslogTarget}. */
    public static final class Builder {
        private final String host;
        private final int port;
        private SSLContext sslContext;
        private Path trustedCertificates;
        private Path clientKeyStore;
        private char[] clientKeyStorePassword;
        private SyslogFormat format = SyslogFormat.JSON;
        private int facility = 13;
        private String hostname;
        private String appName = "agentguard";
        private String structuredDataId = "agentguard@32473";
        private String name;
        private Duration replayWindow = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);

        private Builder(String host, int port) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("syslog host must not be blank");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("syslog port must be 1 to 65535, got " + port);
            }
            this.host = host.strip();
            this.port = port;
        }

        /**
         * Trusts the certificates in this PEM file (the receiver's CA, or its own certificate)
         * instead of the JDK's default trust store.
         */
        public Builder trustedCertificates(Path pemFile) {
            this.trustedCertificates = Objects.requireNonNull(pemFile, "pemFile");
            return this;
        }

        /** Presents the client certificate in this PKCS#12 key store, for receivers that require one. */
        public Builder clientCertificate(Path pkcs12, char[] password) {
            this.clientKeyStore = Objects.requireNonNull(pkcs12, "pkcs12");
            this.clientKeyStorePassword = Objects.requireNonNull(password, "password").clone();
            return this;
        }

        /** Uses this TLS context as it is (overrides the trust and client certificate settings). */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /** JSON (default) or CEF in the message body. */
        public Builder format(SyslogFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /** The syslog facility, 0 to 23 (default 13, "log audit"). */
        public Builder facility(int facility) {
            if (facility < 0 || facility > 23) {
                throw new IllegalArgumentException("syslog facility must be 0 to 23, got " + facility);
            }
            this.facility = facility;
            return this;
        }

        /** The HOSTNAME field (default: this machine's host name). */
        public Builder hostname(String hostname) {
            this.hostname = Objects.requireNonNull(hostname, "hostname");
            return this;
        }

        /** The APP-NAME field (default {@code agentguard}). */
        public Builder appName(String appName) {
            this.appName = Objects.requireNonNull(appName, "appName");
            return this;
        }

        /**
         * The SD-ID of the structured data element (default {@code agentguard@32473}; 32473 is the
         * enterprise number RFC 5612 reserves for examples: use your organisation's own).
         */
        public Builder structuredDataId(String sdId) {
            if (sdId == null || !sdId.matches("[\\x21-\\x7E&&[^=\\]\"]]{1,32}") || !sdId.contains("@")) {
                throw new IllegalArgumentException("structuredDataId is name@enterprise-number, up to 32 printable "
                        + "characters without '=', ']', '\"' or spaces, got '" + sdId + "'");
            }
            this.structuredDataId = sdId;
            return this;
        }

        /** The target's name in cursor files (default {@code syslog-<host>-<port>}). */
        public Builder name(String name) {
            this.name = ShipCursor.requireTargetName(name);
            return this;
        }

        /**
         * How long a message stays unacknowledged and is sent again after a reconnect (default
         * 10 s; 0 to 1 hour). Longer narrows the loss on a receiver restart and delays the cursor.
         */
        public Builder replayWindow(Duration window) {
            if (window == null || window.isNegative() || window.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("replayWindow must be 0 to 1 hour, got " + window);
            }
            this.replayWindow = window;
            return this;
        }

        /** Connect and handshake timeout (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            if (timeout == null || timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("connectTimeout must be positive, got " + timeout);
            }
            this.connectTimeout = timeout;
            return this;
        }

        public SyslogTarget build() {
            if (hostname == null) {
                try {
                    hostname = InetAddress.getLocalHost().getHostName();
                } catch (UnknownHostException e) {
                    hostname = "-";
                }
            }
            return new SyslogTarget(this);
        }

        private SSLContext sslContext() throws IOException, GeneralSecurityException {
            if (sslContext != null) {
                return sslContext;
            }
            if (trustedCertificates == null && clientKeyStore == null) {
                return SSLContext.getDefault();
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trustedCertificates != null) {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                Collection<? extends Certificate> certs;
                try (InputStream pem = Files.newInputStream(trustedCertificates)) {
                    certs = CertificateFactory.getInstance("X.509").generateCertificates(pem);
                }
                if (certs.isEmpty()) {
                    throw new GeneralSecurityException(trustedCertificates + " holds no PEM certificate");
                }
                int i = 0;
                for (Certificate c : certs) {
                    trust.setCertificateEntry("trusted-" + i++, c);
                }
                tmf.init(trust);
            } else {
                tmf.init((KeyStore) null);
            }
            KeyManagerFactory kmf = null;
            if (clientKeyStore != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(clientKeyStore)) {
                    ks.load(in, clientKeyStorePassword);
                }
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, clientKeyStorePassword);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        }
    }
}
