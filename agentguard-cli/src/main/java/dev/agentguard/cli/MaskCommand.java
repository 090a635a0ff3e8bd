package dev.agentguard.cli;

import dev.agentguard.core.masking.MaskTally;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.core.policy.Policy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code agentguard mask}: masks standard input to standard output with the text detectors, line
 * by line, for trying the detectors and scrubbing text (a log, a support ticket) before it is
 * shared.
 */
@Command(name = "mask",
        mixinStandardHelpOptions = true,
        description = {
                "Masks card numbers and other sensitive values in text, from stdin to stdout.",
                "Works line by line with the text detectors: card numbers "
                        + "(pan), CVVs next to card words (cvv), track data (track), e-mail addresses (email), US "
                        + "SSNs (ssn), IBANs (iban) and secrets such as AWS keys, JWTs and private keys (secret).",
                "Without --policy every detector is on, card numbers shown as the first 6 and last 4 digits and "
                        + "the rest redacted; with --policy, the detectors and strategies of its 'masking:' section.",
                "Everything else is copied unchanged, line endings included. Input must be UTF-8 text: invalid "
                        + "UTF-8 or a NUL byte (binary data, UTF-16) stops it with exit code 2, after the lines "
                        + "before it were written."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard mask < support-ticket.txt > support-ticket.masked.txt",
                "  agentguard mask --policy pci.yaml --count < app.log > app.masked.log",
                "  echo 'card 4111 1111 1111 1111, mail jane@example.com' | agentguard mask"})
final class MaskCommand extends ToolCommand {
    @Option(names = "--policy", paramLabel = "FILE",
            description = "Mask with the detectors and strategies of this policy file's 'masking:' section.")
    Path policyFile;

    @Option(names = "--count",
            description = "Print on stderr how many values each detector masked (a JSON object with --json).")
    boolean count;

    @Override
    int run() throws Exception {
        MaskingRules rules = policyFile == null ? MaskingRules.defaults() : Policy.load(policyFile).masking();
        Masker masker = rules.masker();
        MaskTally tally = count ? new MaskTally() : null;
        TextLines lines = new TextLines(in(), "standard input");
        PrintWriter out = out();
        String line;
        while ((line = lines.next()) != null) {
            out.write(masker.maskText(line, tally));
            out.write(lines.terminator());
            if (!lines.ready()) {
                // Flush only before waiting for input: fast through a pipe, prompt behind 'tail -f'.
                out.flush();
            }
        }
        out.flush();
        if (tally != null) {
            report(tally, masker.detectorNames());
        }
        return ExitCodes.OK;
    }

    /** "agentguard mask: masked 3 values: pan 2, email 1", on stderr: stdout is the masked text. */
    private void report(MaskTally tally, List<String> detectors) {
        Map<String, Long> byDetector = tally.countsByRule();
        if (json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("masked", tally.total());
            o.put("byDetector", byDetector);
            o.put("detectors", detectors);
            err().println(Json.object(o));
        } else {
            List<String> parts = new ArrayList<>();
            byDetector.forEach((detector, n) -> parts.add(detector + " " + n));
            String values = tally.total() == 1 ? " value" : " values";
            err().println(spec.qualifiedName() + ": masked " + tally.total() + values
                    + (parts.isEmpty() ? "" : ": " + String.join(", ", parts)));
        }
        err().flush();
    }

    @Override
    Path resource() {
        return policyFile;
    }

    @Override
    boolean recordedInAccessJournal() {
        return false;
    }
}
