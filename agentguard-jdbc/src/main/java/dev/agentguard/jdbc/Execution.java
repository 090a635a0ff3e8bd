package dev.agentguard.jdbc;

import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.core.guard.Permit;
import dev.agentguard.core.masking.MaskTally;

import java.sql.SQLException;
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
 */
final class Execution {

    static final String ROWS = "rows";
    static final String ROW_LIMIT_HIT = "rowLimitHit";
    static final String UPDATED = "updated";
    static final String BATCH = "batch";
    static final String PARAMETERS = "parameters";

    private final Permit permit;
    private final CheckedSql sql;
    private final DriverErrors errors;
    private long rows = -1;
    private boolean rowLimitHit;
    private long updated = -1;
    private long batch;
    /** Masked values of this run's result sets, or null; taken as the first result set reported it until a second adds to it. */
    private Map<String, Long> masked;
    private boolean maskedOwned;
    /** Values masked outside result sets (OUT parameters of a call), or null. */
    private MaskTally outTally;
    private boolean finished;

    Execution(Permit permit, CheckedSql sql, DriverErrors errors) {
        this.permit = permit;
        this.sql = sql;
        this.errors = errors;
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

    /** A result set of this run was closed after {@code rowsRead} rows. */
    void resultClosed(long rowsRead, boolean limitHit, Map<String, Long> maskedCounts) {
        rows = Math.max(rows, 0) + rowsRead;
        rowLimitHit |= limitHit;
        if (maskedCounts == null || maskedCounts.isEmpty()) {
            return;
        }
        if (masked == null) {
            masked = maskedCounts; // read only; copied below if another result set adds to it
            return;
        }
        if (!maskedOwned) {
            masked = new LinkedHashMap<>(masked);
            maskedOwned = true;
        }
        for (Map.Entry<String, Long> e : maskedCounts.entrySet()) {
            Long before = masked.get(e.getKey());
            masked.put(e.getKey(), before == null ? e.getValue() : before + e.getValue());
        }
    }

    /** The run reported an update count (-1 and the batch markers below 0 are not counts). */
    void updateCount(long count) {
        if (count >= 0) {
            updated = Math.max(updated, 0) + count;
        }
    }

    /** The tally for values of this run masked outside its result sets. */
    MaskTally outTally() {
        if (outTally == null) {
            outTally = new MaskTally();
        }
        return outTally;
    }

    void batch(long size) {
        batch = size;
    }

    /** Writes the success outcome, once; later calls do nothing. */
    void succeed() throws SQLException {
        if (finished) {
            return;
        }
        finished = true;
        try {
            permit.succeeded(counts());
        } catch (JournalException e) {
            throw outcomeNotJournaled(e);
        }
    }

    /**
     * Writes the failure outcome of a driver error (once) and returns the exception the agent
     * sees for it.
     */
    SQLException fail(Throwable driverError) {
        SQLException forAgent = errors.forAgent(driverError, sql);
        if (!finished) {
            finished = true;
            try {
                permit.failed(errors.forJournal(driverError, sql), counts());
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
            permit.failed(reason, counts());
        } catch (JournalException e) {
            refusal.addSuppressed(outcomeNotJournaled(e));
        }
    }

    private JournalUnavailableException outcomeNotJournaled(JournalException e) {
        return new JournalUnavailableException("the statement ran, but its outcome could not be written to the "
                + "audit journal: " + e.getMessage() + "; further statements are refused until the journal is writable", e);
    }

    Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (rows >= 0) {
            counts.put(ROWS, rows);
        }
        if (rowLimitHit) {
            counts.put(ROW_LIMIT_HIT, 1L);
        }
        if (updated >= 0) {
            counts.put(UPDATED, updated);
        }
        if (batch > 0) {
            counts.put(BATCH, batch);
        }
        int parameters = sql.analyzed().parameterCount();
        if (parameters > 0) {
            counts.put(PARAMETERS, (long) parameters);
        }
        if (masked != null) {
            counts.putAll(masked);
        }
        if (outTally != null) {
            for (Map.Entry<String, Long> e : outTally.counts().entrySet()) {
                counts.merge(e.getKey(), e.getValue(), Long::sum);
            }
        }
        return counts;
    }
}
