package dev.agentguard.core.masking;

import java.util.Objects;

/**
 * A field rule for JSON documents (HTTP response bodies): the value at {@link #pointer()} is
 * masked with {@link #strategy()}, whatever it holds.
 *
 * <p>The pointer is an RFC 6901 JSON pointer ({@code /card/number}, {@code ~1} for a {@code /}
 * and {@code ~0} for a {@code ~} inside a name) in which a segment {@code *} stands for any one
 * member name or array index: {@code /cards/*}{@code /number} masks the number of every card in
 * an array. A numeric segment matches an array index or a member of that name. When the value
 * is an object or an array, every string, number and boolean inside it is masked.
 *
 * <p>Column rules ({@link ColumnRule}) apply to JSON too: their column part is matched against
 * member names anywhere in the document. A pointer rule is for a member whose name alone is too
 * common to mask everywhere.
 *
 * @param pointer  the pointer as written, e.g. {@code /card/number}
 * @param strategy how the value is masked
 */
public record JsonFieldRule(String pointer, MaskStrategy strategy) {

    public JsonFieldRule {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(strategy, "strategy");
        pointer = pointer.strip();
        JsonPointerPattern.parse(pointer); // validates, with a message naming the pointer
    }

    /** The id the journal and {@link ColumnMask#ruleId()} show: {@code json:<pointer>}. */
    public String ruleId() {
        return "json:" + pointer;
    }
}
