package dev.agentguard.core.identity;

import com.nimbusds.jose.JOSEObjectType;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The JOSE header types ({@code typ}) a verifier accepts. Unlike nimbus'
 * {@code DefaultJOSEObjectTypeVerifier} over a {@code Set.of(...)}, a token without {@code typ}
 * is an ordinary, configurable case here rather than a NullPointerException. Types compare as
 * media types do (RFC 7515 section 4.1.9): case-insensitive, {@code application/} optional.
 */
final class AcceptedTypes {

    private final List<String> names;
    private final Set<String> normalized;
    private final boolean required;

    AcceptedTypes(List<String> names, boolean required) {
        this.names = List.copyOf(names);
        Set<String> forms = new LinkedHashSet<>();
        for (String name : names) {
            forms.add(normalize(name));
        }
        this.normalized = Set.copyOf(forms);
        this.required = required;
    }

    /** The comparable form of a type: lower case, without an {@code application/} prefix. */
    static String normalize(String type) {
        String lower = type.strip().toLowerCase(Locale.ROOT);
        return lower.startsWith("application/") ? lower.substring("application/".length()) : lower;
    }

    void check(JOSEObjectType type) throws IdentityException {
        if (type == null || type.getType() == null) {
            if (required) {
                throw AgentTokenVerifier.rejected("it has no type (typ); accepted: " + String.join(", ", names));
            }
            return;
        }
        if (!normalized.contains(normalize(type.getType()))) {
            throw AgentTokenVerifier.rejected("its type (typ) " + UntrustedText.quote(type.getType())
                    + " is not accepted; accepted: " + String.join(", ", names));
        }
    }
}
