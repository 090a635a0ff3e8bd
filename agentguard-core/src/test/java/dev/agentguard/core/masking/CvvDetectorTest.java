package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CvvDetectorTest {
    private final CvvDetector detector = new CvvDetector();

    @ParameterizedTest
    @ValueSource(strings = {"cvv: 123", "CVV 123", "cvv2=123", "CVC2: 123", "cvc 123", "Security Code: 123",
            "security_code=123", "securityCode=123", "card verification value 123", "{\"card_cvv\":\"123\"}",
            "cardCvv=123", "cvv-code: 123", "cid 123", "csc: 123"})
    void findsAThreeDigitCodeAfterACardContextWord(String text) {
        assertEquals(List.of("123"), Found.in(detector, text));
    }

    @Test
    void findsAFourDigitAmexCode() {
        assertEquals(List.of("1234"), Found.in(detector, "amex cid: 1234"));
    }

    @Test
    void findsACodeInUnicodeDigits() {
        String code = Found.inScript("123", 0xFF10);
        assertEquals(List.of(code), Found.in(detector, "cvv " + code));
    }

    @Test
    void findsACodeSplitByInvisibleCharacters() {
        assertEquals(List.of("1\u200B2\u00AD3"), Found.in(detector, "cvv: 1\u200B2\u00AD3"));
    }

    @Test
    void findsTheCodeAfterAPanAndItsContext() {
        assertEquals(List.of("987"), Found.in(detector, "pan 4111111111111111 exp 12/27 cvv 987"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "order 123 shipped", // no context
            "cvv                                 123", // context too far away
            "cvv (3 digits): 123", // another number between context and code
            "cvv 12", "cvv 12345", // wrong length
            "cvv 123abc", "cvv x123", // glued
            "cvv 123-4567", "cvv 555 123-4567", // a group of a longer number
            "mycvv 123", // context word inside another word
            "cvvs 123", // context word running on into more letters
            "123 is the cvv", // only context before the code counts
    })
    void leavesNumbersWithoutCardContextAlone(String text) {
        assertEquals(List.of(), Found.in(detector, text));
    }
}
