package dev.agentguard.ssh;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials an agent writes into a command line before the line is journaled,
 * recorded or quoted: the password of a URL ({@code https://user:pw@host}), of {@code curl -u
 * user:pw}, the value of an option or variable whose name says it is secret
 * ({@code --password=…}, {@code --token …}, {@code PGPASSWORD=…}, {@code API_KEY=…}) and the
 * credentials of an {@code Authorization} header. Each becomes {@value #HIDDEN}. The policy's
 * detectors (card numbers, tokens of known shapes, private keys) then mask what is left.
 *
 * <p>This is a best effort for the journal, not a guarantee: a secret passed positionally
 * ({@code mysql -pS3cret}, {@code sshpass -p …}) keeps its shape. The command sent to the host is
 * never changed.
 */
final class CommandRedaction {

    /** What a removed credential is replaced with. */
    static final String HIDDEN = "***";

    private static final String SECRET_NAME = "[A-Za-z0-9_.-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|"
            + "api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth)[A-Za-z0-9_.-]*";

    /** scheme://user:password@ */
    private static final Pattern URL_PASSWORD = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^\\s:/@'\"]+:)([^\\s@'\"/]+)(@)");
    /** --name=value, NAME=value, name: value in option or assignment form. */
    private static final Pattern NAMED_VALUE = Pattern.compile("(?i)(?<![A-Za-z0-9_])(--?" + SECRET_NAME + "=|"
            + SECRET_NAME + "=)(\"[^\"]*\"|'[^']*'|[^\\s;&|)]+)");
    /** --name value (the next word). */
    private static final Pattern OPTION_VALUE = Pattern.compile("(?i)(?<![A-Za-z0-9_])(--" + SECRET_NAME
            + "\\s+)(\"[^\"]*\"|'[^']*'|[^\\s;&|)-][^\\s;&|)]*)");
    /** curl -u / --user user:password */
    private static final Pattern USER_PASSWORD = Pattern.compile("(?<![A-Za-z0-9_])((?:-u|--user)\\s*['\"]?[^\\s:'\"]+:)"
            + "([^\\s'\"]+)");
    /** Authorization: Bearer xyz / Basic xyz / token xyz */
    private static final Pattern AUTH_HEADER = Pattern.compile("(?i)(authorization\\s*:\\s*(?:[A-Za-z-]+\\s+)?)"
            + "([^\\s'\"]+)");

    private CommandRedaction() {
    }

    /** {@code line} with the credentials it names replaced by {@value #HIDDEN}. */
    static String redact(String line) {
        String out = replace(URL_PASSWORD, line, true);
        out = replace(NAMED_VALUE, out, false);
        out = replace(OPTION_VALUE, out, false);
        out = replace(USER_PASSWORD, out, false);
        out = replace(AUTH_HEADER, out, false);
        return out;
    }

    private static String replace(Pattern p, String text, boolean keepSuffix) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length());
        do {
            String replacement = m.group(1) + HIDDEN + (keepSuffix ? m.group(3) : "");
            m.appendReplacement(b, Matcher.quoteReplacement(replacement));
        } while (m.find());
        m.appendTail(b);
        return b.toString();
    }
}
