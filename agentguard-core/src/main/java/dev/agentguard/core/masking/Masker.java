package dev.agentguard.core.masking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Applies {@link MaskingRules}: {@link #maskText} replaces every detector hit in a text value,
 * {@link #columnMask} gives the rule for a whole column. Built once by {@link MaskingRules#masker()},
 * immutable and thread-safe.
 *
 * <p>{@code maskText} is on the path of every text value a guarded channel returns, so it first
 * makes one cheap pass over the text (counting digits and the longest run of digit groups, noting
 * {@code @}, the start of an IBAN and the first letters of secret prefixes) and runs only the
 * detectors that could match: plain words cost that one pass, and any text without a hit comes
 * back as the same {@code String} instance without allocating.
 *
 * <p>When hits of different detectors overlap they are masked together as one span, redacted
 * with the name of the detector whose hit starts first: partly showing a merged span could show
 * part of the other value.
 */
public final class Masker {
    private static final byte DIGIT = 1;
    private static final byte AT = 2;
    private static final byte SECRET_START = 3;
    /** What may follow the PAN in track data: {@code ^ = D d}. */
    private static final byte TRACK_SEPARATOR = 4;
    /** {@code c}, in every verification-code context word ({@code cvv}, {@code card code}, ...). */
    private static final byte CVV_C = 5;
    /** Per pair of ASCII chars ({@code c << 7 | next}): whether a secret prefix may start with it. */
    private static final boolean[] SECRET_PAIRS = new boolean[128 * 128];
    /** Per ASCII char: what the pre-scan notes about it. */
    private static final byte[] ASCII_CLASS = new byte[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            ASCII_CLASS[c] = DIGIT;
        }
        ASCII_CLASS['@'] = AT;
        for (char c : "^=Dd".toCharArray()) {
            ASCII_CLASS[c] = TRACK_SEPARATOR;
        }
        ASCII_CLASS['c'] = CVV_C;
        ASCII_CLASS['C'] = CVV_C;
        for (char c : SecretDetector.FIRST_CHARS.toCharArray()) {
            for (char next = 0; next < 128; next++) {
                SECRET_PAIRS[c << 7 | next] = SecretDetector.mayStartAt(c, next);
            }
        }
        for (char c : SecretDetector.FIRST_CHARS.toCharArray()) {
            ASCII_CLASS[c] = SECRET_START;
        }
    }

    private static final int HAS_AT = 1;
    private static final int HAS_SECRET_PREFIX = 2;
    private static final int HAS_IBAN_START = 4;
    private static final int HAS_TRACK_SHAPE = 8;
    private static final int HAS_CVV_CONTEXT = 16;

    /** Shortest text any built-in detector can match ("cvv 123", "a@b.cd"). */
    private static final int MIN_TEXT = 6;

    private static final ThreadLocal<Hits> HITS = ThreadLocal.withInitial(Hits::new);

    private final Slot[] slots;
    private final boolean customDetectors;
    private final ColumnRuleMask[] columnMasks;
    private final ColumnRuleMask[] jsonFieldMasks;
    private final List<String> detectorNames;
    private final int keepFirst;
    private final int keepLast;
    private final PartialDisplay partial;
    private final KeyedHash hash;

    Masker(MaskingRules rules) {
        this.keepFirst = rules.partialKeepFirst();
        this.keepLast = rules.partialKeepLast();
        this.partial = rules.partialDisplay();
        this.hash = rules.hashKey() == null ? null : new KeyedHash(rules.hashKey());
        List<Slot> slotList = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean custom = false;
        for (Detector d : rules.detectors()) {
            Slot slot = new Slot(d, rules.detectorStrategies().get(d.name()));
            custom |= slot.kind == Kind.CUSTOM;
            slotList.add(slot);
            names.add(d.name());
        }
        this.slots = slotList.toArray(new Slot[0]);
        this.customDetectors = custom;
        this.detectorNames = List.copyOf(names);
        List<ColumnRule> columnRules = rules.columnRules();
        this.columnMasks = new ColumnRuleMask[columnRules.size()];
        for (int i = 0; i < columnMasks.length; i++) {
            columnMasks[i] = new ColumnRuleMask(columnRules.get(i), partial, hash);
        }
        List<JsonFieldRule> jsonRules = rules.jsonFieldRules();
        this.jsonFieldMasks = new ColumnRuleMask[jsonRules.size()];
        for (int i = 0; i < jsonFieldMasks.length; i++) {
            jsonFieldMasks[i] = new ColumnRuleMask(jsonRules.get(i), partial, hash);
        }
    }

    /**
     * {@code text} with every detector hit masked per its detector's strategy, counting each
     * masked value in {@code tally} under the detector's name ({@code masked.pan}).
     *
     * @param tally where to count, or {@code null} not to count
     * @return the masked text, the same instance when nothing was found, {@code null} for {@code null}
     */
    public String maskText(String text, MaskTally tally) {
        return maskText(text, null, tally);
    }

    /**
     * {@link #maskText(String, MaskTally)} counting every masked value under {@code field}
     * ({@code masked.<field>}), e.g. the column label the text came from.
     *
     * @param field the field to count under, or {@code null} for the detector's name
     */
    public String maskText(String text, String field, MaskTally tally) {
        if (text == null) {
            return null;
        }
        Hits hits = findHits(text, null);
        if (hits == null) {
            return text;
        }
        try {
            if (hits.size == 0) {
                return text;
            }
            return render(text, hits, field, tally);
        } finally {
            hits.release();
        }
    }

    /**
     * The hits of every detector that can match in {@code text}, or {@code null} when the
     * pre-scan rules every detector out; a non-null result must be {@link Hits#release released}.
     * The pre-scan reads {@code chars}, which holds the text's chars from index 0 (null: copied
     * here), as reading a {@code char[]} costs a fraction of {@code String.charAt} per char; the
     * detectors read {@code text}. {@code chars} is not read once the detectors run, so a detector
     * may mask another text on this thread.
     */
    private Hits findHits(String text, char[] chars) {
        int n = text.length();
        if (n < MIN_TEXT && !customDetectors) {
            return null;
        }
        if (chars == null) {
            chars = ScanChars.of(text);
        }
        // One pass to learn which detectors can possibly match: digits, the longest run of digit
        // groups joined by single separators (and the longest with a group that starts with a digit
        // some card brand issues), the most groups in a run, '@', an IBAN's start, secret prefixes,
        // a track-data shape (12 to 19 ASCII digits after "%B" or before ^ = D).
        int digits = 0;
        int run = 0;
        int longestRun = 0;
        int groups = 0;
        int mostGroups = 0;
        boolean brandStart = false;
        int longestBrandRun = 0;
        int afterDigit = -2;
        int asciiStart = -2;
        int asciiEnd = -2;
        int features = 0;
        // Where the PAN and CVV detectors need to look: the runs that may hold a card number, and
        // the stretches after a possible context word. Noted on the first, lazily acquired Hits, so
        // that a long text is read once here rather than once more by each detector.
        Hits hits = null;
        int runStart = 0;
        boolean runMayHoldPan = false;
        try {
            for (int i = 0; i < n; i++) {
                char c = chars[i];
                int width;
                int value;
                if (c < 0x80) {
                    byte cls = ASCII_CLASS[c];
                    if (cls == 0) {
                        continue;
                    }
                    if (cls == AT) {
                        features |= HAS_AT;
                        continue;
                    }
                    if (cls == SECRET_START) {
                        if ((features & HAS_SECRET_PREFIX) == 0 && i + 1 < n) {
                            char next = chars[i + 1];
                            if (next < 0x80 && SECRET_PAIRS[c << 7 | next]) {
                                features |= HAS_SECRET_PREFIX;
                            }
                        }
                        continue;
                    }
                    if (cls == CVV_C) {
                        // Every context word has a c before v, a, s, i (or İ, whose lower case is i) or o.
                        if (i + 1 < n) {
                            char next = (char) (chars[i + 1] | 0x20);
                            if (next == 'v' || next == 'a' || next == 's' || next == 'i' || next == 'o'
                                    || chars[i + 1] == '\u0130') {
                                features |= HAS_CVV_CONTEXT;
                                if (hits == null) {
                                    hits = Hits.acquire();
                                }
                                hits.cvvContextAt(i, Math.min(n, i + CvvDetector.REACH));
                            }
                        }
                        continue;
                    }
                    if (cls == TRACK_SEPARATOR) {
                        int length = asciiEnd - asciiStart;
                        if (i == asciiEnd && length >= PanDetector.MIN_DIGITS && length <= PanDetector.MAX_DIGITS) {
                            features |= HAS_TRACK_SHAPE;
                        }
                        continue;
                    }
                    if (i != asciiEnd) {
                        asciiStart = i;
                        if (i >= 2 && chars[i - 1] == 'B' && chars[i - 2] == '%') {
                            features |= HAS_TRACK_SHAPE;
                        }
                    }
                    asciiEnd = i + 1;
                    if (i == afterDigit && i >= 3 && isAsciiLetter(chars[i - 2]) && isAsciiLetter(chars[i - 3])) {
                        features |= HAS_IBAN_START;
                    }
                    width = 1;
                    value = c - '0';
                } else if (c >= '\u0660' && (value = Digits.valueAt(text, i)) >= 0) {
                    width = Digits.widthAt(text, i);
                } else {
                    continue;
                }
                digits++;
                if (hits != null && hits.cvvStretches > 0) {
                    hits.cvvDigitAt(i);
                }
                // Digit groups join across at most MAX_GAP chars (Digits.nextGroup); counting any such
                // gap as joining over-estimates the run, which only ever runs a detector needlessly.
                boolean groupStart = i != afterDigit;
                if (i >= afterDigit && i - afterDigit <= Digits.MAX_GAP) {
                    run++;
                    if (groupStart) {
                        groups++;
                    }
                } else {
                    if (runMayHoldPan) {
                        if (hits == null) {
                            hits = Hits.acquire();
                        }
                        hits.panRun(runStart, afterDigit);
                        runMayHoldPan = false;
                    }
                    run = 1;
                    groups = 1;
                    brandStart = false;
                }
                if (run == 1) {
                    runStart = i;
                }
                // A card number starts at the start of a group (PanDetector tries each group's).
                if (groupStart && CardBrand.FIRST_DIGITS[value]) {
                    brandStart = true;
                }
                if (groups > mostGroups) {
                    mostGroups = groups;
                }
                afterDigit = i + width;
                if (c < 0x80) {
                    // The rest of a run of ASCII digits at once (ids, timestamps, amounts): for each of
                    // them only the counts move, as the steps above would move them one digit at a time;
                    // of the checks, only the IBAN start can hold, and only at the second digit.
                    int j = i + 1;
                    int k = j;
                    while (k < n && chars[k] >= '0' && chars[k] <= '9') {
                        k++;
                    }
                    if (k > j) {
                        if (j >= 3 && isAsciiLetter(chars[j - 2]) && isAsciiLetter(chars[j - 3])) {
                            features |= HAS_IBAN_START;
                        }
                        asciiEnd = k;
                        digits += k - j;
                        if (hits != null && hits.cvvStretches > 0) {
                            hits.cvvDigitsIn(j, k);
                        }
                        run += k - j;
                        afterDigit = k;
                        i = k - 1;
                    }
                } else {
                    i += width - 1;
                }
                // Once per digit or run of ASCII digits: the run only grew since the reset above,
                // so its longest lengths are noted at its end as well as digit by digit.
                if (run > longestRun) {
                    longestRun = run;
                }
                if (brandStart && run > longestBrandRun) {
                    longestBrandRun = run;
                }
                if (brandStart && run >= PanDetector.MIN_DIGITS) {
                    runMayHoldPan = true;
                }
            }
            if (runMayHoldPan) {
                if (hits == null) {
                    hits = Hits.acquire();
                }
                hits.panRun(runStart, afterDigit);
            }
            if (digits == 0 && features == 0 && !customDetectors) {
                return hits; // null: nothing was noted
            }
            for (int s = 0; s < slots.length; s++) {
                Slot slot = slots[s];
                if (!slot.mayMatch(digits, longestRun, longestBrandRun, mostGroups, features)) {
                    continue;
                }
                if (hits == null) {
                    hits = Hits.acquire();
                }
                hits.text = text;
                hits.slot = s;
                hits.detectorName = slot.name;
                if (slot.kind == Kind.PAN) {
                    int scanned = 0;
                    for (int r = 0; r < hits.panRuns; r++) {
                        scanned = ((PanDetector) slot.detector).find(text, Math.max(scanned, hits.panFrom[r]),
                                hits.panTo[r], hits);
                    }
                } else if (slot.kind == Kind.CVV) {
                    int scanned = 0;
                    for (int r = 0; r < hits.cvvStretches; r++) {
                        if (hits.cvvFrom[r] >= 0) {
                            scanned = ((CvvDetector) slot.detector).find(text, Math.max(scanned, hits.cvvFrom[r]),
                                    hits.cvvTo[r], hits);
                        }
                    }
                } else {
                    slot.detector.find(text, hits);
                }
            }
            return hits;
        } catch (RuntimeException | Error e) {
            if (hits != null) {
                hits.release();
            }
            throw e;
        }
    }

    /** Receives the masked spans of {@link #scan}. */
    interface SpanSink {
        /**
         * One span to mask, {@code [start, end)}; {@code merged} when hits of several detectors
         * overlap in it, {@code slot} being the detector whose hit starts first.
         */
        void span(int start, int end, int slot, boolean merged);
    }

    /**
     * Reports the spans {@link #maskText} would mask in {@code text}, in order and not
     * overlapping, without rendering them: for maskers of text that arrives in pieces.
     */
    void scan(String text, SpanSink sink) {
        scan(text, null, sink);
    }

    /**
     * {@link #scan(String, SpanSink)} of a text whose chars the caller also holds in
     * {@code chars}, from index 0, so that they are not copied again.
     */
    void scan(String text, char[] chars, SpanSink sink) {
        Hits hits = findHits(text, chars);
        if (hits == null) {
            return;
        }
        try {
            hits.sort();
            int i = 0;
            while (i < hits.size) {
                int start = hits.starts[i];
                int end = hits.ends[i];
                boolean merged = false;
                int j = i + 1;
                for (; j < hits.size && hits.starts[j] < end; j++) {
                    if (hits.ends[j] > end) {
                        end = hits.ends[j];
                        merged = true;
                    }
                }
                sink.span(start, end, hits.slots[i], merged);
                i = j;
            }
        } finally {
            hits.release();
        }
    }

    /** Appends the mask of the span {@code [start, end)} of {@code text} that {@link #scan} reported. */
    void appendMask(String text, int start, int end, int slot, boolean merged, StringBuilder out) {
        Slot s = slots[slot];
        if (merged) {
            out.append(s.label);
        } else {
            s.append(text, start, end, this, out);
        }
    }

    /** The name of the detector in {@code slot}, as counts show it. */
    String slotName(int slot) {
        return slots[slot].name;
    }

    /** What stands for a hit of the detector in {@code slot} that is not shown even in part: {@code [REDACTED:PAN]}. */
    String slotLabel(int slot) {
        return slots[slot].label;
    }

    private static boolean isAsciiLetter(char c) {
        return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    }

    private String render(String text, Hits hits, String field, MaskTally tally) {
        hits.sort();
        StringBuilder out = new StringBuilder(text.length() + 16);
        int copied = 0;
        int i = 0;
        while (i < hits.size) {
            int start = hits.starts[i];
            int end = hits.ends[i];
            Slot slot = slots[hits.slots[i]];
            boolean merged = false;
            int j = i + 1;
            for (; j < hits.size && hits.starts[j] < end; j++) {
                if (hits.ends[j] > end) {
                    end = hits.ends[j];
                    merged = true;
                }
            }
            out.append(text, copied, start);
            if (merged) {
                out.append(slot.label);
            } else {
                slot.append(text, start, end, this, out);
            }
            if (tally != null) {
                tally.add(field != null ? field : slot.name, slot.name);
            }
            copied = end;
            i = j;
        }
        return out.append(text, copied, text.length()).toString();
    }

    /**
     * The column rule for a result column, or {@code null} when none applies; the first matching
     * rule wins. Parts are matched case-insensitively; a part that is {@code null} or empty is
     * unknown and matches any pattern part, so a column whose table a driver cannot name is
     * masked if a rule could cover it (fail closed).
     */
    public ColumnMask columnMask(String schema, String table, String column) {
        for (ColumnRuleMask mask : columnMasks) {
            if (mask.matches(schema, table, column)) {
                return mask;
            }
        }
        return null;
    }

    /** Whether any column rule exists; when not, {@link #columnMask} always returns {@code null}. */
    public boolean hasColumnRules() {
        return columnMasks.length > 0;
    }

    /**
     * The field rule for the JSON value at {@code path}, or {@code null} when none applies: the
     * first {@link JsonFieldRule} whose pointer is the path, else, when the value is an object
     * member, the first column rule whose column part matches the member's name (case-insensitive;
     * table and schema parts do not restrict JSON members).
     *
     * @param path   member names and array indexes (as decimal text) from the document's root to
     *               the value, outermost first; the masker keeps no reference to it
     * @param member whether the value is an object member, its name being the last segment, rather
     *               than an array element or the document itself
     */
    public ColumnMask jsonFieldMask(List<? extends CharSequence> path, boolean member) {
        for (ColumnRuleMask mask : jsonFieldMasks) {
            if (mask.matchesPath(path)) {
                return mask;
            }
        }
        if (member && !path.isEmpty()) {
            CharSequence name = path.get(path.size() - 1);
            for (ColumnRuleMask mask : columnMasks) {
                if (mask.matchesMember(name)) {
                    return mask;
                }
            }
        }
        return null;
    }

    /** Whether any JSON field rule exists; when not, {@link #jsonFieldMask} only consults column rules. */
    public boolean hasJsonFieldRules() {
        return jsonFieldMasks.length > 0;
    }

    /** The enabled detectors' names, in the order they run. */
    public List<String> detectorNames() {
        return detectorNames;
    }

    @Override
    public String toString() {
        return "Masker[detectors=" + detectorNames + ", columns=" + List.of(columnMasks)
                + (jsonFieldMasks.length == 0 ? "" : ", jsonFields=" + List.of(jsonFieldMasks)) + "]";
    }

    private enum Kind { TRACK, PAN, CVV, IBAN, SSN, EMAIL, SECRET, CUSTOM }

    /** An enabled detector with its strategy and when it is worth running. */
    private static final class Slot {
        final Detector detector;
        final String name;
        final MaskStrategy strategy;
        final Kind kind;
        final String label;

        Slot(Detector detector, MaskStrategy strategy) {
            this.detector = detector;
            this.name = detector.name();
            this.strategy = strategy;
            this.kind = detector instanceof TrackDataDetector ? Kind.TRACK
                    : detector instanceof PanDetector ? Kind.PAN
                    : detector instanceof CvvDetector ? Kind.CVV
                    : detector instanceof IbanDetector ? Kind.IBAN
                    : detector instanceof SsnDetector ? Kind.SSN
                    : detector instanceof EmailDetector ? Kind.EMAIL
                    : detector instanceof SecretDetector ? Kind.SECRET
                    : Kind.CUSTOM;
            this.label = "[REDACTED:" + name.toUpperCase(Locale.ROOT) + "]";
        }

        boolean mayMatch(int digits, int longestRun, int longestBrandRun, int mostGroups, int features) {
            switch (kind) {
                case TRACK:
                    return (features & HAS_TRACK_SHAPE) != 0;
                case PAN:
                    return longestBrandRun >= PanDetector.MIN_DIGITS;
                case CVV:
                    return digits >= 3 && (features & HAS_CVV_CONTEXT) != 0;
                case IBAN:
                    return (features & HAS_IBAN_START) != 0;
                case SSN:
                    return longestRun >= 9 && mostGroups >= 3; // AAA-GG-SSSS: three groups
                case EMAIL:
                    return (features & HAS_AT) != 0;
                case SECRET:
                    return (features & HAS_SECRET_PREFIX) != 0;
                default:
                    return true;
            }
        }

        void append(String text, int start, int end, Masker m, StringBuilder out) {
            switch (strategy) {
                case PARTIAL:
                    appendPartial(text, start, end, m, out);
                    return;
                case KEYED_HASH:
                    m.hash.append(canonical(text, start, end), out);
                    return;
                case REDACT:
                case NULL: // a substring cannot be null: redact it
                default:
                    out.append(label);
            }
        }

        private void appendPartial(String text, int start, int end, Masker m, StringBuilder out) {
            switch (kind) {
                case PAN:
                    PanDetector.appendPartial(text, start, end, m.partial.keepFirst(text, start, end),
                            m.partial.keepLast(text, start, end), out);
                    return;
                case CVV:
                    CvvDetector.appendPartial(text, start, end, out);
                    return;
                case EMAIL:
                    EmailDetector.appendPartial(text, start, end, out);
                    return;
                case SSN:
                    SsnDetector.appendPartial(text, start, end, m.keepLast, out);
                    return;
                case IBAN:
                    IbanDetector.appendPartial(text, start, end, m.keepLast, out);
                    return;
                case TRACK:
                case SECRET:
                    out.append(label); // never shown in part
                    return;
                default:
                    int alnum = 0;
                    for (int i = start; i < end; i++) {
                        if (Character.isLetterOrDigit(text.charAt(i))) {
                            alnum++;
                        }
                    }
                    ColumnRuleMask.appendKeepingLast(text, start, end, alnum >= 2 * m.keepLast ? m.keepLast : 0, out);
            }
        }

        /** What is hashed: the digits of a card number, the compact IBAN, else the hit as written. */
        private CharSequence canonical(String text, int start, int end) {
            StringBuilder sb;
            switch (kind) {
                case PAN:
                    sb = new StringBuilder(PanDetector.MAX_DIGITS);
                    Digits.appendAsciiDigits(text, start, end, sb);
                    return sb;
                case IBAN:
                    sb = new StringBuilder(end - start);
                    IbanDetector.appendCanonical(text, start, end, sb);
                    return sb;
                default:
                    return text.substring(start, end);
            }
        }
    }

    /**
     * The chars of a text for the pre-scan: a buffer per thread, reused, so that masking a text
     * allocates nothing; a text longer than {@link #MAX} gets its own copy, so a huge text does
     * not stay referenced from a thread.
     */
    private static final class ScanChars {
        static final int MAX = 16 * 1024;
        private static final ThreadLocal<ScanChars> BUFFER = ThreadLocal.withInitial(ScanChars::new);

        private char[] chars = new char[256];

        static char[] of(String text) {
            int n = text.length();
            if (n > MAX) {
                return text.toCharArray();
            }
            ScanChars buffer = BUFFER.get();
            if (buffer.chars.length < n) {
                buffer.chars = new char[Math.min(MAX, Math.max(n, buffer.chars.length * 2))];
            }
            text.getChars(0, n, buffer.chars, 0);
            return buffer.chars;
        }
    }

    /**
     * The hits of one {@code maskText} call; one per thread, reused, so a text without hits
     * allocates nothing. A detector that masks text itself gets a fresh one.
     */
    private static final class Hits implements Detector.HitSink {
        int[] starts = new int[16];
        int[] ends = new int[16];
        int[] slots = new int[16];
        int size;
        int slot;
        String detectorName;
        String text;
        boolean inUse;
        /** The pre-scan's runs of digit groups that may hold a card number: {@code [panFrom, panTo)}. */
        int[] panFrom = new int[16];
        int[] panTo = new int[16];
        int panRuns;
        /**
         * The stretches where a verification code may start: from the first to just after the last
         * digit within {@link CvvDetector#REACH} of a possible context word ({@code cvvFrom} -1 while
         * none has come); overlapping reaches merge.
         */
        int[] cvvFrom = new int[16];
        int[] cvvTo = new int[16];
        int[] cvvReach = new int[16];
        int cvvStretches;

        static Hits acquire() {
            Hits hits = HITS.get();
            if (hits.inUse) {
                hits = new Hits();
            }
            hits.inUse = true;
            hits.size = 0;
            hits.panRuns = 0;
            hits.cvvStretches = 0;
            return hits;
        }

        void panRun(int from, int to) {
            if (panRuns == panFrom.length) {
                panFrom = Arrays.copyOf(panFrom, panRuns * 2);
                panTo = Arrays.copyOf(panTo, panRuns * 2);
            }
            panFrom[panRuns] = from;
            panTo[panRuns] = to;
            panRuns++;
        }

        /** A possible context word's {@code c} at {@code at}: a code may start before {@code reach}. */
        void cvvContextAt(int at, int reach) {
            int last = cvvStretches - 1;
            if (last >= 0 && (at <= cvvReach[last] || cvvFrom[last] < 0)) {
                // Overlaps the last reach (positions only grow), or replaces one that held no digit.
                cvvReach[last] = reach;
                return;
            }
            if (cvvStretches == cvvFrom.length) {
                cvvFrom = Arrays.copyOf(cvvFrom, cvvStretches * 2);
                cvvTo = Arrays.copyOf(cvvTo, cvvStretches * 2);
                cvvReach = Arrays.copyOf(cvvReach, cvvStretches * 2);
            }
            cvvFrom[cvvStretches] = -1;
            cvvTo[cvvStretches] = -1;
            cvvReach[cvvStretches] = reach;
            cvvStretches++;
        }

        /** The digits {@code [from, to)}: as {@link #cvvDigitAt} for each of them. */
        void cvvDigitsIn(int from, int to) {
            int last = cvvStretches - 1;
            if (from < cvvReach[last]) {
                if (cvvFrom[last] < 0) {
                    cvvFrom[last] = from;
                }
                cvvTo[last] = Math.min(to, cvvReach[last]);
            }
        }

        /** A digit at {@code at}: within the last reach, the stretch to scan covers it. */
        void cvvDigitAt(int at) {
            int last = cvvStretches - 1;
            if (at < cvvReach[last]) {
                if (cvvFrom[last] < 0) {
                    cvvFrom[last] = at;
                }
                cvvTo[last] = at + 1;
            }
        }

        void release() {
            inUse = false;
            text = null;
            if (starts.length > 1024) {
                // a huge document grew the buffers: do not keep them alive on this thread
                starts = new int[16];
                ends = new int[16];
                slots = new int[16];
            }
            if (panFrom.length > 1024) {
                panFrom = new int[16];
                panTo = new int[16];
            }
            if (cvvFrom.length > 1024) {
                cvvFrom = new int[16];
                cvvTo = new int[16];
                cvvReach = new int[16];
            }
            size = 0;
            panRuns = 0;
            cvvStretches = 0;
        }

        @Override
        public void hit(int start, int end) {
            if (start < 0 || end <= start || end > text.length()) {
                throw new IllegalArgumentException("detector \"" + detectorName + "\" reported the hit [" + start + ", " + end
                        + ") in a text of " + text.length() + " chars: a hit must be a non-empty range inside the text");
            }
            if (size == starts.length) {
                int grown = size * 2;
                starts = Arrays.copyOf(starts, grown);
                ends = Arrays.copyOf(ends, grown);
                slots = Arrays.copyOf(slots, grown);
            }
            starts[size] = start;
            ends[size] = end;
            slots[size] = slot;
            size++;
        }

        /** By start, and for equal starts the longer hit first (track data before the PAN in it). */
        void sort() {
            if (size > 32) {
                sortMany();
                return;
            }
            for (int i = 1; i < size; i++) {
                int s = starts[i];
                int e = ends[i];
                int k = slots[i];
                int j = i - 1;
                while (j >= 0 && (starts[j] > s || (starts[j] == s && ends[j] < e))) {
                    starts[j + 1] = starts[j];
                    ends[j + 1] = ends[j];
                    slots[j + 1] = slots[j];
                    j--;
                }
                starts[j + 1] = s;
                ends[j + 1] = e;
                slots[j + 1] = k;
            }
        }

        /** Many hits (a large document): an O(n log n) sort; allocating is fine on this rare path. */
        private void sortMany() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> starts[a] != starts[b] ? Integer.compare(starts[a], starts[b])
                    : Integer.compare(ends[b], ends[a]));
            int[] s = new int[size];
            int[] e = new int[size];
            int[] k = new int[size];
            for (int i = 0; i < size; i++) {
                s[i] = starts[order[i]];
                e[i] = ends[order[i]];
                k[i] = slots[order[i]];
            }
            System.arraycopy(s, 0, starts, 0, size);
            System.arraycopy(e, 0, ends, 0, size);
            System.arraycopy(k, 0, slots, 0, size);
        }
    }
}
