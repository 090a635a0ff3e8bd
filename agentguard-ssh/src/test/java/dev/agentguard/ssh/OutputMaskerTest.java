package dev.agentguard.ssh;

import dev.agentguard.core.masking.Masker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputMaskerTest {

    private static final Masker MASKER = SshFixture.policy("""
            policy: masking
            version: 1
            default: deny
            rules: []
            masking:
              detectors: { pan: redact, cvv: redact, secret: redact }
            """).masking().masker();

    private static String feed(byte[] bytes, int... cuts) {
        OutputMasker m = new OutputMasker(MASKER);
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int cut : cuts) {
            out.append(m.accept(bytes, from, cut - from));
            from = cut;
        }
        out.append(m.accept(bytes, from, bytes.length - from));
        out.append(m.finish());
        return out.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
            "3530111333300000", "30569309025904", "4111 1111 1111 1111", "5555-5555-5555-4444"})
    void masksPanSplitAtEveryBytePosition(String pan) {
        String text = "order 42: paid with " + pan + " on € terms\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String whole = MASKER.maskText(text, null);
        assertFalse(whole.contains(pan), "the detector masks the card number in the whole text");
        for (int cut = 1; cut < bytes.length; cut++) {
            String out = feed(bytes, cut);
            assertEquals(whole, out, "split at byte " + cut);
        }
    }

    @Test
    void masksPanSplitIntoManyChunksAtRandomPlaces() {
        String pan = "4111111111111111";
        String text = ("ok line\ncard " + pan + " done\n").repeat(20);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Random random = new Random(20261126L);
        for (int round = 0; round < 200; round++) {
            int[] cuts = random.ints(8, 1, bytes.length).sorted().distinct().toArray();
            String out = feed(bytes, cuts);
            assertFalse(out.contains(pan), "round " + round);
            assertEquals(MASKER.maskText(text, null), out, "round " + round);
        }
    }

    @Test
    void keepsMultiByteCharactersSplitAcrossChunks() {
        String text = "naïve café – 東京 €\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            assertEquals(text, feed(bytes, cut), "split at byte " + cut);
        }
    }

    @Test
    void masksCvvWhoseContextWordCameInAnEarlierChunk() {
        String text = "card verification: cvv 123 accepted\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String whole = MASKER.maskText(text, null);
        assertFalse(whole.contains("123"));
        for (int cut = 1; cut < bytes.length; cut++) {
            assertFalse(feed(bytes, cut).contains("123"), "split at byte " + cut);
        }
    }

    @Test
    void masksPrivateKeyBlockSpreadOverManyChunks() {
        String body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n".repeat(30);
        String text = "config:\n-----BEGIN PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----\nafter\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] cuts = new int[40];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = (i + 1) * bytes.length / (cuts.length + 1);
        }
        String out = feed(bytes, cuts);
        assertFalse(out.contains("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"), out);
        assertTrue(out.startsWith("config:\n"));
        assertTrue(out.endsWith("after\n"));
    }

    @Test
    void releasesAPromptThatEndsTheOutputSoFar() {
        OutputMasker m = new OutputMasker(MASKER, true);
        byte[] chunk = "total 0\r\nuser@app1:~$ ".getBytes(StandardCharsets.UTF_8);
        String now = m.accept(chunk, 0, chunk.length);
        String rest = m.heldIndexOf("$ ") >= 0 ? m.releaseHeld() : "";
        assertEquals("total 0\r\nuser@app1:~$ ", now + rest);
    }

    @Test
    void countsMaskedValuesPerDetector() {
        OutputMasker m = new OutputMasker(MASKER);
        byte[] b = "a 4111111111111111 b 5555555555554444 cvv 321\n".getBytes(StandardCharsets.UTF_8);
        m.accept(b, 0, b.length);
        m.finish();
        assertEquals(2L, m.counts().get("masked.pan"));
        assertEquals(1L, m.counts().get("masked.cvv"));
        assertEquals(3L, m.maskedValues());
        assertEquals(b.length, m.bytesIn());
    }

    @Test
    void turnsMalformedBytesIntoReplacementCharacters() {
        byte[] b = {'o', 'k', (byte) 0xff, (byte) 0xc3, '\n'};
        assertEquals("ok\uFFFD\uFFFD\n", feed(b, 3));
    }
}
