package dev.agentguard.http.body;

import dev.agentguard.core.masking.Masker;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Wraps the agent's {@link HttpResponse.BodyHandler} so that its subscriber only ever sees the
 * masked body: masking happens inside the body subscriber, so {@code ofString}, {@code ofByteArray},
 * {@code ofInputStream}, {@code ofLines}, {@code ofFile}, {@code ofPublisher}, {@code buffering} and
 * custom subscribers alike get masked data, streamed without buffering the whole body.
 *
 * <p>How a body is read is decided from the response headers:
 * <ul>
 *   <li>JSON ({@code application/json}, {@code +json}, NDJSON): JSON field rules by pointer and
 *       the column rules' column part by member name, then the detectors over every string
 *       (escapes undone) and every number; the document stays valid JSON.</li>
 *   <li>Form ({@code application/x-www-form-urlencoded}): the detectors over decoded names and values.</li>
 *   <li>Text ({@code text/*}, XML, JavaScript, YAML, ...): the detectors.</li>
 *   <li>Binary (images, audio, video, fonts, {@code application/octet-stream}, PDF, archives,
 *       protobuf, ...): passed through unchanged, reported by size and SHA-256.</li>
 *   <li>No or an unknown Content-Type: text, unless its first bytes are clearly binary.</li>
 * </ul>
 * Content codings {@code gzip}, {@code x-gzip} and {@code deflate} are decoded (bounded by
 * {@link BodyMaskingOptions#maxDecodedBytes()}) and the decoded body is delivered; any other
 * coding, a charset the JVM cannot read, invalid JSON under a JSON type and a partial (206)
 * response of a non-binary body fail the body with {@link UnmaskableBodyException}: nothing is
 * passed through unmasked. A masked value may be longer or shorter than the original, so a body
 * that may be rewritten loses its {@code Content-Length}; see {@link #visibleHeaders}.
 *
 * <p>One handler may be applied to many responses; each application reports once.
 *
 * @param <T> the body type of the agent's handler
 */
public final class MaskingBodyHandler<T> implements HttpResponse.BodyHandler<T> {
    /** Headers that describe the bytes as sent, which no longer hold once a body may be rewritten. */
    private static final List<String> REWRITE_STALE = List.of("content-length", "content-md5", "digest",
            "content-digest", "repr-digest");

    private final HttpResponse.BodyHandler<T> downstream;
    private final Masker masker;
    private final Consumer<BodyReport> onFinish;
    private final BodyMaskingOptions options;

    private MaskingBodyHandler(HttpResponse.BodyHandler<T> downstream, Masker masker, Consumer<BodyReport> onFinish,
                               BodyMaskingOptions options) {
        this.downstream = Objects.requireNonNull(downstream, "downstream");
        this.masker = Objects.requireNonNull(masker, "masker");
        this.onFinish = Objects.requireNonNull(onFinish, "onFinish");
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * Masks the body before {@code downstream} sees it, with {@link BodyMaskingOptions#defaults()}.
     * {@code onFinish} runs exactly once per response this handler is applied to, when the body
     * completes, fails or is cancelled (never twice, never not at all once {@code apply} ran), and
     * before the final signal reaches the agent's subscriber; if it throws on a body that was about
     * to complete, the agent's subscriber gets an error instead (an {@code IOException} cause of
     * an {@link java.io.UncheckedIOException} as is), so no body completes whose outcome was not
     * recorded.
     *
     * @param downstream the agent's handler
     * @param masker     the policy's masker: its detectors, column rules and JSON field rules
     * @param onFinish   told what happened to the body; it must not block
     */
    public static <T> MaskingBodyHandler<T> of(HttpResponse.BodyHandler<T> downstream, Masker masker,
                                               Consumer<BodyReport> onFinish) {
        return new MaskingBodyHandler<>(downstream, masker, onFinish, BodyMaskingOptions.defaults());
    }

    /** {@link #of(HttpResponse.BodyHandler, Masker, Consumer)} with other limits. */
    public static <T> MaskingBodyHandler<T> of(HttpResponse.BodyHandler<T> downstream, Masker masker,
                                               Consumer<BodyReport> onFinish, BodyMaskingOptions options) {
        return new MaskingBodyHandler<>(downstream, masker, onFinish, options);
    }

    /**
     * The headers the agent should see for a response received with {@code received}, matching
     * what its body handler is given: when a content coding is decoded, {@code Content-Encoding}
     * goes; when the body may be rewritten (any body but a binary one that is not decoded),
     * {@code Content-Length} and the digests of the sent bytes ({@code Content-MD5}, {@code Digest},
     * {@code Content-Digest}, {@code Repr-Digest}) go too. Decided from the headers alone, like the
     * masking itself, so a header the agent sees never contradicts the body it reads.
     */
    public static HttpHeaders visibleHeaders(HttpHeaders received) {
        Objects.requireNonNull(received, "received");
        boolean coded = hasCoding(received);
        boolean rewrite = coded || BodyPlan.kind(BodyPlan.mediaType(received.firstValue("Content-Type").orElse("")))
                != ContentKind.BINARY;
        return visibleHeaders(received, coded, rewrite);
    }

    /**
     * {@code received} without the headers that no longer hold: those describing the sent bytes
     * when the body may be rewritten, and {@code Content-Encoding} when it is decoded. The same
     * headers when none of them is there (no copy).
     */
    private static HttpHeaders visibleHeaders(HttpHeaders received, boolean coded, boolean rewrite) {
        if (!rewrite) {
            return received;
        }
        boolean anyStale = false;
        for (String name : received.map().keySet()) {
            if (isStale(name, coded)) {
                anyStale = true;
                break;
            }
        }
        return anyStale ? HttpHeaders.of(received.map(), (name, value) -> !isStale(name, coded)) : received;
    }

    /** Whether header {@code name} (any case) no longer holds once the body may be rewritten. */
    private static boolean isStale(String name, boolean coded) {
        for (String stale : REWRITE_STALE) {
            if (name.equalsIgnoreCase(stale)) {
                return true;
            }
        }
        return coded && name.equalsIgnoreCase("content-encoding");
    }

    /** Whether any content coding other than identity is declared (decoded, or refused). */
    private static boolean hasCoding(HttpHeaders headers) {
        for (String value : headers.allValues("Content-Encoding")) {
            for (String token : value.split(",")) {
                String t = token.strip();
                if (!t.isEmpty() && !t.equalsIgnoreCase("identity")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
        BodyPlan plan = BodyPlan.of(info.statusCode(), info.headers());
        // As visibleHeaders(headers) decides, from the plan already made of the same headers.
        boolean coded = hasCoding(info.headers());
        HttpHeaders headers = visibleHeaders(info.headers(), coded, coded || plan.kind() != ContentKind.BINARY);
        HttpResponse.ResponseInfo visible = new VisibleInfo(info.statusCode(), headers, info.version());
        HttpResponse.BodySubscriber<T> subscriber;
        try {
            subscriber = Objects.requireNonNull(downstream.apply(visible), "the agent's body handler returned null");
        } catch (RuntimeException | Error e) {
            onFinish.accept(new BodyReport(0, 0, Map.of(), plan.kind().label(), null, e, false));
            throw e;
        }
        MaskingBodySubscriber<T> masking = new MaskingBodySubscriber<>(subscriber, plan, masker, options, onFinish);
        // A body that completes at its end anyway completes on the client's thread, not one thread later.
        return InlineCompletion.applies(subscriber) ? InlineCompletion.adapt(masking) : masking;
    }

    /**
     * Whether the running JDK completes the body of a
     * {@link HttpResponse.BodySubscribers#fromSubscriber fromSubscriber} adapter inside its
     * {@code onComplete}, on the thread that delivers the body's end: JDK 17 does; JDK 22 and later
     * complete it on the common pool. Where it does, the masked bodies of the JDK's handlers that
     * hand out their body only once it is complete ({@code ofString}, {@code ofByteArray},
     * {@code ofFile}, {@code ofByteArrayConsumer}, {@code discarding}, {@code replacing}) complete
     * on that thread too, as the guarded client's dropped redirect bodies do; elsewhere they
     * complete through the client's executor, as any other handler's.
     */
    public static boolean jdkAdapterCompletesInLine() {
        return InlineCompletion.IN_LINE;
    }

    @Override
    public String toString() {
        return "MaskingBodyHandler[" + downstream + "]";
    }

    /** The response as the agent's handler is told about it. */
    private record VisibleInfo(int statusCode, HttpHeaders headers, HttpClient.Version version)
            implements HttpResponse.ResponseInfo {
    }
}
