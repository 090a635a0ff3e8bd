/**
 * Sensitive-data detectors and masking strategies, shared by every channel.
 *
 * <p>{@link dev.agentguard.core.masking.MaskingRules} says what to mask and how: column rules over
 * {@code schema.table.column}, text detectors ({@link dev.agentguard.core.masking.PanDetector},
 * {@link dev.agentguard.core.masking.CvvDetector}, {@link dev.agentguard.core.masking.TrackDataDetector},
 * {@link dev.agentguard.core.masking.EmailDetector}, {@link dev.agentguard.core.masking.SsnDetector},
 * {@link dev.agentguard.core.masking.IbanDetector}, {@link dev.agentguard.core.masking.SecretDetector})
 * each with a {@link dev.agentguard.core.masking.MaskStrategy}, and the
 * {@link dev.agentguard.core.masking.MaskingKey} of keyed hashes, and
 * {@link dev.agentguard.core.masking.JsonFieldRule JSON field rules} for response bodies. Its
 * {@link dev.agentguard.core.masking.Masker} applies them: {@code maskText} to any text value,
 * {@code columnMask} to whole values of a column, {@code jsonFieldMask} to a JSON value by its path
 * (pointer rules, then the column rules' column part on member names). A
 * {@link dev.agentguard.core.masking.StreamingMasker} applies the detectors to text that arrives in
 * pieces (response bodies, session output) in bounded memory, holding back what may still be part
 * of a value. A channel builds the masker once and counts what it masked in a
 * {@link dev.agentguard.core.masking.MaskTally} per result.
 *
 * <h2>Decisions, and their limits</h2>
 * <ul>
 *   <li><b>Fail closed on columns:</b> a column whose schema or table the driver cannot name is
 *       matched by any rule that could cover it.</li>
 *   <li><b>Digits of every script count:</b> a card number in full-width, Arabic-Indic or
 *       mathematical digits is still a card number; invisible characters (zero-width spaces,
 *       soft hyphens) between digits do not hide one.</li>
 *   <li><b>Grouping:</b> digit groups join across one space or dash (or a Unicode look-alike),
 *       give or take invisible characters. A newline, a tab, two separators or a dot do not
 *       join groups: a PAN split over lines or written {@code 4111.1111.1111.1111} is not found
 *       (dots would turn long decimal fractions into false card numbers).</li>
 *   <li><b>Boundaries:</b> digits glued to letters or to more digits are some other identifier
 *       (a hex hash, a longer number), never a PAN.</li>
 *   <li><b>Overlaps:</b> when hits of two detectors overlap, the union is redacted.</li>
 *   <li><b>NULL in text:</b> a substring cannot be SQL {@code NULL}; a detector hit under
 *       {@link dev.agentguard.core.masking.MaskStrategy#NULL} is redacted.</li>
 *   <li><b>No unkeyed hash:</b> {@link dev.agentguard.core.masking.MaskStrategy#KEYED_HASH}
 *       without a key fails when the rules are built.</li>
 * </ul>
 * Text detection is a safety net for values no column rule names; it cannot catch a value an
 * agent re-encodes on purpose (spelled out, base64). Column rules are the primary control.
 */
package dev.agentguard.core.masking;
