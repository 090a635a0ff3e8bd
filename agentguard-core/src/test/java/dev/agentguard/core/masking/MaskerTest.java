package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MaskerTest {
    /** bytes 0..31; the expected hashes below were computed independently (Python hmac). */
    static final MaskingKey KEY = MaskingKey.of(sequence(32, 0));
    static final MaskingKey OTHER_KEY = MaskingKey.of(sequence(32, 1));

    static byte[] sequence(int length, int first) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (first + i);
        }
        return bytes;
    }

    static Masker everyDetector(MaskStrategy strategy, MaskingKey key) {
        MaskingRules.Builder b = MaskingRules.builder();
        for (String name : MaskingRules.defaults().detectorStrategies().keySet()) {
            b.detector(name, strategy);
        }
        if (key != null) {
            b.hashKey(key);
        }
        return b.build().masker();
    }

    private final Masker defaults = MaskingRules.defaults().masker();
    private final Masker redact = everyDetector(MaskStrategy.REDACT, null);
    private final Masker partial = everyDetector(MaskStrategy.PARTIAL, null);
    private final Masker hash = everyDetector(MaskStrategy.KEYED_HASH, KEY);
    private final Masker nulls = everyDetector(MaskStrategy.NULL, null);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "card 4111111111111111 used | card [REDACTED:PAN] used",
            "cvv: 123 | cvv: [REDACTED:CVV]",
            "%B4111111111111111^DOE/JOHN^2512101? | [REDACTED:TRACK]",
            "to john.doe@example.com. | to [REDACTED:EMAIL].",
            "ssn 123-45-6789 | ssn [REDACTED:SSN]",
            "iban DE89 3704 0044 0532 0130 00 | iban [REDACTED:IBAN]",
            "key AKIAIOSFODNN7EXAMPLE | key [REDACTED:SECRET]",
    })
    void redactNamesTheDetector(String text, String masked) {
        assertEquals(masked, redact.maskText(text, null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "4111111111111111 | 411111******1111",
            "4111 1111 1111 1111 | 4111 11** **** 1111",
            "4111-1111 1111-1111 | 4111-11** ****-1111",
            "378282246310005 | 378282*****0005",
            "4222222222222 | 422222***2222",
            "6011000000000000001 | 601100*********0001",
            "cvv: 1234 | cvv: ****",
            "%B4111111111111111^DOE/JOHN^2512101? | [REDACTED:TRACK]",
            "john.doe@example.com | j***@example.com",
            "a@b.io | ***@b.io",
            "123-45-6789 | ***-**-6789",
            "DE89 3704 0044 0532 0130 00 | DE** **** **** **** **30 00",
            "AKIAIOSFODNN7EXAMPLE | [REDACTED:SECRET]",
    })
    void partialShowsOnlyWhatPciAndCommonSenseAllow(String text, String masked) {
        assertEquals(masked, partial.maskText(text, null));
    }

    @Test
    void partialKeepsFewerDigitsWhenConfigured() {
        Masker lastFour = MaskingRules.builder().partialKeepFirst(0).build().masker();
        assertEquals("**** **** **** 1111", lastFour.maskText("4111 1111 1111 1111", null));
        Masker nothing = MaskingRules.builder().partialKeepFirst(0).partialKeepLast(0).build().masker();
        assertEquals("****************", nothing.maskText("4111111111111111", null));
    }

    @Test
    void masksAPanHiddenBehindInvisibleCharactersOrUnicodeDigits() {
        assertEquals("card [REDACTED:PAN] used", redact.maskText("card 4111\u200B1111\u200B1111\u200B1111 used", null));
        assertEquals("card [REDACTED:PAN] used", redact.maskText("card 4\u00AD1\u00AD1\u00AD1\u00AD111111111111 used", null));
        assertEquals("[REDACTED:PAN]", redact.maskText(Found.inScript("4111-1111-1111-1111", 0x0966), null));
        assertEquals("[REDACTED:PAN]", redact.maskText(Found.inScript("4111111111111111", 0x1D7CE), null));
    }

    @Test
    void partialKeepsTheDigitsOfAUnicodePanAsWritten() {
        String pan = Found.inScript("4111111111111111", 0xFF10);
        assertEquals(Found.inScript("411111", 0xFF10) + "******" + Found.inScript("1111", 0xFF10),
                defaults.maskText(pan, null));
        String math = Found.inScript("4111111111111111", 0x1D7CE); // two chars per digit
        assertEquals(Found.inScript("411111", 0x1D7CE) + "******" + Found.inScript("1111", 0x1D7CE),
                defaults.maskText(math, null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "4111111111111111 | [HASH:0622241201382a45]",
            "john.doe@example.com | [HASH:6ac80707df11ac9c]",
            "DE89370400440532013000 | [HASH:72d0d183e1d36bdf]",
            "123-45-6789 | [HASH:c36200a49b51d6ab]",
    })
    void keyedHashIsHmacSha256OfTheValue(String text, String masked) {
        assertEquals(masked, hash.maskText(text, null));
    }

    @Test
    void keyedHashOfAPanOrIbanIgnoresHowItIsWritten() {
        String expected = "[HASH:0622241201382a45]";
        assertEquals(expected, hash.maskText("4111 1111 1111 1111", null));
        assertEquals(expected, hash.maskText("4111-1111-1111-1111", null));
        assertEquals(expected, hash.maskText(Found.inScript("4111111111111111", 0xFF10), null));
        assertEquals("[HASH:72d0d183e1d36bdf]", hash.maskText("de89 3704 0044 0532 0130 00", null));
    }

    @Test
    void keyedHashIsDeterministicAndDependsOnTheKey() {
        Masker again = everyDetector(MaskStrategy.KEYED_HASH, MaskingKey.of(sequence(32, 0)));
        Masker other = everyDetector(MaskStrategy.KEYED_HASH, OTHER_KEY);
        String text = "pan 5555555555554444";
        assertEquals(hash.maskText(text, null), again.maskText(text, null));
        assertNotEquals(hash.maskText(text, null), other.maskText(text, null));
        assertEquals(hash.maskText("a 4111111111111111", null).substring(2),
                hash.maskText("b 4111111111111111", null).substring(2));
    }

    @Test
    void nullStrategyRedactsInsideTextSinceASubstringCannotBeNull() {
        assertEquals("card [REDACTED:PAN], mail [REDACTED:EMAIL]",
                nulls.maskText("card 4111111111111111, mail a@example.com", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "plain words without any digits or at signs",
            "order 12345 shipped 2024-01-05 to customer 778899 at 10:30", "1700000000004", "SELECT * FROM cards",
            "they eye keys -- a comment", "ghost github xo sk"})
    void returnsTheSameInstanceWhenNothingMatches(String text) {
        MaskTally tally = new MaskTally();
        assertSame(text, defaults.maskText(text, tally));
        assertEquals(0, tally.total());
    }

    @Test
    void returnsNullForNull() {
        assertNull(defaults.maskText(null, new MaskTally()));
    }

    @Test
    void masksEverythingInOneTextAndCountsPerDetector() {
        MaskTally tally = new MaskTally();
        String masked = redact.maskText("{\"pan\":\"4111111111111111\",\"cvv\":\"123\",\"email\":\"a@example.com\","
                + "\"old_pan\":\"5555 5555 5555 4444\"}", tally);
        assertEquals("{\"pan\":\"[REDACTED:PAN]\",\"cvv\":\"[REDACTED:CVV]\",\"email\":\"[REDACTED:EMAIL]\","
                + "\"old_pan\":\"[REDACTED:PAN]\"}", masked);
        assertEquals(Map.of("masked.pan", 2L, "masked.cvv", 1L, "masked.email", 1L), tally.counts());
        assertEquals(4, tally.total());
    }

    @Test
    void countsUnderTheGivenField() {
        MaskTally tally = new MaskTally();
        defaults.maskText("4111111111111111 and a@example.com", "notes", tally);
        assertEquals(Map.of("masked.notes", 2L), tally.counts());
        assertEquals(Map.of("pan", 1L, "email", 1L), tally.countsByRule());
    }

    @Test
    void trackDataWinsOverThePanInsideIt() {
        MaskTally tally = new MaskTally();
        assertEquals("swipe [REDACTED:TRACK] ok",
                defaults.maskText("swipe ;4111111111111111=25121010000000000? ok", tally));
        assertEquals(Map.of("masked.track", 1L), tally.counts());
    }

    @Test
    void overlappingHitsOfDifferentDetectorsAreRedactedTogether() {
        Detector ref = new Detector() {
            @Override
            public String name() {
                return "ref";
            }

            @Override
            public void find(CharSequence text, HitSink sink) {
                int at = text.toString().indexOf("REF 4111");
                if (at >= 0) {
                    sink.hit(at, at + 8);
                }
            }
        };
        Masker masker = MaskingRules.builder().detector(ref, MaskStrategy.PARTIAL).build().masker();
        assertEquals("x [REDACTED:REF] y", masker.maskText("x REF 4111111111111111 y", null));
    }

    @Test
    void customDetectorsUseTheirStrategy() {
        Detector employeeId = new Detector() {
            @Override
            public String name() {
                return "employee-id";
            }

            @Override
            public void find(CharSequence text, HitSink sink) {
                String s = text.toString();
                for (int at = s.indexOf("EMP-"); at >= 0; at = s.indexOf("EMP-", at + 1)) {
                    sink.hit(at, Math.min(s.length(), at + 12));
                }
            }
        };
        Masker redacting = MaskingRules.builder().detector(employeeId, MaskStrategy.REDACT).build().masker();
        assertEquals("by [REDACTED:EMPLOYEE-ID]", redacting.maskText("by EMP-12345678", null));
        Masker partly = MaskingRules.builder().detector(employeeId, MaskStrategy.PARTIAL).build().masker();
        assertEquals("by ***-****5678", partly.maskText("by EMP-12345678", null));
        assertSame("ab", partly.maskText("ab", null));
    }

    @Test
    void rejectsADetectorReportingAHitOutsideTheText() {
        Detector broken = new Detector() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void find(CharSequence text, HitSink sink) {
                sink.hit(5, 99);
            }
        };
        Masker masker = MaskingRules.builder().detector(broken, MaskStrategy.REDACT).build().masker();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> masker.maskText("ten chars!", null));
        assertEquals("detector \"broken\" reported the hit [5, 99) in a text of 10 chars: a hit must be a non-empty"
                + " range inside the text", e.getMessage());
        assertEquals("card [REDACTED:BROKEN]", MaskingRules.builder().detector(new Detector() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void find(CharSequence text, HitSink sink) {
                sink.hit(5, text.length());
            }
        }, MaskStrategy.REDACT).build().masker().maskText("card 1234", null), "the thread's hit buffer was released");
    }

    @Test
    void disabledDetectorsMaskNothing() {
        Masker masker = MaskingRules.builder().disableDetector("ssn").disableDetector("email").build().masker();
        String text = "ssn 123-45-6789 mail a@example.com";
        assertSame(text, masker.maskText(text, null));
        assertEquals(List.of("track", "pan", "cvv", "iban", "secret"), masker.detectorNames());
    }

    @Test
    void masksManyHitsInALargeText() {
        StringBuilder text = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            text.append("user").append(i).append("@example.com paid with 4111111111111111; ");
            expected.append("[REDACTED:EMAIL] paid with [REDACTED:PAN]; ");
        }
        MaskTally tally = new MaskTally();
        assertEquals(expected.toString(), redact.maskText(text.toString(), tally));
        assertEquals(1000, tally.total());
    }

    @Test
    void givesTheSameResultsFromManyThreads() throws Exception {
        List<String> inputs = List.of("card 4111 1111 1111 1111 cvv 123", "mail john@example.com",
                "iban GB82 WEST 1234 5698 7654 32", "nothing here", "ssn 123-45-6789",
                "tok eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig");
        List<String> expected = new ArrayList<>();
        for (String in : inputs) {
            expected.add(hash.maskText(in, null));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        int k = i % inputs.size();
                        if (!expected.get(k).equals(hash.maskText(inputs.get(k), new MaskTally()))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertEquals(true, r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
