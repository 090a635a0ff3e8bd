package dev.agentguard.http.body;

import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The text window is sized from what the body is likely to hold (its Content-Length, else its
 * first item) and grows when the body turns out longer: whatever the headers say, the whole body
 * is read and masked as if the window had been full size from the start.
 */
class BodyWindowTest {
    private static final Masker MASKER = MaskingRules.defaults().masker();
    private static final int CHUNK = 16 * 1024;

    private static String text(int lines) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            b.append("line ").append(i).append(" card 4111111111111111 on file\n");
        }
        return b.toString();
    }

    private static BodyPipeline pipeline(String... headers) {
        return new BodyPipeline(BodyPlan.of(200, Responses.headers(headers)), MASKER, BodyMaskingOptions.defaults());
    }

    /** Feeds {@code items} one at a time as the subscriber does, and returns what was delivered. */
    private static String run(BodyPipeline pipeline, List<byte[]> items) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        drain(pipeline, out);
        for (byte[] item : items) {
            pipeline.accept(List.of(ByteBuffer.wrap(item)));
            drain(pipeline, out);
        }
        pipeline.end();
        assertTrue(drain(pipeline, out), "the body ended");
        pipeline.close();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean drain(BodyPipeline pipeline, ByteArrayOutputStream out) throws IOException {
        while (true) {
            List<ByteBuffer> item = pipeline.next();
            if (item == null) {
                return false;
            }
            if (item == BodyPipeline.END) {
                return true;
            }
            for (ByteBuffer b : item) {
                byte[] a = new byte[b.remaining()];
                b.get(a);
                out.writeBytes(a);
            }
        }
    }

    private static List<byte[]> items(byte[] body, int size) {
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < body.length; i += size) {
            byte[] item = new byte[Math.min(size, body.length - i)];
            System.arraycopy(body, i, item, 0, item.length);
            items.add(item);
        }
        return items;
    }

    @Test
    void aSmallBodyGetsASmallWindow() throws IOException {
        String text = "{\"id\":42,\"status\":\"shipped\",\"amount\":\"19.99\"}";
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        BodyPipeline p = pipeline("Content-Type", "application/json", "Content-Length", Integer.toString(body.length));
        assertEquals(text, run(p, List.of(body)));
        assertEquals(BodyPipeline.MIN_WINDOW, p.window());
    }

    @Test
    void aBodyOfExactlyItsDeclaredLengthDoesNotGrowTheWindow() throws IOException {
        byte[] body = text(40).getBytes(StandardCharsets.UTF_8);
        assertTrue(body.length > BodyPipeline.MIN_WINDOW && body.length < CHUNK);
        BodyPipeline p = pipeline("Content-Type", "text/plain", "Content-Length", Integer.toString(body.length));
        assertEquals(MASKER.maskText(text(40), null), run(p, List.of(body)));
        assertEquals(body.length + 1, p.window());
    }

    @Test
    void aBodyLongerThanItsContentLengthIsReadWholeAndMasked() throws IOException {
        String text = text(2000);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        BodyPipeline p = pipeline("Content-Type", "text/plain", "Content-Length", "10");
        String delivered = run(p, items(body, 7000));
        assertEquals(MASKER.maskText(text, null), delivered);
        assertTrue(!delivered.contains("4111111111111111"));
        assertEquals(CHUNK, p.window(), "grown to full size");
    }

    @Test
    void aContentLengthLongerThanTheBodyOnlyCostsTheFullWindow() throws IOException {
        String text = text(2);
        BodyPipeline p = pipeline("Content-Type", "text/plain", "Content-Length", "10000000");
        assertEquals(MASKER.maskText(text, null), run(p, List.of(text.getBytes(StandardCharsets.UTF_8))));
        assertEquals(CHUNK, p.window());
    }

    @Test
    void withoutContentLengthTheFirstItemSizesTheWindow() throws IOException {
        String text = text(300);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        BodyPipeline small = pipeline("Content-Type", "text/plain");
        assertEquals(MASKER.maskText(text(1), null), run(small, List.of(text(1).getBytes(StandardCharsets.UTF_8))));
        assertEquals(BodyPipeline.MIN_WINDOW, small.window());

        BodyPipeline chunked = pipeline("Content-Type", "text/plain", "Transfer-Encoding", "chunked");
        assertEquals(MASKER.maskText(text, null), run(chunked, items(body, 1000)));
        assertTrue(chunked.window() > 1000, "grown past the first item: " + chunked.window());
        assertTrue(chunked.window() <= CHUNK);
    }

    @Test
    void anEmptyBodyWithoutLengthEndsCleanly() throws IOException {
        BodyPipeline p = pipeline("Content-Type", "application/json");
        assertEquals("", run(p, List.of()));
        BodyPipeline emptyItems = pipeline("Content-Type", "text/plain");
        assertEquals("ok", run(emptyItems, List.of(new byte[0], new byte[0], "ok".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aCompressedBodyGrowsItsWindowToWhatItDecodesTo() throws IOException {
        String text = text(3000);
        byte[] coded = gzip(text.getBytes(StandardCharsets.UTF_8));
        BodyPipeline p = pipeline("Content-Type", "text/plain", "Content-Encoding", "gzip", "Content-Length",
                Integer.toString(coded.length));
        assertEquals(MASKER.maskText(text, null), run(p, items(coded, 512)));
        assertEquals(CHUNK, p.window());

        BodyPipeline small = pipeline("Content-Type", "text/plain", "Content-Encoding", "gzip");
        byte[] tiny = gzip("ok".getBytes(StandardCharsets.UTF_8));
        assertEquals("ok", run(small, List.of(tiny)));
        assertEquals(Math.max(BodyPipeline.MIN_WINDOW, tiny.length * 4 + 1), small.window());
    }

    @Test
    void aSniffedBodyCountsItsPrefixInTheWindow() throws IOException {
        String text = text(5);
        BodyPipeline p = pipeline(); // no type: sniffed, read as text
        assertEquals(MASKER.maskText(text, null), run(p, items(text.getBytes(StandardCharsets.UTF_8), 3)));
    }

    @Test
    void readsTheDeclaredLengthOnlyWhenItIsOneNumber() {
        assertEquals(48, BodyPlan.declaredLength(Responses.headers("Content-Length", "48")));
        assertEquals(48, BodyPlan.declaredLength(Responses.headers("Content-Length", " 48 ")));
        assertEquals(0, BodyPlan.declaredLength(Responses.headers("Content-Length", "0")));
        assertEquals(-1, BodyPlan.declaredLength(Responses.headers()));
        assertEquals(-1, BodyPlan.declaredLength(Responses.headers("Content-Length", "-1")));
        assertEquals(-1, BodyPlan.declaredLength(Responses.headers("Content-Length", "4a")));
        assertEquals(-1, BodyPlan.declaredLength(Responses.headers("Content-Length", "")));
        assertEquals(-1, BodyPlan.declaredLength(Responses.headers("Content-Length", "1234567890123456789")));
        assertEquals(-1, BodyPlan.declaredLength(Responses.headers("Content-Length", "10", "Content-Length", "20")));
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }
}
