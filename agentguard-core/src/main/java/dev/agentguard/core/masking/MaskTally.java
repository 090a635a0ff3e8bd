package dev.agentguard.core.masking;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Counts the values masked while serving one result (a result set, a response), for the outcome
 * event's counts. Not thread-safe: one tally per result, used by the thread reading it.
 *
 * <p>Counts are kept per field (a column label, or the detector name for free text) and per
 * rule or detector that masked them; only counts and names are kept, never a value.
 */
public final class MaskTally {
    /** Journal count names are {@code masked.<field>}. */
    public static final String PREFIX = "masked.";

    // long[1] cells so the per-value path does one map lookup and no boxing.
    private final Map<String, long[]> byField = new LinkedHashMap<>();
    private final Map<String, long[]> byRule = new LinkedHashMap<>();
    private long total;

    /**
     * Records one masked value.
     *
     * @param field the column label or field the value was in, e.g. {@code pan}
     * @param what  the rule id or detector that masked it, e.g. {@code column:*.cards.pan} or {@code email}
     */
    public void add(String field, String what) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(what, "what");
        cell(byField, field)[0]++;
        cell(byRule, what)[0]++;
        total++;
    }

    private static long[] cell(Map<String, long[]> map, String key) {
        long[] cell = map.get(key);
        if (cell == null) {
            cell = new long[1];
            map.put(key, cell);
        }
        return cell;
    }

    /** Masked values per field, keyed {@code masked.<field>}, in first-seen order; a snapshot. */
    public Map<String, Long> counts() {
        return snapshot(byField, PREFIX);
    }

    /** Masked values per rule id or detector name, in first-seen order; a snapshot. */
    public Map<String, Long> countsByRule() {
        return snapshot(byRule, "");
    }

    private static Map<String, Long> snapshot(Map<String, long[]> map, String prefix) {
        if (map.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : map.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue()[0]);
        }
        return Collections.unmodifiableMap(out);
    }

    /** All values masked so far. */
    public long total() {
        return total;
    }

    @Override
    public String toString() {
        return "MaskTally" + counts();
    }
}
