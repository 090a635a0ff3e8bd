package dev.agentguard.core.masking;

/**
 * How a sensitive value is replaced.
 *
 * <p>Outputs, for a column rule and for a text detector hit (detector {@code pan} shown):
 * <table>
 *   <caption>strategy outputs</caption>
 *   <tr><th>strategy</th><th>column rule</th><th>text hit</th></tr>
 *   <tr><td>{@link #REDACT}</td><td>{@code [REDACTED]}</td><td>{@code [REDACTED:PAN]}</td></tr>
 *   <tr><td>{@link #PARTIAL}</td><td>{@code 411111******1111}</td><td>{@code 411111******1111}</td></tr>
 *   <tr><td>{@link #KEYED_HASH}</td><td>{@code [HASH:8f2c…]}</td><td>{@code [HASH:8f2c…]}</td></tr>
 *   <tr><td>{@link #NULL}</td><td>SQL {@code NULL}</td><td>{@code [REDACTED:PAN]}</td></tr>
 * </table>
 */
public enum MaskStrategy {
    /** Replace the whole value: {@code [REDACTED]} for a column, {@code [REDACTED:PAN]} for a detector hit. */
    REDACT,
    /**
     * Keep a display part: a card number keeps at most its first 6 and last 4 digits (PCI DSS 3.4.1,
     * configurable down to none), separators stay, other digits become {@code *}; an e-mail keeps its
     * first letter and domain ({@code j***@example.com}); an SSN its last 4; an IBAN its country and
     * last 4. A CVV, track data and secrets are never partly shown: their PARTIAL is a full mask.
     */
    PARTIAL,
    /**
     * {@code [HASH:<16 hex>]}: the first 8 bytes of HMAC-SHA-256 under the configured
     * {@link MaskingKey}. Deterministic, so equal values still join, and useless without the key.
     * There is deliberately no unkeyed hash: a card number's hash without a key is reversible by
     * enumerating the few billion candidates.
     */
    KEYED_HASH,
    /**
     * SQL {@code NULL} for a column. Inside text a substring cannot be null, so a detector hit
     * under NULL is redacted like {@link #REDACT}.
     */
    NULL
}
