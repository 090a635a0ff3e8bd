package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The masker runs the card-number and verification-code detectors only over the stretches its
 * pre-scan noted (runs of digit groups that may hold a card number, text after a possible context
 * word). That must find exactly what the detectors find reading the whole text: compared here,
 * over many generated texts, with the same detectors wrapped as custom ones, which the masker
 * always runs over the whole text.
 */
class MaskerScanStretchesTest {
    private static final String[] PIECES = {
            "cvv", "CVV2", "cvc", "cid", "cİd", "csc", "card", "Card", "card code", "card-code", "security code",
            "securityCode", "verification value", "card verification", "cvvs", "ca", "co", "cs", "ci", "cv",
            "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005", "5555555555554444",
            "6011111111111117", "4111111111111112", "1764000000123", "2024", "123", "1234", "12", "7", "99999",
            "\uFF16\uFF10\uFF11\uFF11", "\u0664\u0661\u0661\u0661", "\uD835\uDFD2\uD835\uDFCF",
            " ", " ", " ", "-", "\u00A0", "\u200B", "\u00AD", "\n", "\t", ":", "\"", ",", ";", "=", "^", "%B", "D",
            "x", "id", "ts", "note", "a@b.cd", "GB82WEST12345698765432", "123-45-6789", "AKIA", "eyJ", "ghp_",
            "{\"card\":\"", "\"}", "ref", "\u00E9", "Customer ",
    };

    private static final List<Detector> BUILT_IN = List.of(new TrackDataDetector(), new PanDetector(),
            new CvvDetector(), new IbanDetector(), new SsnDetector(), new EmailDetector(), new SecretDetector());

    @Test
    void stretchesFindWhatTheWholeTextHolds() {
        Masker fast = builtInOnly().build().masker();
        Masker whole = wrappedOnly().build().masker();
        Random random = new Random(20261126L);
        int withHits = 0;
        for (int t = 0; t < 20_000; t++) {
            String text = text(random, t % 100 == 0 ? 2000 : 1 + random.nextInt(60));
            List<String> expected = spans(whole, text);
            int index = t;
            // The text itself stays out of the message: the seed reproduces it.
            assertEquals(expected, spans(fast, text), () -> "spans differ for generated text #" + index);
            if (!expected.isEmpty()) {
                withHits++;
            }
        }
        assertTrue(withHits > 2_000, withHits + " texts had hits: the generator must exercise the detectors");
    }

    private static MaskingRules.Builder builtInOnly() {
        MaskingRules.Builder b = MaskingRules.builder();
        for (Detector d : BUILT_IN) {
            b.detector(d.name(), MaskStrategy.REDACT);
        }
        return b;
    }

    private static MaskingRules.Builder wrappedOnly() {
        MaskingRules.Builder b = MaskingRules.builder();
        for (Detector d : BUILT_IN) {
            b.disableDetector(d.name());
        }
        for (Detector d : BUILT_IN) {
            b.detector(new Detector() {
                @Override
                public String name() {
                    return "whole-" + d.name();
                }

                @Override
                public void find(CharSequence text, HitSink sink) {
                    d.find(text, sink);
                }
            }, MaskStrategy.REDACT);
        }
        return b;
    }

    private static List<String> spans(Masker masker, String text) {
        List<String> spans = new ArrayList<>();
        masker.scan(text, (start, end, slot, merged) -> spans.add(start + "-" + end + "/" + slot + (merged ? "m" : "")));
        return spans;
    }

    private static String text(Random random, int pieces) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            b.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return b.toString();
    }
}
