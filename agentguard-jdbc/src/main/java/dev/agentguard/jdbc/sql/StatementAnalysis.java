package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.StatementKind;
import dev.agentguard.jdbc.sql.Scope.Output;
import dev.agentguard.jdbc.sql.Scope.Relation;
import dev.agentguard.jdbc.sql.Scope.RelationKind;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.TimezoneExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JsonTableFunction;
import net.sf.jsqlparser.expression.XmlTableFunction;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Block;
import net.sf.jsqlparser.statement.Commit;
import net.sf.jsqlparser.statement.CreateFunctionalStatement;
import net.sf.jsqlparser.statement.DeclareStatement;
import net.sf.jsqlparser.statement.DescribeStatement;
import net.sf.jsqlparser.statement.DoStatement;
import net.sf.jsqlparser.statement.ExplainStatement;
import net.sf.jsqlparser.statement.IfElseStatement;
import net.sf.jsqlparser.statement.OutputClause;
import net.sf.jsqlparser.statement.PurgeStatement;
import net.sf.jsqlparser.statement.ResetStatement;
import net.sf.jsqlparser.statement.ReturningClause;
import net.sf.jsqlparser.statement.RollbackStatement;
import net.sf.jsqlparser.statement.SavepointStatement;
import net.sf.jsqlparser.statement.SessionStatement;
import net.sf.jsqlparser.statement.SetIdentityInsertStatement;
import net.sf.jsqlparser.statement.SetStatement;
import net.sf.jsqlparser.statement.ShowColumnsStatement;
import net.sf.jsqlparser.statement.ShowStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.StatementVisitor;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.UseStatement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterDomain;
import net.sf.jsqlparser.statement.alter.AlterExtension;
import net.sf.jsqlparser.statement.alter.AlterPublication;
import net.sf.jsqlparser.statement.alter.AlterSession;
import net.sf.jsqlparser.statement.alter.AlterSubscription;
import net.sf.jsqlparser.statement.alter.AlterSystemStatement;
import net.sf.jsqlparser.statement.alter.AlterType;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.alter.sequence.AlterSequence;
import net.sf.jsqlparser.statement.analyze.Analyze;
import net.sf.jsqlparser.statement.comment.Comment;
import net.sf.jsqlparser.statement.create.database.CreateDatabase;
import net.sf.jsqlparser.statement.create.domain.CreateDomain;
import net.sf.jsqlparser.statement.create.event.AlterEvent;
import net.sf.jsqlparser.statement.create.event.CreateEvent;
import net.sf.jsqlparser.statement.create.extension.CreateExtension;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.policy.CreatePolicy;
import net.sf.jsqlparser.statement.create.publication.CreatePublication;
import net.sf.jsqlparser.statement.create.schema.CreateSchema;
import net.sf.jsqlparser.statement.create.sequence.CreateSequence;
import net.sf.jsqlparser.statement.create.subscription.CreateSubscription;
import net.sf.jsqlparser.statement.create.synonym.CreateSynonym;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.trigger.CreateTrigger;
import net.sf.jsqlparser.statement.create.type.CreateType;
import net.sf.jsqlparser.statement.create.user.CreateUser;
import net.sf.jsqlparser.statement.create.view.AlterView;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.execute.Execute;
import net.sf.jsqlparser.statement.export.Export;
import net.sf.jsqlparser.statement.grant.AlterDefaultPrivileges;
import net.sf.jsqlparser.statement.grant.Grant;
import net.sf.jsqlparser.statement.grant.Revoke;
import net.sf.jsqlparser.statement.imprt.Import;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertBulk;
import net.sf.jsqlparser.statement.insert.InsertConflictAction;
import net.sf.jsqlparser.statement.insert.InsertConflictTarget;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.lock.LockStatement;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.merge.MergeDelete;
import net.sf.jsqlparser.statement.merge.MergeInsert;
import net.sf.jsqlparser.statement.merge.MergeOperation;
import net.sf.jsqlparser.statement.merge.MergeUpdate;
import net.sf.jsqlparser.statement.oracle.OracleAssignment;
import net.sf.jsqlparser.statement.oracle.OracleBlock;
import net.sf.jsqlparser.statement.oracle.OracleNullStatement;
import net.sf.jsqlparser.statement.piped.FromQuery;
import net.sf.jsqlparser.statement.refresh.RefreshMaterializedViewStatement;
import net.sf.jsqlparser.statement.role.AlterRole;
import net.sf.jsqlparser.statement.role.CreateRole;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.FromItemVisitor;
import net.sf.jsqlparser.statement.select.FunctionAllColumns;
import net.sf.jsqlparser.statement.select.GroupByElement;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.LateralSubSelect;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PivotQuery;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SelectVisitor;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.TableStatement;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.show.ShowIndexStatement;
import net.sf.jsqlparser.statement.show.ShowTablesStatement;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks the syntax tree of one parsed statement and records what it touches. It implements
 * {@link StatementVisitor} itself, not an adapter, so a statement type added to JSqlParser is a
 * compile error here rather than a silent pass. One instance per statement: all state lives in
 * the instance and nothing of the tree survives the walk.
 */
final class StatementAnalysis implements StatementVisitor<Void> {

    private final Findings findings = new Findings(StatementKind.UNKNOWN);
    private final Queries queries = new Queries();
    private final FromItems fromItems = new FromItems();
    private final Expressions expressions = new Expressions();
    private Scope scope = new Scope(null);
    /** Where the columns of the expression being walked flow to (a select item's sources), or null. */
    private Set<String> sink;
    /** Every column and SELECT node the walk handled, for {@link SyntaxTreeReach}. */
    private final Set<Object> reached = Collections.newSetFromMap(new IdentityHashMap<>());

    private StatementAnalysis() {
    }

    /** Analyses one parsed statement. */
    static Findings of(Statement statement) {
        StatementAnalysis analysis = new StatementAnalysis();
        statement.accept(analysis, null);
        Findings findings = analysis.findings;
        if (findings.unknownReason == null && findings.kind != StatementKind.DDL && findings.kind != StatementKind.DCL) {
            String unreached = SyntaxTreeReach.firstUnreached(statement, analysis.reached);
            if (unreached != null) {
                // what the walk did not reach may be a column a rule or a mask is about
                findings.unknown(unreached + " in a position the analysis does not follow");
            }
        }
        return findings;
    }

    // ---------------------------------------------------------------- names

    /** A name part as the database sees it: unquoted ones folded to lower case, quoted ones kept. */
    static String name(String part) {
        if (part == null) {
            return null;
        }
        int n = part.length();
        if (n >= 2 && part.charAt(0) == '"' && part.charAt(n - 1) == '"') {
            return part.substring(1, n - 1).replace("\"\"", "\"");
        }
        if (n >= 2 && part.charAt(0) == '`' && part.charAt(n - 1) == '`') {
            return part.substring(1, n - 1).replace("``", "`");
        }
        if (n >= 2 && part.charAt(0) == '[' && part.charAt(n - 1) == ']') {
            return part.substring(1, n - 1);
        }
        return SqlLexer.asciiLowerCase(part);
    }

    /** {@code schema.table} as written, each part normalised. */
    static String tableName(Table table) {
        List<String> parts = table.getNameParts();
        StringBuilder out = new StringBuilder();
        for (int i = parts.size() - 1; i >= 0; i--) {
            String part = parts.get(i);
            if (part == null || part.isEmpty()) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(name(part));
        }
        return out.toString();
    }

    private static String alias(Alias alias) {
        return alias == null || alias.getName() == null ? null : name(alias.getName());
    }

    private static String functionName(List<String> parts, String fallback) {
        if (parts == null || parts.isEmpty()) {
            return fallback == null ? "" : SqlLexer.asciiLowerCase(name(fallback));
        }
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (!out.isEmpty()) {
                out.append('.');
            }
            // function names are compared case-insensitively: H2 keeps built-ins upper case
            out.append(SqlLexer.asciiLowerCase(name(part)));
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- helpers

    private void read(String table) {
        findings.tablesRead.add(table);
    }

    private void written(String table) {
        findings.tablesWritten.add(table);
    }

    private void expression(Expression expression) {
        if (expression != null) {
            expression.accept(expressions, null);
        }
    }

    private void expressions(Collection<? extends Expression> list) {
        if (list != null) {
            for (Expression e : list) {
                expression(e);
            }
        }
    }

    /** Walks an expression whose columns become the sources of one output. */
    private Set<String> sources(Expression expression) {
        Set<String> saved = sink;
        Set<String> collected = new LinkedHashSet<>();
        sink = collected;
        try {
            expression(expression);
        } finally {
            sink = saved;
        }
        return collected;
    }

    private void column(Set<String> sources) {
        findings.columns.addAll(sources);
        if (sink != null) {
            sink.addAll(sources);
        }
    }

    private Scope push() {
        scope = new Scope(scope);
        return scope;
    }

    private void pop(Scope pushed) {
        scope = pushed.parent;
    }

    private void function(String name) {
        if (name.isEmpty()) {
            return;
        }
        findings.functions.add(name);
        findings.dangerous(DangerousForms.function(name));
    }

    /** A FROM item for a DML target table; returns its normalised name. */
    private String target(Table table) {
        String name = tableName(table);
        scope.relations.add(new Relation(alias(table.getAlias()), name, RelationKind.TABLE, null));
        return name;
    }

    private void withItems(List<WithItem<?>> withItems) {
        if (withItems == null) {
            return;
        }
        for (WithItem<?> item : withItems) {
            String cteName = name(item.getAliasName());
            if (item.isRecursive() && cteName != null) {
                // a recursive CTE reads itself; until its body is known it is opaque
                scope.declareCte(cteName, List.of(Output.opaque(Set.of())));
            }
            List<Output> outputs;
            Object body = item.getParenthesedStatement();
            if (body instanceof ParenthesedSelect select) {
                outputs = query(select);
            } else if (body instanceof ParenthesedInsert insert) {
                outputs = insert(insert.getInsert());
            } else if (body instanceof ParenthesedUpdate update) {
                outputs = update(update.getUpdate());
            } else if (body instanceof ParenthesedDelete delete) {
                outputs = delete(delete.getDelete());
            } else {
                findings.unknown("a WITH item of an unsupported form");
                outputs = List.of();
            }
            if (item.getWithItemList() != null) {
                // WITH w(a, b): the names of the CTE's columns, not references to columns
                item.getWithItemList().forEach(label -> {
                    reached.add(label.getExpression());
                });
            }
            outputs = relabel(outputs, item.getWithItemList());
            if (cteName != null) {
                scope.declareCte(cteName, outputs);
            }
        }
    }

    /**
     * Applies a column list ({@code WITH x(a, b)}, {@code AS t(a, b)}) to outputs, by position;
     * columns past the list keep their names. When a star makes positions unknowable, each new
     * name may stand for any source, and so may the unnamed rest.
     */
    private static List<Output> relabel(List<Output> outputs, List<?> labels) {
        if (labels == null || labels.isEmpty()) {
            return outputs;
        }
        List<String> names = new ArrayList<>();
        for (Object label : labels) {
            String text = label instanceof SelectItem<?> item ? String.valueOf(item.getExpression())
                    : label instanceof Alias.AliasColumn column ? column.name : String.valueOf(label);
            names.add(name(text));
        }
        List<Output> relabelled = new ArrayList<>();
        if (outputs.stream().noneMatch(Output::star)) {
            for (int i = 0; i < Math.max(names.size(), outputs.size()); i++) {
                if (i >= names.size()) {
                    relabelled.add(outputs.get(i));
                } else {
                    relabelled.add(new Output(names.get(i), i < outputs.size() ? outputs.get(i).sources() : Set.of(),
                            false));
                }
            }
            return relabelled;
        }
        Set<String> all = new LinkedHashSet<>();
        outputs.forEach(o -> all.addAll(o.sources()));
        for (String name : names) {
            relabelled.add(new Output(name, all, false));
        }
        relabelled.add(Output.opaque(all));
        return relabelled;
    }

    private static List<Output> relabel(List<Output> outputs, Alias alias) {
        return alias == null ? outputs : relabel(outputs, alias.getAliasColumns());
    }

    /** The outputs of a select list (or RETURNING list) in the current scope. */
    private List<Output> selectItems(List<? extends SelectItem<?>> items) {
        List<Output> outputs = new ArrayList<>();
        if (items == null) {
            return outputs;
        }
        for (SelectItem<?> item : items) {
            Expression expression = item.getExpression();
            if (expression instanceof AllTableColumns all) {
                String qualifier = tableName(all.getTable());
                Relation relation = scope.relation(qualifier);
                List<Output> star = relation == null
                        ? List.of(new Output("*", Set.of(qualifier + ".*"), true))
                        : relation.starOutputs();
                star.forEach(o -> findings.columns.addAll(o.sources()));
                outputs.addAll(star);
            } else if (expression instanceof AllColumns && !(expression instanceof FunctionAllColumns)) {
                for (Relation relation : scope.relations) {
                    List<Output> star = relation.starOutputs();
                    star.forEach(o -> findings.columns.addAll(o.sources()));
                    outputs.addAll(star);
                }
                if (scope.relations.isEmpty()) {
                    outputs.add(new Output("*", Set.of(), true));
                }
            } else {
                Set<String> sources = sources(expression);
                outputs.add(new Output(label(item), sources, false));
            }
        }
        return outputs;
    }

    /** The label a database gives a select item: its alias, else the column or function name. */
    private static String label(SelectItem<?> item) {
        if (item.getAlias() != null) {
            return alias(item.getAlias());
        }
        Expression expression = item.getExpression();
        if (expression instanceof CastExpression cast && cast.getLeftExpression() instanceof Column column) {
            expression = column;
        }
        if (expression instanceof Column column) {
            return name(column.getColumnName());
        }
        if (expression instanceof Function function) {
            String fn = functionName(function.getMultipartName(), function.getName());
            int dot = fn.lastIndexOf('.');
            return dot < 0 ? fn : fn.substring(dot + 1);
        }
        return "?column?";
    }

    private void orderBy(List<OrderByElement> elements) {
        if (elements != null) {
            for (OrderByElement element : elements) {
                expression(element.getExpression());
            }
        }
    }

    private void limits(Select select) {
        Limit limit = select.getLimit();
        if (limit != null) {
            expression(limit.getRowCount());
            expression(limit.getOffset());
        }
        if (select.getOffset() != null) {
            expression(select.getOffset().getOffset());
        }
        if (select.getFetch() != null) {
            expression(select.getFetch().getExpression());
        }
    }

    /** Analyses any query: its WITH items, body, ORDER BY and limits. Returns its outputs. */
    private List<Output> query(Select select) {
        Scope pushed = push();
        try {
            withItems(select.getWithItemsList());
            List<Output> outputs = select.accept(queries, null);
            return outputs == null ? List.of() : outputs;
        } finally {
            pop(pushed);
        }
    }

    private void joins(List<Join> joins) {
        if (joins == null) {
            return;
        }
        for (Join join : joins) {
            fromItem(join.getRightItem());
        }
    }

    private void joinConditions(List<Join> joins) {
        if (joins == null) {
            return;
        }
        for (Join join : joins) {
            expressions(join.getOnExpressions());
            if (join.getUsingColumns() != null) {
                for (Column column : join.getUsingColumns()) {
                    reached.add(column);
                    column(scope.resolveUnqualified(name(column.getColumnName())));
                }
            }
        }
    }

    private void fromItem(FromItem item) {
        if (item != null) {
            item.accept(fromItems, null);
        }
    }

    private void updateSets(List<UpdateSet> sets, String target) {
        if (sets == null) {
            return;
        }
        for (UpdateSet set : sets) {
            for (Column column : set.getColumns()) {
                reached.add(column);
                String columnName = name(column.getColumnName());
                if (column.getTable() != null && column.getTable().getName() != null) {
                    String qualifier = tableName(column.getTable());
                    Relation relation = scope.relation(qualifier);
                    if (relation != null && relation.kind() == RelationKind.TABLE) {
                        // MySQL's multi-table UPDATE writes every table its SET clause names
                        written(relation.table());
                        findings.columns.add(relation.table() + "." + columnName);
                    } else {
                        findings.columns.add(qualifier + "." + columnName);
                    }
                } else {
                    findings.columns.add(target + "." + columnName);
                }
            }
            expression(set.getValues());
        }
    }

    private List<Output> returning(ReturningClause returning, OutputClause output, String target) {
        List<Output> outputs = null;
        if (returning != null) {
            read(target);
            outputs = selectItems(returning);
        }
        if (output != null) {
            read(target);
            List<Output> more = selectItems(output.getSelectItemList());
            outputs = outputs == null ? more : concat(outputs, more);
            if (output.getOutputTable() != null) {
                written(tableName(output.getOutputTable()));
            }
        }
        return outputs;
    }

    private static List<Output> concat(List<Output> a, List<Output> b) {
        List<Output> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    // ---------------------------------------------------------------- DML

    private List<Output> insert(Insert insert) {
        Scope pushed = push();
        try {
            withItems(insert.getWithItemsList());
            boolean upsert = insert.isUseDuplicate()
                    || (insert.getConflictAction() != null && insert.getConflictAction().getUpdateSets() != null
                    && !insert.getConflictAction().getUpdateSets().isEmpty());
            findings.change(upsert ? StatementKind.MERGE : StatementKind.INSERT);
            if (insert.isOracleMultiInsert()) {
                findings.unknown("an Oracle multi-table INSERT is not analysed");
            }
            String target = tableName(insert.getTable());
            written(target);
            if (insert.getColumns() != null) {
                for (Column column : insert.getColumns()) {
                    reached.add(column);
                    findings.columns.add(target + "." + name(column.getColumnName()));
                }
            }
            if (insert.getSelect() != null) {
                query(insert.getSelect());
            }
            scope.relations.add(new Relation(alias(insert.getTable().getAlias()), target, RelationKind.TABLE, null));
            scope.relations.add(new Relation("excluded", target, RelationKind.TABLE, null));
            InsertConflictTarget conflictTarget = insert.getConflictTarget();
            if (conflictTarget != null) {
                if (conflictTarget.getIndexColumnNames() != null) {
                    for (String column : conflictTarget.getIndexColumnNames()) {
                        findings.columns.add(target + "." + name(column));
                    }
                }
                expression(conflictTarget.getIndexExpression());
                expression(conflictTarget.getWhereExpression());
            }
            InsertConflictAction action = insert.getConflictAction();
            if (action != null) {
                updateSets(action.getUpdateSets(), target);
                expression(action.getWhereExpression());
            }
            updateSets(insert.getDuplicateUpdateSets(), target);
            updateSets(insert.getSetUpdateSets(), target);
            return returning(insert.getReturningClause(), insert.getOutputClause(), target);
        } finally {
            pop(pushed);
        }
    }

    private List<Output> update(Update update) {
        Scope pushed = push();
        try {
            withItems(update.getWithItemsList());
            findings.change(StatementKind.UPDATE);
            String target = target(update.getTable());
            written(target);
            joins(update.getStartJoins());
            fromItem(update.getFromItem());
            joins(update.getJoins());
            joinConditions(update.getStartJoins());
            joinConditions(update.getJoins());
            updateSets(update.getUpdateSets(), target);
            if (update.getSelect() != null) {
                query(update.getSelect());
            }
            if (update.getWhere() == null) {
                findings.whereMissing = true;
            } else {
                expression(update.getWhere());
            }
            orderBy(update.getOrderByElements());
            if (update.getLimit() != null) {
                expression(update.getLimit().getRowCount());
            }
            return returning(update.getReturningClause(), update.getOutputClause(), target);
        } finally {
            pop(pushed);
        }
    }

    private List<Output> delete(Delete delete) {
        Scope pushed = push();
        try {
            withItems(delete.getWithItemsList());
            findings.change(StatementKind.DELETE);
            String target = delete.getTable() == null ? null : target(delete.getTable());
            if (delete.getUsingFromItemList() != null) {
                delete.getUsingFromItemList().forEach(this::fromItem);
            } else if (delete.getUsingList() != null) {
                delete.getUsingList().forEach(this::fromItem);
            }
            joins(delete.getJoins());
            joinConditions(delete.getJoins());
            if (delete.getTables() != null && !delete.getTables().isEmpty()) {
                // MySQL's DELETE t1, t2 FROM …: the named tables (or aliases) lose rows
                for (Table table : delete.getTables()) {
                    String named = tableName(table);
                    Relation relation = scope.relation(named);
                    written(relation != null && relation.kind() == RelationKind.TABLE ? relation.table() : named);
                }
            } else if (target != null) {
                written(target);
            } else {
                findings.unknown("a DELETE without a table");
            }
            if (delete.getWhere() == null) {
                findings.whereMissing = true;
            } else {
                expression(delete.getWhere());
            }
            orderBy(delete.getOrderByElements());
            if (delete.getLimit() != null) {
                expression(delete.getLimit().getRowCount());
            }
            return returning(delete.getReturningClause(), delete.getOutputClause(),
                    target == null ? "" : target);
        } finally {
            pop(pushed);
        }
    }

    private List<Output> merge(Merge merge) {
        Scope pushed = push();
        try {
            withItems(merge.getWithItemsList());
            findings.change(StatementKind.MERGE);
            String target = target(merge.getTable());
            written(target);
            fromItem(merge.getFromItem());
            expression(merge.getOnCondition());
            if (merge.getOperations() != null) {
                for (MergeOperation operation : merge.getOperations()) {
                    if (operation instanceof MergeUpdate mergeUpdate) {
                        expression(mergeUpdate.getAndPredicate());
                        updateSets(mergeUpdate.getUpdateSets(), target);
                        expression(mergeUpdate.getWhereCondition());
                        expression(mergeUpdate.getDeleteWhereCondition());
                    } else if (operation instanceof MergeInsert mergeInsert) {
                        expression(mergeInsert.getAndPredicate());
                        if (mergeInsert.getColumns() != null) {
                            for (Column column : mergeInsert.getColumns()) {
                                reached.add(column);
                                findings.columns.add(target + "." + name(column.getColumnName()));
                            }
                        }
                        expression(mergeInsert.getValues());
                        expression(mergeInsert.getWhereCondition());
                    } else if (operation instanceof MergeDelete mergeDelete) {
                        expression(mergeDelete.getAndPredicate());
                    } else {
                        findings.unknown("a MERGE action of an unsupported form");
                    }
                }
            }
            return returning(merge.getReturningClause(), merge.getOutputClause(), target);
        } finally {
            pop(pushed);
        }
    }

    // ---------------------------------------------------------------- statements

    private void kind(StatementKind kind) {
        findings.kind = kind;
    }

    private void ddl(Table... tables) {
        kind(StatementKind.DDL);
        for (Table table : tables) {
            if (table != null) {
                written(tableName(table));
            }
        }
    }

    private void unsupported(String what) {
        findings.unknown(what + " is not analysed");
    }

    @Override
    public <S> Void visit(Select select, S context) {
        kind(StatementKind.SELECT);
        findings.outputs = query(select);
        return null;
    }

    @Override
    public <S> Void visit(Insert insert, S context) {
        kind(StatementKind.INSERT);
        findings.outputs = insert(insert);
        return null;
    }

    @Override
    public <S> Void visit(ParenthesedInsert insert, S context) {
        return visit(insert.getInsert(), context);
    }

    @Override
    public <S> Void visit(Update update, S context) {
        kind(StatementKind.UPDATE);
        findings.outputs = update(update);
        return null;
    }

    @Override
    public <S> Void visit(ParenthesedUpdate update, S context) {
        return visit(update.getUpdate(), context);
    }

    @Override
    public <S> Void visit(Delete delete, S context) {
        kind(StatementKind.DELETE);
        findings.outputs = delete(delete);
        return null;
    }

    @Override
    public <S> Void visit(ParenthesedDelete delete, S context) {
        return visit(delete.getDelete(), context);
    }

    @Override
    public <S> Void visit(Merge merge, S context) {
        kind(StatementKind.MERGE);
        findings.outputs = merge(merge);
        return null;
    }

    @Override
    public <S> Void visit(Upsert upsert, S context) {
        kind(StatementKind.MERGE);
        findings.change(StatementKind.MERGE);
        String target = tableName(upsert.getTable());
        written(target);
        if (upsert.getColumns() != null) {
            for (Column column : upsert.getColumns()) {
                reached.add(column);
                findings.columns.add(target + "." + name(column.getColumnName()));
            }
        }
        if (upsert.getSelect() != null) {
            query(upsert.getSelect());
        }
        Scope pushed = push();
        try {
            scope.relations.add(new Relation(null, target, RelationKind.TABLE, null));
            updateSets(upsert.getUpdateSets(), target);
            updateSets(upsert.getDuplicateUpdateSets(), target);
        } finally {
            pop(pushed);
        }
        return null;
    }

    @Override
    public <S> Void visit(InsertBulk insertBulk, S context) {
        kind(StatementKind.INSERT);
        findings.dangerous("bulk insert");
        unsupported("INSERT BULK");
        return null;
    }

    @Override
    public <S> Void visit(Truncate truncate, S context) {
        kind(StatementKind.DDL);
        // TRUNCATE empties the table: for WHERE rules it is a DELETE without WHERE
        findings.whereMissing = true;
        if (truncate.getTables() != null && !truncate.getTables().isEmpty()) {
            truncate.getTables().forEach(t -> written(tableName(t)));
        } else if (truncate.getTable() != null) {
            written(tableName(truncate.getTable()));
        }
        return null;
    }

    @Override
    public <S> Void visit(Drop drop, S context) {
        kind(StatementKind.DDL);
        String type = drop.getType() == null ? "" : SqlLexer.asciiLowerCase(drop.getType());
        if (type.equals("user") || type.equals("role") || type.equals("group") || type.equals("policy")) {
            kind(StatementKind.DCL);
        }
        if (drop.getNames() != null && !drop.getNames().isEmpty()) {
            drop.getNames().forEach(t -> written(tableName(t)));
        } else if (drop.getName() != null) {
            written(tableName(drop.getName()));
        }
        return null;
    }

    @Override
    public <S> Void visit(CreateTable createTable, S context) {
        ddl(createTable.getTable());
        if (createTable.getSelect() != null) {
            query(createTable.getSelect());
        }
        if (createTable.getLikeTable() != null) {
            read(tableName(createTable.getLikeTable()));
        }
        return null;
    }

    @Override
    public <S> Void visit(CreateView createView, S context) {
        ddl(createView.getView());
        if (createView.getSelect() != null) {
            query(createView.getSelect());
        }
        return null;
    }

    @Override
    public <S> Void visit(AlterView alterView, S context) {
        ddl(alterView.getView());
        if (alterView.getSelect() != null) {
            query(alterView.getSelect());
        }
        return null;
    }

    @Override
    public <S> Void visit(CreateIndex createIndex, S context) {
        ddl(createIndex.getTable());
        return null;
    }

    @Override
    public <S> Void visit(Alter alter, S context) {
        ddl(alter.getTable());
        return null;
    }

    @Override
    public <S> Void visit(CreateTrigger createTrigger, S context) {
        ddl(createTrigger.getTable());
        return null;
    }

    @Override
    public <S> Void visit(Comment comment, S context) {
        ddl(comment.getTable(), comment.getView());
        if (comment.getColumn() != null && comment.getColumn().getTable() != null) {
            written(tableName(comment.getColumn().getTable()));
        }
        return null;
    }

    @Override
    public <S> Void visit(RefreshMaterializedViewStatement refresh, S context) {
        ddl(refresh.getView());
        return null;
    }

    @Override
    public <S> Void visit(Analyze analyze, S context) {
        ddl(analyze.getTable());
        return null;
    }

    @Override
    public <S> Void visit(RenameTableStatement rename, S context) {
        kind(StatementKind.DDL);
        rename.getTableNames().forEach(e -> {
            written(tableName(e.getKey()));
            written(tableName(e.getValue()));
        });
        return null;
    }

    @Override
    public <S> Void visit(CreateSchema createSchema, S context) {
        kind(StatementKind.DDL);
        return null;
    }

    @Override
    public <S> Void visit(CreateDatabase createDatabase, S context) {
        kind(StatementKind.DDL);
        return null;
    }

    @Override
    public <S> Void visit(CreateEvent createEvent, S context) {
        kind(StatementKind.DDL);
        // a scheduled event runs SQL later, outside any guarded call
        findings.dangerous("create event");
        return null;
    }

    @Override
    public <S> Void visit(AlterEvent alterEvent, S context) {
        kind(StatementKind.DDL);
        findings.dangerous("create event");
        return null;
    }

    @Override
    public <S> Void visit(CreateSequence createSequence, S context) {
        kind(StatementKind.DDL);
        return null;
    }

    @Override
    public <S> Void visit(AlterSequence alterSequence, S context) {
        kind(StatementKind.DDL);
        return null;
    }

    @Override
    public <S> Void visit(CreateFunctionalStatement createFunctionalStatement, S context) {
        kind(StatementKind.DDL);
        return null;
    }

    @Override
    public <S> Void visit(CreateSynonym createSynonym, S context) {
        kind(StatementKind.DDL);
        return null;
    }

    @Override
    public <S> Void visit(PurgeStatement purgeStatement, S context) {
        kind(StatementKind.DDL);
        return null;
    }

    @Override
    public <S> Void visit(CreateType createType, S context) {
        kind(StatementKind.DDL);
        return null;
    }

    @Override
    public <S> Void visit(AlterType alterType, S context) {
        kind(StatementKind.DDL);
        return null;
    }

    @Override
    public <S> Void visit(CreateDomain createDomain, S context) {
        kind(StatementKind.DDL);
        return null;
    }

    @Override
    public <S> Void visit(AlterDomain alterDomain, S context) {
        kind(StatementKind.DDL);
        return null;
    }

    @Override
    public <S> Void visit(CreateExtension createExtension, S context) {
        kind(StatementKind.DDL);
        // extensions load native code (dblink, adminpack, untrusted languages)
        findings.dangerous("create extension");
        return null;
    }

    @Override
    public <S> Void visit(AlterExtension alterExtension, S context) {
        kind(StatementKind.DDL);
        findings.dangerous("create extension");
        return null;
    }

    @Override
    public <S> Void visit(CreatePublication createPublication, S context) {
        kind(StatementKind.DDL);
        // replication ships table contents to another server
        findings.dangerous("replication");
        return null;
    }

    @Override
    public <S> Void visit(AlterPublication alterPublication, S context) {
        kind(StatementKind.DDL);
        findings.dangerous("replication");
        return null;
    }

    @Override
    public <S> Void visit(CreateSubscription createSubscription, S context) {
        kind(StatementKind.DDL);
        findings.dangerous("replication");
        return null;
    }

    @Override
    public <S> Void visit(AlterSubscription alterSubscription, S context) {
        kind(StatementKind.DDL);
        findings.dangerous("replication");
        return null;
    }

    @Override
    public <S> Void visit(AlterSystemStatement alterSystemStatement, S context) {
        kind(StatementKind.DDL);
        // server configuration reaches the operating system (archive_command and the like)
        findings.dangerous("alter system");
        return null;
    }

    @Override
    public <S> Void visit(Grant grant, S context) {
        kind(StatementKind.DCL);
        return null;
    }

    @Override
    public <S> Void visit(Revoke revoke, S context) {
        kind(StatementKind.DCL);
        return null;
    }

    @Override
    public <S> Void visit(AlterDefaultPrivileges alterDefaultPrivileges, S context) {
        kind(StatementKind.DCL);
        return null;
    }

    @Override
    public <S> Void visit(CreateUser createUser, S context) {
        kind(StatementKind.DCL);
        return null;
    }

    @Override
    public <S> Void visit(CreateRole createRole, S context) {
        kind(StatementKind.DCL);
        return null;
    }

    @Override
    public <S> Void visit(AlterRole alterRole, S context) {
        kind(StatementKind.DCL);
        return null;
    }

    @Override
    public <S> Void visit(CreatePolicy createPolicy, S context) {
        kind(StatementKind.DCL);
        return null;
    }

    @Override
    public <S> Void visit(Execute execute, S context) {
        kind(StatementKind.CALL);
        function(functionName(null, execute.getName()));
        if (execute.getExprList() != null) {
            expression(execute.getExprList());
        }
        return null;
    }

    @Override
    public <S> Void visit(DoStatement doStatement, S context) {
        kind(StatementKind.CALL);
        // an anonymous code block can do anything a function can, written by the agent
        findings.dangerous("do");
        return null;
    }

    @Override
    public <S> Void visit(OracleBlock oracleBlock, S context) {
        kind(StatementKind.CALL);
        findings.dangerous("anonymous block");
        return null;
    }

    @Override
    public <S> Void visit(Block block, S context) {
        unsupported("a BEGIN … END block");
        return null;
    }

    @Override
    public <S> Void visit(IfElseStatement ifElseStatement, S context) {
        unsupported("an IF … ELSE statement");
        return null;
    }

    @Override
    public <S> Void visit(OracleAssignment oracleAssignment, S context) {
        unsupported("a PL/SQL assignment");
        return null;
    }

    @Override
    public <S> Void visit(OracleNullStatement oracleNullStatement, S context) {
        unsupported("a PL/SQL NULL statement");
        return null;
    }

    @Override
    public <S> Void visit(DeclareStatement declareStatement, S context) {
        unsupported("DECLARE");
        return null;
    }

    @Override
    public <S> Void visit(Statements statements, S context) {
        unsupported("a nested statement list");
        return null;
    }

    @Override
    public <S> Void visit(UnsupportedStatement unsupportedStatement, S context) {
        unsupported("a statement the parser does not support");
        return null;
    }

    @Override
    public <S> Void visit(Import importStatement, S context) {
        kind(StatementKind.CALL);
        findings.dangerous("import");
        return null;
    }

    @Override
    public <S> Void visit(Export export, S context) {
        kind(StatementKind.CALL);
        findings.dangerous("export");
        return null;
    }

    @Override
    public <S> Void visit(ExplainStatement explain, S context) {
        // EXPLAIN ANALYZE runs the statement: judge it as the statement itself
        if (explain.getStatement() == null) {
            kind(StatementKind.SET);
            if (explain.getTable() != null) {
                read(tableName(explain.getTable()));
            }
            return null;
        }
        explain.getStatement().accept(this, context);
        findings.outputs = null;
        return null;
    }

    @Override
    public <S> Void visit(SetStatement set, S context) {
        kind(StatementKind.SET);
        for (int i = 0; i < set.getCount(); i++) {
            Object name = set.getName(i);
            String setting = name == null ? "" : SqlLexer.asciiLowerCase(String.valueOf(name)).trim();
            if (setting.startsWith("@@global") || setting.startsWith("global ")) {
                findings.dangerous("set global");
            }
            String bare = setting.replaceFirst("^(@@)?(session|local|global)[ .]", "");
            if (DangerousForms.isDangerousSetting(bare)) {
                findings.dangerous("set " + bare);
            }
            List<Expression> values = set.getExpressions(i);
            expressions(values);
        }
        return null;
    }

    @Override
    public <S> Void visit(ResetStatement resetStatement, S context) {
        kind(StatementKind.SET);
        return null;
    }

    @Override
    public <S> Void visit(UseStatement useStatement, S context) {
        kind(StatementKind.SET);
        // USE changes what every unqualified name means for the rest of the session
        findings.dangerous("use");
        return null;
    }

    @Override
    public <S> Void visit(AlterSession alterSession, S context) {
        kind(StatementKind.SET);
        String text = SqlLexer.asciiLowerCase(String.valueOf(alterSession));
        if (text.contains("current_schema")) {
            findings.dangerous("set current_schema");
        }
        return null;
    }

    @Override
    public <S> Void visit(SessionStatement sessionStatement, S context) {
        kind(StatementKind.SET);
        return null;
    }

    @Override
    public <S> Void visit(SetIdentityInsertStatement setIdentityInsertStatement, S context) {
        kind(StatementKind.SET);
        return null;
    }

    @Override
    public <S> Void visit(ShowColumnsStatement showColumnsStatement, S context) {
        kind(StatementKind.SET);
        return null;
    }

    @Override
    public <S> Void visit(ShowIndexStatement showIndexStatement, S context) {
        kind(StatementKind.SET);
        return null;
    }

    @Override
    public <S> Void visit(ShowTablesStatement showTablesStatement, S context) {
        kind(StatementKind.SET);
        return null;
    }

    @Override
    public <S> Void visit(ShowStatement showStatement, S context) {
        kind(StatementKind.SET);
        return null;
    }

    @Override
    public <S> Void visit(DescribeStatement describeStatement, S context) {
        kind(StatementKind.SET);
        return null;
    }

    @Override
    public <S> Void visit(Commit commit, S context) {
        kind(StatementKind.TRANSACTION);
        return null;
    }

    @Override
    public <S> Void visit(RollbackStatement rollbackStatement, S context) {
        kind(StatementKind.TRANSACTION);
        return null;
    }

    @Override
    public <S> Void visit(SavepointStatement savepointStatement, S context) {
        kind(StatementKind.TRANSACTION);
        return null;
    }

    @Override
    public <S> Void visit(LockStatement lock, S context) {
        kind(StatementKind.TRANSACTION);
        if (lock.getTable() != null) {
            written(tableName(lock.getTable()));
        }
        return null;
    }

    // ---------------------------------------------------------------- queries

    /** The body of a query; returns its outputs. Implemented fully so a new query form is a compile error. */
    private final class Queries implements SelectVisitor<List<Output>> {

        @Override
        public <S> List<Output> visit(PlainSelect select, S context) {
            findings.selects++;
            reached.add(select);
            fromItem(select.getFromItem());
            joins(select.getJoins());
            if (select.getLateralViews() != null && !select.getLateralViews().isEmpty()) {
                findings.unknown("LATERAL VIEW is not analysed");
            }
            joinConditions(select.getJoins());
            List<Output> outputs = selectItems(select.getSelectItems());
            scope.selectOutputs = outputs;
            if (select.getDistinct() != null && select.getDistinct().getOnSelectItems() != null) {
                for (SelectItem<?> item : select.getDistinct().getOnSelectItems()) {
                    expression(item.getExpression());
                }
            }
            expression(select.getWhere());
            expression(select.getPreWhere());
            GroupByElement groupBy = select.getGroupBy();
            if (groupBy != null) {
                expression(groupBy.getGroupByExpressionList());
                if (groupBy.getGroupingSets() != null) {
                    groupBy.getGroupingSets().forEach(StatementAnalysis.this::expression);
                }
            }
            expression(select.getHaving());
            expression(select.getQualify());
            if (select.getTop() != null) {
                expression(select.getTop().getExpression());
            }
            if (select.getOracleHierarchical() != null) {
                expression(select.getOracleHierarchical());
            }
            if (select.getWindowDefinitions() != null && !select.getWindowDefinitions().isEmpty()) {
                for (var window : select.getWindowDefinitions()) {
                    expression(window.getPartitionExpressionList());
                    orderBy(window.getOrderByElements());
                }
            }
            orderBy(select.getOrderByElements());
            limits(select);
            if (select.getIntoTables() != null && !select.getIntoTables().isEmpty()) {
                // SELECT … INTO new_table creates and fills a table
                select.getIntoTables().forEach(t -> written(tableName(t)));
                findings.change(StatementKind.INSERT);
                findings.kind = StatementKind.DDL;
            }
            if (select.getForUpdateTable() != null) {
                read(tableName(select.getForUpdateTable()));
            }
            return outputs;
        }

        @Override
        public <S> List<Output> visit(SetOperationList list, S context) {
            List<List<Output>> branches = new ArrayList<>();
            for (Select select : list.getSelects()) {
                branches.add(query(select));
            }
            List<Output> merged = mergeBranches(branches);
            Scope pushed = push();
            try {
                scope.selectOutputs = merged;
                orderBy(list.getOrderByElements());
                limits(list);
            } finally {
                pop(pushed);
            }
            return merged;
        }

        @Override
        public <S> List<Output> visit(ParenthesedSelect select, S context) {
            List<Output> outputs = query(select.getSelect());
            Scope pushed = push();
            try {
                scope.selectOutputs = outputs;
                orderBy(select.getOrderByElements());
                limits(select);
            } finally {
                pop(pushed);
            }
            return relabel(outputs, select.getAlias());
        }

        @Override
        public <S> List<Output> visit(LateralSubSelect select, S context) {
            return visit((ParenthesedSelect) select, context);
        }

        @Override
        public <S> List<Output> visit(Values values, S context) {
            List<Output> outputs = new ArrayList<>();
            Set<String> all = new LinkedHashSet<>();
            if (values.getExpressions() != null) {
                for (Expression row : values.getExpressions()) {
                    all.addAll(sources(row));
                }
            }
            // VALUES columns are named column1, column2…; their positions are not tracked
            outputs.add(Output.opaque(all));
            return relabel(outputs, values.getAlias());
        }

        @Override
        public <S> List<Output> visit(TableStatement table, S context) {
            findings.selects++;
            String name = tableName(table.getTable());
            List<Output> cte = table.getTable().getSchemaName() == null ? scope.cte(name) : null;
            if (cte != null) {
                return cte;
            }
            read(name);
            findings.columns.add(name + ".*");
            List<Output> outputs = List.of(new Output("*", Set.of(name + ".*"), true));
            limits(table);
            return outputs;
        }

        @Override
        public <S> List<Output> visit(WithItem<?> withItem, S context) {
            findings.unknown("a WITH item outside a query");
            return List.of();
        }

        @Override
        public <S> List<Output> visit(FromQuery fromQuery, S context) {
            findings.unknown("a piped FROM query is not analysed");
            return List.of();
        }

        @Override
        public <S> List<Output> visit(PivotQuery pivotQuery, S context) {
            findings.unknown("a PIVOT query is not analysed");
            return List.of();
        }
    }

    /** Set operations combine branches by position; when positions cannot be matched, every column may come from anywhere. */
    private static List<Output> mergeBranches(List<List<Output>> branches) {
        if (branches.isEmpty()) {
            return List.of();
        }
        List<Output> first = branches.get(0);
        boolean positional = true;
        for (List<Output> branch : branches) {
            if (branch.size() != first.size() || branch.stream().anyMatch(Output::star)) {
                positional = false;
                break;
            }
        }
        if (positional) {
            List<Output> merged = new ArrayList<>();
            for (int i = 0; i < first.size(); i++) {
                Set<String> sources = new LinkedHashSet<>();
                for (List<Output> branch : branches) {
                    sources.addAll(branch.get(i).sources());
                }
                merged.add(new Output(first.get(i).label(), sources, false));
            }
            return merged;
        }
        Set<String> all = new LinkedHashSet<>();
        branches.forEach(b -> b.forEach(o -> all.addAll(o.sources())));
        return List.of(Output.opaque(all));
    }

    // ---------------------------------------------------------------- FROM items

    /** Adds each FROM item to the current scope. Implemented fully so a new item form is a compile error. */
    private final class FromItems implements FromItemVisitor<Void> {

        @Override
        public <S> Void visit(Table table, S context) {
            String name = tableName(table);
            String alias = alias(table.getAlias());
            List<Output> cte = table.getSchemaName() == null && table.getDatabaseName() == null
                    ? scope.cte(name) : null;
            if (cte != null) {
                // a CTE name is not a table; its body was analysed where it was declared
                scope.relations.add(new Relation(alias == null ? name : alias, null, RelationKind.DERIVED,
                        relabel(cte, table.getAlias())));
            } else if (table.getAlias() != null && table.getAlias().getAliasColumns() != null
                    && !table.getAlias().getAliasColumns().isEmpty()) {
                // cards AS c(a, b) renames the table's first columns: "a" may be any column of
                // cards (the PAN), so each renamed column is sourced from the whole table
                read(name);
                List<Output> outputs = new ArrayList<>();
                for (Alias.AliasColumn column : table.getAlias().getAliasColumns()) {
                    outputs.add(new Output(name(column.name), Set.of(name + ".*"), false));
                }
                outputs.add(new Output("*", Set.of(name + ".*"), true));
                scope.relations.add(new Relation(alias, name, RelationKind.DERIVED, outputs));
            } else {
                read(name);
                scope.relations.add(new Relation(alias, name, RelationKind.TABLE, null));
            }
            if (table.getPivot() != null || table.getUnPivot() != null) {
                findings.unknown("PIVOT / UNPIVOT is not analysed");
            }
            return null;
        }

        @Override
        public <S> Void visit(ParenthesedSelect select, S context) {
            List<Output> outputs = queries.visit(select, context);
            scope.relations.add(new Relation(alias(select.getAlias()), null, RelationKind.DERIVED, outputs));
            return null;
        }

        @Override
        public <S> Void visit(LateralSubSelect select, S context) {
            return visit((ParenthesedSelect) select, context);
        }

        @Override
        public <S> Void visit(TableFunction tableFunction, S context) {
            // a function's result columns carry whatever its arguments read: unnest(ARRAY[pan]) is the PAN
            Set<String> sources = new LinkedHashSet<>();
            if (tableFunction.getFunctions() != null) {
                tableFunction.getFunctions().forEach(f -> sources.addAll(sources(f)));
            } else {
                sources.addAll(sources(tableFunction.getFunction()));
            }
            scope.relations.add(new Relation(alias(tableFunction.getAlias()), null, RelationKind.DERIVED,
                    List.of(Output.opaque(sources))));
            return null;
        }

        @Override
        public <S> Void visit(ParenthesedFromItem item, S context) {
            fromItem(item.getFromItem());
            joins(item.getJoins());
            joinConditions(item.getJoins());
            return null;
        }

        @Override
        public <S> Void visit(Values values, S context) {
            List<Output> outputs = queries.visit(values, context);
            scope.relations.add(new Relation(alias(values.getAlias()), null, RelationKind.DERIVED, outputs));
            return null;
        }

        @Override
        public <S> Void visit(PlainSelect select, S context) {
            List<Output> outputs = query(select);
            scope.relations.add(new Relation(alias(select.getAlias()), null, RelationKind.DERIVED, outputs));
            return null;
        }

        @Override
        public <S> Void visit(SetOperationList list, S context) {
            List<Output> outputs = query(list);
            scope.relations.add(new Relation(null, null, RelationKind.DERIVED, outputs));
            return null;
        }

        @Override
        public <S> Void visit(TableStatement table, S context) {
            List<Output> outputs = query(table);
            scope.relations.add(new Relation(null, null, RelationKind.DERIVED, outputs));
            return null;
        }

        @Override
        public <S> Void visit(Import importStatement, S context) {
            findings.dangerous("import");
            findings.unknown("IMPORT in FROM is not analysed");
            return null;
        }

        @Override
        public <S> Void visit(FromQuery fromQuery, S context) {
            findings.unknown("a piped FROM query is not analysed");
            return null;
        }

        @Override
        public <S> Void visit(PivotQuery pivotQuery, S context) {
            findings.unknown("a PIVOT query is not analysed");
            return null;
        }
    }

    // ---------------------------------------------------------------- expressions

    /**
     * Collects columns, functions and sub-queries of expressions. JSqlParser's adapter walks the
     * children of every expression type; this class overrides the nodes that name something.
     * A sub-query the adapter might not reach is caught by the SELECT count check in
     * {@link StatementReader}.
     */
    private final class Expressions extends ExpressionVisitorAdapter<Void> {

        @Override
        public <S> Void visit(Column column, S context) {
            reached.add(column);
            String columnName = name(column.getColumnName());
            Table table = column.getTable();
            if (table != null && table.getName() != null && !table.getName().isEmpty()) {
                column(scope.resolveQualified(tableName(table), columnName));
            } else {
                column(scope.resolveUnqualified(columnName));
            }
            return null;
        }

        @Override
        public <S> Void visit(Function function, S context) {
            String name = functionName(function.getMultipartName(), function.getName());
            function(name);
            if (function.getAttributeColumn() != null) {
                function.getAttributeColumn().accept(this, context);
            }
            boolean count = name.equals("count") || name.endsWith(".count");
            // a count reveals no value of the columns it counts: they are referenced, not returned
            Set<String> saved = sink;
            if (count) {
                sink = null;
            }
            try {
                // SQL-standard forms such as substring(x FROM 1) and position(a IN b) keep their
                // arguments in named or keyword lists, which the adapter does not walk
                if (function.getNamedParameters() != null) {
                    function.getNamedParameters().forEach(e -> expression(e));
                }
                if (function.getKeywordArguments() != null) {
                    function.getKeywordArguments().forEach(k -> expression(k.getExpression()));
                }
                return super.visit(function, context);
            } finally {
                sink = saved;
            }
        }

        @Override
        public <S> Void visit(AnyComparisonExpression any, S context) {
            if (any.getSelect() != null) {
                subQuery(any.getSelect());
            }
            return super.visit(any, context);
        }

        @Override
        public <S> Void visit(TimezoneExpression timezone, S context) {
            expression(timezone.getLeftExpression());
            expressions(timezone.getTimezoneExpressions());
            return null;
        }

        @Override
        public <S> Void visit(AnalyticExpression analytic, S context) {
            function(functionName(null, analytic.getName()));
            return super.visit(analytic, context);
        }

        @Override
        public <S> Void visit(AllTableColumns all, S context) {
            String qualifier = tableName(all.getTable());
            Relation relation = scope.relation(qualifier);
            column(relation == null ? Set.of(qualifier + ".*") : relation.allSources());
            return null;
        }

        @Override
        public <S> Void visit(AllColumns all, S context) {
            // a bare * inside an expression is count(*): it reads rows, no column values
            return null;
        }

        @Override
        public <S> Void visit(FunctionAllColumns all, S context) {
            return all.getFunction() == null ? null : visit(all.getFunction(), context);
        }

        @Override
        public <S> Void visit(ParenthesedSelect select, S context) {
            subQuery(select);
            return null;
        }

        @Override
        public <S> Void visit(Select select, S context) {
            subQuery(select);
            return null;
        }

        private void subQuery(Select select) {
            Set<String> saved = sink;
            sink = null;
            List<Output> outputs;
            try {
                outputs = query(select);
            } finally {
                sink = saved;
            }
            if (sink != null) {
                // a scalar sub-query's value comes from its select list
                outputs.forEach(o -> sink.addAll(o.sources()));
            }
        }

        @Override
        public <S> Void visit(FromQuery fromQuery, S context) {
            findings.unknown("a piped FROM query is not analysed");
            return null;
        }

        @Override
        public <S> Void visit(JsonTableFunction function, S context) {
            findings.unknown("JSON_TABLE is not analysed");
            return null;
        }

        @Override
        public <S> Void visit(XmlTableFunction function, S context) {
            findings.unknown("XMLTABLE is not analysed");
            return null;
        }

        @Override
        public <S> Void visit(ExpressionList<? extends Expression> list, S context) {
            if (list != null) {
                for (Expression e : list) {
                    if (e != null) {
                        e.accept(this, context);
                    }
                }
            }
            return null;
        }
    }
}
