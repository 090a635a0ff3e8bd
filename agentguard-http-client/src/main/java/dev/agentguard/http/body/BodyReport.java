package dev.agentguard.http.body;

import java.util.Map;
import java.util.Objects;

/**
 * What happened to one response body on its way to the agent, for the outcome event: sizes,
 * masked values, and how it ended. Holds counts and names only, never a value.
 *
 * @param bytesReceived  bytes of the body as received, before any content coding was decoded
 * @param bytesDelivered bytes handed to the agent's body handler (decoded and masked)
 * @param maskedCounts   masked values keyed {@code masked.<field>}: the detector for a value found
 *                       in text ({@code masked.pan}), the member name or pointer for a JSON field
 *                       rule ({@code masked.cvv}, {@code masked.card.number})
 * @param contentKind    how the body was read: {@link #JSON}, {@link #FORM}, {@link #TEXT} or
 *                       {@link #BINARY}
 * @param binarySha256   for a binary body that completed, the lower-case hex SHA-256 of the bytes
 *                       delivered; otherwise {@code null}
 * @param failure        why the body failed (the agent's handler got this error), or {@code null}
 * @param cancelled      whether the agent's handler cancelled the body before it ended (for
 *                       example by closing an {@code InputStream} early)
 */
public record BodyReport(long bytesReceived, long bytesDelivered, Map<String, Long> maskedCounts,
                         String contentKind, String binarySha256, Throwable failure, boolean cancelled) {
    /** A JSON body: field rules and detectors applied, the document kept valid. */
    public static final String JSON = "json";
    /** A form ({@code application/x-www-form-urlencoded}) body: detectors applied to decoded names and values. */
    public static final String FORM = "form";
    /** A text body: detectors applied. */
    public static final String TEXT = "text";
    /** A binary body: passed through unchanged, reported by size and hash. */
    public static final String BINARY = "binary";

    public BodyReport {
        if (bytesReceived < 0 || bytesDelivered < 0) {
            throw new IllegalArgumentException("byte counts must not be negative: received " + bytesReceived
                    + ", delivered " + bytesDelivered);
        }
        maskedCounts = Map.copyOf(Objects.requireNonNull(maskedCounts, "maskedCounts"));
        Objects.requireNonNull(contentKind, "contentKind");
    }

    /** Whether the body reached its end and the agent's handler completed normally. */
    public boolean completed() {
        return failure == null && !cancelled;
    }

    /** All values masked in the body. */
    public long maskedTotal() {
        long total = 0;
        for (long n : maskedCounts.values()) {
            total += n;
        }
        return total;
    }
}
