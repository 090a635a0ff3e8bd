package dev.agentguard.ship;

/**
 * The shipping lag over JMX, registered as {@code dev.agentguard:type=Shipper,journal=<dir>,target=<name>}
 * so that monitoring that already scrapes the agent's JVM (Prometheus' JMX exporter, jconsole)
 * can alert on it.
 */
public interface ShipperMXBean {
    /** The target's name. */
    String getTarget();

    /** The journal's newest event. */
    long getJournalSequence();

    /** The newest event the target acknowledged. */
    long getAcknowledgedSequence();

    /** Events not yet acknowledged. */
    long getEventsBehind();

    /** Seconds the oldest unacknowledged event has waited. */
    double getSecondsBehind();

    /** The last failure since the last acknowledgement, or null. */
    String getLastError();
}
