package dev.agentguard.core.identity;

import java.text.Normalizer;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A verified agent identity: who is acting (PCI DSS 8.2.1: one identity per agent, never a
 * shared account) and, when the agent acts for a person, who that person is.
 *
 * <p>Instances come from an {@link IdentitySource} that has already verified them; the
 * policy selects rules by {@link #agentId()}, {@link #roles()} and {@link #scopes()}.
 *
 * @param agentId    the agent's unique id, never blank
 * @param onBehalfOf the human the agent acts for, or {@code null}
 * @param roles      roles or groups the identity carries
 * @param scopes     OAuth scopes the identity carries
 * @param expiresAt  when the identity stops being valid, or {@code null} for a fixed identity
 * @param earlierActors the parties that delegated to this agent before it (RFC 8693 nested
 *                   {@code act} claims, nearest first); none of them may approve the agent's actions
 */
public record AgentIdentity(String agentId, String onBehalfOf, Set<String> roles, Set<String> scopes,
                            Instant expiresAt, java.util.List<String> earlierActors) {

    public AgentIdentity {
        Objects.requireNonNull(agentId, "agentId");
        if (agentId.isBlank()) {
            throw new IllegalArgumentException("agentId must not be blank");
        }
        if (onBehalfOf != null && onBehalfOf.isBlank()) {
            onBehalfOf = null;
        }
        roles = Set.copyOf(roles == null ? Set.of() : roles);
        scopes = Set.copyOf(scopes == null ? Set.of() : scopes);
        earlierActors = java.util.List.copyOf(earlierActors == null ? java.util.List.of() : earlierActors);
    }

    /** An identity with no earlier actors in its delegation chain. */
    public AgentIdentity(String agentId, String onBehalfOf, Set<String> roles, Set<String> scopes, Instant expiresAt) {
        this(agentId, onBehalfOf, roles, scopes, expiresAt, java.util.List.of());
    }

    /** An identity with an id and roles only: no human behind it, no scopes, no expiry. */
    public static AgentIdentity of(String agentId, String... roles) {
        return new AgentIdentity(agentId, null, Set.of(roles), Set.of(), null);
    }

    /** The same identity acting for {@code user}. */
    public AgentIdentity actingFor(String user) {
        return new AgentIdentity(agentId, user, roles, scopes, expiresAt, earlierActors);
    }

    /** The human the agent acts for, if any. */
    public Optional<String> onBehalfOfUser() {
        return Optional.ofNullable(onBehalfOf);
    }

    /** Whether the identity has expired at {@code now}; a fixed identity never expires. */
    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /**
     * A name as AgentGuard compares it for "the same party" (self-approval, shared agent ids):
     * compatibility-normalised, without invisible characters or surrounding spaces, lower case; so that {@code payments\u200b-bot}
     * or a full-width twin does not pass for someone else.
     */
    public static String comparableName(String name) {
        String n = Normalizer.normalize(name, Normalizer.Form.NFKC);
        StringBuilder b = new StringBuilder(n.length());
        // By code point, so that supplementary invisibles (tag characters) are seen as what they are.
        n.codePoints().filter(cp -> !isInvisible(cp)).forEach(b::appendCodePoint);
        return b.toString().strip().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether {@code cp} renders as nothing: a format character, or one of Unicode's other
     * default-ignorable code points (grapheme joiner, variation selectors, Hangul fillers,
     * Mongolian variation selectors, tags), which are not all of type FORMAT.
     */
    private static boolean isInvisible(int cp) {
        return Character.getType(cp) == Character.FORMAT
                || cp == 0x034F
                || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0
                || cp == 0x17B4 || cp == 0x17B5
                || cp >= 0x180B && cp <= 0x180F
                || cp >= 0xFE00 && cp <= 0xFE0F
                || cp >= 0xE0000 && cp <= 0xE0FFF;
    }
}
