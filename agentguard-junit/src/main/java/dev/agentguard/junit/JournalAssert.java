package dev.agentguard.junit;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.audit.integrity.JournalIntegrityException;
import dev.agentguard.audit.integrity.JournalVerifier;
import dev.agentguard.audit.integrity.VerificationSummary;
import dev.agentguard.audit.journal.JournalException;
import org.opentest4j.AssertionFailedError;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Fluent assertions over the events of a journal, a journal directory or a list of events.
 * Obtain one from {@link JournalAssertions#assertThat}, or have {@link AgentGuardJournalExtension}
 * inject it.
 *
 * <p>Each assertion reads the journal afresh, so one {@code JournalAssert} can be kept for a whole
 * test. A failed assertion throws {@link AssertionFailedError} whose message says what was
 * expected and lists the events that were there (at most the {@value EventLines#MAX_LISTED} most
 * recent, one line each). Card numbers are never printed: messages show them masked to their first
 * 6 and last 4 digits.
 *
 * <p>Criteria are given as a lambda that refines {@link EventMatcher#anyEvent()}, or as an
 * {@link EventMatcher}:
 * <pre>{@code
 * assertThat(journal)
 *         .hasEventMatching(e -> e.agent("payments-agent").decision(Decision.DENIED).rule("no-delete"))
 *         .hasNoEventMatching(e -> e.decision(Decision.ALLOWED).actionContaining("DELETE"))
 *         .containsNoPan()
 *         .isIntact();
 * }</pre>
 */
public final class JournalAssert {
    private final EventSource source;

    JournalAssert(EventSource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** Asserts that at least one event matches {@code spec}. */
    public JournalAssert hasEventMatching(UnaryOperator<EventMatcher> spec) {
        return hasEventMatching(EventMatcher.of(spec));
    }

    /** Asserts that at least one event matches {@code matcher}. */
    public JournalAssert hasEventMatching(EventMatcher matcher) {
        List<AuditEvent> events = source.read();
        if (events.stream().anyMatch(matcher::test)) {
            return this;
        }
        StringBuilder msg = new StringBuilder("Expected an event matching [").append(matcher).append("]\nin ")
                .append(source.name()).append(", but ");
        msg.append(events.isEmpty() ? "there are no events." : "none of " + count(events.size()) + " matches.");
        appendClosest(msg, events, matcher);
        EventLines.appendListing(msg, events, null);
        throw new AssertionFailedError(msg.toString());
    }

    /** Asserts that no event matches {@code spec}. */
    public JournalAssert hasNoEventMatching(UnaryOperator<EventMatcher> spec) {
        return hasNoEventMatching(EventMatcher.of(spec));
    }

    /** Asserts that no event matches {@code matcher}. */
    public JournalAssert hasNoEventMatching(EventMatcher matcher) {
        List<AuditEvent> events = source.read();
        List<AuditEvent> matching = events.stream().filter(matcher::test).toList();
        if (matching.isEmpty()) {
            return this;
        }
        StringBuilder msg = new StringBuilder("Expected no event matching [").append(matcher).append("]\nin ")
                .append(source.name()).append(", but ").append(matching.size()).append(" of ")
                .append(count(events.size())).append(matching.size() == 1 ? " matches" : " match");
        int from = Math.max(0, matching.size() - EventLines.MAX_LISTED);
        msg.append(from > 0 ? " (the last " + EventLines.MAX_LISTED + " shown):" : ":");
        EventLines.appendLines(msg, matching.subList(from, matching.size()), null);
        throw new AssertionFailedError(msg.toString());
    }

    /**
     * Starts an assertion on how many events match: {@code hasExactly(2).eventsMatching(e -> …)}.
     *
     * @param expected the number of matching events, 0 or more
     */
    public ExactCount hasExactly(int expected) {
        if (expected < 0) {
            throw new IllegalArgumentException("hasExactly needs a count of 0 or more, got " + expected);
        }
        return new ExactCount(expected);
    }

    /** The second half of {@link #hasExactly(int)}. */
    public final class ExactCount {
        private final int expected;

        private ExactCount(int expected) {
            this.expected = expected;
        }

        /** Asserts that exactly the expected number of events match {@code spec}. */
        public JournalAssert eventsMatching(UnaryOperator<EventMatcher> spec) {
            return eventsMatching(EventMatcher.of(spec));
        }

        /** Asserts that exactly the expected number of events match {@code matcher}. */
        public JournalAssert eventsMatching(EventMatcher matcher) {
            List<AuditEvent> events = source.read();
            int actual = (int) events.stream().filter(matcher::test).count();
            if (actual == expected) {
                return JournalAssert.this;
            }
            StringBuilder msg = new StringBuilder("Expected exactly ").append(plural(expected, "event"))
                    .append(" matching [").append(matcher).append("]\nin ").append(source.name()).append(", but ");
            if (events.isEmpty()) {
                msg.append("there are no events.");
            } else {
                msg.append(actual == 0 ? "none" : actual).append(" of ").append(count(events.size()))
                        .append(actual <= 1 ? " matches." : " match.");
            }
            EventLines.appendListing(msg, events, matcher::test);
            throw new AssertionFailedError(msg.toString(), expected, actual);
        }
    }

    /**
     * Asserts that events matching each of {@code specs} occur in this order, for example an
     * intent and then its outcome. Other events may come before, between and after them.
     */
    @SafeVarargs
    public final JournalAssert eventsInOrder(UnaryOperator<EventMatcher>... specs) {
        EventMatcher[] matchers = new EventMatcher[specs.length];
        for (int i = 0; i < specs.length; i++) {
            matchers[i] = EventMatcher.of(specs[i]);
        }
        return eventsInOrder(matchers);
    }

    /**
     * Asserts that events matching each of {@code matchers} occur in this order. Other events may
     * come before, between and after them.
     */
    public JournalAssert eventsInOrder(EventMatcher... matchers) {
        if (matchers.length == 0) {
            throw new IllegalArgumentException("eventsInOrder needs at least one matcher");
        }
        List<AuditEvent> events = source.read();
        // Taking the earliest match for each step finds the order whenever one exists.
        AuditEvent[] found = new AuditEvent[matchers.length];
        int next = 0;
        int missing = -1;
        for (int k = 0; k < matchers.length && missing < 0; k++) {
            for (int i = next; i < events.size(); i++) {
                if (matchers[k].test(events.get(i))) {
                    found[k] = events.get(i);
                    next = i + 1;
                    break;
                }
            }
            if (found[k] == null) {
                missing = k;
            }
        }
        if (missing < 0) {
            return this;
        }
        StringBuilder msg = new StringBuilder("Expected events in this order\nin ").append(source.name()).append(':');
        for (int k = 0; k < matchers.length; k++) {
            msg.append("\n  ").append(k + 1).append(". [").append(matchers[k]).append("] -> ");
            if (k < missing) {
                msg.append('#').append(found[k].sequence());
            } else if (k == missing) {
                msg.append(whyMissing(events, matchers[k], k == 0 ? null : found[k - 1]));
            } else {
                msg.append("not looked for");
            }
        }
        EventLines.appendListing(msg, events, null);
        throw new AssertionFailedError(msg.toString());
    }

    private static String whyMissing(List<AuditEvent> events, EventMatcher matcher, AuditEvent previous) {
        if (previous == null) {
            return "missing: no event matches";
        }
        List<Long> earlier = new ArrayList<>();
        for (AuditEvent e : events) {
            if (e == previous) {
                break;
            }
            if (matcher.test(e)) {
                earlier.add(e.sequence());
            }
        }
        String after = "missing: no event after #" + previous.sequence() + " matches";
        if (earlier.isEmpty()) {
            return after + ", nor does any before";
        }
        String seqs = earlier.stream().limit(5).map(s -> "#" + s).collect(Collectors.joining(", "))
                + (earlier.size() > 5 ? ", …" : "");
        return after + "; " + seqs + (earlier.size() == 1 ? " matches but comes" : " match but come") + " earlier";
    }

    /**
     * Asserts that no field of any event holds a card number (PAN): 13 to 19 digits, plain or
     * grouped by spaces or dashes, that pass the Luhn check and start like a payment card. Checks
     * every text field, every object, every count (name and value) and every extension (name and
     * value). A failure names the event and field and shows the number masked (first 6, last 4).
     */
    public JournalAssert containsNoPan() {
        List<AuditEvent> events = source.read();
        List<String> findings = new ArrayList<>();
        for (AuditEvent e : events) {
            for (EventField f : EventField.of(e)) {
                for (PanFinder.Pan pan : PanFinder.find(f.text())) {
                    findings.add(where(e, f) + pan.masked());
                }
            }
        }
        if (findings.isEmpty()) {
            return this;
        }
        StringBuilder msg = new StringBuilder("Expected no card number (PAN) in ").append(source.name())
                .append(", but found ").append(findings.size()).append(':');
        appendFindings(msg, findings);
        EventLines.appendListing(msg, events, null);
        throw new AssertionFailedError(msg.toString());
    }

    /**
     * Asserts that {@code pattern} is found in no field of any event (the same fields as
     * {@link #containsNoPan()}). A failure names the event and field and shows only the first 4
     * characters of the match, since a pattern usually looks for something that must not leak.
     */
    public JournalAssert containsNoMatch(Pattern pattern) {
        Objects.requireNonNull(pattern, "pattern");
        List<AuditEvent> events = source.read();
        List<String> findings = new ArrayList<>();
        for (AuditEvent e : events) {
            for (EventField f : EventField.of(e)) {
                Matcher m = pattern.matcher(f.text());
                if (m.find()) {
                    String match = m.group();
                    String shown = match.length() <= 4 ? match : match.substring(0, 4) + "…";
                    findings.add(where(e, f) + "\"" + EventLines.display(shown) + "\" ("
                            + plural(match.length(), "character") + " at index " + m.start() + ")");
                }
            }
        }
        if (findings.isEmpty()) {
            return this;
        }
        StringBuilder msg = new StringBuilder("Expected no match for /").append(pattern.pattern()).append("/ in ")
                .append(source.name()).append(", but found ").append(findings.size()).append(':');
        appendFindings(msg, findings);
        EventLines.appendListing(msg, events, null);
        throw new AssertionFailedError(msg.toString());
    }

    /**
     * Asserts that the journal is intact: every event's hash and chain link, the sequence numbers
     * and the checkpoints check out ({@link JournalVerifier}). Checkpoint signatures are not
     * checked; see {@link #isIntactAndSignedBy}.
     *
     * @throws IllegalStateException when the events were given as a list: there is no journal to verify
     */
    public JournalAssert isIntact() {
        Path dir = journalDirectory("isIntact()");
        try {
            JournalVerifier.forJournal(dir).verify();
        } catch (JournalException e) {
            throw verificationFailure("Expected journal " + dir + " to be intact", e);
        }
        return this;
    }

    /**
     * Asserts that the journal is intact and has at least one checkpoint, every one signed with
     * the private half of {@code publicKey}.
     *
     * @throws IllegalStateException when the events were given as a list: there is no journal to verify
     */
    public JournalAssert isIntactAndSignedBy(PublicKey publicKey) {
        Objects.requireNonNull(publicKey, "publicKey");
        Path dir = journalDirectory("isIntactAndSignedBy()");
        String expected = "Expected journal " + dir + " to be intact and signed by key "
                + CheckpointSigner.keyIdOf(publicKey);
        VerificationSummary summary;
        try {
            summary = JournalVerifier.forJournal(dir).publicKey(publicKey).verify();
        } catch (JournalException e) {
            throw verificationFailure(expected, e);
        }
        if (summary.checkpointsChecked() == 0) {
            throw new AssertionFailedError(expected + ", but it has no checkpoint, so nothing in it is signed"
                    + " (a journal writes checkpoints every checkpointEvery events and when it is closed).");
        }
        return this;
    }

    /**
     * Narrows later assertions to the events that match {@code spec}, for example one agent's:
     * {@code assertThat(journal).filteredOn(e -> e.agent("payments-agent")).hasExactly(2).eventsMatching(e -> e)}.
     */
    public JournalAssert filteredOn(UnaryOperator<EventMatcher> spec) {
        return filteredOn(EventMatcher.of(spec));
    }

    /** Narrows later assertions to the events that match {@code matcher}. */
    public JournalAssert filteredOn(EventMatcher matcher) {
        return new JournalAssert(new EventSource.Filtered(source, Objects.requireNonNull(matcher, "matcher")));
    }

    /** The events as they are now, oldest first, for checks the assertions do not cover. */
    public List<AuditEvent> events() {
        return source.read();
    }

    private Path journalDirectory(String assertion) {
        return source.directory().orElseThrow(() -> new IllegalStateException(assertion
                + " verifies a journal directory, but these events were given as a list;"
                + " use assertThat(journal) or assertThat(journalDirectory)"));
    }

    private static AssertionFailedError verificationFailure(String expected, JournalException e) {
        if (e instanceof JournalIntegrityException) {
            return new AssertionFailedError(expected + ", but verification failed at " + e.getMessage(), e);
        }
        return new AssertionFailedError(expected + ", but it could not be verified: " + e.getMessage(), e);
    }

    private static void appendClosest(StringBuilder msg, List<AuditEvent> events, EventMatcher matcher) {
        if (matcher.size() < 2) {
            return;
        }
        AuditEvent closest = null;
        List<String> closestUnmet = null;
        for (AuditEvent e : events) {
            List<String> unmet = matcher.unmet(e);
            // Later events win ties: the most recent near miss is the likeliest culprit.
            if (unmet.size() < matcher.size() && (closestUnmet == null || unmet.size() <= closestUnmet.size())) {
                closest = e;
                closestUnmet = unmet;
            }
        }
        if (closest != null) {
            msg.append("\nClosest: #").append(closest.sequence()).append(", which does not match ")
                    .append(String.join(", ", closestUnmet)).append('.');
        }
    }

    private static void appendFindings(StringBuilder msg, List<String> findings) {
        for (int i = 0; i < Math.min(findings.size(), EventLines.MAX_LISTED); i++) {
            msg.append("\n  ").append(findings.get(i));
        }
        if (findings.size() > EventLines.MAX_LISTED) {
            msg.append("\n  … and ").append(findings.size() - EventLines.MAX_LISTED).append(" more");
        }
    }

    private static String where(AuditEvent e, EventField f) {
        return "#" + e.sequence() + " (" + EventLines.display(e.eventId()) + ") " + f.label() + ": ";
    }

    private static String count(int events) {
        return plural(events, "event");
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
