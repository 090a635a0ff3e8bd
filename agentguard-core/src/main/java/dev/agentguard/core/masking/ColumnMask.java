package dev.agentguard.core.masking;

/**
 * The column rule that applies to one result column, prepared for the per-row path:
 * {@link #mask(String)} is cheap and thread-safe.
 */
public interface ColumnMask {

    /** The rule's id as the journal shows it, e.g. {@code column:*.cards.pan}. */
    String ruleId();

    /** How the rule masks. */
    MaskStrategy strategy();

    /**
     * The masked form of a whole column value: {@code null} for {@link MaskStrategy#NULL} and
     * for a {@code null} value (there is nothing to hide), otherwise the masked text.
     */
    String mask(String raw);
}
