package dev.agentguard.http.body;

import java.io.IOException;

/**
 * A response body that AgentGuard cannot mask, and therefore does not deliver: an unknown
 * content coding, a decoded body over the size limit, a JSON body that is not valid JSON, a
 * charset this JVM cannot read. The agent's body handler fails with it. Its message names the
 * problem and where it is (a byte or char offset), never the body's content.
 */
public final class UnmaskableBodyException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnmaskableBodyException(String message) {
        super(message);
    }

    public UnmaskableBodyException(String message, Throwable cause) {
        super(message, cause);
    }
}
