package dev.agentguard.core.approval;

import java.io.IOException;

/**
 * The approval service could not be asked or did not answer as agreed (an HTTP error status, an
 * unreadable answer, a directory that cannot be written). The guard refuses the action and
 * journals the message, which by contract names the status or problem and never a secret, a
 * URL query or a response body.
 */
public final class ApprovalServiceException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, without secrets */
    public ApprovalServiceException(String message) {
        super(message);
    }

    /** @param message what went wrong, without secrets */
    public ApprovalServiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
