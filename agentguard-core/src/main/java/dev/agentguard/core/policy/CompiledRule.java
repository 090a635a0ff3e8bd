package dev.agentguard.core.policy;

import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.action.SqlAction;
import dev.agentguard.core.action.SshAction;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.core.identity.AgentIdentity;

import java.util.Set;
import java.util.TreeSet;

/** A {@link Rule} prepared for the decision path: selector and condition compiled once. */
final class CompiledRule {

    final Rule rule;
    final String id;
    final Effect effect;
    final long rowLimit;
    private final AgentMatcher agents;
    /** Null when the rule matches every channel. */
    private final CompiledSqlCondition sql;
    /** Whether the rule has a condition for a channel other than SQL; it then never matches SQL. */
    private final boolean otherChannel;
    /** The rule's HTTP condition, or null. */
    private final CompiledHttpCondition http;
    /** Whether the rule has a condition for a channel other than HTTP; it then never matches HTTP. */
    private final boolean notHttp;
    /** The rule's SSH condition; the empty condition for a rule without any condition; null for other channels. */
    private final CompiledSshCondition ssh;
    /** The verdict an allow rule hands out when no other allow rule narrows the row limit. */
    final Verdict allowVerdict;

    CompiledRule(Rule rule, long policyRowLimit) {
        this.rule = rule;
        this.id = rule.id();
        this.effect = rule.effect();
        this.rowLimit = rule.rowLimit();
        this.agents = new AgentMatcher(rule.agents());
        this.sql = rule.condition() instanceof SqlCondition c ? new CompiledSqlCondition(c) : null;
        this.otherChannel = rule.condition() != null && sql == null;
        this.http = rule.condition() instanceof HttpCondition c ? new CompiledHttpCondition(c) : null;
        this.notHttp = rule.condition() != null && http == null;
        this.ssh = rule.condition() instanceof SshCondition c ? new CompiledSshCondition(c)
                : rule.condition() == null ? ANY_SSH : null;
        this.allowVerdict = effect == Effect.ALLOW
                ? new Verdict(Effect.ALLOW, id, "allowed by rule \"" + id + "\"", rowLimit > 0 ? rowLimit : policyRowLimit)
                : null;
    }

    boolean selects(AgentIdentity identity) {
        return agents.matches(identity);
    }

    /** Whether the rule has no channel condition and so applies to every channel. */
    boolean anyChannel() {
        return rule.condition() == null;
    }

    /** The deny and require-approval reading: the statement touches what the rule names. */
    boolean touches(SqlStatement s, SqlAction action) {
        if (otherChannel) {
            return false;
        }
        return sql == null || sql.touches(s, action);
    }

    /**
     * The allow reading. Fails closed: an UNKNOWN or CALL statement needs its kind listed, and
     * every dangerous form must be named without wildcards, however broad the rule is otherwise.
     */
    boolean allows(SqlStatement s, SqlAction action) {
        if (otherChannel) {
            return false;
        }
        if (needsExplicitKind(s.kind()) && (sql == null || !sql.listsKind(s.kind()))) {
            return false;
        }
        for (String form : s.dangerousForms()) {
            if (sql == null || !sql.namesForm(form)) {
                return false;
            }
        }
        return sql == null || sql.confines(s, action);
    }

    /** How a rule without a condition reads SSH actions: the fail-closed rules of an empty ssh condition. */
    private static final CompiledSshCondition ANY_SSH = new CompiledSshCondition(SshCondition.ANY);

    /** The deny and require-approval reading for one command of an SSH line. */
    boolean touches(SshAction a, ShellCommandFacts c) {
        return ssh != null && ssh.touches(a, c);
    }

    /** The allow reading for one command of an SSH line; see {@link CompiledSshCondition#confines}. */
    boolean allows(SshAction a, ShellCommandFacts c) {
        return ssh != null && ssh.confines(a, c);
    }

    /** The deny reading for an SSH line that could not be read: the rule covers its host and user. */
    boolean touchesUnreadable(SshAction a) {
        return ssh != null && ssh.touchesUnreadable(a);
    }

    /** The deny and require-approval reading for an SFTP operation. */
    boolean touchesSftp(SshAction a) {
        return ssh != null && ssh.touchesSftp(a);
    }

    /** The allow reading for an SFTP operation. */
    boolean allowsSftp(SshAction a) {
        return ssh != null && ssh.confinesSftp(a);
    }

    /** What the rule matched in one command of an SSH line, for a deny or approval reason. */
    String describeMatch(SshAction a, ShellCommandFacts c) {
        StringBuilder b = new StringBuilder(64);
        describe(b, a, c);
        if (ssh != null) {
            ssh.describeMatch(b, c);
        }
        return b.toString();
    }

    /** What the rule matched in an SFTP operation, for a deny or approval reason. */
    String describeSftpMatch(SshAction a) {
        StringBuilder b = new StringBuilder(64).append(a.describe());
        if (ssh != null) {
            ssh.describeSftpMatch(b, a);
        }
        return b.toString();
    }

    /**
     * A short description of one command for reasons: {@code cat on deploy@app1}, with where it
     * was found and what makes it opaque. Names the program (when it is a plain name), never its
     * arguments.
     */
    static String describe(SshAction a, ShellCommandFacts c) {
        StringBuilder b = new StringBuilder(64);
        describe(b, a, c);
        return b.toString();
    }

    private static void describe(StringBuilder b, SshAction a, ShellCommandFacts c) {
        if (c.unknownProgram) {
            b.append("a program only known when the line runs");
        } else if (c.name == null) {
            b.append(c.command.redirections().isEmpty() ? "a variable assignment" : "a redirection without a program");
        } else {
            String shown = PolicyFileReader.shown(c.name);
            b.append(shown.startsWith("\"") ? "program " + shown.substring(1, shown.length() - 1) : "a program");
        }
        if (!c.command.wrappers().isEmpty()) {
            b.append(" run by ").append(String.join(" and ", c.command.wrappers().stream()
                    .map(w -> PolicyFileReader.shown(w).replace("\"", "")).toList()));
        }
        switch (c.command.origin()) {
            case COMMAND_SUBSTITUTION -> b.append(" inside a command substitution");
            case PROCESS_SUBSTITUTION -> b.append(" inside a process substitution");
            default -> {
            }
        }
        b.append(" on ");
        if (a.user() != null) {
            b.append(a.user()).append('@');
        }
        b.append(a.host());
        if (c.opaque) {
            b.append(" (opaque: ").append(c.command.opaqueReason()).append(')');
        }
    }

    /** The deny and require-approval reading for HTTP: the request overlaps what the rule names. */
    boolean touches(HttpAction a) {
        if (notHttp) {
            return false;
        }
        return http == null || http.touches(a);
    }

    /**
     * The allow reading for HTTP. Fails closed: a request whose path climbs above the root is
     * never allowed, however broad the rule.
     */
    boolean allows(HttpAction a) {
        if (notHttp || a.pathEscapes()) {
            return false;
        }
        return http == null || http.confines(a);
    }

    /** What the rule matched in {@code a}, for a deny or approval reason. Never a query or body value. */
    String describeMatch(HttpAction a) {
        StringBuilder b = new StringBuilder(64);
        describe(b, a);
        if (http != null) {
            http.describeMatch(b, a);
        } else if (a.pathEscapes()) {
            b.append(" with a path that climbs above the root");
        }
        return b.toString();
    }

    /**
     * A short description of a request for reasons: {@code POST https://api.example.com}, with
     * the port when it is not the scheme's default. Not the path, which may hold values.
     */
    static String describe(HttpAction a) {
        StringBuilder b = new StringBuilder(48);
        describe(b, a);
        return b.toString();
    }

    private static void describe(StringBuilder b, HttpAction a) {
        b.append(a.method()).append(' ').append(a.scheme()).append("://");
        if (a.host().indexOf(':') >= 0) {
            b.append('[').append(a.host()).append(']');
        } else {
            b.append(a.host());
        }
        if (a.port() != HttpAction.defaultPort(a.scheme())) {
            b.append(':').append(a.port());
        }
    }

    /**
     * Kinds whose effect cannot be read from the text: SQL that was not understood, and
     * procedure calls and code blocks (CALL, DO, EXECUTE). Only a rule that lists them allows them.
     */
    static boolean needsExplicitKind(StatementKind kind) {
        return kind == StatementKind.UNKNOWN || kind == StatementKind.CALL;
    }

    /** What the rule matched in {@code s}, for a deny or approval reason. */
    String describeMatch(SqlStatement s, SqlAction action) {
        StringBuilder b = new StringBuilder(64);
        describe(b, s, sql != null && sql.requiresWhereMissing());
        if (sql != null) {
            if (sql.hasColumns()) {
                appendList(b, "; reads column ", "; reads columns ", sql.touchedColumns(s));
            }
            if (sql.hasFunctions()) {
                appendList(b, "; calls function ", "; calls functions ", sql.touchedFunctions(s));
            }
            if (sql.requiresMultiStatement() && action.isMultiStatement()) {
                b.append("; one of ").append(action.statements().size()).append(" statements in one call");
            }
        }
        return b.toString();
    }

    /**
     * A short description of a statement for reasons: {@code DELETE without WHERE on public.cards},
     * with its dangerous forms. Names only kinds, tables and forms, never literal values.
     */
    static String describe(SqlStatement s) {
        StringBuilder b = new StringBuilder(48);
        describe(b, s, s.whereMissing());
        return b.toString();
    }

    private static void describe(StringBuilder b, SqlStatement s, boolean sayWhereMissing) {
        if (s.kind() == StatementKind.UNKNOWN) {
            b.append("SQL that could not be understood");
            return;
        }
        b.append(s.kind().name());
        if (sayWhereMissing && s.whereMissing()) {
            b.append(" without WHERE");
        }
        Set<String> tables = new TreeSet<>(s.tablesRead());
        tables.addAll(s.tablesWritten());
        if (!tables.isEmpty()) {
            b.append(" on ");
            appendNames(b, tables);
        }
        if (!s.dangerousForms().isEmpty()) {
            b.append(" using dangerous ");
            b.append(s.dangerousForms().size() == 1 ? "form " : "forms ");
            appendNames(b, new TreeSet<>(s.dangerousForms()));
        }
    }

    static void appendList(StringBuilder b, String one, String many, Set<String> names) {
        if (names.isEmpty()) {
            return;
        }
        b.append(names.size() == 1 ? one : many);
        appendNames(b, names);
    }

    /** Appends at most five names, then how many more, so a reason stays one readable line. */
    private static void appendNames(StringBuilder b, Set<String> names) {
        int i = 0;
        for (String n : names) {
            if (i == 5) {
                b.append(" and ").append(names.size() - 5).append(" more");
                return;
            }
            if (i > 0) {
                b.append(", ");
            }
            b.append(n);
            i++;
        }
    }
}
