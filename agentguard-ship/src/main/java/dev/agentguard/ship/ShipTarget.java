package dev.agentguard.ship;

/**
 * Where a {@link Shipper} sends a journal: Kafka ({@code KafkaTarget}) or syslog over TLS
 * ({@code SyslogTarget}). A target is used by one shipper thread at a time.
 *
 * <p>The contract that makes shipping lossless: {@link #send} returns a position only for what
 * the far end acknowledged, and the shipper moves its durable cursor only to that position.
 * After any failure the shipper calls {@link #connect} again and sends everything after the
 * cursor once more, so a consumer may see an event twice (with the same event id and hash) but
 * never misses one.
 */
public interface ShipTarget extends AutoCloseable {

    /**
     * The target's name in cursor files and metrics: 1 to 64 letters, digits, '.', '_' or '-'.
     * Two shippers of one journal need different names.
     */
    String name();

    /**
     * Connects, or reconnects after a failure, dropping whatever was in flight. Returns where
     * shipping resumes: {@code cursor}, or a later position when the target can prove more was
     * acknowledged (Kafka's exactly-once mode reads back its last committed transaction). The
     * shipper checks a later position against the journal before it trusts it.
     */
    ShipPosition connect(ShipPosition cursor) throws ShippingException;

    /**
     * Sends the batch and returns the position up to which everything is acknowledged: the whole
     * batch for Kafka, possibly less for syslog, which counts a message as delivered only once it
     * has left its replay window. An empty batch only asks for the acknowledgement.
     *
     * @throws ShippingException when the batch was not acknowledged; the shipper reconnects
     */
    ShipPosition send(ShipBatch batch) throws ShippingException;

    /** Releases connections; idempotent. */
    @Override
    void close();
}
