package dev.agentguard.ship;

/**
 * Shipping to a target failed: the target is unreachable, refused or did not acknowledge what
 * was sent, or the journal or the cursor cannot be read. Nothing after the durable cursor counts
 * as shipped; the shipper reconnects and sends it again.
 */
public class ShippingException extends Exception {
    private static final long serialVersionUID = 1L;

    public ShippingException(String message) {
        super(message);
    }

    public ShippingException(String message, Throwable cause) {
        super(message, cause);
    }
}
