package dev.agentguard.http.body;

import dev.agentguard.core.masking.ColumnMask;
import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.MaskTally;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.StreamingMasker;

import java.math.BigDecimal;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A JSON body, read as it streams: field rules by member name and pointer, the detectors over
 * every string (names included, escapes undone) and every number, and the document kept valid.
 *
 * <p>The tokenizer writes a <em>view</em> of the document to a {@link StreamingMasker}: structure
 * and whitespace as they are, string contents unescaped (so {@code \u0034111…} is the card number
 * it spells), numbers as written or, for an integral number in exponent form, as its digits
 * ({@code 4.111111111111111E15} is a 16-digit number). Spans remember what each part of the view
 * is; the masked view comes back in order and is written out: string contents escaped again, a
 * masked number as a JSON string of its mask, a value under a field rule as the rule's mask.
 * Escapes are normalised on the way ({@code \/} becomes {@code /}); a lone surrogate escape is
 * read as U+FFFD. Several top-level values (NDJSON, JSON text sequences) are accepted.
 *
 * <p>Invalid JSON fails the body: field rules cannot be applied to what cannot be parsed.
 */
final class JsonMasking implements CharProcessor {
    static final int MAX_DEPTH = 512;
    static final int MAX_NUMBER_CHARS = 1024;
    static final int MAX_NAME_CHARS = 64 * 1024;
    /** Longest count field derived from a member name. */
    private static final int MAX_FIELD_CHARS = 64;

    private static final int TOP = 0;
    private static final int VALUE = 1;
    private static final int VALUE_OR_CLOSE = 2;
    private static final int NAME_OR_CLOSE = 3;
    private static final int NAME = 4;
    private static final int COLON = 5;
    private static final int AFTER_VALUE = 6;
    private static final int STRING = 7;
    private static final int NUMBER = 8;
    private static final int LITERAL = 9;

    private static final char NO_SURROGATE = 0;

    private final Masker masker;
    private final StreamingMasker view;
    private final Spans spans;
    private final MaskTally tally;
    private final boolean fieldRules;
    private final int maxFieldChars;

    private int state = TOP;
    private long offset; // chars read, for messages

    // Open containers.
    private int depth;
    private boolean[] isArray = new boolean[16];
    private int[] index = new int[16];
    private ColumnMask[] frameRule = new ColumnMask[16];
    private String[] frameField = new String[16];
    /** Path segments for rule lookups: segment i is the key of the value inside container i. */
    private final PathView path = new PathView();

    // The string being read.
    private boolean stringIsName;
    private ColumnMask stringRule;
    private String stringField;
    private StringBuilder nameCapture;
    private final StringBuilder ruledValue = new StringBuilder();
    private boolean ruledOverflow;
    private int escape; // 0 none, 1 after '\', 2 in \\uXXXX
    private int hexDigits;
    private int hexValue;
    private char pendingHigh = NO_SURROGATE;

    // The number or literal being read.
    private final NumberChars number = new NumberChars();
    private ColumnMask scalarRule;
    private String scalarField;
    private String literal;
    private int literalPos;

    JsonMasking(Masker masker, CharSink out, MaskTally tally, boolean asciiOnly, int maxFieldChars) {
        this.masker = masker;
        this.view = new StreamingMasker(masker);
        this.spans = new Spans(out, tally, asciiOnly);
        this.tally = tally;
        // Column rules match member names too, so any rule at all means paths are tracked.
        this.fieldRules = masker.hasJsonFieldRules() || masker.hasColumnRules();
        this.maxFieldChars = maxFieldChars;
    }

    @Override
    public void write(char[] c, int off, int len) throws UnmaskableBodyException {
        int end = off + len;
        int i = off;
        while (i < end) {
            switch (state) {
                case STRING:
                    i = string(c, i, end);
                    break;
                case NUMBER: {
                    int j = i;
                    while (j < end && isNumberChar(c[j])) {
                        j++;
                    }
                    if (number.length() + (j - i) > MAX_NUMBER_CHARS) {
                        throw invalid("a number longer than " + MAX_NUMBER_CHARS + " chars");
                    }
                    number.append(c, i, j - i);
                    offset += j - i;
                    i = j;
                    if (i < end) {
                        endNumber(); // the char after it is read in the state after the number
                    }
                    break;
                }
                case LITERAL: {
                    if (c[i] != literal.charAt(literalPos)) {
                        throw invalid("expected the literal " + literal);
                    }
                    offset++;
                    i++;
                    if (++literalPos == literal.length()) {
                        endLiteral();
                    }
                    break;
                }
                default: {
                    char ch = c[i];
                    if (viewLength >= HAND_OVER) {
                        handOver();
                    }
                    if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
                        // Whitespace between tokens passes as it is, a run at a time.
                        int j = i + 1;
                        while (j < end && (c[j] == ' ' || c[j] == '\n' || c[j] == '\r' || c[j] == '\t')) {
                            j++;
                        }
                        emit(c, i, j - i);
                        offset += j - i;
                        i = j;
                        break;
                    }
                    structural(ch);
                    offset++;
                    i++;
                }
            }
        }
    }

    // ------------------------------------------------------------------ the view

    /**
     * View chars gathered before they go to the masker together, once per input window. Starts
     * small, as most bodies are, and grows to {@link #VIEW_MAX}.
     */
    private char[] viewChars = new char[64];
    private int viewLength;
    private static final int HAND_OVER = 8 * 1024;
    private static final int VIEW_MAX = HAND_OVER + 64;

    /** The view position of the next char emitted. */
    private long position() {
        return view.written() + viewLength;
    }

    /**
     * Makes room for {@code n} more view chars: grows the buffer up to {@link #VIEW_MAX}, else
     * hands the gathered chars over first. False when {@code n} alone is more than the buffer
     * holds: the caller writes them to the masker itself, after the hand-over.
     */
    private boolean makeRoom(int n) {
        if (viewLength + n > VIEW_MAX) {
            handOver();
            if (n > VIEW_MAX) {
                return false;
            }
        }
        if (viewLength + n > viewChars.length) {
            // Four times at a step: a large body reaches full size after three copies.
            viewChars = Arrays.copyOf(viewChars, Math.min(VIEW_MAX, Math.max(viewLength + n, viewChars.length * 4)));
        }
        return true;
    }

    private void emit(char ch) {
        if (viewLength == viewChars.length) {
            makeRoom(1);
        }
        viewChars[viewLength++] = ch;
    }

    private void emit(char[] c, int from, int n) {
        if (viewLength + n > viewChars.length && !makeRoom(n)) {
            view.write(c, from, n, spans);
            return;
        }
        System.arraycopy(c, from, viewChars, viewLength, n);
        viewLength += n;
    }

    private void emit(CharSequence s) {
        int n = s.length();
        if (viewLength + n > viewChars.length && !makeRoom(n)) {
            view.write(s, spans);
            return;
        }
        if (s instanceof String) {
            ((String) s).getChars(0, n, viewChars, viewLength);
        } else {
            ((StringBuilder) s).getChars(0, n, viewChars, viewLength);
        }
        viewLength += n;
    }

    /** Gives the gathered view chars to the masker (their spans are already recorded). */
    private void handOver() {
        if (viewLength > 0) {
            int n = viewLength;
            viewLength = 0;
            view.write(viewChars, 0, n, spans);
        }
    }

    private static boolean isNumberChar(char ch) {
        return (ch >= '0' && ch <= '9') || ch == '.' || ch == 'e' || ch == 'E' || ch == '+' || ch == '-';
    }

    @Override
    public void flush() {
        handOver();
        view.flush(spans);
    }

    @Override
    public void finish() throws UnmaskableBodyException {
        if (state == NUMBER) {
            endNumber();
        }
        if (state != TOP) {
            throw invalid("the document ends inside " + (depth > 0 ? "an object or array" : "a value"));
        }
        handOver();
        view.finish(spans);
    }

    // ------------------------------------------------------------------ structure

    private void structural(char ch) throws UnmaskableBodyException {
        if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t'
                || (state == TOP && (ch == '\u001E' || (ch == '\uFEFF' && offset == 0)))) {
            emit(ch);
            return;
        }
        switch (state) {
            case VALUE_OR_CLOSE:
                if (ch == ']') {
                    close(ch);
                    return;
                }
                beginValue(ch);
                return;
            case TOP:
            case VALUE:
                beginValue(ch);
                return;
            case NAME_OR_CLOSE:
                if (ch == '}') {
                    close(ch);
                    return;
                }
                // fall through: a name
            case NAME:
                if (ch != '"') {
                    throw invalid("expected a member name");
                }
                beginString(true, null, null);
                return;
            case COLON:
                if (ch != ':') {
                    throw invalid("expected ':' after a member name");
                }
                emit(ch);
                state = VALUE;
                return;
            case AFTER_VALUE:
                boolean array = isArray[depth - 1];
                if (ch == ',') {
                    emit(ch);
                    if (array) {
                        index[depth - 1]++;
                        state = VALUE;
                    } else {
                        state = NAME;
                    }
                } else if (ch == (array ? ']' : '}')) {
                    close(ch);
                } else {
                    throw invalid(array ? "expected ',' or ']'" : "expected ',' or '}'");
                }
                return;
            default:
                throw new IllegalStateException("state " + state);
        }
    }

    private void beginValue(char ch) throws UnmaskableBodyException {
        ColumnMask rule = null;
        String field = null;
        if (depth > 0 && frameRule[depth - 1] != null) {
            rule = frameRule[depth - 1];
            field = frameField[depth - 1];
        } else if (fieldRules) {
            boolean member = depth > 0 && !isArray[depth - 1];
            if (depth > 0 && !member) {
                StringBuilder segment = path.segment(depth - 1);
                segment.setLength(0);
                segment.append(index[depth - 1]);
            }
            path.size = depth;
            rule = masker.jsonFieldMask(path, member);
            if (rule != null) {
                field = countField(rule, member ? path.get(depth - 1) : null);
            }
        }
        switch (ch) {
            case '{':
            case '[':
                push(ch == '[', rule, field);
                emit(ch);
                state = ch == '[' ? VALUE_OR_CLOSE : NAME_OR_CLOSE;
                return;
            case '"':
                beginString(false, rule, field);
                return;
            case 't':
            case 'f':
            case 'n':
                literal = ch == 't' ? "true" : ch == 'f' ? "false" : "null";
                literalPos = 1;
                scalarRule = rule;
                scalarField = field;
                state = LITERAL;
                return;
            default:
                if (ch == '-' || (ch >= '0' && ch <= '9')) {
                    number.clear();
                    number.append(ch);
                    scalarRule = rule;
                    scalarField = field;
                    state = NUMBER;
                    return;
                }
                throw invalid("expected a value");
        }
    }

    private void push(boolean array, ColumnMask rule, String field) throws UnmaskableBodyException {
        if (depth == MAX_DEPTH) {
            throw invalid("objects and arrays nested deeper than " + MAX_DEPTH);
        }
        if (depth == isArray.length) {
            int grown = depth * 2;
            isArray = Arrays.copyOf(isArray, grown);
            index = Arrays.copyOf(index, grown);
            frameRule = Arrays.copyOf(frameRule, grown);
            frameField = Arrays.copyOf(frameField, grown);
        }
        isArray[depth] = array;
        index[depth] = 0;
        frameRule[depth] = rule;
        frameField[depth] = field;
        depth++;
    }

    private void close(char ch) {
        emit(ch);
        depth--;
        frameRule[depth] = null;
        frameField[depth] = null;
        valueDone();
    }

    private void valueDone() {
        state = depth == 0 ? TOP : AFTER_VALUE;
    }

    // ------------------------------------------------------------------ strings

    private void beginString(boolean name, ColumnMask rule, String field) {
        stringIsName = name;
        stringRule = rule;
        stringField = field;
        escape = 0;
        pendingHigh = NO_SURROGATE;
        nameCapture = null;
        if (rule != null) {
            ruledValue.setLength(0);
            ruledOverflow = false;
        } else {
            emit('"');
            spans.openString(position());
            if (name && fieldRules && frameRule[depth - 1] == null) {
                nameCapture = path.segment(depth - 1);
                nameCapture.setLength(0);
            }
        }
        state = STRING;
    }

    /** Reads string chars from {@code c[i, end)}; returns where it stopped. */
    private int string(char[] c, int i, int end) throws UnmaskableBodyException {
        while (i < end) {
            if (escape == 0) {
                int j = i;
                while (j < end) {
                    char ch = c[j];
                    if (ch == '"' || ch == '\\' || ch < 0x20) {
                        break;
                    }
                    j++;
                }
                if (j > i) {
                    if (pendingHigh != NO_SURROGATE) {
                        content('\uFFFD');
                        pendingHigh = NO_SURROGATE;
                    }
                    contentRun(c, i, j);
                    offset += j - i;
                    i = j;
                    if (i == end) {
                        return i;
                    }
                }
                char ch = c[i];
                if (ch == '"') {
                    offset++;
                    endString();
                    return i + 1;
                }
                if (ch == '\\') {
                    escape = 1;
                    offset++;
                    i++;
                    continue;
                }
                throw invalid("a control character inside a string, which JSON requires escaped");
            }
            char ch = c[i++];
            offset++;
            if (escape == 1) {
                escape = 0;
                switch (ch) {
                    case '"':
                    case '\\':
                    case '/':
                        literalChar(ch);
                        break;
                    case 'b':
                        literalChar('\b');
                        break;
                    case 'f':
                        literalChar('\f');
                        break;
                    case 'n':
                        literalChar('\n');
                        break;
                    case 'r':
                        literalChar('\r');
                        break;
                    case 't':
                        literalChar('\t');
                        break;
                    case 'u':
                        escape = 2;
                        hexDigits = 0;
                        hexValue = 0;
                        break;
                    default:
                        throw invalid("an invalid escape in a string");
                }
            } else {
                int h = Character.digit(ch, 16);
                if (h < 0 || ch > 'f') {
                    throw invalid("an invalid \\u escape in a string");
                }
                hexValue = hexValue * 16 + h;
                if (++hexDigits == 4) {
                    escape = 0;
                    unicodeEscape((char) hexValue);
                }
            }
        }
        return i;
    }

    /** A char from an escape other than {@code \\u}: any surrogate waiting for its pair is lone. */
    private void literalChar(char ch) throws UnmaskableBodyException {
        if (pendingHigh != NO_SURROGATE) {
            content('\uFFFD');
            pendingHigh = NO_SURROGATE;
        }
        content(ch);
    }

    private void unicodeEscape(char u) throws UnmaskableBodyException {
        if (Character.isHighSurrogate(u)) {
            if (pendingHigh != NO_SURROGATE) {
                content('\uFFFD');
            }
            pendingHigh = u;
        } else if (Character.isLowSurrogate(u)) {
            if (pendingHigh != NO_SURROGATE) {
                content(pendingHigh);
                content(u);
                pendingHigh = NO_SURROGATE;
            } else {
                content('\uFFFD');
            }
        } else {
            literalChar(u);
        }
    }

    private void content(char ch) throws UnmaskableBodyException {
        if (stringRule != null) {
            if (ruledValue.length() < maxFieldChars) {
                ruledValue.append(ch);
            } else {
                ruledOverflow = true;
            }
            return;
        }
        if (nameCapture != null) {
            if (nameCapture.length() == MAX_NAME_CHARS) {
                throw invalid("a member name longer than " + MAX_NAME_CHARS + " chars");
            }
            nameCapture.append(ch);
        }
        emit(ch);
    }

    private void contentRun(char[] c, int from, int to) throws UnmaskableBodyException {
        if (stringRule != null) {
            int room = maxFieldChars - ruledValue.length();
            if (to - from > room) {
                ruledOverflow = true;
                to = from + Math.max(0, room);
            }
            ruledValue.append(c, from, to - from);
            return;
        }
        if (nameCapture != null) {
            if (nameCapture.length() + (to - from) > MAX_NAME_CHARS) {
                throw invalid("a member name longer than " + MAX_NAME_CHARS + " chars");
            }
            nameCapture.append(c, from, to - from);
        }
        emit(c, from, to - from);
    }

    private void endString() throws UnmaskableBodyException {
        if (pendingHigh != NO_SURROGATE) {
            content('\uFFFD');
            pendingHigh = NO_SURROGATE;
        }
        if (stringRule != null) {
            ruled(stringRule, stringField, ruledOverflow ? null : ruledValue.toString());
            stringRule = null;
            valueDone();
            return;
        }
        spans.closeString(position());
        emit('"');
        nameCapture = null;
        if (stringIsName) {
            state = COLON;
        } else {
            valueDone();
        }
    }

    // ------------------------------------------------------------------ numbers and literals

    private void endNumber() throws UnmaskableBodyException {
        if (!validNumber(number)) {
            throw invalid("an invalid number");
        }
        if (scalarRule != null) {
            ruled(scalarRule, scalarField, number.toString());
        } else {
            String digits = mayBeIntegralCardLength(number) ? integralDigits(number.toString()) : null;
            long start = position();
            if (digits != null) {
                spans.number(start, start + digits.length(), number.toString());
                emit(digits);
            } else {
                spans.number(start, start + number.length(), null);
                emit(number.chars, 0, number.length());
            }
        }
        scalarRule = null;
        valueDone();
    }

    private void endLiteral() {
        if (scalarRule != null && !literal.equals("null")) {
            ruled(scalarRule, scalarField, literal);
        } else {
            emit(literal); // a null hides nothing
        }
        scalarRule = null;
        valueDone();
    }

    /**
     * Whether a valid number written with a fraction or an exponent may be an integer of at
     * least 12 digits: any with an exponent, and one with only a fraction when it has 12 integer
     * digits (so an amount like {@code 1.50} costs no parsing).
     */
    static boolean mayBeIntegralCardLength(CharSequence number) {
        int n = number.length();
        int integerDigits = 0;
        boolean fraction = false;
        for (int i = 0; i < n; i++) {
            char c = number.charAt(i);
            if (c == 'e' || c == 'E') {
                return true;
            }
            if (c == '.') {
                fraction = true;
            } else if (!fraction && c >= '0' && c <= '9') {
                integerDigits++;
            }
        }
        return fraction && integerDigits >= 12;
    }

    /**
     * The digits of a number in exponent or decimal form that is an integer of 12 to 19 digits
     * ({@code 4.111111111111111E15}), as a card number would be read, or null.
     */
    static String integralDigits(String raw) {
        boolean plain = true;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                plain = false;
                break;
            }
        }
        if (plain) {
            return null;
        }
        BigDecimal value = new BigDecimal(raw);
        int integerDigits = value.precision() - value.scale();
        // Checked before any conversion: 1e999999999 must not build a billion-digit number.
        if (integerDigits < 12 || integerDigits > 19) {
            return null;
        }
        try {
            String digits = value.toBigIntegerExact().abs().toString();
            return value.signum() < 0 ? "-" + digits : digits;
        } catch (ArithmeticException notIntegral) {
            return null;
        }
    }

    /** RFC 8259 number grammar. */
    static boolean validNumber(CharSequence s) {
        int n = s.length();
        int i = 0;
        if (i < n && s.charAt(i) == '-') {
            i++;
        }
        if (i == n) {
            return false;
        }
        if (s.charAt(i) == '0') {
            i++;
        } else if (s.charAt(i) >= '1' && s.charAt(i) <= '9') {
            while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 0x80) {
                i++;
            }
        } else {
            return false;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            int digits = i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == digits) {
                return false;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int digits = i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == digits) {
                return false;
            }
        }
        return i == n;
    }

    // ------------------------------------------------------------------ field rules

    /** Writes the JSON literal a field rule makes of a scalar ({@code raw} null: too long to read). */
    private void ruled(ColumnMask rule, String field, String raw) {
        String masked;
        if (raw == null) {
            masked = rule.strategy() == MaskStrategy.NULL ? null : "[REDACTED]";
        } else {
            masked = rule.mask(raw);
        }
        tally.add(field, rule.ruleId());
        long start = position();
        spans.ruled(start, masked);
        // One placeholder char in the view: no digit, letter or separator, so it joins nothing.
        emit('\u0000');
    }

    /**
     * The field a rule's masked values are counted under: a pointer rule's pointer as dotted
     * names ({@code card.number}), a column rule's member name (itself masked by the detectors).
     */
    private String countField(ColumnMask rule, CharSequence member) {
        String id = rule.ruleId();
        if (id.startsWith("json:/")) {
            return id.substring("json:/".length()).replace('/', '.');
        }
        if (member == null) {
            return id;
        }
        String name = member.length() > MAX_FIELD_CHARS ? member.subSequence(0, MAX_FIELD_CHARS).toString()
                : member.toString();
        return masker.maskText(name, null);
    }

    private UnmaskableBodyException invalid(String what) {
        return new UnmaskableBodyException("the response body, declared as JSON, is not valid JSON at char " + offset
                + ": " + what + "; it is not delivered beyond that point, since its field rules cannot be applied"
                + " to what cannot be parsed");
    }

    /**
     * The number being read, its chars reused: a {@code StringBuilder} would check every char it
     * takes for its compact form, and numbers are a good part of most documents.
     */
    private static final class NumberChars implements CharSequence {
        char[] chars = new char[16];
        private int length;

        void clear() {
            length = 0;
        }

        void append(char c) {
            if (length == chars.length) {
                chars = Arrays.copyOf(chars, length * 2);
            }
            chars[length++] = c;
        }

        void append(char[] c, int from, int n) {
            if (length + n > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(length + n, chars.length * 2));
            }
            System.arraycopy(c, from, chars, length, n);
            length += n;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (index >= length) {
                throw new IndexOutOfBoundsException(index);
            }
            return chars[index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return toString().substring(start, end);
        }

        @Override
        public String toString() {
            return new String(chars, 0, length);
        }
    }

    /** The path of the value being started, as {@link Masker#jsonFieldMask} reads it; reused. */
    private static final class PathView extends AbstractList<CharSequence> {
        private StringBuilder[] segments = new StringBuilder[16];
        int size;

        StringBuilder segment(int i) {
            if (i >= segments.length) {
                segments = Arrays.copyOf(segments, Math.max(i + 1, segments.length * 2));
            }
            if (segments[i] == null) {
                segments[i] = new StringBuilder(16);
            }
            return segments[i];
        }

        @Override
        public CharSequence get(int i) {
            if (i >= size) {
                throw new IndexOutOfBoundsException(i);
            }
            return segments[i];
        }

        @Override
        public int size() {
            return size;
        }
    }

    /**
     * What each part of the view is, and the writer of the masked view: string contents are
     * escaped again, numbers written as read (or quoted when masked), rule placeholders replaced by
     * the rule's literal; everything else is structure and passes as it is.
     */
    private static final class Spans implements StreamingMasker.Output {
        private static final byte STRING_SPAN = 0;
        private static final byte NUMBER_SPAN = 1;
        private static final byte RULED_SPAN = 2;
        private static final long OPEN = Long.MAX_VALUE;

        private final CharSink out;
        private final MaskTally tally;
        private final boolean asciiOnly;
        private final Map<String, String> labels = new HashMap<>();

        // Start small: a short body has a few spans, and a long one grows these once or twice.
        private long[] starts = new long[8];
        private long[] ends = new long[8];
        private byte[] kinds = new byte[8];
        private String[] extras = new String[8];
        private int head;
        private int tail;

        /** View position of the next char written out. */
        private long pos;
        private final StringBuilder numberView = new StringBuilder();
        private boolean numberMasked;

        Spans(CharSink out, MaskTally tally, boolean asciiOnly) {
            this.out = out;
            this.tally = tally;
            this.asciiOnly = asciiOnly;
        }

        private void add(long start, long end, byte kind, String extra) {
            if (tail == starts.length) {
                if (head > 0) {
                    int n = tail - head;
                    System.arraycopy(starts, head, starts, 0, n);
                    System.arraycopy(ends, head, ends, 0, n);
                    System.arraycopy(kinds, head, kinds, 0, n);
                    System.arraycopy(extras, head, extras, 0, n);
                    tail = n;
                    head = 0;
                }
                if (tail == starts.length) {
                    int grown = starts.length * 2;
                    starts = Arrays.copyOf(starts, grown);
                    ends = Arrays.copyOf(ends, grown);
                    kinds = Arrays.copyOf(kinds, grown);
                    extras = Arrays.copyOf(extras, grown);
                }
            }
            starts[tail] = start;
            ends[tail] = end;
            kinds[tail] = kind;
            extras[tail] = extra;
            tail++;
        }

        void openString(long start) {
            add(start, OPEN, STRING_SPAN, null);
        }

        void closeString(long end) {
            int last = tail - 1;
            if (starts[last] == end && head <= last) {
                tail--; // empty: nothing to write, nothing to find
                extras[tail] = null;
            } else {
                ends[last] = end;
            }
        }

        void number(long start, long end, String raw) {
            add(start, end, NUMBER_SPAN, raw);
        }

        void ruled(long start, String masked) {
            add(start, start + 1, RULED_SPAN, masked == null ? "null" : quoted(masked));
        }

        private String quoted(String s) {
            StringBuilder b = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c != '"' && c != '\\' && (c < 0x80 || !asciiOnly)) {
                    b.append(c);
                } else {
                    b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                }
            }
            return b.append('"').toString();
        }

        /** Drops spans the output has passed: a string closed right where the output stands. */
        private void skipPassed() {
            while (head < tail && ends[head] <= pos) {
                closeHead();
            }
        }

        @Override
        public void text(char[] chars, int from, int to) {
            int i = from;
            while (i < to) {
                skipPassed();
                if (head == tail || pos < starts[head]) {
                    long limit = head == tail ? OPEN : starts[head];
                    int n = (int) Math.min(to - i, limit - pos);
                    out.append(chars, i, i + n);
                    i += n;
                    pos += n;
                    continue;
                }
                int n = (int) Math.min(to - i, ends[head] - pos);
                switch (kinds[head]) {
                    case STRING_SPAN:
                        out.appendJsonEscaped(chars, i, i + n, asciiOnly);
                        break;
                    case NUMBER_SPAN:
                        if (pos == starts[head] && pos + n == ends[head]) {
                            // The usual case: the whole number at once, unmasked; no copy to gather it.
                            if (extras[head] != null) {
                                out.append(extras[head]);
                            } else {
                                out.append(chars, i, i + n);
                            }
                            i += n;
                            pos += n;
                            dropHead();
                            continue;
                        }
                        numberView.append(chars, i, n);
                        break;
                    default:
                        out.append(extras[head]);
                }
                i += n;
                pos += n;
                if (pos == ends[head]) {
                    closeHead();
                }
            }
        }

        @Override
        public void masked(char[] chars, int from, int to, CharSequence replacement, String detector) {
            long end = pos + (to - from);
            skipPassed();
            if (head < tail && starts[head] <= pos && end <= ends[head] && kinds[head] != RULED_SPAN) {
                // The usual case: a value inside one string or number.
                if (kinds[head] == STRING_SPAN) {
                    out.appendJsonEscaped(replacement, asciiOnly);
                } else {
                    numberView.append(replacement);
                    numberMasked = true;
                }
                tally.add(detector, detector);
                pos = end;
                if (pos == ends[head]) {
                    closeHead();
                }
                return;
            }
            // A hit across tokens (a secret running on): structure stays, each string or number
            // part is replaced by the label, never shown in part.
            String label = labels.computeIfAbsent(detector, d -> "[REDACTED:" + d.toUpperCase(Locale.ROOT) + "]");
            boolean hidden = false;
            int i = from;
            while (i < to) {
                skipPassed();
                if (head == tail || pos < starts[head]) {
                    long limit = head == tail ? OPEN : starts[head];
                    int n = (int) Math.min(to - i, limit - pos);
                    out.append(chars, i, i + n);
                    i += n;
                    pos += n;
                    continue;
                }
                int n = (int) Math.min(to - i, ends[head] - pos);
                switch (kinds[head]) {
                    case STRING_SPAN:
                        out.appendJsonEscaped(label, asciiOnly);
                        hidden = true;
                        break;
                    case NUMBER_SPAN:
                        numberView.append(label);
                        numberMasked = true;
                        hidden = true;
                        break;
                    default:
                        out.append(extras[head]);
                }
                i += n;
                pos += n;
                if (pos == ends[head]) {
                    closeHead();
                }
            }
            if (hidden) {
                tally.add(detector, detector);
            }
        }

        private void closeHead() {
            if (kinds[head] == NUMBER_SPAN) {
                if (numberMasked) {
                    out.append('"');
                    out.appendJsonEscaped(numberView, asciiOnly);
                    out.append('"');
                } else {
                    out.append(extras[head] != null ? extras[head] : numberView);
                }
                numberView.setLength(0);
                numberMasked = false;
            }
            dropHead();
        }

        private void dropHead() {
            extras[head] = null;
            head++;
            if (head == tail) {
                head = 0;
                tail = 0;
            }
        }
    }
}
