package dev.agentguard.http.body;

import java.net.http.HttpHeaders;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the response headers say about reading a body: its kind, charset and content codings, or
 * why it cannot be masked. Decided from the headers alone, so {@link MaskingBodyHandler#visibleHeaders}
 * and the subscriber agree.
 *
 * @param kind       how the body is read
 * @param charset    the declared charset, or {@code null} when none is declared (UTF-8 for a
 *                   declared text kind, sniffed for {@link ContentKind#SNIFF})
 * @param codings    content codings to undo, in the order they are undone (the header's reverse)
 * @param refusal    why the body is refused, or {@code null}
 * @param declaredLength the {@code Content-Length} as sent, or -1 when there is none (chunked)
 *                   or it is not one number; only a hint for buffer sizes, never trusted as the
 *                   body's length
 */
record BodyPlan(ContentKind kind, Charset charset, List<Coding> codings, String refusal, long declaredLength) {

    /** A content coding AgentGuard can undo. */
    enum Coding { GZIP, DEFLATE }

    /** At most this many stacked codings; more is no real server's doing. */
    static final int MAX_CODINGS = 4;

    private static final Set<String> JSON_TYPES = Set.of("application/json", "application/x-ndjson",
            "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/json-seq",
            "text/json", "text/x-json");
    private static final Set<String> TEXT_TYPES = Set.of("application/xml", "application/javascript",
            "application/ecmascript", "application/x-javascript", "application/yaml", "application/x-yaml",
            "application/toml", "application/graphql", "application/sql", "application/csv",
            "application/x-sh", "application/rtf", "application/x-tex", "application/xhtml+xml");
    private static final Set<String> BINARY_TYPES = Set.of("application/octet-stream", "application/pdf",
            "application/zip", "application/gzip", "application/x-gzip", "application/x-tar",
            "application/x-7z-compressed", "application/vnd.rar", "application/x-rar-compressed",
            "application/java-archive", "application/wasm", "application/protobuf", "application/x-protobuf",
            "application/x-google-protobuf", "application/grpc", "application/cbor", "application/msgpack",
            "application/x-msgpack", "application/vnd.ms-excel", "application/msword",
            "application/vnd.ms-powerpoint", "application/x-bzip2", "application/x-xz", "application/zstd",
            "application/x-zstd", "application/vnd.android.package-archive", "application/ogg",
            "application/x-shockwave-flash", "application/vnd.apache.parquet", "application/x-parquet",
            "application/avro", "application/vnd.apache.avro+binary");

    /** The plan for a response with {@code status} and {@code headers}. */
    static BodyPlan of(int status, HttpHeaders headers) {
        String contentType = headers.firstValue("Content-Type").orElse("").strip();
        String mediaType = mediaType(contentType);
        ContentKind kind = kind(mediaType);
        List<String> encodings = headers.allValues("Content-Encoding");
        List<Coding> codings = encodings.isEmpty() ? List.of() : new ArrayList<>();
        String refusal = encodings.isEmpty() ? null : codings(encodings, codings);
        Charset charset = null;
        String charsetName = parameter(contentType, "charset");
        if (charsetName != null && kind != ContentKind.BINARY) {
            try {
                charset = Charset.forName(charsetName);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                if (refusal == null) {
                    // The name is not shown: it is whatever the server wrote.
                    refusal = "the response declares a charset this JVM cannot read: AgentGuard delivers no text"
                            + " it cannot read and mask";
                }
            }
        }
        if (refusal == null && status == 206 && kind != ContentKind.BINARY) {
            refusal = "a partial response (206) of a " + kind.label() + " body cannot be masked: a value cut at a"
                    + " range boundary would pass unrecognised; request the whole body";
        }
        return new BodyPlan(kind, charset, List.copyOf(codings), refusal, declaredLength(headers));
    }

    /** The one {@code Content-Length} the headers carry, or -1 (none, several, or not a number). */
    static long declaredLength(HttpHeaders headers) {
        List<String> values = headers.allValues("Content-Length");
        if (values.size() != 1) {
            return -1;
        }
        String v = values.get(0).strip();
        if (v.isEmpty() || v.length() > 18) {
            return -1;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(v);
    }

    /** Whether the body is decoded from a content coding before masking. */
    boolean decoded() {
        return !codings.isEmpty();
    }

    /**
     * Whether the delivered body may differ from the received one, so that its Content-Length
     * (and digests) no longer hold: every body but a binary one that is not decoded.
     */
    boolean mayRewrite() {
        return decoded() || kind != ContentKind.BINARY;
    }

    /** {@code type/subtype}, lower case, or empty. */
    static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    static ContentKind kind(String mediaType) {
        int slash = mediaType.indexOf('/');
        if (mediaType.isEmpty() || slash <= 0 || slash == mediaType.length() - 1) {
            return ContentKind.SNIFF;
        }
        String type = mediaType.substring(0, slash);
        String subtype = mediaType.substring(slash + 1);
        if (JSON_TYPES.contains(mediaType) || subtype.endsWith("+json") || subtype.endsWith("+json-seq")) {
            return ContentKind.JSON;
        }
        if (mediaType.equals("application/x-www-form-urlencoded")) {
            return ContentKind.FORM;
        }
        if (type.equals("text") || subtype.endsWith("+xml") || subtype.endsWith("+yaml") || TEXT_TYPES.contains(mediaType)
                || type.equals("message")) {
            return ContentKind.TEXT;
        }
        if (type.equals("image") || type.equals("audio") || type.equals("video") || type.equals("font")
                || BINARY_TYPES.contains(mediaType) || subtype.startsWith("vnd.openxmlformats-officedocument.")
                || subtype.startsWith("vnd.oasis.opendocument.") || subtype.endsWith("+zip")
                || subtype.endsWith("+proto") || subtype.endsWith("+protobuf") || subtype.endsWith("+cbor")) {
            return ContentKind.BINARY;
        }
        return ContentKind.SNIFF; // unknown: read as text unless the bytes are clearly binary
    }

    /** Fills {@code out} with the codings to undo of the Content-Encoding {@code encodings}; returns a refusal or null. */
    private static String codings(List<String> encodings, List<Coding> out) {
        List<String> tokens = new ArrayList<>();
        for (String value : encodings) {
            for (String token : value.split(",")) {
                String t = token.strip().toLowerCase(Locale.ROOT);
                if (!t.isEmpty() && !t.equals("identity")) {
                    tokens.add(t);
                }
            }
        }
        if (tokens.size() > MAX_CODINGS) {
            return "the response has " + tokens.size() + " stacked content codings, at most " + MAX_CODINGS
                    + " are decoded: AgentGuard delivers no body it cannot decode and mask";
        }
        for (int i = tokens.size() - 1; i >= 0; i--) { // the last coding applied is undone first
            String t = tokens.get(i);
            if (t.equals("gzip") || t.equals("x-gzip")) {
                out.add(Coding.GZIP);
            } else if (t.equals("deflate")) {
                out.add(Coding.DEFLATE);
            } else {
                out.clear();
                // Only registered coding names are shown: the header is whatever the server wrote.
                String shown = KNOWN_CODINGS.contains(t) ? "\"" + t + "\"" : "(an unregistered coding)";
                return "the response's Content-Encoding " + shown + " cannot be decoded (gzip, x-gzip and"
                        + " deflate can): AgentGuard delivers no body it cannot decode and mask; ask for"
                        + " Accept-Encoding: gzip or identity";
            }
        }
        return null;
    }

    /** The value of parameter {@code name} in a Content-Type, unquoted, or null. */
    static String parameter(String contentType, String name) {
        int i = contentType.indexOf(';');
        while (i >= 0 && i < contentType.length()) {
            int next = contentType.indexOf(';', i + 1);
            String part = contentType.substring(i + 1, next < 0 ? contentType.length() : next).strip();
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equalsIgnoreCase(name)) {
                String value = part.substring(eq + 1).strip();
                if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? null : value;
            }
            i = next;
        }
        return null;
    }

    /** Content codings registered with IANA that AgentGuard does not decode, named in refusals. */
    private static final Set<String> KNOWN_CODINGS = Set.of("br", "zstd", "compress", "x-compress", "exi",
            "pack200-gzip", "aes128gcm", "dcb", "dcz", "x-bzip2", "bzip2", "lz4", "xz", "snappy");

    /** The charset to read a text body in when none is declared and nothing is sniffed. */
    static final Charset DEFAULT_CHARSET = StandardCharsets.UTF_8;
}
