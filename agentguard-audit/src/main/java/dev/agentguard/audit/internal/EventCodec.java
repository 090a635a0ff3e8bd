package dev.agentguard.audit.internal;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.FieldNames;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical binary encoding of an event (docs/journal-format.md).
 *
 * <pre>
 * event   = magic "AGE" version:u8 field*
 * field   = (nameLen:u8 name:ASCII | code:u8) type:u8 payloadLen:varint payload
 * code    = 0x80 + the index of a field the format defines in {@link #CODED_NAMES} (version 2)
 * type    = 'L' 8-byte big-endian long | 'S' UTF-8 text | 'A' varint count, then (varint len, UTF-8)*
 *         | 'M' varint count, then (varint len, UTF-8 key, 8-byte long)* sorted by key | 'H' 32 bytes
 * </pre>
 *
 * Known fields come in a fixed order, absent optional fields are left out, extensions follow in
 * name order. Every payload is length-prefixed, so a reader skips and keeps fields of types it
 * does not know. The stored entry is the encoding followed by its SHA-256; the hash covers the
 * {@code prev} field, which chains events.
 */
public final class EventCodec {
    public static final byte VERSION = 2;
    /**
     * The fields the format defines, by code: version 2 writes the name of the field at index
     * {@code i} as the one byte {@code 0x80 + i} instead of its length and letters (names are at
     * most 63 characters, so a length byte never has the high bit set). Ten to twenty percent
     * fewer bytes per event, hashed and written to the mapped file. Append only: a code never
     * changes its meaning.
     */
    static final List<String> CODED_NAMES = List.of(FieldNames.ID, FieldNames.SEQUENCE, FieldNames.TIMESTAMP,
            FieldNames.PREVIOUS, FieldNames.PHASE, FieldNames.AGENT, FieldNames.ON_BEHALF_OF, FieldNames.SESSION,
            FieldNames.TRACE, FieldNames.INTENT, FieldNames.CHANNEL, FieldNames.RESOURCE, FieldNames.ACTION,
            FieldNames.OBJECTS, FieldNames.DECISION, FieldNames.RULE, FieldNames.APPROVAL, FieldNames.OUTCOME,
            FieldNames.ERROR, FieldNames.COUNTS, FieldNames.DURATION);
    /** The first field code: a name's length byte is below it. */
    private static final int CODE = 0x80;
    /** Name to code, made from {@link #CODED_NAMES} so that the two cannot disagree. */
    private static final Map<String, Integer> CODES;

    static {
        Map<String, Integer> codes = new HashMap<>();
        for (int i = 0; i < CODED_NAMES.size(); i++) {
            String name = CODED_NAMES.get(i);
            // Extensions are written with their names spelled out and never looked up among the
            // codes (Encoder.spelledHeader), which holds only while no coded name can be an extension's.
            if (!FieldNames.isReserved(name)) {
                throw new AssertionError("coded field name '" + name + "' is not reserved from extensions");
            }
            codes.put(name, CODE + i);
        }
        CODES = Map.copyOf(codes);
    }
    private static final int ID_CODE = CODE + CODED_NAMES.indexOf(FieldNames.ID);
    private static final int SEQUENCE_CODE = CODE + CODED_NAMES.indexOf(FieldNames.SEQUENCE);
    private static final int TIMESTAMP_CODE = CODE + CODED_NAMES.indexOf(FieldNames.TIMESTAMP);
    private static final int PREVIOUS_CODE = CODE + CODED_NAMES.indexOf(FieldNames.PREVIOUS);
    private static final int PHASE_CODE = CODE + CODED_NAMES.indexOf(FieldNames.PHASE);
    private static final int OBJECTS_CODE = CODE + CODED_NAMES.indexOf(FieldNames.OBJECTS);
    private static final int COUNTS_CODE = CODE + CODED_NAMES.indexOf(FieldNames.COUNTS);
    private static final int DURATION_CODE = CODE + CODED_NAMES.indexOf(FieldNames.DURATION);
    static final byte[] MAGIC = {'A', 'G', 'E'};

    private static final byte LONG = 'L';
    private static final byte TEXT = 'S';
    private static final byte LIST = 'A';
    private static final byte MAP = 'M';
    private static final byte HASH = 'H';

    private static final java.lang.invoke.VarHandle LONG_BIG_ENDIAN =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    /** 10^0 to 10^18. */
    private static final long[] POWERS_OF_TEN = new long[19];
    /** "00" to "99", two ASCII bytes each. */
    private static final byte[] DIGIT_PAIRS = new byte[200];
    private static final byte[] LONG_MIN_DECIMAL = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

    static {
        long p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private EventCodec() {
    }

    /**
     * A reusable encoder. Not thread-safe: the journal holds one per writer, under its lock,
     * so that the append path allocates no buffers.
     *
     * <p>Most fields of a channel's events repeat from event to event (agent, session, resource,
     * the redacted statement, the rule), and a channel hands in the very same {@code String}
     * each time. The encoder remembers the encoding of the last few values of each such field by
     * the identity of the value (a {@code String} never changes, and neither does the immutable
     * list of an {@link EventDraft}'s objects), with the safety net's verdict on it, and copies
     * those bytes instead of scanning and encoding the text again.
     */
    public static final class Encoder {
        /** Fields whose encoding is remembered, by slot. */
        private static final int AGENT = 0;
        private static final int ON_BEHALF_OF = 1;
        private static final int SESSION = 2;
        private static final int TRACE = 3;
        private static final int INTENT = 4;
        private static final int RESOURCE = 5;
        private static final int ACTION = 6;
        private static final int OBJECTS = 7;
        private static final int RULE = 8;
        private static final int APPROVAL = 9;
        private static final int PHASE = 10;
        private static final int CHANNEL = 11;
        private static final int DECISION = 12;
        private static final int OUTCOME = 13;
        private static final int SLOTS = 14;
        /** Values remembered per field: a few statements or sessions taking turns still hit. */
        private static final int WAYS = 4;
        /** Longer values are encoded each time rather than held on to. */
        private static final int MAX_REMEMBERED_CHARS = 512;

        private byte[] buf = new byte[1024];
        private int len;
        private final PanScrubber scrubber = new PanScrubber();
        private int scrubbed;

        private final Object[] rememberedValue = new Object[SLOTS * WAYS];
        private final byte[][] rememberedBytes = new byte[SLOTS * WAYS][];
        private final int[] rememberedLength = new int[SLOTS * WAYS];
        private final int[] rememberedHits = new int[SLOTS * WAYS];
        private final int[] nextWay = new int[SLOTS];

        /**
         * Drafts seen recently, by identity and version: a draft seen again at the same version
         * has its fields' bytes kept, and a third time they are copied whole.
         */
        private static final int DRAFTS = 4;
        private static final int MAX_REMEMBERED_DRAFT = 4096;
        private final EventDraft[] draftSeen = new EventDraft[DRAFTS];
        private final long[] draftVersion = new long[DRAFTS];
        private final byte[][] draftBytes = new byte[DRAFTS][];
        private final int[] draftLength = new int[DRAFTS];
        private final int[] draftHits = new int[DRAFTS];
        private int nextDraftSlot;

        /** Count and extension names the safety net found clean, by identity, with their length-prefixed encoding (two ways per set). */
        private static final int NAMES = 64;
        private final String[] cleanName = new String[NAMES];
        private final byte[][] cleanNameBytes = new byte[NAMES][];

        /** The encoded bytes; valid until the next call to {@link #encode}. */
        public byte[] buffer() {
            return buf;
        }

        /**
         * The encoded bytes, in an array with at least {@code room} bytes free after the encoding
         * (for the hash the journal stores after it); valid until the next call to {@link #encode}.
         */
        public byte[] bufferWithRoom(int room) {
            ensure(room);
            return buf;
        }

        /** Length of the last encoding. */
        public int length() {
            return len;
        }

        /** How many values the safety net masked in the last encoding. */
        public int scrubbed() {
            return scrubbed;
        }

        /** Encodes the draft as the event with the given journal-assigned fields. */
        public void encode(String eventId, long sequence, long epochNanos, Hash previous, EventDraft d) {
            byte[] prev = previous.toBytes();
            start();
            text(FieldNames.ID, eventId);
            body(sequence, epochNanos, prev, d, true);
        }

        /**
         * The journal's allocation-free form: the event id is {@code idPrefix} (ASCII, for example
         * {@code "3f9a0c1b2d4e-"}) followed by the sequence number in decimal. With
         * {@code safetyNet} false the journal's own events (paths, file hashes) are written
         * exactly: a hex hash can contain a Luhn-valid run of digits, and masking it would break
         * the retention anchor.
         */
        public void encode(byte[] idPrefix, long sequence, long epochNanos, byte[] previous, EventDraft d,
                           boolean safetyNet) {
            start();
            int digits = decimalLength(sequence);
            codedHeader(ID_CODE, TEXT);
            ensure(1 + idPrefix.length + digits);
            buf[len++] = (byte) (idPrefix.length + digits); // at most 12 + 1 + 19 bytes: one varint byte
            System.arraycopy(idPrefix, 0, buf, len, idPrefix.length);
            len += idPrefix.length;
            len += digits;
            writeDigits(sequence, len);
            body(sequence, epochNanos, previous, d, safetyNet);
        }

        /** Digits of {@code v} (at least 0) in decimal: comparisons, not divisions. */
        private static int decimalLength(long v) {
            int n = 1;
            while (n < POWERS_OF_TEN.length && v >= POWERS_OF_TEN[n]) {
                n++;
            }
            return n;
        }

        /**
         * Writes {@code v} (at least 0) in decimal so that its last digit is just before {@code end},
         * two digits per division: every event's id and an outcome's {@code intent-seq} are
         * numbers, and digit by digit they cost a few percent of an append.
         */
        private void writeDigits(long v, int end) {
            int at = end;
            while (v >= Integer.MAX_VALUE) {
                long q = v / 100;
                int pair = (int) (v - q * 100) << 1;
                buf[--at] = DIGIT_PAIRS[pair + 1];
                buf[--at] = DIGIT_PAIRS[pair];
                v = q;
            }
            int w = (int) v;
            while (w >= 100) {
                int q = w / 100;
                int pair = (w - q * 100) << 1;
                buf[--at] = DIGIT_PAIRS[pair + 1];
                buf[--at] = DIGIT_PAIRS[pair];
                w = q;
            }
            if (w >= 10) {
                buf[--at] = DIGIT_PAIRS[(w << 1) + 1];
                buf[--at] = DIGIT_PAIRS[w << 1];
            } else {
                buf[--at] = (byte) ('0' + w);
            }
        }

        private void start() {
            len = 0;
            scrubbed = 0;
            scrub = true;
            ensure(4);
            buf[len++] = MAGIC[0];
            buf[len++] = MAGIC[1];
            buf[len++] = MAGIC[2];
            buf[len++] = VERSION;
        }

        private boolean scrub = true;

        private void body(long sequence, long epochNanos, byte[] previous, EventDraft d, boolean safetyNet) {
            this.scrub = safetyNet;
            longField(SEQUENCE_CODE, sequence);
            longField(TIMESTAMP_CODE, epochNanos);
            hashField(PREVIOUS_CODE, previous);
            if (!safetyNet) {
                draftFields(d);
                return;
            }
            // A draft appended again unchanged (a prepared statement's intent) is copied whole.
            int slot = draftSlot(d);
            boolean seenAtThisVersion = slot >= 0 && draftSeen[slot] == d && draftVersion[slot] == d.version();
            if (seenAtThisVersion && draftBytes[slot] != null) {
                int n = draftLength[slot];
                ensure(n);
                System.arraycopy(draftBytes[slot], 0, buf, len, n);
                len += n;
                scrubbed += draftHits[slot];
                return;
            }
            int from = len;
            int hitsBefore = scrubbed;
            draftFields(d);
            int n = len - from;
            if (seenAtThisVersion && n <= MAX_REMEMBERED_DRAFT) {
                // Seen before at this version: it repeats, so keep its bytes.
                byte[] bytes = new byte[n];
                System.arraycopy(buf, from, bytes, 0, n);
                draftBytes[slot] = bytes;
                draftLength[slot] = n;
                draftHits[slot] = scrubbed - hitsBefore;
            } else {
                // New, or changed since: note it at this version. A draft that changes between
                // appends (an outcome filled anew each time) keeps its one slot, so it never
                // pushes out a draft that repeats.
                if (slot < 0) {
                    slot = nextDraftSlot++ & (DRAFTS - 1);
                }
                draftSeen[slot] = d;
                draftVersion[slot] = d.version();
                draftBytes[slot] = null;
            }
        }

        /** The slot that remembers {@code d} (at whatever version), or -1. */
        private int draftSlot(EventDraft d) {
            for (int i = 0; i < DRAFTS; i++) {
                if (draftSeen[i] == d) {
                    return i;
                }
            }
            return -1;
        }

        /** The fields a draft holds, in the canonical order. */
        private void draftFields(EventDraft d) {
            constant(PHASE, FieldNames.PHASE, d.phase().name());
            scrubbedText(AGENT, FieldNames.AGENT, d.agentId());
            scrubbedText(ON_BEHALF_OF, FieldNames.ON_BEHALF_OF, d.onBehalfOf());
            scrubbedText(SESSION, FieldNames.SESSION, d.sessionId());
            scrubbedText(TRACE, FieldNames.TRACE, d.traceId());
            scrubbedText(INTENT, FieldNames.INTENT, d.intent());
            constant(CHANNEL, FieldNames.CHANNEL, d.channel().name());
            scrubbedText(RESOURCE, FieldNames.RESOURCE, d.resource());
            scrubbedText(ACTION, FieldNames.ACTION, d.action());
            List<String> objects = d.objects();
            if (!objects.isEmpty()) {
                listField(objects);
            }
            if (d.decision() != null) {
                constant(DECISION, FieldNames.DECISION, d.decision().name());
            }
            scrubbedText(RULE, FieldNames.RULE, d.ruleId());
            scrubbedText(APPROVAL, FieldNames.APPROVAL, d.approvalRef());
            if (d.outcome() != null) {
                constant(OUTCOME, FieldNames.OUTCOME, d.outcome().name());
            }
            if (d.error() != null) {
                rawText(FieldNames.ERROR, clean(d.error()));
            }
            int extensions = d.extensionSize();
            if (!scrub || (cleanCountNames(d) && cleanExtensions(d))) {
                // The common case: nothing to mask, every name keeps its place.
                if (d.countSize() > 0 || scrubbed > 0) {
                    countsField(d, scrubbed);
                }
                durationField(d);
                for (int i = 0; i < extensions; i++) {
                    if (d.extensionIsNumber(i)) {
                        decimalText(d.extensionName(i), d.extensionNumber(i));
                    } else {
                        extensionText(d.extensionName(i), d.extensionValue(i));
                    }
                }
                return;
            }
            // A card-like number in a count name or value, or in an extension: mask, re-sort, merge.
            Map<String, Long> counts = scrubCounts(d);
            Map<String, String> scrubbedExtensions = scrubExtensions(d);
            if (!counts.isEmpty() || scrubbed > 0) {
                mapField(FieldNames.COUNTS, counts, scrubbed);
            }
            durationField(d);
            for (Map.Entry<String, String> e : scrubbedExtensions.entrySet()) {
                extensionText(e.getKey(), e.getValue());
            }
        }

        private void durationField(EventDraft d) {
            long nanos = d.durationNanos();
            if (nanos >= 0) {
                longField(DURATION_CODE, nanos);
            }
        }

        /** Whether no count name or value needs the safety net; scans without allocating. */
        private boolean cleanCountNames(EventDraft d) {
            for (int i = 0; i < d.countSize(); i++) {
                String name = d.countName(i);
                if (PanScrubber.looksLikePan(d.countValue(i))) {
                    return false;
                }
                if (cleanNameSlot(name) < 0) {
                    if (scrubber.scrub(name) != name) {
                        return false;
                    }
                    rememberCleanName(name);
                }
            }
            return true;
        }

        /** The slot holding {@code name} among the clean names, or -1. */
        private int cleanNameSlot(String name) {
            int slot = System.identityHashCode(name) & (NAMES - 2);
            return cleanName[slot] == name ? slot : cleanName[slot + 1] == name ? slot + 1 : -1;
        }

        /** Remembers a short count name that needs no masking, with its length-prefixed encoding. */
        private void rememberCleanName(String name) {
            if (name.length() > 42) {
                return;
            }
            int from = len;
            lengthPrefixedUtf8(name);
            int slot = System.identityHashCode(name) & (NAMES - 2);
            if (cleanName[slot] != null) {
                // Two ways: the newer of the pair moves up, the older goes.
                cleanName[slot + 1] = cleanName[slot];
                cleanNameBytes[slot + 1] = cleanNameBytes[slot];
            }
            cleanNameBytes[slot] = java.util.Arrays.copyOfRange(buf, from, len);
            cleanName[slot] = name;
            len = from;
        }

        /** Whether no extension name or value needs the safety net. */
        private boolean cleanExtensions(EventDraft d) {
            for (int i = 0; i < d.extensionSize(); i++) {
                String name = d.extensionName(i);
                if (cleanNameSlot(name) < 0) {
                    if (scrubber.scrub(name) != name) {
                        return false;
                    }
                    rememberCleanName(name);
                }
                if (d.extensionIsNumber(i)) {
                    long v = d.extensionNumber(i);
                    if (PanScrubber.looksLikePan(v == Long.MIN_VALUE ? 0 : Math.abs(v))) {
                        return false;
                    }
                } else {
                    String value = d.extensionValue(i);
                    if (scrubber.scrub(value) != value) {
                        return false;
                    }
                }
            }
            return true;
        }

        /**
         * Extension names and values with card-like numbers masked. Two names that mask alike
         * become one field (the later value), so the event never holds a duplicate field.
         */
        private Map<String, String> scrubExtensions(EventDraft d) {
            Map<String, String> result = new TreeMap<>();
            for (int i = 0; i < d.extensionSize(); i++) {
                String key = d.extensionName(i);
                String value = d.extensionValue(i);
                String name = scrubber.scrub(key);
                String shown = scrubber.scrub(value);
                result.put(name, shown);
                scrubbed += (name != key ? 1 : 0) + (shown != value ? 1 : 0);
            }
            return result;
        }

        /**
         * Count names are text like any other, and a count value is a number that could be a
         * card number written as a long: a masked value becomes -1, which no real count is.
         */
        private Map<String, Long> scrubCounts(EventDraft d) {
            Map<String, Long> result = new TreeMap<>();
            for (int i = 0; i < d.countSize(); i++) {
                String key = d.countName(i);
                long value = d.countValue(i);
                String name = scrubber.scrub(key);
                boolean panValue = PanScrubber.looksLikePan(value);
                result.merge(name, panValue ? -1L : value, (a, b) -> -1L);
                scrubbed += (name != key ? 1 : 0) + (panValue ? 1 : 0);
            }
            return result;
        }

        /** A text field whose value the safety net scans, remembered by the value's identity. */
        private void scrubbedText(int slot, String name, String value) {
            if (value == null) {
                return;
            }
            if (!scrub) {
                rawText(name, value);
                return;
            }
            if (replay(slot, value)) {
                return;
            }
            int from = len;
            int hitsBefore = scrubbed;
            rawText(name, clean(value));
            remember(slot, value, from, scrubbed - hitsBefore);
        }

        /** A field holding one of the format's own words (phase, channel, decision, outcome). */
        private void constant(int slot, String name, String value) {
            if (replay(slot, value)) {
                return;
            }
            int from = len;
            rawText(name, value);
            remember(slot, value, from, 0);
        }

        /** Copies the remembered encoding of {@code value} in {@code slot}, if there is one. */
        private boolean replay(int slot, Object value) {
            int base = slot * WAYS;
            for (int w = base; w < base + WAYS; w++) {
                if (rememberedValue[w] == value) {
                    int n = rememberedLength[w];
                    ensure(n);
                    System.arraycopy(rememberedBytes[w], 0, buf, len, n);
                    len += n;
                    scrubbed += rememberedHits[w];
                    return true;
                }
            }
            return false;
        }

        /** Remembers the bytes written since {@code from} as the encoding of {@code value} in {@code slot}. */
        private void remember(int slot, Object value, int from, int hits) {
            if (value instanceof String s && s.length() > MAX_REMEMBERED_CHARS) {
                return;
            }
            int n = len - from;
            int w = slot * WAYS + (nextWay[slot]++ & (WAYS - 1));
            byte[] bytes = rememberedBytes[w];
            if (bytes == null || bytes.length < n) {
                bytes = rememberedBytes[w] = new byte[Math.max(n, 64)];
            }
            System.arraycopy(buf, from, bytes, 0, n);
            rememberedLength[w] = n;
            rememberedHits[w] = hits;
            rememberedValue[w] = value;
        }

        private void text(String name, String value) {
            if (value != null) {
                rawText(name, value);
            }
        }

        /** An extension's text field holding {@code value} in decimal, written without building a string. */
        private void decimalText(String name, long value) {
            spelledHeader(name, TEXT);
            ensure(21);
            int lenAt = len++;
            int start = len;
            if (value == Long.MIN_VALUE) {
                System.arraycopy(LONG_MIN_DECIMAL, 0, buf, len, LONG_MIN_DECIMAL.length);
                len += LONG_MIN_DECIMAL.length;
            } else {
                if (value < 0) {
                    buf[len++] = '-';
                    value = -value;
                }
                len += decimalLength(value);
                writeDigits(value, len);
            }
            buf[lenAt] = (byte) (len - start); // at most 20 bytes: one varint byte
        }

        private void rawText(String name, String value) {
            header(name, TEXT);
            textPayload(value);
        }

        private void extensionText(String name, String value) {
            spelledHeader(name, TEXT);
            textPayload(value);
        }

        private void textPayload(String value) {
            int lenAt = reserveLength(widthFor(value.length()));
            int start = len;
            utf8(value);
            patchLength(lenAt, len - start);
        }

        private void longField(int code, long value) {
            codedHeader(code, LONG);
            ensure(9);
            buf[len++] = 8;
            putLong(value);
        }

        private void hashField(int code, byte[] value) {
            codedHeader(code, HASH);
            ensure(1 + Hash.LENGTH);
            buf[len++] = Hash.LENGTH;
            System.arraycopy(value, 0, buf, len, Hash.LENGTH);
            len += Hash.LENGTH;
        }

        private String clean(String value) {
            if (!scrub || value == null) {
                return value;
            }
            String c = scrubber.scrub(value);
            if (c != value) {
                scrubbed++;
            }
            return c;
        }

        /** The objects, remembered by the identity of the draft's immutable list when every name is short. */
        private void listField(List<String> values) {
            boolean rememberable = scrub && values.size() <= 16;
            if (rememberable && replay(OBJECTS, values)) {
                return;
            }
            int from = len;
            int hitsBefore = scrubbed;
            codedHeader(OBJECTS_CODE, LIST);
            int lenAt = reserveLength(4);
            int start = len;
            varint(values.size());
            int chars = 0;
            for (int i = 0; i < values.size(); i++) {
                String v = values.get(i);
                chars += v.length();
                lengthPrefixedUtf8(clean(v));
            }
            patchLength(lenAt, len - start);
            if (rememberable && chars <= MAX_REMEMBERED_CHARS) {
                remember(OBJECTS, values, from, scrubbed - hitsBefore);
            }
        }

        /** The draft's counts, already in name order, with the safety net's own count merged in. */
        private void countsField(EventDraft d, int safetyNetHits) {
            codedHeader(COUNTS_CODE, MAP);
            int lenAt = reserveLength(4);
            int start = len;
            int n = d.countSize();
            boolean safetyNetPending = safetyNetHits > 0;
            int size = n;
            if (safetyNetPending) {
                boolean present = false;
                for (int i = 0; i < n; i++) {
                    present |= d.countName(i).equals(EventDraft.SAFETY_NET_COUNT);
                }
                size += present ? 0 : 1;
            }
            varint(size);
            for (int i = 0; i < n; i++) {
                String name = d.countName(i);
                long value = d.countValue(i);
                if (safetyNetPending) {
                    int c = name.compareTo(EventDraft.SAFETY_NET_COUNT);
                    if (c >= 0) {
                        safetyNetPending = false;
                        if (c == 0) {
                            value += safetyNetHits;
                        } else {
                            countEntry(EventDraft.SAFETY_NET_COUNT, safetyNetHits);
                        }
                    }
                }
                countEntry(name, value);
            }
            if (safetyNetPending) {
                countEntry(EventDraft.SAFETY_NET_COUNT, safetyNetHits);
            }
            patchLength(lenAt, len - start);
        }

        private void countEntry(String name, long value) {
            int slot = cleanNameSlot(name);
            if (slot >= 0) {
                byte[] b = cleanNameBytes[slot];
                ensure(b.length + 8);
                System.arraycopy(b, 0, buf, len, b.length);
                len += b.length;
            } else {
                lengthPrefixedUtf8(name);
                ensure(8);
            }
            putLong(value);
        }

        private void mapField(String name, Map<String, Long> values, int safetyNetHits) {
            Map<String, Long> sorted = values;
            if (safetyNetHits > 0) {
                sorted = new TreeMap<>(values);
                sorted.merge(EventDraft.SAFETY_NET_COUNT, (long) safetyNetHits, Long::sum);
            }
            header(name, MAP);
            int lenAt = reserveLength(4);
            int start = len;
            varint(sorted.size());
            for (Map.Entry<String, Long> e : sorted.entrySet()) {
                lengthPrefixedUtf8(e.getKey());
                ensure(8);
                putLong(e.getValue());
            }
            patchLength(lenAt, len - start);
        }

        private void lengthPrefixedUtf8(String v) {
            int lenAt = reserveLength(widthFor(v.length()));
            int start = len;
            utf8(v);
            patchLength(lenAt, len - start);
        }

        /**
         * A field's name and type; a name the format defines goes as its code. The fields the
         * encoder always writes call {@link #codedHeader} with the code itself, and extensions
         * {@link #spelledHeader}: a lookup for each of them cost about a tenth of an append.
         */
        private void header(String name, byte type) {
            int code = code(name);
            if (code >= 0) {
                codedHeader(code, type);
            } else {
                spelledHeader(name, type);
            }
        }

        private void codedHeader(int code, byte type) {
            ensure(2);
            buf[len++] = (byte) code;
            buf[len++] = type;
        }

        /** An extension's name, spelled out: extensions never have a code. */
        private void spelledHeader(String name, byte type) {
            int n = name.length();
            ensure(n + 2);
            buf[len++] = (byte) n;
            for (int i = 0; i < n; i++) {
                buf[len++] = (byte) name.charAt(i);
            }
            buf[len++] = type;
        }

        /** The one-byte code of a field the format defines, or -1 for an extension. */
        private static int code(String name) {
            Integer code = CODES.get(name);
            return code == null ? -1 : code;
        }

        /** Varint width to reserve for a text of {@code chars} UTF-16 characters (at most 3 UTF-8 bytes each). */
        private static int widthFor(int chars) {
            return chars <= 42 ? 1 : 3; // 42 * 3 = 126 bytes fit one varint byte; 3 bytes hold 2 MiB
        }

        /**
         * Reserves room for a varint length of a fixed width, so no bytes move once the payload
         * length is known. A padded varint (continuation bits on zero groups) is still a valid
         * varint; the decoder accepts any width.
         */
        private int reserveLength(int width) {
            int at = len;
            ensure(width);
            len += width;
            return at | (width << 28);
        }

        private void patchLength(int reserved, int payloadLength) {
            int at = reserved & 0x0FFFFFFF;
            int width = reserved >>> 28;
            for (int i = 0; i < width; i++) {
                int group = (payloadLength >>> (7 * i)) & 0x7F;
                buf[at + i] = (byte) (i == width - 1 ? group : (group | 0x80));
            }
        }

        private void varint(int value) {
            ensure(5);
            while ((value & ~0x7F) != 0) {
                buf[len++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            buf[len++] = (byte) value;
        }

        /** Eight bytes, big-endian, in one store; the caller has ensured the room. */
        private void putLong(long v) {
            LONG_BIG_ENDIAN.set(buf, len, v);
            len += 8;
        }

        private void utf8(String s) {
            int n = s.length();
            ensure(n * 3);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    buf[len++] = (byte) c;
                } else if (c < 0x800) {
                    buf[len++] = (byte) (0xC0 | (c >> 6));
                    buf[len++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    buf[len++] = (byte) (0xF0 | (cp >> 18));
                    buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buf[len++] = (byte) (0x80 | (cp & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    buf[len++] = (byte) '?'; // a lone surrogate has no UTF-8 form
                } else {
                    buf[len++] = (byte) (0xE0 | (c >> 12));
                    buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    buf[len++] = (byte) (0x80 | (c & 0x3F));
                }
            }
        }

        private void ensure(int extra) {
            if (len + extra > buf.length) {
                byte[] bigger = new byte[Math.max(buf.length * 2, len + extra)];
                System.arraycopy(buf, 0, bigger, 0, len);
                buf = bigger;
            }
        }
    }

    /**
     * Decodes a stored entry: the encoding followed by its 32-byte hash. The stored hash is
     * returned as is; whether it matches is for the verifier to say.
     */
    public static AuditEvent decode(byte[] entry, int length) throws MalformedEventException {
        if (length < MAGIC.length + 1 + Hash.LENGTH) {
            throw new MalformedEventException("entry of " + length + " bytes is too short to be an event");
        }
        if (entry[0] != MAGIC[0] || entry[1] != MAGIC[1] || entry[2] != MAGIC[2]) {
            throw new MalformedEventException("entry does not start with the event marker 'AGE'");
        }
        int version = entry[3] & 0xFF;
        if (version < 1) {
            throw new MalformedEventException("event format version " + version + " is not valid");
        }
        Reader r = new Reader(entry, 4, length - Hash.LENGTH);
        Map<String, Object> known = new HashMap<>();
        Map<String, String> extensions = new LinkedHashMap<>();
        while (r.pos < r.end) {
            int nameLen = r.u8();
            String name = nameLen >= CODE ? codedName(nameLen, r.pos - 1) : r.ascii(nameLen);
            byte type = (byte) r.u8();
            int payloadLen = r.varint();
            int payloadEnd = r.pos + payloadLen;
            if (payloadLen < 0 || payloadEnd > r.end) {
                throw new MalformedEventException("field '" + name + "' runs past the end of the entry");
            }
            Object value = r.value(name, type, payloadEnd);
            r.pos = payloadEnd;
            if (FieldNames.isReserved(name)) {
                if (known.put(name, value) != null) {
                    throw new MalformedEventException("field '" + name + "' appears twice");
                }
            } else if (extensions.put(name, render(value)) != null) {
                throw new MalformedEventException("field '" + name + "' appears twice");
            }
        }
        String eventId = (String) required(known, FieldNames.ID, String.class);
        long seq = (Long) required(known, FieldNames.SEQUENCE, Long.class);
        long ts = (Long) required(known, FieldNames.TIMESTAMP, Long.class);
        Hash prev = (Hash) required(known, FieldNames.PREVIOUS, Hash.class);
        String phase = (String) required(known, FieldNames.PHASE, String.class);
        String channel = (String) required(known, FieldNames.CHANNEL, String.class);
        if (seq < 1) {
            throw new MalformedEventException("sequence " + seq + " is not positive");
        }
        @SuppressWarnings("unchecked")
        List<String> objects = (List<String>) optional(known, FieldNames.OBJECTS, List.class);
        @SuppressWarnings("unchecked")
        Map<String, Long> counts = (Map<String, Long>) optional(known, FieldNames.COUNTS, Map.class);
        String decision = (String) optional(known, FieldNames.DECISION, String.class);
        String outcome = (String) optional(known, FieldNames.OUTCOME, String.class);
        Long duration = (Long) optional(known, FieldNames.DURATION, Long.class);
        // A value this version does not know (from a newer writer) is shown as written.
        if (Phase.parse(phase) == Phase.UNKNOWN) {
            extensions.put(FieldNames.PHASE, phase);
        }
        if (Channel.parse(channel) == Channel.UNKNOWN) {
            extensions.put(FieldNames.CHANNEL, channel);
        }
        if (decision != null && Decision.parse(decision) == Decision.UNKNOWN) {
            extensions.put(FieldNames.DECISION, decision);
        }
        if (outcome != null && Outcome.parse(outcome) == Outcome.UNKNOWN) {
            extensions.put(FieldNames.OUTCOME, outcome);
        }
        return new AuditEvent(version, eventId, seq,
                Instant.ofEpochSecond(Math.floorDiv(ts, 1_000_000_000L), Math.floorMod(ts, 1_000_000_000L)),
                Phase.parse(phase),
                (String) optional(known, FieldNames.AGENT, String.class),
                (String) optional(known, FieldNames.ON_BEHALF_OF, String.class),
                (String) optional(known, FieldNames.SESSION, String.class),
                (String) optional(known, FieldNames.TRACE, String.class),
                (String) optional(known, FieldNames.INTENT, String.class),
                Channel.parse(channel),
                (String) optional(known, FieldNames.RESOURCE, String.class),
                (String) optional(known, FieldNames.ACTION, String.class),
                objects,
                decision == null ? null : Decision.parse(decision),
                (String) optional(known, FieldNames.RULE, String.class),
                (String) optional(known, FieldNames.APPROVAL, String.class),
                outcome == null ? null : Outcome.parse(outcome),
                (String) optional(known, FieldNames.ERROR, String.class),
                counts,
                duration == null ? null : Duration.ofNanos(duration),
                extensions,
                prev,
                Hash.of(entry, length - Hash.LENGTH));
    }

    /** The fields the verifier needs from an entry, read without building an event. */
    public static final class ChainView {
        public long sequence;
        public int idOffset;
        public int idLength;
        public int prevOffset;
        public boolean system;

        /** The event id, built only when needed for a message. */
        public String eventId(byte[] entry) {
            return new String(entry, idOffset, idLength, StandardCharsets.UTF_8);
        }
    }

    private static final byte[] SYSTEM_PHASE = "SYSTEM".getBytes(StandardCharsets.US_ASCII);

    /**
     * Reads id, sequence, previous hash and whether the phase is SYSTEM from a stored entry,
     * skipping everything else: the verifier's fast path, which allocates nothing.
     */
    public static void scan(byte[] entry, int length, ChainView out) throws MalformedEventException {
        if (length < MAGIC.length + 1 + Hash.LENGTH || entry[0] != MAGIC[0] || entry[1] != MAGIC[1]
                || entry[2] != MAGIC[2] || entry[3] == 0) {
            throw new MalformedEventException("entry does not start with the event marker 'AGE'");
        }
        out.sequence = -1;
        out.idOffset = -1;
        out.prevOffset = -1;
        out.system = false;
        boolean phaseSeen = false;
        Reader r = new Reader(entry, 4, length - Hash.LENGTH);
        while (r.pos < r.end) {
            int nameLen = r.u8();
            int nameAt = r.pos;
            int code = -1;
            if (nameLen >= CODE) {
                codedName(nameLen, nameAt - 1); // rejects a code this version does not define
                code = nameLen;
                nameLen = 0;
            }
            r.need(nameLen);
            r.pos += nameLen;
            byte type = (byte) r.u8();
            int payloadLen = r.varint();
            int payloadEnd = r.pos + payloadLen;
            if (payloadLen < 0 || payloadEnd > r.end) {
                throw new MalformedEventException("a field runs past the end of the entry");
            }
            int field = code >= 0 ? code : spelledCode(entry, nameAt, nameLen);
            if (field == ID_CODE && type == TEXT) {
                once(out.idOffset < 0, FieldNames.ID);
                out.idOffset = r.pos;
                out.idLength = payloadLen;
            } else if (field == SEQUENCE_CODE && type == LONG && payloadLen == 8) {
                once(out.sequence < 0, FieldNames.SEQUENCE);
                out.sequence = r.int64();
            } else if (field == PREVIOUS_CODE && type == HASH && payloadLen == Hash.LENGTH) {
                once(out.prevOffset < 0, FieldNames.PREVIOUS);
                out.prevOffset = r.pos;
            } else if (field == PHASE_CODE && type == TEXT) {
                once(!phaseSeen, FieldNames.PHASE);
                phaseSeen = true;
                out.system = java.util.Arrays.equals(entry, r.pos, payloadEnd, SYSTEM_PHASE, 0, SYSTEM_PHASE.length);
            }
            r.pos = payloadEnd;
        }
        if (out.idOffset < 0 || out.sequence < 1 || out.prevOffset < 0) {
            throw new MalformedEventException("entry lacks a valid id, seq or prev field");
        }
    }

    private static final byte[][] SCANNED_NAMES = {
            FieldNames.ID.getBytes(StandardCharsets.US_ASCII), FieldNames.SEQUENCE.getBytes(StandardCharsets.US_ASCII),
            FieldNames.PREVIOUS.getBytes(StandardCharsets.US_ASCII), FieldNames.PHASE.getBytes(StandardCharsets.US_ASCII)};
    private static final int[] SCANNED_CODES = {ID_CODE, SEQUENCE_CODE, PREVIOUS_CODE, PHASE_CODE};

    /** The code of a spelled-out name among those {@link #scan} reads (as version 1 writes them), or -1. */
    private static int spelledCode(byte[] entry, int at, int length) {
        for (int i = 0; i < SCANNED_NAMES.length; i++) {
            byte[] name = SCANNED_NAMES[i];
            if (name.length == length && java.util.Arrays.equals(entry, at, at + length, name, 0, length)) {
                return SCANNED_CODES[i];
            }
        }
        return -1;
    }

    /** As {@link #decode}, which refuses a field that appears twice, so that both read an entry alike. */
    private static void once(boolean first, String name) throws MalformedEventException {
        if (!first) {
            throw new MalformedEventException("field '" + name + "' appears twice");
        }
    }

    /** The name of field code {@code code} (0x80 and up) read at byte {@code at}. */
    private static String codedName(int code, int at) throws MalformedEventException {
        int index = code - CODE;
        if (index >= CODED_NAMES.size()) {
            throw new MalformedEventException("field code 0x" + Integer.toHexString(code) + " at byte " + at
                    + " is not one this version knows (a newer writer's field would carry its name)");
        }
        return CODED_NAMES.get(index);
    }

    private static Object required(Map<String, Object> known, String name, Class<?> type)
            throws MalformedEventException {
        Object v = known.get(name);
        if (v == null) {
            throw new MalformedEventException("required field '" + name + "' is missing");
        }
        return checked(name, v, type);
    }

    private static Object optional(Map<String, Object> known, String name, Class<?> type)
            throws MalformedEventException {
        Object v = known.get(name);
        return v == null ? null : checked(name, v, type);
    }

    private static Object checked(String name, Object v, Class<?> type) throws MalformedEventException {
        if (!type.isInstance(v)) {
            throw new MalformedEventException("field '" + name + "' has the wrong type");
        }
        return v;
    }

    private static String render(Object value) {
        if (value instanceof byte[] raw) {
            return "0x" + java.util.HexFormat.of().formatHex(raw);
        }
        return String.valueOf(value);
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        int u8() throws MalformedEventException {
            need(1);
            return b[pos++] & 0xFF;
        }

        int varint() throws MalformedEventException {
            int result = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int x = u8();
                result |= (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return result;
                }
            }
            throw new MalformedEventException("length at byte " + pos + " is not a valid varint");
        }

        long int64() throws MalformedEventException {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[pos++] & 0xFF);
            }
            return v;
        }

        String ascii(int n) throws MalformedEventException {
            need(n);
            String s = new String(b, pos, n, StandardCharsets.US_ASCII);
            pos += n;
            return s;
        }

        String utf8(int n) throws MalformedEventException {
            need(n);
            String s = new String(b, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        Object value(String name, byte type, int payloadEnd) throws MalformedEventException {
            switch (type) {
                case LONG:
                    if (payloadEnd - pos != 8) {
                        throw new MalformedEventException("field '" + name + "' is not an 8-byte number");
                    }
                    return int64();
                case TEXT:
                    return utf8(payloadEnd - pos);
                case HASH:
                    if (payloadEnd - pos != Hash.LENGTH) {
                        throw new MalformedEventException("field '" + name + "' is not a 32-byte hash");
                    }
                    return Hash.of(b, pos);
                case LIST: {
                    int n = count(name, payloadEnd);
                    List<String> items = new ArrayList<>(Math.min(n, 64));
                    for (int i = 0; i < n; i++) {
                        items.add(utf8(varint()));
                    }
                    return items;
                }
                case MAP: {
                    int n = count(name, payloadEnd);
                    Map<String, Long> items = new TreeMap<>();
                    for (int i = 0; i < n; i++) {
                        String k = utf8(varint());
                        items.put(k, int64());
                    }
                    return items;
                }
                default: {
                    // A type from a newer writer: keep the raw payload so it can still be shown.
                    byte[] raw = java.util.Arrays.copyOfRange(b, pos, payloadEnd);
                    return raw;
                }
            }
        }

        /** An item count: each item takes at least one byte, so a count beyond the payload is corrupt. */
        private int count(String name, int payloadEnd) throws MalformedEventException {
            int at = pos;
            int n = varint();
            if (n < 0 || n > payloadEnd - pos) {
                throw new MalformedEventException("field '" + name + "' counts " + Integer.toUnsignedString(n)
                        + " items at byte " + at + ", more than its payload holds");
            }
            return n;
        }

        private void need(int n) throws MalformedEventException {
            if (n < 0 || pos + n > end) {
                throw new MalformedEventException("entry ends in the middle of a field at byte " + pos);
            }
        }
    }
}
