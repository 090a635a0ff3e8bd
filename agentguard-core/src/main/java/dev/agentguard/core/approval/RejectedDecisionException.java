package dev.agentguard.core.approval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A signed approval decision did not hold: unsigned, badly signed, signed by an unknown key, of
 * the wrong type, for another request or action, or expired. The guard treats it as a refusal
 * (fail closed) and journals the reason and the token's SHA-256, never the token itself: a
 * token that failed verification is not evidence of anything.
 *
 * <p>The message says what did not hold without quoting values from the token, which whoever
 * forged it chose.
 */
public final class RejectedDecisionException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String tokenSha256;

    /**
     * @param reason what did not hold
     * @param token  the token as received, or {@code null}; only its hash is kept
     */
    public RejectedDecisionException(String reason, String token) {
        super(reason);
        this.tokenSha256 = token == null ? null : sha256(token);
    }

    /** SHA-256 (hex) of the rejected token, to find it in the approval service's logs; {@code null} when none came. */
    public String tokenSha256() {
        return tokenSha256;
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
