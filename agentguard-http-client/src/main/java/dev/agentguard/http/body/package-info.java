/**
 * Response-body masking for the guarded HTTP client: {@link dev.agentguard.http.body.MaskingBodyHandler}
 * wraps the agent's body handler so that every body subscriber sees the body masked, streamed in
 * bounded memory, and reports what it delivered in a {@link dev.agentguard.http.body.BodyReport}.
 *
 * <h2>Decisions, and their limits</h2>
 * <ul>
 *   <li><b>Fail closed:</b> a body that cannot be decoded or parsed (unknown content coding,
 *       corrupt gzip, a decompression bomb, invalid JSON under a JSON type, a charset the JVM
 *       cannot read, a 206 range of a text body) fails with
 *       {@link dev.agentguard.http.body.UnmaskableBodyException}; what was delivered before the
 *       failure was masked.</li>
 *   <li><b>Length:</b> masks follow the policy's strategies, so a masked body may change length;
 *       {@link dev.agentguard.http.body.MaskingBodyHandler#visibleHeaders} drops
 *       {@code Content-Length} from every body that may be rewritten.</li>
 *   <li><b>Malformed text</b> is read as U+FFFD and the delivered bytes are the masked text encoded
 *       again, never the received bytes: the agent reads exactly what the detectors read.</li>
 *   <li><b>Binary bodies pass through:</b> a server that labels text as binary
 *       ({@code application/octet-stream}) defeats masking; the body is reported by size and
 *       hash. The declared charset is trusted likewise.</li>
 * </ul>
 */
package dev.agentguard.http.body;
