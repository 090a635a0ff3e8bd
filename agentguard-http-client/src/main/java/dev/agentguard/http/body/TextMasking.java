package dev.agentguard.http.body;

import dev.agentguard.core.masking.MaskTally;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.StreamingMasker;

/** A text body: the detectors over the whole text, values split across pieces included. */
final class TextMasking implements CharProcessor, StreamingMasker.Output {
    private final StreamingMasker masker;
    private final CharSink out;
    private final MaskTally tally;

    TextMasking(Masker masker, CharSink out, MaskTally tally) {
        this.masker = new StreamingMasker(masker);
        this.out = out;
        this.tally = tally;
    }

    @Override
    public void write(char[] chars, int off, int len) {
        masker.write(chars, off, len, this);
    }

    @Override
    public void flush() {
        masker.flush(this);
    }

    @Override
    public void finish() {
        masker.finish(this);
    }

    @Override
    public void text(char[] chars, int from, int to) {
        out.append(chars, from, to);
    }

    @Override
    public void masked(char[] chars, int from, int to, CharSequence replacement, String detector) {
        out.append(replacement);
        tally.add(detector, detector);
    }
}
