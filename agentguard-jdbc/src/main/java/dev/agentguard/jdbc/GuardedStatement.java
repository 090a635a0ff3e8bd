package dev.agentguard.jdbc;

import dev.agentguard.core.action.SqlAction;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.guard.Permit;
import dev.agentguard.jdbc.sql.AnalyzedSql;
import dev.agentguard.jdbc.sql.ResultColumn;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A statement whose every SQL string goes through the guard. Each run is one
 * {@link Execution}: {@link #begin} decides and journals the intent (nothing reaches the
 * driver before it returns), the driver runs, and the outcome is journaled when the run's
 * results are consumed: at once for an update, when the result set closes for a query, when
 * {@code getMoreResults} reports no more results for a multi-result run, and at the latest
 * when the statement runs again or closes.
 *
 * <p>Not thread-safe, like the driver statements it wraps; {@link #cancel()} may come from
 * another thread.
 */
class GuardedStatement implements Statement {

    private final Statement delegate;
    final GuardedConnection connection;
    final SqlGate gate;

    /** Plain-statement batch: each entry checked when added, journaled when executed. */
    private final List<CheckedSql> batch = new ArrayList<>();
    /** The run whose outcome is not written yet, or null. */
    private Execution current;
    /** The most recent run, for result sets fetched after it finished. */
    private Execution last;
    /** A name that needs no quotes in SQL text. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private GuardedResultSet currentResult;
    private ResultSet currentRaw;
    /** An outcome that could not be journaled when a result set closed; thrown at the next call. */
    private SQLException pendingFailure;

    /** One-entry cache: a loop running the same string skips even the analyzer's cache lookup. */
    private String lastSql;
    private CheckedSql lastChecked;

    /**
     * The masking plan of the last result set, and the analysis it was built from (identities:
     * a prepared statement's own, or the cached shape shared by a plain statement's texts that
     * differ only in literals). Reused only for the same analysis, masker and driver description
     * of the columns; anything else builds a new plan.
     */
    private ResultMasking.Plan lastPlan;
    private SqlAction lastPlanAction;
    private List<ResultColumn> lastPlanColumns;

    /** Max rows as the agent set them (0 = none) and as the driver has them (the policy's row limit may cut). */
    private long agentMaxRows;
    private long driverMaxRows;
    private boolean closed;

    GuardedStatement(Statement delegate, GuardedConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
        this.gate = connection.gate();
    }

    // ---- the guarded path -------------------------------------------------------------------------

    /** Analyses a plain statement's SQL (cached for a repeated string). */
    final CheckedSql analyse(String sql) throws SQLException {
        if (sql != null && (sql == lastSql || sql.equals(lastSql))) {
            return lastChecked;
        }
        CheckedSql checked = gate.analyse(sql);
        lastSql = sql;
        lastChecked = checked;
        return checked;
    }

    /**
     * Starts a run: ends the previous one, has the guard decide and journal the intent, and
     * sets the driver's max rows to honour the policy's row limit. Throws (and nothing runs)
     * when the guard refuses.
     */
    final Execution begin(CheckedSql sql) throws SQLException {
        ensureOpen();
        endCurrent();
        Permit permit = gate.begin(connection.session(), sql);
        // The last run is over (endCurrent above wrote its outcome): reuse it unless a result set of it is still open.
        Execution run = last == null ? null : last.reuseFor(permit, sql);
        if (run == null) {
            run = new Execution(permit, sql, this);
        }
        current = run;
        last = run;
        try {
            applyRowLimit(run.rowLimit());
        } catch (SQLException | RuntimeException e) {
            current = null;
            throw run.fail(e);
        }
        return run;
    }

    /** Writes the failure outcome of a run the driver failed; returns what the agent sees. */
    final SQLException failed(Execution run, Throwable driverError) {
        if (current == run) {
            current = null;
        }
        return run.fail(driverError);
    }

    /** Records an update count; a single-result run is finished by it. */
    final long updated(Execution run, long count) throws SQLException {
        run.updateCount(count);
        if (run.sql().singleResult()) {
            finish(run);
        }
        return count;
    }

    final void finish(Execution run) throws SQLException {
        if (current == run) {
            current = null;
        }
        run.succeed();
    }

    /** After {@code execute}: an update count is recorded now, a result set when the agent fetches it. */
    final boolean executed(Execution run, boolean hasResultSet) throws SQLException {
        if (!hasResultSet) {
            int count;
            try {
                count = delegate.getUpdateCount();
            } catch (SQLException | RuntimeException e) {
                throw failed(run, e);
            }
            updated(run, count);
        }
        return hasResultSet;
    }

    /** Wraps a result set of {@code run} so that it is masked, limited and reports when it closes. */
    final ResultSet openResult(ResultSet raw, Execution run) throws SQLException {
        if (raw == null) {
            return null;
        }
        AnalyzedSql analyzed = run.sql().analyzed();
        // Result columns describe the one statement of a single-statement string; a later result
        // of a multi-statement string is masked by its metadata and the detectors only.
        if (analyzed.action().isMultiStatement()) {
            analyzed = null;
        }
        ResultMasking.Plan plan;
        try {
            plan = plan(analyzed, raw.getMetaData());
        } catch (SQLException | RuntimeException e) {
            // No plan, no result: an unmasked result set is never handed out.
            try {
                raw.close();
            } catch (SQLException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw failed(run, e);
        }
        GuardedResultSet result = new GuardedResultSet(raw, this, plan, run.rowLimit(), run,
                run.resultOpened(plan.columnCount()));
        currentResult = result;
        currentRaw = raw;
        return result;
    }

    /** The masking plan for a result of {@code analyzed} that {@code md} describes: the last one if it still holds, else a new one. */
    private ResultMasking.Plan plan(AnalyzedSql analyzed, ResultSetMetaData md) throws SQLException {
        SqlAction action = analyzed == null ? null : analyzed.action();
        List<ResultColumn> columns = analyzed == null ? null : analyzed.resultColumns();
        ResultMasking.Plan plan = lastPlan;
        if (plan != null && lastPlanAction == action && lastPlanColumns == columns && plan.masker() == gate.masker()
                && plan.describes(md)) {
            return plan;
        }
        lastPlan = null; // never keep a plan whose check failed half-way
        plan = ResultMasking.Plan.build(gate.masker(), analyzed, md);
        lastPlan = plan;
        lastPlanAction = action;
        lastPlanColumns = columns;
        return plan;
    }

    /** A result set of {@code run} closed (its counts are in the run): a single-result run is finished by it. */
    final void resultClosed(Execution run) {
        if (run.sql().singleResult()) {
            try {
                finish(run);
            } catch (SQLException e) {
                pendingFailure = e; // the listener cannot throw; the next call on this statement does
            }
        }
    }

    /** Closes the current result set and writes the outcome of the current run. */
    private void endCurrent() throws SQLException {
        SQLException failure = null;
        if (currentResult != null) {
            GuardedResultSet result = currentResult;
            currentResult = null;
            currentRaw = null;
            try {
                result.close();
            } catch (SQLException e) {
                failure = e;
            }
        }
        if (current != null) {
            Execution run = current;
            current = null;
            try {
                run.succeed();
            } catch (SQLException e) {
                failure = chain(failure, e);
            }
        }
        if (pendingFailure != null) {
            failure = chain(failure, pendingFailure);
            pendingFailure = null;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Keeps the driver from fetching more than the policy's row limit (plus one row, so the
     * result set can tell that the limit cut something off). The agent's own max rows apply
     * when lower; the agent cannot raise the limit.
     */
    private void applyRowLimit(long limit) throws SQLException {
        long wanted = agentMaxRows;
        if (limit > 0 && limit < Long.MAX_VALUE) {
            wanted = agentMaxRows == 0 ? limit + 1 : Math.min(agentMaxRows, limit + 1);
        }
        if (wanted != driverMaxRows) {
            if (wanted <= Integer.MAX_VALUE) {
                delegate.setMaxRows((int) wanted);
            } else {
                delegate.setLargeMaxRows(wanted);
            }
            driverMaxRows = wanted;
        }
    }

    final void ensureOpen() throws SQLException {
        if (closed) {
            throw new SQLException("the statement is closed: create a new one from the connection", "HY010");
        }
    }

    private static SQLException chain(SQLException first, SQLException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    // ---- plain SQL --------------------------------------------------------------------------------

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        Execution run = begin(analyse(sql));
        ResultSet raw;
        try {
            raw = delegate.executeQuery(sql);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        return openResult(raw, run);
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        Execution run = begin(analyse(sql));
        int count;
        try {
            count = delegate.executeUpdate(sql);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        updated(run, count);
        return count;
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        Execution run = begin(analyse(sql));
        int count;
        try {
            count = delegate.executeUpdate(sql, autoGeneratedKeys);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        updated(run, count);
        return count;
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        Execution run = begin(analyse(sql));
        int count;
        try {
            count = delegate.executeUpdate(sql, columnIndexes);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        updated(run, count);
        return count;
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        Execution run = begin(analyse(sql));
        int count;
        try {
            count = delegate.executeUpdate(sql, columnNames);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        updated(run, count);
        return count;
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        Execution run = begin(analyse(sql));
        long count;
        try {
            count = delegate.executeLargeUpdate(sql);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        return updated(run, count);
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        Execution run = begin(analyse(sql));
        long count;
        try {
            count = delegate.executeLargeUpdate(sql, autoGeneratedKeys);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        return updated(run, count);
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        Execution run = begin(analyse(sql));
        long count;
        try {
            count = delegate.executeLargeUpdate(sql, columnIndexes);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        return updated(run, count);
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        Execution run = begin(analyse(sql));
        long count;
        try {
            count = delegate.executeLargeUpdate(sql, columnNames);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        return updated(run, count);
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        Execution run = begin(analyse(sql));
        boolean hasResultSet;
        try {
            hasResultSet = delegate.execute(sql);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        return executed(run, hasResultSet);
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        Execution run = begin(analyse(sql));
        boolean hasResultSet;
        try {
            hasResultSet = delegate.execute(sql, autoGeneratedKeys);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        return executed(run, hasResultSet);
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        Execution run = begin(analyse(sql));
        boolean hasResultSet;
        try {
            hasResultSet = delegate.execute(sql, columnIndexes);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        return executed(run, hasResultSet);
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        Execution run = begin(analyse(sql));
        boolean hasResultSet;
        try {
            hasResultSet = delegate.execute(sql, columnNames);
        } catch (SQLException | RuntimeException e) {
            throw failed(run, e);
        }
        return executed(run, hasResultSet);
    }

    // ---- batches ------------------------------------------------------------------------------------

    /** Checked now (a denied statement throws here and never joins the batch), journaled when the batch runs. */
    @Override
    public void addBatch(String sql) throws SQLException {
        ensureOpen();
        CheckedSql checked = analyse(sql);
        gate.checkAtPrepare(connection.session(), checked);
        delegate.addBatch(sql);
        batch.add(checked);
    }

    @Override
    public void clearBatch() throws SQLException {
        ensureOpen();
        delegate.clearBatch();
        batch.clear();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return toInt(runBatch(false));
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        return runBatch(true);
    }

    /**
     * Runs the plain-statement batch: one intent per batched statement first (if any is refused,
     * none runs and the batch is cleared), then the driver, then one outcome per statement
     * with its update count.
     */
    private long[] runBatch(boolean large) throws SQLException {
        ensureOpen();
        endCurrent();
        if (batch.isEmpty()) {
            return large ? delegate.executeLargeBatch() : toLong(delegate.executeBatch());
        }
        List<Execution> runs = new ArrayList<>(batch.size());
        try {
            for (CheckedSql sql : batch) {
                runs.add(new Execution(gate.begin(connection.session(), sql), sql, this));
            }
        } catch (SQLException refused) {
            for (Execution run : runs) {
                run.abandon("not run: another statement of the batch was refused", refused);
            }
            batch.clear();
            try {
                delegate.clearBatch();
            } catch (SQLException e) {
                refused.addSuppressed(gate.errors().forAgent(e, null));
            }
            throw refused;
        }
        long[] counts;
        try {
            counts = large ? delegate.executeLargeBatch() : toLong(delegate.executeBatch());
        } catch (SQLException | RuntimeException e) {
            batch.clear();
            throw batchFailed(runs, e);
        }
        batch.clear();
        SQLException failure = null;
        for (int i = 0; i < runs.size(); i++) {
            Execution run = runs.get(i);
            run.updateCount(i < counts.length ? counts[i] : -1);
            try {
                if (i < counts.length && counts[i] == Statement.EXECUTE_FAILED) {
                    run.fail(new SQLException("the driver reported EXECUTE_FAILED for this statement of the batch"));
                } else {
                    run.succeed();
                }
            } catch (SQLException e) {
                failure = chain(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return counts;
    }

    private SQLException batchFailed(List<Execution> runs, Throwable error) {
        long[] counts = error instanceof BatchUpdateException b ? b.getLargeUpdateCounts() : null;
        SQLException forAgent = null;
        for (int i = 0; i < runs.size(); i++) {
            Execution run = runs.get(i);
            boolean ran = counts != null && i < counts.length && counts[i] != Statement.EXECUTE_FAILED;
            if (ran) {
                run.updateCount(counts[i]);
                try {
                    run.succeed();
                } catch (SQLException e) {
                    error.addSuppressed(e);
                }
            } else {
                SQLException seen = run.fail(error);
                if (forAgent == null) {
                    forAgent = seen;
                }
            }
        }
        return forAgent != null ? forAgent : gate.errors().forAgent(error, null);
    }

    /** Update counts as JDBC's int form; a count beyond int range is reported as Integer.MAX_VALUE. */
    static int[] toInt(long[] counts) {
        int[] narrow = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            narrow[i] = (int) Math.min(Integer.MAX_VALUE, counts[i]);
        }
        return narrow;
    }

    static long[] toLong(int[] counts) {
        long[] wide = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            wide[i] = counts[i];
        }
        return wide;
    }

    // ---- results ------------------------------------------------------------------------------------

    @Override
    public ResultSet getResultSet() throws SQLException {
        ensureOpen();
        ResultSet raw = delegate.getResultSet();
        if (raw == null) {
            return null;
        }
        if (raw == currentRaw && currentResult != null) {
            return currentResult;
        }
        Execution run = current != null ? current : last;
        if (run == null) {
            raw.close();
            throw new SQLException("the driver offers a result set for a statement the guard never ran; it is not handed out");
        }
        return openResult(raw, run);
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return getMoreResults(Statement.CLOSE_CURRENT_RESULT);
    }

    @Override
    public boolean getMoreResults(int mode) throws SQLException {
        ensureOpen();
        if (mode != Statement.KEEP_CURRENT_RESULT && currentResult != null) {
            GuardedResultSet result = currentResult;
            currentResult = null;
            currentRaw = null;
            result.close();
        }
        Execution run = current;
        boolean more;
        try {
            more = delegate.getMoreResults(mode);
        } catch (SQLException | RuntimeException e) {
            throw run != null ? failed(run, e) : gate.errors().forAgent(e, null);
        }
        if (!more && run != null) {
            int count;
            try {
                count = delegate.getUpdateCount();
            } catch (SQLException | RuntimeException e) {
                throw failed(run, e);
            }
            if (count == -1) {
                finish(run);
            } else {
                run.updateCount(count);
            }
        }
        if (pendingFailure != null) {
            SQLException failure = pendingFailure;
            pendingFailure = null;
            throw failure;
        }
        return more;
    }

    /**
     * Generated keys are a read of the written rows: the agent can name any columns
     * ({@code executeUpdate(sql, new String[] {"cvv"})}, or PostgreSQL's {@code RETURNING *} for
     * {@code RETURN_GENERATED_KEYS}), so they are decided like a SELECT of those columns from the
     * tables written, then masked like any result (by the detectors and the driver's column names).
     */
    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        ensureOpen();
        ResultSet raw = delegate.getGeneratedKeys();
        if (raw == null) {
            return null;
        }
        ResultMasking masking;
        try {
            ResultSetMetaData md = raw.getMetaData();
            checkGeneratedKeysRead(md);
            // The policy's row limit holds for keys too: RETURNING * of a many-row update is a read.
            masking = ResultMasking.forQuery(gate.masker(), null, md, lastRowLimit(), null);
        } catch (SQLException | RuntimeException e) {
            raw.close();
            throw gate.errors().forAgent(e, null);
        }
        return new GuardedResultSet(raw, this, masking);
    }

    /**
     * Refuses (and journals) generated keys the policy would not let the agent SELECT: one
     * statement reading every key column from the tables the driver names and the last run wrote.
     */
    private void checkGeneratedKeysRead(ResultSetMetaData md) throws SQLException {
        int n = md.getColumnCount();
        if (n == 0) {
            return;
        }
        Set<String> tables = new LinkedHashSet<>();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 1; i <= n; i++) {
            String column = md.getColumnName(i);
            sql.append(i > 1 ? ", " : "").append(quoted(column == null || column.isBlank() ? md.getColumnLabel(i) : column));
            String table = md.getTableName(i);
            if (table != null && !table.isBlank()) {
                String schema = md.getSchemaName(i);
                tables.add(schema == null || schema.isBlank() ? quoted(table) : quoted(schema) + "." + quoted(table));
            }
        }
        if (last != null) {
            for (SqlStatement statement : last.sql().analyzed().action().statements()) {
                for (String written : statement.tablesWritten()) {
                    StringBuilder name = new StringBuilder();
                    for (String part : written.split("\\.")) {
                        name.append(name.isEmpty() ? "" : ".").append(quoted(part));
                    }
                    tables.add(name.toString());
                }
            }
        }
        if (!tables.isEmpty()) {
            sql.append(" FROM ").append(String.join(", ", tables));
        }
        gate.checkAtPrepare(connection.session(), gate.analyse(sql.toString()));
    }

    /** A name as SQL text: as it is when a plain identifier (which the policy reads case-insensitively), else quoted. */
    private static String quoted(String name) {
        String n = String.valueOf(name);
        return PLAIN_NAME.matcher(n).matches() ? n : "\"" + n.replace("\"", "\"\"") + "\"";
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return delegate.getUpdateCount();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        return delegate.getLargeUpdateCount();
    }

    // ---- limits: the agent may lower, never raise, the policy's row limit -----------------------------

    @Override
    public void setMaxRows(int max) throws SQLException {
        ensureOpen();
        if (max < 0) {
            throw new SQLException("setMaxRows(" + max + "): max rows is 0 (no limit of your own) or more", "22023");
        }
        delegate.setMaxRows(max);
        agentMaxRows = max;
        driverMaxRows = max;
    }

    @Override
    public int getMaxRows() throws SQLException {
        ensureOpen();
        return (int) Math.min(Integer.MAX_VALUE, agentMaxRows);
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        ensureOpen();
        if (max < 0) {
            throw new SQLException("setLargeMaxRows(" + max + "): max rows is 0 (no limit of your own) or more", "22023");
        }
        if (max <= Integer.MAX_VALUE) {
            delegate.setMaxRows((int) max); // drivers without large max rows (PostgreSQL) take this
        } else {
            delegate.setLargeMaxRows(max);
        }
        agentMaxRows = max;
        driverMaxRows = max;
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        ensureOpen();
        return agentMaxRows;
    }

    // ---- lifecycle ----------------------------------------------------------------------------------

    /** Closes the current result set, writes the outcome of the current run, then closes the driver's statement. */
    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        SQLException failure = null;
        try {
            endCurrent();
        } catch (SQLException e) {
            failure = e;
        }
        try {
            delegate.close();
        } catch (SQLException | RuntimeException e) {
            failure = chain(failure, gate.errors().forAgent(e, null));
        }
        connection.forget(this);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        return closed || delegate.isClosed();
    }

    @Override
    public Connection getConnection() throws SQLException {
        ensureOpen();
        return connection;
    }

    // ---- plain delegation -----------------------------------------------------------------------------

    @Override
    public int getMaxFieldSize() throws SQLException {
        return delegate.getMaxFieldSize();
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        delegate.setMaxFieldSize(max);
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        delegate.setEscapeProcessing(enable);
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        return delegate.getQueryTimeout();
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        delegate.setQueryTimeout(seconds);
    }

    @Override
    public void cancel() throws SQLException {
        delegate.cancel();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return gate.errors().forAgent(delegate.getWarnings(), last == null ? null : last.sql());
    }

    @Override
    public void clearWarnings() throws SQLException {
        delegate.clearWarnings();
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        delegate.setCursorName(name);
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        delegate.setFetchDirection(direction);
    }

    @Override
    public int getFetchDirection() throws SQLException {
        return delegate.getFetchDirection();
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        delegate.setFetchSize(rows);
    }

    @Override
    public int getFetchSize() throws SQLException {
        return delegate.getFetchSize();
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        return delegate.getResultSetConcurrency();
    }

    @Override
    public int getResultSetType() throws SQLException {
        return delegate.getResultSetType();
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return delegate.getResultSetHoldability();
    }

    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        delegate.setPoolable(poolable);
    }

    @Override
    public boolean isPoolable() throws SQLException {
        return delegate.isPoolable();
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        delegate.closeOnCompletion();
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        return delegate.isCloseOnCompletion();
    }

    @Override
    public String enquoteLiteral(String val) throws SQLException {
        return delegate.enquoteLiteral(val);
    }

    @Override
    public String enquoteIdentifier(String identifier, boolean alwaysQuote) throws SQLException {
        return delegate.enquoteIdentifier(identifier, alwaysQuote);
    }

    @Override
    public boolean isSimpleIdentifier(String identifier) throws SQLException {
        return delegate.isSimpleIdentifier(identifier);
    }

    @Override
    public String enquoteNCharLiteral(String val) throws SQLException {
        return delegate.enquoteNCharLiteral(val);
    }

    // ---- no raw objects -------------------------------------------------------------------------------

    /** Returns this statement for the {@code java.sql} interfaces it implements; anything else is refused. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return Unwrapping.unwrap(this, iface, "statement", gate.resource());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return Unwrapping.isWrapperFor(this, iface);
    }

    /** The run whose outcome is pending, for subclasses that add to its counts. */
    final Execution currentRun() {
        return current;
    }

    /** The row limit of the statement that ran last, 0 when none ran (or it has no limit). */
    final long lastRowLimit() {
        return last == null ? 0 : last.rowLimit();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + gate.resource() + (closed ? ", closed]" : "]");
    }
}
