package dev.agentguard.jdbc;

import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.core.guard.OutcomeCounts;
import dev.agentguard.core.guard.Permit;
import dev.agentguard.core.masking.MaskTally;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of a statement between its intent event and its outcome event: collects what the
 * outcome reports (rows read, update count, masked values, batch size) and writes the outcome
 * exactly once. Used by the thread running the statement.
 *
 * <p>Outcome counts: {@value #ROWS} rows read, {@value #ROW_LIMIT_HIT} 1 when the policy's row
 * limit cut the result short, {@value #UPDATED} the update count, {@value #BATCH} statements
 * or parameter sets in a batch, {@value #PARAMETERS} bind parameters (their values are never
 * journaled), and {@code masked.<column>} per masked column.
 *
 * <p>It is also what its result sets report to when they close, and what hands the outcome its
 * counts. A statement run again reuses its last run once that run is over (outcome written, no
 * result set of it open), together with the array its result set counted masked values in, so a
 * run of a prepared statement allocates nothing here.
 */
final class Execution implements OutcomeCounts, ResultMasking.Listener {

    static final String ROWS = "rows";
    static final String ROW_LIMIT_HIT = "rowLimitHit";
    static final String UPDATED = "updated";
    static final String BATCH = "batch";
    static final String PARAMETERS = "parameters";

    /** The statement that ran it: told when a result set of the run closes. */
    private final GuardedStatement owner;
    private Permit permit;
    private CheckedSql sql;
    private long rows = -1;
    private boolean rowLimitHit;
    private long updated = -1;
    /** The first result set's masked values per column (read when the outcome is written), or null. */
    private ResultMasking.Plan firstPlan;
    private long[] firstMasked;
    /** What only some runs have: a batch size, later result sets, OUT parameters. Null until needed. */
    private Extra extra;
    private boolean finished;
    /** Result sets of this run that were handed out and have not closed. */
    private int openResults;
    /** The array lent to the run's result sets for their masked counts, kept from run to run. */
    private long[] countsToLend;
    private boolean countsLent;

    /** The rarely used part of a run. */
    private static final class Extra {
        long batch;
        /** Masked values of result sets after the first. */
        Map<String, Long> laterMasked;
        /** Values masked outside result sets (OUT parameters of a call). */
        MaskTally outTally;
    }

    Execution(Permit permit, CheckedSql sql, GuardedStatement owner) {
        this.permit = permit;
        this.sql = sql;
        this.owner = owner;
    }

    /**
     * This run made ready for the next run of its statement, or null when it cannot be: its outcome
     * is not written yet, or a result set of it is still open (and could still report to it).
     */
    Execution reuseFor(Permit nextPermit, CheckedSql nextSql) {
        if (!finished || openResults != 0) {
            return null;
        }
        permit = nextPermit;
        sql = nextSql;
        rows = -1;
        rowLimitHit = false;
        updated = -1;
        firstPlan = null;
        firstMasked = null;
        extra = null;
        finished = false;
        if (countsLent && countsToLend != null) {
            Arrays.fill(countsToLend, 0L);
        }
        countsLent = false;
        return this;
    }

    CheckedSql sql() {
        return sql;
    }

    /** The policy's row limit for this run, 0 for none. */
    long rowLimit() {
        return permit.rowLimit();
    }

    boolean finished() {
        return finished;
    }

    /**
     * A result set of this run is handed out: it will report here when it closes. Returns an array
     * of {@code columns + 1} zeros for it to count masked values in, or null (it then makes its own)
     * when the run's array is already lent to another of its result sets.
     */
    long[] resultOpened(int columns) {
        openResults++;
        if (countsLent) {
            return null;
        }
        countsLent = true;
        if (countsToLend == null || countsToLend.length != columns + 1) {
            countsToLend = new long[columns + 1];
        }
        return countsToLend;
    }

    /** A result set of this run was closed after {@code rowsRead} rows. */
    void resultClosed(long rowsRead, boolean limitHit, Map<String, Long> maskedCounts) {
        rows = Math.max(rows, 0) + rowsRead;
        rowLimitHit |= limitHit;
        if (maskedCounts != null && !maskedCounts.isEmpty()) {
            Extra x = extra();
            if (x.laterMasked == null) {
                x.laterMasked = new LinkedHashMap<>();
            }
            for (Map.Entry<String, Long> e : maskedCounts.entrySet()) {
                x.laterMasked.merge(e.getKey(), e.getValue(), Long::sum);
            }
        }
    }

    /** A result set of this run closed: its counts are kept by reference, and the statement is told. */
    @Override
    public void closed(long rowsRead, boolean rowLimitHit, ResultMasking.Plan plan, long[] maskedPerColumn) {
        openResults--;
        if (finished) {
            return;
        }
        if (firstPlan == null) {
            rows = Math.max(rows, 0) + rowsRead;
            this.rowLimitHit |= rowLimitHit;
            firstPlan = plan;
            firstMasked = maskedPerColumn;
        } else {
            resultClosed(rowsRead, rowLimitHit, plan.countsByField(maskedPerColumn));
        }
        owner.resultClosed(this);
    }

    @Override
    public void closed(long rowsRead, boolean rowLimitHit, Map<String, Long> maskedCounts) {
        openResults--;
        if (finished) {
            return;
        }
        resultClosed(rowsRead, rowLimitHit, maskedCounts);
        owner.resultClosed(this);
    }

    /** The run reported an update count (-1 and the batch markers below 0 are not counts). */
    void updateCount(long count) {
        if (count >= 0) {
            updated = Math.max(updated, 0) + count;
        }
    }

    /** The tally for values of this run masked outside its result sets. */
    MaskTally outTally() {
        Extra x = extra();
        if (x.outTally == null) {
            x.outTally = new MaskTally();
        }
        return x.outTally;
    }

    void batch(long size) {
        extra().batch = size;
    }

    private Extra extra() {
        if (extra == null) {
            extra = new Extra();
        }
        return extra;
    }

    /** Writes the success outcome, once; later calls do nothing. */
    void succeed() throws SQLException {
        if (finished) {
            return;
        }
        finished = true;
        try {
            permit.succeeded(this);
        } catch (JournalException e) {
            throw outcomeNotJournaled(e);
        }
    }

    /**
     * Writes the failure outcome of a driver error (once) and returns the exception the agent
     * sees for it.
     */
    SQLException fail(Throwable driverError) {
        DriverErrors errors = owner.gate.errors();
        SQLException forAgent = errors.forAgent(driverError, sql);
        if (!finished) {
            finished = true;
            try {
                permit.failed(errors.forJournal(driverError, sql), this);
            } catch (JournalException e) {
                forAgent.addSuppressed(outcomeNotJournaled(e));
            }
        }
        return forAgent;
    }

    /** Ends a run that never reached the database (e.g. another statement of its batch was refused). */
    void abandon(String reason, Throwable refusal) {
        if (finished) {
            return;
        }
        finished = true;
        try {
            permit.failed(reason, this);
        } catch (JournalException e) {
            refusal.addSuppressed(outcomeNotJournaled(e));
        }
    }

    private JournalUnavailableException outcomeNotJournaled(JournalException e) {
        return new JournalUnavailableException("the statement ran, but its outcome could not be written to the "
                + "audit journal: " + e.getMessage() + "; further statements are refused until the journal is writable", e);
    }

    /** The outcome's counts; a masked field reported by several columns or result sets adds up. */
    @Override
    public void addTo(Sink sink) {
        if (rows >= 0) {
            sink.add(ROWS, rows);
        }
        if (rowLimitHit) {
            sink.add(ROW_LIMIT_HIT, 1L);
        }
        if (updated >= 0) {
            sink.add(UPDATED, updated);
        }
        if (extra != null && extra.batch > 0) {
            sink.add(BATCH, extra.batch);
        }
        int parameters = sql.analyzed().parameterCount();
        if (parameters > 0) {
            sink.add(PARAMETERS, parameters);
        }
        if (firstMasked != null) {
            int columns = Math.min(firstMasked.length - 1, firstPlan.columnCount());
            for (int i = 1; i <= columns; i++) {
                if (firstMasked[i] != 0) {
                    sink.add(firstPlan.countKey(i), firstMasked[i]);
                }
            }
        }
        if (extra != null && extra.laterMasked != null) {
            for (Map.Entry<String, Long> e : extra.laterMasked.entrySet()) {
                sink.add(e.getKey(), e.getValue());
            }
        }
        if (extra != null && extra.outTally != null) {
            for (Map.Entry<String, Long> e : extra.outTally.counts().entrySet()) {
                sink.add(e.getKey(), e.getValue());
            }
        }
    }

    /** The outcome's counts as a map, in the order they are reported (for tests and messages). */
    Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        addTo((name, value) -> counts.merge(name, value, Long::sum));
        return counts;
    }
}
