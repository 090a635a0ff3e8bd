package dev.agentguard.junit;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import org.opentest4j.AssertionFailedError;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a {@link JournalAssert} gets its events. A journal is read afresh by every assertion,
 * so an assertion made early in a test (or injected) sees the events written since.
 */
interface EventSource {

    /** The events, oldest first. */
    List<AuditEvent> read();

    /** How messages name the source after "in": {@code journal /tmp/…} or {@code the given events}. */
    String name();

    /** The journal directory, when there is one to verify. */
    Optional<Path> directory();

    /** A journal directory, read through a {@link JournalReader} (which works while a writer has it open). */
    record Directory(Path path) implements EventSource {
        public Directory {
            path = Objects.requireNonNull(path, "journal directory").toAbsolutePath().normalize();
        }

        @Override
        public List<AuditEvent> read() {
            try (JournalReader reader = JournalReader.open(path)) {
                return reader.events(EventFilter.all());
            } catch (JournalException e) {
                throw new AssertionFailedError("Could not read journal " + path + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String name() {
            return "journal " + path;
        }

        @Override
        public Optional<Path> directory() {
            return Optional.of(path);
        }
    }

    /** Events the test holds in a list (for example built by hand, or read earlier). */
    record Given(List<AuditEvent> events) implements EventSource {
        public Given {
            events = List.copyOf(Objects.requireNonNull(events, "events"));
        }

        @Override
        public List<AuditEvent> read() {
            return events;
        }

        @Override
        public String name() {
            return "the given events";
        }

        @Override
        public Optional<Path> directory() {
            return Optional.empty();
        }
    }

    /** The events of another source that a matcher accepts. */
    record Filtered(EventSource source, EventMatcher matcher) implements EventSource {
        @Override
        public List<AuditEvent> read() {
            return source.read().stream().filter(matcher::test).toList();
        }

        @Override
        public String name() {
            return source.name() + " (only events matching [" + matcher + "])";
        }

        @Override
        public Optional<Path> directory() {
            return source.directory();
        }
    }
}
