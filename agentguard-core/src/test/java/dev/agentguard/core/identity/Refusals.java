package dev.agentguard.core.identity;

import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Asserts an identity refusal: its exact message, and that no part of the token leaked into it. */
final class Refusals {

    private Refusals() {
    }

    static IdentityException assertRefused(String message, String token, Executable call) {
        IdentityException e = assertThrows(IdentityException.class, call);
        assertEquals(message, e.getMessage());
        assertNoTokenIn(e, token);
        return e;
    }

    static IdentityException assertRejected(AgentTokenVerifier verifier, String token, String message) {
        return assertRefused(message, token, () -> verifier.verify(token));
    }

    /** No base64url part of the token (header, claims, signature) shows up anywhere in the cause chain. */
    static void assertNoTokenIn(Throwable e, String token) {
        if (token == null) {
            return;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = t.toString();
            for (String part : token.split("\\.")) {
                if (part.length() >= 8) {
                    assertFalse(text.contains(part), "a piece of the token leaked into " + t.getClass().getName());
                }
            }
        }
    }
}
