package dev.agentguard.http;

import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.masking.Masker;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * A request as the journal, reasons and approvers see it: {@code METHOD scheme://host[:port]/path?query},
 * with the path the policy decided (decoded and normalised) and every query parameter's name
 * kept. What could be a secret is masked before the text exists:
 * <ul>
 *   <li>the path and every query name and value go through the policy's detectors (a card number
 *       becomes {@code 411111******1111} or {@code [REDACTED:PAN]}, per the masking rules);</li>
 *   <li>the value of a query parameter whose name looks like a credential ({@code token},
 *       {@code api_key}, {@code password}, {@code sig}, …, and the names the builder adds) is
 *       replaced by {@code [REDACTED]} whatever it holds;</li>
 *   <li>user information, the fragment and every header value are never part of it.</li>
 * </ul>
 * The finished text goes through the detectors once more, for values split across parameters.
 */
final class RedactedRequestLine {

    static final String REDACTED = "[REDACTED]";

    /** Parameter names that are credentials when they appear anywhere in a name. */
    private static final String[] SECRET_PARTS = {"token", "secret", "passw", "apikey", "api_key", "api-key",
            "signature", "credential", "auth", "session", "private"};
    /** Parameter names that are credentials when they are the whole name. */
    private static final Set<String> SECRET_NAMES = Set.of("key", "sig", "code", "pwd", "pass", "jwt",
            "x-amz-security-token", "x-amz-signature", "x-amz-credential");

    private final Masker masker;
    /** Lower-case names the operator added: their values are always redacted. */
    private final Set<String> redactedParameters;

    RedactedRequestLine(Masker masker, Set<String> redactedParameters) {
        this.masker = masker;
        this.redactedParameters = Set.copyOf(redactedParameters);
    }

    /** The redacted request line of {@code action}, whose raw query comes from {@code uri}. */
    String of(HttpAction action, URI uri) {
        StringBuilder b = new StringBuilder(64);
        b.append(action.method()).append(' ').append(action.scheme()).append("://");
        if (action.host().indexOf(':') >= 0) {
            b.append('[').append(action.host()).append(']');
        } else {
            b.append(action.host());
        }
        if (action.port() != HttpAction.defaultPort(action.scheme())) {
            b.append(':').append(action.port());
        }
        appendEncoded(b, masker.maskText(action.path(), null), false);
        String rawQuery = uri.getRawQuery();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            b.append('?');
            boolean first = true;
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                if (!first) {
                    b.append('&');
                }
                first = false;
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                appendEncoded(b, masker.maskText(name, null), true);
                if (eq >= 0) {
                    b.append('=');
                    if (isSecretName(name)) {
                        b.append(REDACTED);
                    } else {
                        appendEncoded(b, masker.maskText(decode(pair.substring(eq + 1)), null), true);
                    }
                }
            }
        }
        return masker.maskText(b.toString(), null);
    }

    /** Whether the values of parameter {@code name} are always redacted. */
    boolean isSecretName(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (SECRET_NAMES.contains(n) || redactedParameters.contains(n)) {
            return true;
        }
        for (String part : SECRET_PARTS) {
            if (n.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Appends {@code text} with the characters that would make the line ambiguous or unprintable
     * percent-encoded: controls, spaces, {@code %}, {@code #}, {@code ?}, and in a query {@code &}
     * and {@code =}. The mask markers ({@code [REDACTED:PAN]}, {@code *}) stay readable.
     */
    private static void appendEncoded(StringBuilder b, String text, boolean inQuery) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean encode = c <= 0x20 || c == 0x7f || c == '%' || c == '#' || c == '?'
                    || (Character.isISOControl(c))
                    || (inQuery && (c == '&' || c == '='));
            if (encode) {
                for (byte x : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16)))
                            .append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
                }
            } else {
                b.append(c);
            }
        }
    }

    /** Percent-decodes a query part as UTF-8, {@code +} as a space; a malformed escape stays as written. */
    static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+') {
                out.write(' ');
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                out.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
