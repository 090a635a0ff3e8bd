package dev.agentguard.core.policy;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SqlAction;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the {@link SqlStatement}s a SQL analyser would produce, so that policy and guard tests
 * state exactly what the statement touches. (The analyser lives in agentguard-jdbc.)
 */
public final class Sql {

    private final StatementKind kind;
    private final Set<String> read = new LinkedHashSet<>();
    private final Set<String> written = new LinkedHashSet<>();
    private final Set<String> columns = new LinkedHashSet<>();
    private final Set<String> functions = new LinkedHashSet<>();
    private final Set<String> forms = new LinkedHashSet<>();
    private boolean whereMissing;

    private Sql(StatementKind kind) {
        this.kind = kind;
    }

    public static Sql statement(StatementKind kind) {
        return new Sql(kind);
    }

    public static Sql select(String... tables) {
        return new Sql(StatementKind.SELECT).reads(tables);
    }

    public static Sql update(String table) {
        return new Sql(StatementKind.UPDATE).writes(table);
    }

    public static Sql delete(String table) {
        return new Sql(StatementKind.DELETE).writes(table);
    }

    public static Sql insert(String table) {
        return new Sql(StatementKind.INSERT).writes(table);
    }

    public static SqlStatement unknown() {
        return SqlStatement.unknown("the parser stopped at a token it does not know");
    }

    public Sql reads(String... tables) {
        read.addAll(List.of(tables));
        return this;
    }

    public Sql writes(String... tables) {
        written.addAll(List.of(tables));
        return this;
    }

    public Sql columns(String... names) {
        columns.addAll(List.of(names));
        return this;
    }

    public Sql calls(String... names) {
        functions.addAll(List.of(names));
        return this;
    }

    /** A dangerous function: both called and flagged, as the analyser reports it. */
    public Sql callsDangerous(String name) {
        functions.add(name);
        forms.add(name);
        return this;
    }

    public Sql dangerousForm(String form) {
        forms.add(form);
        return this;
    }

    public Sql withoutWhere() {
        whereMissing = true;
        return this;
    }

    public SqlStatement build() {
        return new SqlStatement(kind, read, written, columns, functions, whereMissing, forms, null);
    }

    /** A JDBC action on data source {@code payments-db} with the given statements. */
    public static Action action(String redactedSql, SqlStatement... statements) {
        return new Action(Channel.JDBC, "payments-db", redactedSql, new SqlAction(List.of(statements)));
    }

    /** A JDBC action holding this one statement. */
    public Action action(String redactedSql) {
        return action(redactedSql, build());
    }
}
