package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingMaskerTest {
    private static final Masker DEFAULTS = MaskingRules.defaults().masker();
    private static final Masker REDACT = MaskerTest.everyDetector(MaskStrategy.REDACT, null);

    /** Collects the released text and the detectors reported. */
    static final class Collected implements StreamingMasker.Output {
        final StringBuilder text = new StringBuilder();
        final List<String> detectors = new ArrayList<>();
        int releases;

        @Override
        public void text(char[] chars, int from, int to) {
            text.append(chars, from, to - from);
            releases++;
        }

        @Override
        public void masked(char[] chars, int from, int to, CharSequence replacement, String detector) {
            text.append(replacement);
            detectors.add(detector);
            releases++;
        }
    }

    /** {@code text} written in pieces cut at {@code cuts}, flushing after each piece. */
    static Collected stream(Masker masker, String text, int... cuts) {
        StreamingMasker m = new StreamingMasker(masker);
        Collected out = new Collected();
        int from = 0;
        for (int cut : cuts) {
            m.write(text.substring(from, cut), out);
            m.flush(out);
            from = cut;
        }
        m.write(text.substring(from), out);
        m.finish(out);
        return out;
    }

    private static final String[] SAMPLES = {
            "card 4111111111111111 used",
            "card 4111 1111 1111 1111 and 5555-5555-5555-4444 then",
            "{\"cvv\": \"123\", \"note\": \"ok\"}",
            "mail john.doe@example.com now",
            "ssn 123-45-6789, iban DE89 3704 0044 0532 0130 00.",
            "key AKIAIOSFODNN7EXAMPLE and eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end",
            "track %B4111111111111111^DOE/JOHN^2512101? done",
            "full-width ４１１１１１１１１１１１１１１１ and 𝟒𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏𝟏",
            "ts 1700000000004 order 9000000000000001 stays",
    };

    @Test
    void masksLikeMaskTextWhereverTheTextIsCutInTwo() {
        for (Masker masker : List.of(DEFAULTS, REDACT)) {
            for (String sample : SAMPLES) {
                String whole = masker.maskText(sample, null);
                for (int cut = 0; cut <= sample.length(); cut++) {
                    assertEquals(whole, stream(masker, sample, cut).text.toString(), sample + " cut at " + cut);
                }
            }
        }
    }

    @Test
    void masksLikeMaskTextWhenWrittenOneCharAtATime() {
        for (String sample : SAMPLES) {
            StreamingMasker m = new StreamingMasker(DEFAULTS);
            Collected out = new Collected();
            for (int i = 0; i < sample.length(); i++) {
                m.write(sample.charAt(i), out);
                m.flush(out);
            }
            m.finish(out);
            assertEquals(DEFAULTS.maskText(sample, null), out.text.toString(), sample);
        }
    }

    @Test
    void masksLikeMaskTextInALargeTextCutAtRandom() {
        Random random = new Random(42);
        StringBuilder b = new StringBuilder();
        while (b.length() < 200_000) {
            b.append(SAMPLES[random.nextInt(SAMPLES.length)]).append(random.nextBoolean() ? " " : "\n");
            for (int i = random.nextInt(40); i > 0; i--) {
                b.append((char) ('a' + random.nextInt(26)));
            }
        }
        String text = b.toString();
        int[] cuts = new int[400];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = random.nextInt(text.length());
        }
        java.util.Arrays.sort(cuts);
        assertEquals(DEFAULTS.maskText(text, null), stream(DEFAULTS, text, cuts).text.toString());
    }

    @Test
    void holdsBackOnlyWhatMayStillBeAValue() {
        StreamingMasker m = new StreamingMasker(DEFAULTS);
        Collected out = new Collected();
        m.write("event: one\n\ndata: 4111 1111 ", out);
        m.flush(out);
        // The run after the last line break, single spaces included, may continue into a card number.
        assertEquals("event: one\n\n", out.text.toString());
        m.write("1111 1111\n\n", out);
        m.flush(out);
        assertEquals("event: one\n\ndata: 4111 11** **** 1111\n\n", out.text.toString());
        assertEquals(List.of("pan"), out.detectors);
    }

    @Test
    void releasesAStreamOfSmallEventsEventByEvent() {
        StreamingMasker m = new StreamingMasker(DEFAULTS);
        Collected out = new Collected();
        for (int i = 0; i < 10; i++) {
            m.write("data: {\"n\": " + i + "}\n\n", out);
            m.flush(out);
            assertTrue(out.text.toString().endsWith("data: {\"n\": " + i + "}\n\n"), out.text.toString());
        }
    }

    @Test
    void keepsContextSoAValueAfterItsLabelInTheNextPieceIsFound() {
        Collected out = stream(DEFAULTS, "the cvv: 123 and more", "the cvv: ".length());
        assertEquals("the cvv: [REDACTED:CVV] and more", out.text.toString());
    }

    @Test
    void holdsAPrivateKeyBlockUntilItsEndLineArrives() {
        String key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n"
                + "-----END PRIVATE KEY-----";
        String text = "before\n" + key + "\nafter";
        for (int cut = 0; cut <= text.length(); cut += 3) {
            assertEquals("before\n[REDACTED:SECRET]\nafter", stream(DEFAULTS, text, cut).text.toString(), "cut at " + cut);
        }
    }

    private static String randomRun(String prefix, int length, String alphabet, long seed) {
        StringBuilder token = new StringBuilder(prefix);
        Random random = new Random(seed);
        while (token.length() < length) {
            token.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return token.toString();
    }

    @Test
    void holdsALongTokenWholeUntilItsLastPartShowsWhatItIs() {
        // A JSON Web Token is only one once its third part comes: until then, none of it goes.
        String token = randomRun("eyJhbGciOiJIUzI1NiJ9.", 20_000, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 7)
                + ".c2lnbmF0dXJl";
        String text = "token " + token + " end";
        StreamingMasker m = new StreamingMasker(DEFAULTS);
        Collected out = new Collected();
        for (int i = 0; i < text.length(); i += 100) {
            m.write(text.substring(i, Math.min(text.length(), i + 100)), out);
            m.flush(out);
        }
        m.finish(out);
        assertEquals("token [REDACTED:SECRET] end", out.text.toString());
    }

    @Test
    void releasesAnOverLongSecretMaskedAndKeepsMaskingItsContinuation() {
        String token = randomRun("ghp_", 3 * StreamingMasker.MAX_PENDING,
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 7);
        String text = "token " + token + " end";
        StreamingMasker m = new StreamingMasker(DEFAULTS);
        Collected out = new Collected();
        for (int i = 0; i < text.length(); i += 1000) {
            m.write(text.substring(i, Math.min(text.length(), i + 1000)), out);
            m.flush(out);
        }
        m.finish(out);
        String masked = out.text.toString();
        assertTrue(masked.startsWith("token [REDACTED:SECRET]"), masked.substring(0, 40));
        assertTrue(masked.endsWith("[REDACTED:SECRET] end"), masked.substring(masked.length() - 40));
        assertFalse(masked.matches("(?s).*[A-Za-z0-9_-]{40,}.*"), "no run of the token is shown");
        assertTrue(masked.length() < 1000, "every part of the token is a label: " + masked.length());
    }

    @Test
    void refusesWritesAfterFinish() {
        StreamingMasker m = new StreamingMasker(DEFAULTS);
        Collected out = new Collected();
        m.finish(out);
        assertTrue(m.isFinished());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.write("x", out));
        assertEquals("the streaming masker has finished: it takes no more text", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 100, 16 * 1024, 70 * 1024})
    void releasesEveryCharExactlyOnce(int piece) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < 300_000; i++) {
            b.append("line ").append(i).append(i % 7 == 0 ? " 4111111111111111" : "").append('\n');
        }
        String text = b.toString();
        StreamingMasker m = new StreamingMasker(DEFAULTS);
        Collected out = new Collected();
        for (int i = 0; i < text.length(); i += piece) {
            m.write(text.substring(i, Math.min(text.length(), i + piece)), out);
            if (i % (piece * 3) == 0) {
                m.flush(out);
            }
        }
        m.finish(out);
        assertEquals(text.length(), m.written());
        assertEquals(DEFAULTS.maskText(text, null), out.text.toString());
    }
}
