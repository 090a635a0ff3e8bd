package dev.agentguard.core.shell;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/** Parses lines in tests and renders commands compactly: dynamic words in «», redirections after the words. */
final class Lines {

    private Lines() {
    }

    static ShellLine parse(String line) {
        try {
            return ShellLine.parse(line);
        } catch (ShellSyntaxException e) {
            return fail("the line should parse, but: " + e.getMessage());
        }
    }

    /** Every command of the line, rendered. */
    static List<String> commands(String line) {
        List<String> out = new ArrayList<>();
        for (ShellCommand c : parse(line).commands()) {
            out.add(render(c));
        }
        return out;
    }

    /** The line's only command (or first), rendered. */
    static String first(String line) {
        return render(parse(line).commands().get(0));
    }

    static ShellSyntaxException error(String line) {
        return assertThrows(ShellSyntaxException.class, () -> ShellLine.parse(line));
    }

    static String render(ShellWord w) {
        return w.isDynamic() ? "«" + w.text() + "»" : w.text();
    }

    static String render(ShellCommand c) {
        List<String> parts = new ArrayList<>();
        for (Assignment a : c.assignments()) {
            parts.add(a.name() + (a.append() ? "+=" : "=") + render(a.value()));
        }
        if (c.program() != null) {
            parts.add(render(c.program()));
        }
        for (ShellWord w : c.arguments()) {
            parts.add(render(w));
        }
        for (Redirection r : c.redirections()) {
            parts.add((r.fd() >= 0 ? String.valueOf(r.fd()) : "") + r.operator() + render(r.target()).replace("\n", "\\n"));
        }
        return String.join(" ", parts);
    }
}
