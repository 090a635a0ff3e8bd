package dev.agentguard.jdbc;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.approval.Approver;
import dev.agentguard.core.guard.AgentSession;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.identity.AgentContext;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.jdbc.sql.SqlAnalyzer;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ConnectionBuilder;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.ShardingKeyBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * The {@link DataSource} an agent gets instead of the real one (typically a HikariCP pool).
 * Every connection it hands out belongs to the verified identity of the agent that asked for
 * it, and every SQL statement run on it is analysed, decided by the policy (allow, deny, or
 * wait for an approval), journaled before it runs and after it ends, and answered with
 * sensitive values masked.
 *
 * <pre>{@code
 * HikariDataSource pool = new HikariDataSource(config);          // holds the database credentials
 * GuardedDataSource db = GuardedDataSource.builder()
 *         .dataSource(pool)
 *         .name("payments-db")                                    // the resource in every audit event
 *         .identity(IdentitySource.fixed(AgentIdentity.of("payments-agent", "payments")))
 *         .policy(Policy.load(Path.of("policy.yaml")))
 *         .journal(journal)
 *         .build();
 * agent.run(db);                                                  // the agent sees only `db`
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>No identity, no connection: {@link #getConnection()} refuses with
 *       {@link IdentityRefusedException} (SQLState 28000) before the pool is touched, and
 *       the attempt is journaled.</li>
 *   <li>The guard owns the credentials: {@link #getConnection(String, String)} and
 *       {@link #createConnectionBuilder()} are refused; {@code unwrap} never returns the
 *       wrapped data source, connection, statement or any pool or driver object.</li>
 *   <li>Fail closed: a statement the policy denies, that needs an approval that does not
 *       come, whose identity has expired, or whose intent cannot be journaled, does not run.</li>
 * </ul>
 *
 * <p>Thread-safe, like the data source it wraps. {@link #close()} closes the wrapped data
 * source when it is closeable (a pool); the journal belongs to whoever opened it.
 */
public final class GuardedDataSource implements DataSource, AutoCloseable {

    /**
     * {@code Connection.setClientInfo} key for the agent's stated purpose, which every later
     * statement's audit events carry (masked by the policy's detectors; at most 1000
     * characters). Policies can require one before asking for an approval. Never sent to the driver.
     */
    public static final String CLIENT_INFO_INTENT = "agentguard.intent";

    /**
     * {@code Connection.setClientInfo} key for a trace id that correlates the connection's
     * audit events with the agent's other channels and logs. Never sent to the driver.
     */
    public static final String CLIENT_INFO_TRACE = "agentguard.trace";

    /**
     * Read-only {@code Connection.getClientInfo} key: the session id that every audit event of
     * the connection carries.
     */
    public static final String CLIENT_INFO_SESSION = "agentguard.session";

    private final DataSource delegate;
    private final SqlGate gate;
    private volatile boolean closed;

    private GuardedDataSource(DataSource delegate, SqlGate gate) {
        this.delegate = delegate;
        this.gate = gate;
    }

    /** Starts a guarded data source. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Guards {@code dataSource} with an existing {@link Guard} (one guard may serve several
     * data sources and channels).
     *
     * @param dataSource the data source holding the database credentials, e.g. a HikariCP pool
     * @param name       the data source's name as every audit event shows it, e.g. {@code payments-db}
     * @param guard      the policy, journal and approver
     * @param identity   where the identity of the agent asking for a connection comes from
     */
    public static GuardedDataSource wrap(DataSource dataSource, String name, Guard guard, IdentitySource identity) {
        return builder().dataSource(dataSource).name(name).guard(guard).identity(identity).build();
    }

    /** The name every audit event of this data source carries as its resource. */
    public String name() {
        return gate.resource();
    }

    /**
     * A connection bound to the verified identity of the calling agent. Closing it returns the
     * underlying connection to the pool.
     *
     * @throws IdentityRefusedException when no verified identity is available (SQLState 28000);
     *                                  the attempt is journaled and the pool is not touched
     */
    @Override
    public Connection getConnection() throws SQLException {
        ensureOpen();
        AgentSession session = gate.openSession();
        Connection raw;
        try {
            raw = delegate.getConnection();
        } catch (SQLException | RuntimeException e) {
            throw gate.errors().forAgent(e, null);
        }
        gate.learnDialect(raw);
        return new GuardedConnection(raw, gate, session);
    }

    /**
     * Refused, and journaled as an invalid access attempt: the guard owns the database
     * credentials and connects with them for the agent's verified identity, so an agent cannot
     * pick a database account. Call {@link #getConnection()}.
     *
     * @throws java.sql.SQLInvalidAuthorizationSpecException always (SQLState 28000)
     */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw gate.refuseCredentials("getConnection(user, password)");
    }

    /**
     * Refused: a {@code ConnectionBuilder} sets a user and password, which the guard owns.
     * Call {@link #getConnection()}.
     */
    @Override
    public ConnectionBuilder createConnectionBuilder() throws SQLException {
        throw new SQLFeatureNotSupportedException("createConnectionBuilder() is refused: a ConnectionBuilder sets "
                + "the database user and password, and the guarded data source \"" + gate.resource()
                + "\" owns them; call getConnection()", "0A000");
    }

    @Override
    public ShardingKeyBuilder createShardingKeyBuilder() throws SQLException {
        return delegate.createShardingKeyBuilder();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    /**
     * Refused: driver logs can carry SQL literals and connection settings that the guard keeps
     * from the agent. Configure logging on the wrapped data source.
     */
    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        throw new SQLFeatureNotSupportedException("setLogWriter is refused on the guarded data source \""
                + gate.resource() + "\": driver logs can carry SQL literals and connection settings; configure "
                + "logging on the wrapped data source", "0A000");
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    /** Returns this data source for {@code DataSource} and its supertypes; anything else is refused. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return Unwrapping.unwrap(this, iface, "data source", gate.resource());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return Unwrapping.isWrapperFor(this, iface);
    }

    /**
     * Closes the wrapped data source if it is closeable (a pool). Connections handed out
     * before stay usable until they close, as the pool allows. Idempotent.
     */
    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        if (delegate instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (SQLException e) {
                throw gate.errors().forAgent(e, null);
            } catch (Exception e) {
                throw new SQLException("closing the data source wrapped by \"" + gate.resource() + "\" failed: "
                        + e.getClass().getName(), "HY000", e);
            }
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() throws SQLException {
        if (closed) {
            throw new SQLException("the guarded data source \"" + gate.resource() + "\" is closed", "08003");
        }
    }

    @Override
    public String toString() {
        return "GuardedDataSource[" + gate.resource() + (closed ? ", closed]" : "]");
    }

    /**
     * Builds a {@link GuardedDataSource}. Give it the data source, a name and an identity
     * source, and either a {@link Guard} or the parts to build one (a policy and a journal,
     * optionally an approver, approval timeout and clock).
     */
    public static final class Builder {
        private static final int MAX_NAME = 200;

        private DataSource dataSource;
        private String name;
        private IdentitySource identity;
        private Guard guard;
        private Policy policy;
        private Journal journal;
        private Approver approver;
        private Duration approvalTimeout;
        private Clock clock;
        private SqlAnalyzer analyzer;

        private Builder() {
        }

        /** The data source that holds the database credentials, e.g. a HikariCP pool. Required. */
        public Builder dataSource(DataSource dataSource) {
            Objects.requireNonNull(dataSource, "dataSource");
            if (dataSource instanceof GuardedDataSource) {
                throw new IllegalArgumentException("dataSource is already a GuardedDataSource: guard the data source it "
                        + "wraps once, with one policy");
            }
            this.dataSource = dataSource;
            return this;
        }

        /**
         * The name every audit event of this data source carries as its resource, e.g.
         * {@code payments-db}. Required: 1 to 200 characters, no control characters.
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("name \"" + name.replaceAll("\\p{Cntrl}", "?") + "\" is not "
                        + "allowed: use 1 to " + MAX_NAME + " printable characters, e.g. \"payments-db\"");
            }
            this.name = name.strip();
            return this;
        }

        /**
         * Where the verified identity of the agent asking for a connection comes from. Required.
         * An identity bound on the calling thread with {@link AgentContext#bind} wins over it.
         */
        public Builder identity(IdentitySource identity) {
            this.identity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /** An existing guard (policy, journal, approver); instead of {@link #policy} and {@link #journal}. */
        public Builder guard(Guard guard) {
            this.guard = Objects.requireNonNull(guard, "guard");
            return this;
        }

        /** The policy that decides on every statement; with {@link #journal}, instead of {@link #guard}. */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The audit journal every statement is written to; with {@link #policy}, instead of {@link #guard}. */
        public Builder journal(Journal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /** Who grants statements the policy sends for approval; default: nobody (they are refused). */
        public Builder approver(Approver approver) {
            this.approver = Objects.requireNonNull(approver, "approver");
            return this;
        }

        /** How long a statement waits for an approval before it is refused; default 5 minutes. */
        public Builder approvalTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "approvalTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("approvalTimeout is " + timeout + "; it must be positive, e.g. "
                        + "Duration.ofMinutes(5)");
            }
            this.approvalTimeout = timeout;
            return this;
        }

        /** The clock for identity expiry (and the guard, when this builder builds it); default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The SQL analyzer (to share its cache between data sources). Default: one with default
         * limits whose dialect is read from the first connection's database product name
         * (PostgreSQL, H2, or the strict reading for any other database).
         */
        public Builder sqlAnalyzer(SqlAnalyzer analyzer) {
            this.analyzer = Objects.requireNonNull(analyzer, "sqlAnalyzer");
            return this;
        }

        /** @throws IllegalStateException naming what is missing or contradictory */
        public GuardedDataSource build() {
            if (dataSource == null) {
                throw new IllegalStateException("dataSource is not set: pass the DataSource to guard, e.g. a HikariDataSource");
            }
            if (name == null) {
                throw new IllegalStateException("name is not set: name the data source as audit events should show it, "
                        + "e.g. name(\"payments-db\")");
            }
            if (identity == null) {
                throw new IllegalStateException("identity is not set: pass the IdentitySource of the agent, e.g. "
                        + "IdentitySource.fixed(AgentIdentity.of(\"payments-agent\"))");
            }
            Clock effectiveClock = clock != null ? clock : Clock.systemUTC();
            Guard effectiveGuard = Guard.ofChannelSettings(guard, policy, journal, approver, approvalTimeout,
                    effectiveClock);
            // Without a configured analyzer, the first connection picks the dialect (SqlGate.learnDialect).
            // An identity bound on the calling thread (AgentContext.bind) wins over the data source's own source:
            // one pool can serve several agents of a multi-agent JVM, each under its own identity.
            return new GuardedDataSource(dataSource, new SqlGate(effectiveGuard, analyzer, AgentContext.currentOr(identity),
                    name, effectiveClock));
        }
    }
}
