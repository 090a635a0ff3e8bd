package dev.agentguard.junit;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/junit.md shows the example test class exactly as it is compiled and run here. */
class DocsExampleTest {
    private static final String EXAMPLE = "agentguard-junit/src/test/java/dev/agentguard/junit/example/PaymentsAgentAuditTest.java";

    @Test
    void docsShowTheCompiledExampleVerbatim() throws Exception {
        // Surefire runs in the module directory; the docs live one level up.
        Path repo = Path.of("").toAbsolutePath().getParent();
        String doc = Files.readString(repo.resolve("docs/junit.md"));
        String marker = "<!-- example: " + EXAMPLE + " -->\n```java\n";
        int start = doc.indexOf(marker);
        assertTrue(start >= 0, "docs/junit.md lost the marker " + marker.strip());
        int from = start + marker.length();
        int end = doc.indexOf("```\n", from);
        assertEquals(Files.readString(repo.resolve(EXAMPLE)), doc.substring(from, end),
                "docs/junit.md must show " + EXAMPLE + " exactly; copy the file into the page");
    }
}
