package dev.agentguard.ssh;

import dev.agentguard.core.cache.BoundedCache;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.guard.PreparedAction;


/**
 * The command lines a client has run, kept as the guard's {@link PreparedAction}s: an agent runs
 * the same few lines again and again ({@code df -h}, {@code uptime}), and everything worked out
 * from the text alone — the shell parse and its analysis, the redacted text the journal shows, the
 * objects the line touches — is the same every time, so it is worked out once.
 *
 * <p>What is kept cannot leak between policies or agents: one instance serves one client, so one
 * guard (its policy and masker) and one set of targets; a line is kept per target and per kind
 * (exec or interactive shell line), since the host, user and home directory of the target and the
 * kind are part of the action. The guard keeps the verdict for the {@code AgentIdentity} object it
 * decided it for and decides again for any other (see {@link PreparedAction}); every run still
 * journals its intent and outcome.
 *
 * <p>Only lines with nothing to hide are kept: one in which {@link CommandRedaction} or the
 * policy's detectors found something (a password, a token, a card number) is prepared afresh each
 * time and forgotten, so that no credential outlives its call in this cache. Lines longer than
 * {@value #MAX_KEPT_LENGTH} characters are not kept either. At most {@value #CAPACITY} lines are
 * kept; when full, an eighth of them is dropped (in the map's order: no bookkeeping on a hit).
 * Thread-safe.
 */
final class PreparedCommands {

    /** The most lines kept per client. */
    static final int CAPACITY = 512;
    /** The longest line kept, in characters; agents' repeated lines are short. */
    static final int MAX_KEPT_LENGTH = 1024;

    /** One line on one target, as an exec command or as a line typed into a shell. */
    private record Key(String target, boolean interactive, String line) {
    }

    private final Guard guard;
    private final BoundedCache<Key, PreparedAction> kept = new BoundedCache<>(CAPACITY);

    PreparedCommands(Guard guard) {
        this.guard = guard;
    }

    /** The prepared action of {@code line} on {@code target}: kept, or prepared now. */
    PreparedAction of(SshTarget target, String line, boolean interactive) {
        if (line.length() > MAX_KEPT_LENGTH) {
            return prepare(target, line, interactive);
        }
        Key key = new Key(target.name(), interactive, line);
        PreparedAction p = kept.get(key);
        if (p != null) {
            return p;
        }
        p = prepare(target, line, interactive);
        if (p.action().redactedText().equals(line)) {
            return kept.putIfAbsent(key, p); // another thread may have prepared the same line: keep one
        }
        return p;
    }

    /** How many lines are kept (for tests). */
    int size() {
        return kept.size();
    }

    private PreparedAction prepare(SshTarget target, String line, boolean interactive) {
        return guard.prepare(SshActions.command(target, guard.masker(), line, interactive));
    }
}
