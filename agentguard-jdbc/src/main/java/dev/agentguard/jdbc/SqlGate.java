package dev.agentguard.jdbc;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.guard.ActionRefusedException;
import dev.agentguard.core.guard.AgentSession;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.guard.Permit;
import dev.agentguard.core.guard.Refusal;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentityException;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Verdict;
import dev.agentguard.jdbc.sql.AnalyzedSql;
import dev.agentguard.jdbc.sql.SqlAnalyzer;
import dev.agentguard.jdbc.sql.SqlDialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place where SQL meets the guard: every statement a guarded connection runs, prepares
 * or batches is analysed here, decided by the policy here, and turned into a {@link Permit}
 * (whose intent event is journaled) here. It also maps every refusal to the SQLException the
 * agent sees. One per {@link GuardedDataSource}; thread-safe.
 */
final class SqlGate {

    private final Guard guard;
    /** Null until the first connection tells the database's dialect, unless one was configured. */
    private volatile SqlAnalyzer analyzer;
    private final IdentitySource identities;
    private final String resource;
    private final Clock clock;
    private final Masker masker;
    private final DriverErrors errors;

    SqlGate(Guard guard, SqlAnalyzer analyzer, IdentitySource identities, String resource, Clock clock) {
        this.guard = Objects.requireNonNull(guard, "guard");
        this.analyzer = analyzer;
        this.identities = Objects.requireNonNull(identities, "identities");
        this.resource = Objects.requireNonNull(resource, "resource");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.masker = guard.masker();
        this.errors = new DriverErrors(masker);
    }

    String resource() {
        return resource;
    }

    Masker masker() {
        return masker;
    }

    DriverErrors errors() {
        return errors;
    }

    /**
     * Captures the verified identity of the agent asking for a connection. Without one the
     * attempt is journaled and refused before the pool is touched.
     */
    AgentSession openSession() throws SQLException {
        String sessionId = newSessionId();
        AgentIdentity identity;
        try {
            identity = identities.currentIdentity();
            if (identity == null) {
                throw new IdentityException("the identity source returned no identity");
            }
            if (identity.isExpiredAt(clock.instant())) {
                throw new IdentityException("the identity of agent \"" + identity.agentId() + "\" expired at "
                        + identity.expiresAt());
            }
        } catch (IdentityException e) {
            throw refuseWithoutIdentity("getConnection()", sessionId, e);
        } catch (RuntimeException e) {
            // A failing identity source is no identity: fail closed, and keep its message out (it may hold a token).
            throw refuseWithoutIdentity("getConnection()", sessionId,
                    new IdentityException("the identity source failed with " + e.getClass().getName()));
        }
        return new AgentSession(identity, sessionId);
    }

    /**
     * Refuses {@code getConnection(user, password)} and its kin: the guard owns the database
     * credentials, so an agent cannot choose others. Journaled as an invalid access attempt.
     */
    SQLException refuseCredentials(String method) {
        String message = method + " is refused: the guarded data source \"" + resource
                + "\" owns the database credentials and connects as the agent's verified identity; call getConnection()";
        try {
            guard.refuseWithoutIdentity(Channel.JDBC, resource, method, newSessionId(), new IdentityException(message));
        } catch (ActionRefusedException e) {
            if (e.refusal() == Refusal.JOURNAL_UNAVAILABLE) {
                SQLException refused = new SQLInvalidAuthorizationSpecException(message, IdentityRefusedException.SQL_STATE);
                refused.addSuppressed(journalUnavailable(e));
                return refused;
            }
        } catch (RuntimeException e) {
            // The refusal stands whatever the journal does.
        }
        return new SQLInvalidAuthorizationSpecException(message, IdentityRefusedException.SQL_STATE);
    }

    /**
     * Picks the SQL dialect from the first connection's database product name, unless an
     * analyzer was configured: PostgreSQL and H2 read some texts ($$ bodies, comments) differently
     * from the strict default, which would otherwise refuse them as unknown.
     */
    void learnDialect(Connection raw) {
        if (analyzer != null) {
            return;
        }
        SqlDialect dialect;
        try {
            dialect = SqlDialect.fromProductName(raw.getMetaData().getDatabaseProductName());
        } catch (SQLException | RuntimeException e) {
            dialect = SqlDialect.ANY; // the strict reading: refuses what it cannot read, never allows more
        }
        synchronized (this) {
            if (analyzer == null) {
                analyzer = SqlAnalyzer.builder().dialect(dialect).build();
            }
        }
    }

    private SqlAnalyzer analyzer() {
        SqlAnalyzer a = analyzer;
        if (a == null) {
            synchronized (this) {
                if (analyzer == null) {
                    analyzer = SqlAnalyzer.builder().dialect(SqlDialect.ANY).build();
                }
                a = analyzer;
            }
        }
        return a;
    }

    /** Analyses {@code sql}; executes and decides nothing. */
    CheckedSql analyse(String sql) throws SQLException {
        if (sql == null) {
            throw new SQLException("sql is null: pass the SQL text to run");
        }
        AnalyzedSql analyzed;
        try {
            analyzed = analyzer().analyze(sql);
        } catch (RuntimeException e) {
            throw internalError("analysing the SQL", e);
        }
        return CheckedSql.of(analyzed, guard.prepare(new Action(Channel.JDBC, resource, analyzed.redactedSql(),
                analyzed.action())));
    }

    /**
     * The prepare-time check (prepareStatement, prepareCall, addBatch, nativeSQL): refuses now
     * what the policy denies, journaling the denial, so a denied statement fails where it is
     * written. What it allows or sends for approval is journaled when it runs, by {@link #begin}.
     */
    void checkAtPrepare(AgentSession session, CheckedSql sql) throws SQLException {
        AgentIdentity identity = verifiedIdentity(session, sql);
        Verdict verdict;
        try {
            verdict = sql.prepared().verdictFor(identity); // kept: the first run decides no more
        } catch (RuntimeException e) {
            verdict = null; // let check() decide and journal; it fails closed on a broken policy
        }
        if (verdict != null && verdict.effect() != Effect.DENY) {
            return;
        }
        Permit permit;
        try {
            permit = guard.check(session.context(), sql.prepared());
        } catch (ActionRefusedException e) {
            throw refused(e);
        } catch (RuntimeException e) {
            throw internalError("checking the statement", e);
        }
        // The policy is immutable, so a second decision agrees with the first; should it not, the
        // first answer (deny, or an evaluation that failed) stands: fail closed.
        try {
            permit.failed("refused at prepare time: the policy denied the statement", Map.of());
        } catch (Exception e) {
            // the refusal below stands
        }
        String ruleId = verdict != null ? verdict.ruleId() : Verdict.POLICY_ERROR_RULE;
        String reason = verdict != null ? verdict.reason() : "the policy could not be evaluated at prepare time";
        throw new PolicyViolationException("denied by rule \"" + ruleId + "\": " + reason, Refusal.DENIED_BY_POLICY,
                ruleId, reason);
    }

    /**
     * Decides on one execution and journals its intent: the only way a statement reaches the
     * database. Refusals (policy, approval, identity, journal) come back as SQLExceptions and
     * the statement does not run.
     */
    Permit begin(AgentSession session, CheckedSql sql) throws SQLException {
        verifiedIdentity(session, sql);
        try {
            return guard.check(session.context(), sql.prepared());
        } catch (ActionRefusedException e) {
            throw refused(e);
        } catch (RuntimeException e) {
            throw internalError("checking the statement", e);
        }
    }

    /** Masks {@code text} with the policy's detectors, for values the agent hands the journal (intent, trace). */
    String maskForJournal(String text) {
        return text == null ? null : masker.maskText(text, null);
    }

    /**
     * The connection's identity, re-checked for expiry on every statement. An expired identity
     * is renewed from the identity source when it answers for the same agent (a refreshed
     * token); otherwise the statement is refused and the attempt journaled.
     */
    private AgentIdentity verifiedIdentity(AgentSession session, CheckedSql sql) throws SQLException {
        AgentIdentity identity = session.identity();
        if (identity.expiresAt() == null || !identity.isExpiredAt(clock.instant())) {
            return identity;
        }
        try {
            AgentIdentity renewed;
            try {
                renewed = identities.currentIdentity();
            } catch (RuntimeException e) {
                throw new IdentityException("the identity source failed with " + e.getClass().getName());
            }
            if (renewed == null || renewed.isExpiredAt(clock.instant())) {
                throw new IdentityException("the identity of agent \"" + identity.agentId() + "\" expired at "
                        + identity.expiresAt() + " and the identity source has no valid one");
            }
            if (!renewed.agentId().equals(identity.agentId())) {
                throw new IdentityException("this connection belongs to agent \"" + identity.agentId()
                        + "\" but the current identity is agent \"" + renewed.agentId()
                        + "\": open a new connection for the other agent");
            }
            session.renew(renewed);
            return renewed;
        } catch (IdentityException e) {
            throw refuseWithoutIdentity(sql.redactedSql(), session.sessionId(), e);
        }
    }

    private SQLException refuseWithoutIdentity(String redactedText, String sessionId, IdentityException cause) {
        String message = "no verified agent identity for data source \"" + resource + "\": "
                + masker.maskText(String.valueOf(cause.getMessage()), null);
        try {
            guard.refuseWithoutIdentity(Channel.JDBC, resource, redactedText, sessionId, cause);
        } catch (ActionRefusedException e) {
            if (e.refusal() == Refusal.JOURNAL_UNAVAILABLE) {
                SQLException refused = new IdentityRefusedException(message);
                refused.addSuppressed(journalUnavailable(e));
                return refused;
            }
        } catch (RuntimeException e) {
            // refused either way
        }
        return new IdentityRefusedException(message);
    }

    /** The SQLException an agent sees for a refusal of the guard. */
    SQLException refused(ActionRefusedException e) {
        switch (e.refusal()) {
            case DENIED_BY_POLICY:
            case APPROVAL_DENIED:
            case APPROVAL_TIMED_OUT:
                return new PolicyViolationException(masker.maskText(String.valueOf(e.getMessage()), null),
                        e.refusal(), e.ruleId(), e.reason());
            case NO_IDENTITY:
                return new IdentityRefusedException("no verified agent identity for data source \"" + resource + "\": "
                        + masker.maskText(String.valueOf(e.reason()), null));
            case JOURNAL_UNAVAILABLE:
            default:
                return journalUnavailable(e);
        }
    }

    private JournalUnavailableException journalUnavailable(ActionRefusedException e) {
        return new JournalUnavailableException("the audit journal of data source \"" + resource
                + "\" cannot be written, so the statement did not run (fail closed): " + e.reason()
                + "; make the journal writable again (disk space, an open journal) and retry", e);
    }

    /** A failure inside the guard itself: nothing ran. The cause's message is kept out, it may quote SQL. */
    private SQLException internalError(String what, RuntimeException e) {
        return new SQLException("the guard of data source \"" + resource + "\" failed while " + what + " ("
                + e.getClass().getName() + "), so the statement did not run (fail closed)", "XX000");
    }

    private static String newSessionId() {
        return "jdbc-" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }
}
