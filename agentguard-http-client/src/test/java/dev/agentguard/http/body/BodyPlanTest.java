package dev.agentguard.http.body;

import dev.agentguard.core.masking.MaskingRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the headers decide: the body's kind, and the headers the agent sees. */
class BodyPlanTest {

    @ParameterizedTest
    @CsvSource({
            "application/json, JSON", "application/problem+json; charset=utf-8, JSON", "application/vnd.api+json, JSON",
            "application/x-ndjson, JSON", "APPLICATION/JSON, JSON", "text/json, JSON",
            "application/x-www-form-urlencoded, FORM",
            "text/plain, TEXT", "text/html; charset=iso-8859-1, TEXT", "text/event-stream, TEXT", "application/xml, TEXT",
            "image/svg+xml, TEXT", "application/javascript, TEXT", "application/yaml, TEXT", "message/rfc822, TEXT",
            "image/png, BINARY", "audio/mpeg, BINARY", "video/mp4, BINARY", "font/woff2, BINARY",
            "application/octet-stream, BINARY", "application/pdf, BINARY", "application/zip, BINARY",
            "application/x-protobuf, BINARY", "application/grpc, BINARY",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, BINARY",
            "'', SNIFF", "application/unknown, SNIFF", "multipart/mixed; boundary=x, SNIFF", "nonsense, SNIFF", "/, SNIFF"})
    void decidesTheKindFromTheMediaType(String contentType, ContentKind kind) {
        assertEquals(kind, BodyPlan.kind(BodyPlan.mediaType(contentType)));
    }

    @Test
    void readsTheCharsetParameterQuotedOrNot() {
        assertEquals("utf-16", BodyPlan.parameter("application/json; charset=utf-16", "charset"));
        assertEquals("UTF-8", BodyPlan.parameter("text/plain;Charset=\"UTF-8\";format=flowed", "charset"));
        assertEquals(null, BodyPlan.parameter("text/plain; format=flowed", "charset"));
        assertEquals(StandardCharsets.ISO_8859_1, BodyPlan.of(200, Responses.headers("Content-Type",
                "text/plain; charset=latin1")).charset());
    }

    @Test
    void keepsTheHeadersOfABinaryBodyThatPassesThroughUnchanged() {
        HttpHeaders received = Responses.headers("Content-Type", "image/png", "Content-Length", "1234", "ETag", "\"x\"");
        assertSame(received, MaskingBodyHandler.visibleHeaders(received));
    }

    @Test
    void dropsTheLengthAndDigestsOfABodyThatMayBeRewritten() {
        HttpHeaders received = Responses.headers("Content-Type", "application/json", "Content-Length", "1234",
                "Content-MD5", "x", "Digest", "sha-256=x", "Content-Digest", "sha-256=:x:", "Repr-Digest", "sha-256=:x:",
                "ETag", "\"v1\"", "Cache-Control", "no-store");
        HttpHeaders visible = MaskingBodyHandler.visibleHeaders(received);
        for (String gone : new String[] {"Content-Length", "Content-MD5", "Digest", "Content-Digest", "Repr-Digest"}) {
            assertFalse(visible.firstValue(gone).isPresent(), gone);
        }
        assertEquals("\"v1\"", visible.firstValue("ETag").orElseThrow());
        assertEquals("no-store", visible.firstValue("Cache-Control").orElseThrow());
        assertEquals("application/json", visible.firstValue("Content-Type").orElseThrow());
        // Without a Content-Type the body is sniffed and may be rewritten: the length goes too.
        assertFalse(MaskingBodyHandler.visibleHeaders(Responses.headers("Content-Length", "5"))
                .firstValue("Content-Length").isPresent());
    }

    @Test
    void dropsStaleHeadersWhateverTheirCaseAndCopiesNothingWhenNoneIsThere() {
        HttpHeaders shouting = Responses.headers("Content-Type", "text/plain", "CONTENT-LENGTH", "12",
                "content-md5", "x", "rEPR-dIGEST", "sha-256=:x:", "Content-Encoding", "GZip", "X-Digest-Note", "kept");
        HttpHeaders visible = MaskingBodyHandler.visibleHeaders(shouting);
        assertEquals(java.util.Set.of("content-type", "x-digest-note"), visible.map().keySet().stream()
                .map(n -> n.toLowerCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.toSet()));
        // A chunked JSON body may be rewritten but carries nothing stale: the very same headers.
        HttpHeaders chunked = Responses.headers("Content-Type", "application/json", "Transfer-Encoding", "chunked");
        assertSame(chunked, MaskingBodyHandler.visibleHeaders(chunked));
    }

    /** The agent's handler is told exactly the headers visibleHeaders gives, for every kind of body. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "application/json|identity", "image/png|identity", "image/png|gzip", "text/plain|gzip",
            "text/csv; charset=latin1|identity", "application/octet-stream|br", "|identity"})
    void theAgentsHandlerIsToldTheHeadersVisibleHeadersGives(String type, String coding) {
        HttpResponse.ResponseInfo info = Responses.ok(type == null ? new String[] {"Content-Length", "10",
                "Content-Encoding", coding, "Digest", "x"} : new String[] {"Content-Type", type, "Content-Length", "10",
                "Content-Encoding", coding, "Digest", "x"});
        HttpHeaders[] told = new HttpHeaders[1];
        MaskingBodyHandler.of(i -> {
            told[0] = i.headers();
            return HttpResponse.BodySubscribers.discarding();
        }, MaskingRules.defaults().masker(), report -> { }).apply(info);
        assertEquals(MaskingBodyHandler.visibleHeaders(info.headers()).map(), told[0].map());
    }

    @Test
    void dropsTheCodingOfADecodedBinaryBodyAndKeepsIdentity() {
        HttpHeaders coded = MaskingBodyHandler.visibleHeaders(Responses.headers("Content-Type", "image/png",
                "Content-Encoding", "gzip", "Content-Length", "10"));
        assertFalse(coded.firstValue("Content-Encoding").isPresent());
        assertFalse(coded.firstValue("Content-Length").isPresent());
        HttpHeaders identity = Responses.headers("Content-Type", "image/png", "Content-Encoding", "identity",
                "Content-Length", "10");
        assertSame(identity, MaskingBodyHandler.visibleHeaders(identity));
    }

    @Test
    void refusesAPartialTextResponseButPassesAPartialBinaryOne() throws Exception {
        // A value cut at a range boundary is two harmless halves to a detector: ranges of text are refused.
        HttpResponse.ResponseInfo partialText = Responses.status(206, "Content-Type", "text/plain",
                "Content-Range", "bytes 0-9/100");
        Reports reports = new Reports();
        UnmaskableBodyException e = assertThrows(UnmaskableBodyException.class, () -> Drive.run(
                HttpResponse.BodyHandlers.ofString(), partialText,
                ChunkedPublisher.of("card 4111 ".getBytes(StandardCharsets.UTF_8), 3),
                MaskingRules.defaults().masker(), reports));
        assertEquals("a partial response (206) of a text body cannot be masked: a value cut at a range boundary would"
                + " pass unrecognised; request the whole body", e.getMessage());
        assertEquals(0, reports.only().bytesDelivered());

        byte[] bytes = {1, 2, 3, 4, 5};
        Reports binary = new Reports();
        byte[] read = Drive.run(HttpResponse.BodyHandlers.ofByteArray(), Responses.status(206, "Content-Type",
                "application/octet-stream", "Content-Range", "bytes 0-4/100"), ChunkedPublisher.of(bytes, 2),
                MaskingRules.defaults().masker(), binary);
        assertEquals(5, read.length);
        assertTrue(binary.only().completed());
    }

    @Test
    void refusesACharsetTheJvmCannotReadWithoutEchoingIt() throws Exception {
        Reports reports = new Reports();
        UnmaskableBodyException e = assertThrows(UnmaskableBodyException.class, () -> Drive.run(
                HttpResponse.BodyHandlers.ofString(), Responses.ok("Content-Type", "text/plain; charset=x-4111111111111111"),
                ChunkedPublisher.of("hello".getBytes(StandardCharsets.UTF_8), 3), MaskingRules.defaults().masker(), reports));
        assertEquals("the response declares a charset this JVM cannot read: AgentGuard delivers no text it cannot read"
                + " and mask", e.getMessage());
        assertTrue(reports.only().failure() instanceof UnmaskableBodyException);
    }

    @Test
    void sniffsByteOrderMarksBinarySignaturesAndUtf16WithoutAMark() {
        byte[] utf8Bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a'};
        assertEquals(StandardCharsets.UTF_8, Sniffer.decide(utf8Bom, utf8Bom.length, true).charset());
        byte[] pdf = "%PDF-1.7 text looking header".getBytes(StandardCharsets.US_ASCII);
        assertTrue(Sniffer.decide(pdf, pdf.length, false).binary());
        byte[] be = "plain text 4111".getBytes(StandardCharsets.UTF_16BE);
        assertEquals(StandardCharsets.UTF_16BE, Sniffer.decide(be, be.length, true).charset());
        byte[] utf32 = "text".getBytes(java.nio.charset.Charset.forName("UTF-32LE"));
        assertEquals("UTF-32LE", Sniffer.decide(utf32, utf32.length, true).charset().name());
        byte[] latin = "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(StandardCharsets.ISO_8859_1, Sniffer.decide(latin, latin.length, true).charset());
        byte[] cut = "caf\u00e9".getBytes(StandardCharsets.UTF_8);
        assertEquals(StandardCharsets.UTF_8, Sniffer.decide(cut, cut.length - 1, false).charset(),
                "a character cut by the sample's end is still UTF-8");
        byte[] controls = {1, 2, 3, 'a', 'b', 4, 5, 6};
        assertTrue(Sniffer.decide(controls, controls.length, true).binary());
    }

    @Test
    void validatesItsOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BodyMaskingOptions(0, 1));
        assertEquals("maxDecodedBytes is 0, it must be at least 1: the most bytes a compressed response body may decode to",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BodyMaskingOptions.defaults().withMaxFieldValueChars(0));
        assertEquals("maxFieldValueChars is 0, it must be at least 1: the most chars of a JSON value under a field rule"
                + " read to mask it", e.getMessage());
        assertEquals(64L * 1024 * 1024, BodyMaskingOptions.defaults().maxDecodedBytes());
    }
}
