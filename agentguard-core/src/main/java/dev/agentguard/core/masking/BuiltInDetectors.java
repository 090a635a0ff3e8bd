package dev.agentguard.core.masking;

import java.util.List;

/** The detectors every {@link MaskingRules} knows by name, in the order they run. */
final class BuiltInDetectors {
    /** Track data before PAN and IBAN before SSN, so the wider hit is found first (overlaps merge anyway). */
    static final List<Detector> ALL = List.of(
            new TrackDataDetector(), new PanDetector(), new CvvDetector(), new IbanDetector(),
            new SsnDetector(), new EmailDetector(), new SecretDetector());

    private BuiltInDetectors() {
    }
}
