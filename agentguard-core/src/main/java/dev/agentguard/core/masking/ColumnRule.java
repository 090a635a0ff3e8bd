package dev.agentguard.core.masking;

import java.util.Objects;

/**
 * One column rule of {@link MaskingRules}: every column whose {@code schema.table.column} matches
 * {@link #pattern()} is masked with {@link #strategy()}.
 *
 * <p>The pattern is one to three dot-separated parts, each a name or a case-insensitive glob
 * ({@code *} any run of characters, {@code ?} one character). A pattern with fewer parts matches
 * the trailing parts: {@code cards.pan} matches {@code public.cards.pan}, {@code *pan*} matches
 * any column whose name contains {@code pan}.
 *
 * @param pattern  the glob as written, e.g. {@code *.cards.pan}
 * @param strategy how matching columns are masked
 */
public record ColumnRule(String pattern, MaskStrategy strategy) {

    public ColumnRule {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(strategy, "strategy");
        pattern = pattern.strip();
        ColumnPattern.parse(pattern); // validates, with a message naming the pattern
    }

    /** The id the journal and {@link ColumnMask#ruleId()} show: {@code column:<pattern>}. */
    public String ruleId() {
        return "column:" + pattern;
    }
}
