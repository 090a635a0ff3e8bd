package dev.agentguard.http.body;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Content codings: decoded for masking within limits, or refused; never passed through unmasked. */
class CompressedBodyTest {
    static final Masker MASKER = MaskingRules.defaults().masker();
    static final String BODY = "{\"card\":\"4111111111111111\",\"note\":\"paid\"}";

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static byte[] zlib(byte[] data, boolean raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
            d.write(data);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static HttpResponse.ResponseInfo coded(String encoding) {
        return Responses.ok("Content-Type", "application/json", "Content-Encoding", encoding, "Content-Length", "123");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 8192})
    void decodesGzipAndDeflateAndMasksTheDecodedBody(int chunk) throws Exception {
        byte[] plain = BODY.getBytes(StandardCharsets.UTF_8);
        String expected = "{\"card\":\"411111******1111\",\"note\":\"paid\"}";
        for (Object[] c : new Object[][] {{"gzip", gzip(plain)}, {"x-gzip", gzip(plain)}, {"deflate", zlib(plain, false)},
                {"deflate", zlib(plain, true)}, {"GZIP , identity", gzip(plain)}, {"gzip, deflate", zlib(gzip(plain), false)}}) {
            Reports reports = new Reports();
            byte[] coded = (byte[]) c[1];
            for (Drive drive : Drive.values()) {
                Reports r = new Reports();
                assertEquals(expected, drive.read(coded((String) c[0]), ChunkedPublisher.of(coded, chunk), MASKER, r,
                        StandardCharsets.UTF_8), c[0] + " " + drive);
                assertEquals(coded.length, r.only().bytesReceived());
                assertEquals(expected.length(), r.only().bytesDelivered());
            }
        }
    }

    @Test
    void hidesTheCodingAndTheLengthFromTheAgentOnceDecoded() {
        HttpResponse.ResponseInfo info = coded("gzip");
        var visible = MaskingBodyHandler.visibleHeaders(info.headers());
        assertFalse(visible.firstValue("Content-Encoding").isPresent());
        assertFalse(visible.firstValue("Content-Length").isPresent());
        assertEquals("application/json", visible.firstValue("Content-Type").orElseThrow());
        // The agent's handler is told the same.
        HttpResponse.ResponseInfo[] seen = new HttpResponse.ResponseInfo[1];
        MaskingBodyHandler.of(i -> {
            seen[0] = i;
            return HttpResponse.BodySubscribers.discarding();
        }, MASKER, r -> { }).apply(info);
        assertEquals(visible.map(), seen[0].headers().map());
        assertEquals(200, seen[0].statusCode());
    }

    @Test
    void masksACardNumberSplitAcrossTwoGzipMembers() throws Exception {
        byte[] first = gzip("{\"card\":\"4111 1111 ".getBytes(StandardCharsets.UTF_8));
        byte[] second = gzip("1111 1111\"}".getBytes(StandardCharsets.UTF_8));
        byte[] both = concat(first, second);
        for (int chunk : new int[] {1, 5, first.length, 8192}) {
            Reports reports = new Reports();
            String read = Drive.STRING.read(coded("gzip"), ChunkedPublisher.of(both, chunk), MASKER, reports,
                    StandardCharsets.UTF_8);
            assertEquals("{\"card\":\"4111 11** **** 1111\"}", read, "chunks of " + chunk);
        }
    }

    @Test
    void decodesAGzipHeaderWithEveryOptionalField() throws Exception {
        byte[] deflated = zlib(BODY.getBytes(StandardCharsets.UTF_8), true);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(BODY.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3});
        out.writeBytes(new byte[] {3, 0, 'a', 'b', 'c'}); // FEXTRA
        out.writeBytes("name.json\0".getBytes(StandardCharsets.US_ASCII)); // FNAME
        out.writeBytes("a comment\0".getBytes(StandardCharsets.US_ASCII)); // FCOMMENT
        out.writeBytes(new byte[] {0, 0}); // FHCRC, not checked
        out.writeBytes(deflated);
        long c = crc.getValue();
        int size = BODY.length();
        out.writeBytes(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
                (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
        Reports reports = new Reports();
        assertEquals("{\"card\":\"411111******1111\",\"note\":\"paid\"}", Drive.STRING.read(coded("gzip"),
                ChunkedPublisher.of(out.toByteArray(), 1), MASKER, reports, StandardCharsets.UTF_8));
    }

    @Test
    void refusesADecompressionBombWithoutDecodingItAllAtOnce() throws Exception {
        byte[] zeros = new byte[8 * 1024 * 1024];
        byte[] bomb = gzip(zeros); // 8 MiB of zeros in about 8 KiB
        assertTrue(bomb.length < 20_000);
        Reports reports = new Reports();
        UnmaskableBodyException e = assertThrows(UnmaskableBodyException.class, () -> Drive.run(
                HttpResponse.BodyHandlers.ofByteArray(), Responses.ok("Content-Type", "application/octet-stream",
                        "Content-Encoding", "gzip"), ChunkedPublisher.of(bomb, bomb.length), MASKER, reports,
                BodyMaskingOptions.defaults().withMaxDecodedBytes(1024 * 1024)));
        assertEquals("the response body decodes to more than 1048576 bytes (the limit BodyMaskingOptions.maxDecodedBytes):"
                + " refused as a likely decompression bomb; raise the limit if such bodies are expected", e.getMessage());
        BodyReport report = reports.only();
        assertTrue(report.failure() instanceof UnmaskableBodyException);
        assertTrue(report.bytesDelivered() <= 1024 * 1024);
    }

    @Test
    void decodesOneWindowAtATimeWhateverTheCompressionRatio() throws Exception {
        // One client item that inflates to 16 MiB: each item handed on stays a window, by design.
        byte[] text = "4111111111111111 ".repeat(1_000_000).getBytes(StandardCharsets.US_ASCII);
        byte[] coded = gzip(text);
        BodyPipeline pipeline = new BodyPipeline(BodyPlan.of(200, Responses.headers("Content-Type", "text/plain",
                "Content-Encoding", "gzip")), MASKER,
                BodyMaskingOptions.defaults());
        pipeline.accept(List.of(ByteBuffer.wrap(coded)));
        pipeline.end();
        long total = 0;
        int largest = 0;
        int items = 0;
        while (true) {
            List<ByteBuffer> item = pipeline.next();
            if (item == BodyPipeline.END) {
                break;
            }
            for (ByteBuffer b : item) {
                largest = Math.max(largest, b.remaining());
                total += b.remaining();
            }
            items++;
        }
        pipeline.close();
        assertEquals(text.length, total, "the masks keep this body's length");
        assertTrue(largest <= 256 * 1024, "largest item " + largest);
        assertTrue(items > 50, "items " + items);
        assertEquals(1_000_000L, pipeline.tally().counts().get("masked.pan"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"br", "zstd", "compress", "gzip, br", "made-up-4111111111111111"})
    void refusesACodingItCannotDecodeAndDeliversNothing(String encoding) throws Exception {
        ChunkedPublisher client = ChunkedPublisher.of(gzip(BODY.getBytes(StandardCharsets.UTF_8)), 4);
        Reports reports = new Reports();
        UnmaskableBodyException e = assertThrows(UnmaskableBodyException.class, () -> Drive.run(
                HttpResponse.BodyHandlers.ofString(), coded(encoding), client, MASKER, reports));
        String shown = encoding.startsWith("made-up") ? "(an unregistered coding)"
                : "\"" + (encoding.contains(",") ? "br" : encoding) + "\"";
        assertEquals("the response's Content-Encoding " + shown + " cannot be decoded (gzip, x-gzip and deflate can):"
                + " AgentGuard delivers no body it cannot decode and mask; ask for Accept-Encoding: gzip or identity",
                e.getMessage());
        assertFalse(e.getMessage().contains("4111"), "a header value is never echoed");
        assertTrue(client.cancelled.get());
        assertEquals(0, client.itemsSent.get());
        BodyReport report = reports.only();
        assertEquals(0, report.bytesDelivered());
        assertTrue(report.failure() instanceof UnmaskableBodyException);
        assertFalse(MaskingBodyHandler.visibleHeaders(coded(encoding).headers()).firstValue("Content-Encoding").isPresent());
    }

    @Test
    void failsACorruptTruncatedOrPaddedGzipBody() throws Exception {
        byte[] good = gzip(BODY.getBytes(StandardCharsets.UTF_8));
        byte[] flipped = good.clone();
        flipped[good.length - 6] ^= 0x55; // inside the CRC
        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        byte[] padded = concat(good, "garbage".getBytes(StandardCharsets.US_ASCII));
        byte[] notGzip = BODY.getBytes(StandardCharsets.UTF_8);
        String[] expected = {"fails its gzip CRC-32 or length check", "ends inside a gzip member",
                "has data after its last gzip member", "is not gzip data"};
        byte[][] bodies = {flipped, truncated, padded, notGzip};
        for (int i = 0; i < bodies.length; i++) {
            Reports reports = new Reports();
            byte[] body = bodies[i];
            UnmaskableBodyException e = assertThrows(UnmaskableBodyException.class, () -> Drive.run(
                    HttpResponse.BodyHandlers.ofString(), coded("gzip"), ChunkedPublisher.of(body, 3), MASKER, reports));
            assertTrue(e.getMessage().startsWith("the response body (Content-Encoding gzip) " + expected[i] + " at compressed byte "),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith(": it cannot be decoded to be masked, so it is not delivered"), e.getMessage());
            assertTrue(reports.only().failure() instanceof UnmaskableBodyException);
        }
        UnmaskableBodyException e = assertThrows(UnmaskableBodyException.class, () -> Drive.run(
                HttpResponse.BodyHandlers.ofString(), coded("deflate"),
                ChunkedPublisher.of(concat(zlib(BODY.getBytes(StandardCharsets.UTF_8), false), new byte[] {1}), 2), MASKER,
                new Reports()));
        assertTrue(e.getMessage().contains("has data after the end of the deflate stream"), e.getMessage());
    }

    @Test
    void decodesAGzippedBinaryBodyAndHashesWhatItDelivers() throws Exception {
        byte[] image = new byte[50_000];
        new Random(9).nextBytes(image);
        Reports reports = new Reports();
        byte[] read = Drive.run(HttpResponse.BodyHandlers.ofByteArray(), Responses.ok("Content-Type", "image/webp",
                "Content-Encoding", "gzip"), ChunkedPublisher.of(gzip(image), 1000), MASKER, reports);
        assertTrue(Arrays.equals(image, read));
        assertEquals(TextBodyMaskingTest.sha256(image), reports.only().binarySha256());
        assertEquals(BodyReport.BINARY, reports.all.get(0).contentKind());
    }

    @Test
    void keepsJsonValidWhenDecodedFromGzipInTinyChunks() throws Exception {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 2000; i++) {
            b.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append(",\"pan\":\"").append(TestCards.PANS.get(i % TestCards.PANS.size()))
                    .append("\"}");
        }
        b.append(']');
        byte[] coded = gzip(b.toString().getBytes(StandardCharsets.UTF_8));
        Reports reports = new Reports();
        String read = Drive.STRING.read(coded("gzip"), ChunkedPublisher.random(coded, 64, 77), MASKER, reports,
                StandardCharsets.UTF_8);
        assertEquals(2000, new ObjectMapper().readTree(read).size());
        assertFalse(TextBodyMaskingTest.showsACardNumber(read));
        assertEquals(2000L, reports.only().maskedCounts().get("masked.pan"));
        assertNull(reports.all.get(0).failure());
    }
}
