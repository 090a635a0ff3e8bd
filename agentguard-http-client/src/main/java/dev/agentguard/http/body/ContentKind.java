package dev.agentguard.http.body;

/** How a response body is read for masking, decided from its Content-Type (or its first bytes). */
enum ContentKind {
    JSON(BodyReport.JSON),
    FORM(BodyReport.FORM),
    TEXT(BodyReport.TEXT),
    BINARY(BodyReport.BINARY),
    /** No usable Content-Type: decided from the first bytes, text unless they are clearly binary. */
    SNIFF(BodyReport.TEXT);

    private final String label;

    ContentKind(String label) {
        this.label = label;
    }

    /** The name {@link BodyReport#contentKind()} shows. */
    String label() {
        return label;
    }
}
