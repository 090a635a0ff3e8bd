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
 * field   = nameLen:u8 name:ASCII type:u8 payloadLen:varint payload
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
    public static final byte VERSION = 1;
    static final byte[] MAGIC = {'A', 'G', 'E'};

    private static final byte LONG = 'L';
    private static final byte TEXT = 'S';
    private static final byte LIST = 'A';
    private static final byte MAP = 'M';
    private static final byte HASH = 'H';

    private EventCodec() {
    }

    /**
     * A reusable encoder. Not thread-safe: the journal holds one per writer, under its lock,
     * so that the append path allocates no buffers.
     */
    public static final class Encoder {
        private byte[] buf = new byte[1024];
        private int len;
        private final PanScrubber scrubber = new PanScrubber();
        private int scrubbed;

        /** The encoded bytes; valid until the next call to {@link #encode}. */
        public byte[] buffer() {
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
            header(FieldNames.ID, TEXT);
            ensure(1 + idPrefix.length + digits);
            buf[len++] = (byte) (idPrefix.length + digits); // at most 12 + 1 + 19 bytes: one varint byte
            System.arraycopy(idPrefix, 0, buf, len, idPrefix.length);
            len += idPrefix.length;
            long rest = sequence;
            for (int i = len + digits - 1; i >= len; i--) {
                buf[i] = (byte) ('0' + (int) (rest % 10));
                rest /= 10;
            }
            len += digits;
            body(sequence, epochNanos, previous, d, safetyNet);
        }

        private static int decimalLength(long v) {
            int n = 1;
            while (v >= 10) {
                v /= 10;
                n++;
            }
            return n;
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
            longField(FieldNames.SEQUENCE, sequence);
            longField(FieldNames.TIMESTAMP, epochNanos);
            hashField(FieldNames.PREVIOUS, previous);
            text(FieldNames.PHASE, d.phase().name());
            scrubbedText(FieldNames.AGENT, d.agentId());
            scrubbedText(FieldNames.ON_BEHALF_OF, d.onBehalfOf());
            scrubbedText(FieldNames.SESSION, d.sessionId());
            scrubbedText(FieldNames.TRACE, d.traceId());
            scrubbedText(FieldNames.INTENT, d.intent());
            text(FieldNames.CHANNEL, d.channel().name());
            scrubbedText(FieldNames.RESOURCE, d.resource());
            scrubbedText(FieldNames.ACTION, d.action());
            List<String> objects = d.objects();
            if (!objects.isEmpty()) {
                listField(FieldNames.OBJECTS, objects);
            }
            if (d.decision() != null) {
                text(FieldNames.DECISION, d.decision().name());
            }
            scrubbedText(FieldNames.RULE, d.ruleId());
            scrubbedText(FieldNames.APPROVAL, d.approvalRef());
            if (d.outcome() != null) {
                text(FieldNames.OUTCOME, d.outcome().name());
            }
            scrubbedText(FieldNames.ERROR, d.error());
            Map<String, Long> counts = d.counts();
            Map<String, String> extensions = d.extensions();
            boolean hasExtensions = !extensions.isEmpty();
            if (scrub && !counts.isEmpty()) {
                counts = scrubCounts(counts);
            }
            if (hasExtensions && scrub) {
                // Scrubbed before the counts are written so that their hits are counted too.
                extensions = scrubExtensions(extensions);
            }
            if (!counts.isEmpty() || scrubbed > 0) {
                mapField(FieldNames.COUNTS, counts, scrubbed);
            }
            if (d.duration() != null) {
                longField(FieldNames.DURATION, saturatedNanos(d.duration()));
            }
            if (hasExtensions) {
                for (Map.Entry<String, String> e : extensions.entrySet()) {
                    rawText(e.getKey(), e.getValue());
                }
            }
        }

        /**
         * Extension names and values with card-like numbers masked, each scanned once; the same
         * map when nothing was masked. Two names that mask alike become one field (the later
         * value), so the event never holds a duplicate field.
         */
        private Map<String, String> scrubExtensions(Map<String, String> extensions) {
            Map<String, String> result = extensions;
            for (Map.Entry<String, String> e : extensions.entrySet()) {
                String name = scrubber.scrub(e.getKey());
                String value = scrubber.scrub(e.getValue());
                if (name != e.getKey() || value != e.getValue()) {
                    if (result == extensions) {
                        result = new TreeMap<>(extensions);
                    }
                    result.remove(e.getKey());
                    result.put(name, value);
                    scrubbed += (name != e.getKey() ? 1 : 0) + (value != e.getValue() ? 1 : 0);
                }
            }
            return result;
        }

        /**
         * Count names are text like any other, and a count value is a number that could be a
         * card number written as a long: a masked value becomes -1, which no real count is.
         */
        private Map<String, Long> scrubCounts(Map<String, Long> counts) {
            Map<String, Long> result = counts;
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                String name = scrubber.scrub(e.getKey());
                long value = e.getValue();
                boolean panValue = PanScrubber.looksLikePan(value);
                if (name != e.getKey() || panValue) {
                    if (result == counts) {
                        result = new TreeMap<>(counts);
                    }
                    result.remove(e.getKey());
                    result.merge(name, panValue ? -1L : value, (a, b) -> -1L);
                    scrubbed += (name != e.getKey() ? 1 : 0) + (panValue ? 1 : 0);
                }
            }
            return result;
        }

        private void scrubbedText(String name, String value) {
            if (value != null) {
                rawText(name, clean(value));
            }
        }

        private void text(String name, String value) {
            if (value != null) {
                rawText(name, value);
            }
        }

        private void rawText(String name, String value) {
            header(name, TEXT);
            int lenAt = reserveLength(widthFor(value.length()));
            int start = len;
            utf8(value);
            patchLength(lenAt, len - start);
        }

        private void longField(String name, long value) {
            header(name, LONG);
            ensure(9);
            buf[len++] = 8;
            putLong(value);
        }

        private void hashField(String name, byte[] value) {
            header(name, HASH);
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

        private void listField(String name, List<String> values) {
            header(name, LIST);
            int lenAt = reserveLength(4);
            int start = len;
            varint(values.size());
            for (int i = 0; i < values.size(); i++) {
                lengthPrefixedUtf8(clean(values.get(i)));
            }
            patchLength(lenAt, len - start);
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

        private void header(String name, byte type) {
            int n = name.length();
            ensure(n + 2);
            buf[len++] = (byte) n;
            for (int i = 0; i < n; i++) {
                buf[len++] = (byte) name.charAt(i);
            }
            buf[len++] = type;
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

        private void putLong(long v) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[len++] = (byte) (v >>> shift);
            }
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

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
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
            String name = r.ascii(nameLen);
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
        Reader r = new Reader(entry, 4, length - Hash.LENGTH);
        while (r.pos < r.end) {
            int nameLen = r.u8();
            int nameAt = r.pos;
            r.need(nameLen);
            r.pos += nameLen;
            byte type = (byte) r.u8();
            int payloadLen = r.varint();
            int payloadEnd = r.pos + payloadLen;
            if (payloadLen < 0 || payloadEnd > r.end) {
                throw new MalformedEventException("a field runs past the end of the entry");
            }
            if (nameLen == 2 && entry[nameAt] == 'i' && entry[nameAt + 1] == 'd' && type == TEXT) {
                out.idOffset = r.pos;
                out.idLength = payloadLen;
            } else if (nameLen == 3 && entry[nameAt] == 's' && entry[nameAt + 1] == 'e' && entry[nameAt + 2] == 'q'
                    && type == LONG && payloadLen == 8) {
                out.sequence = r.int64();
            } else if (nameLen == 4 && entry[nameAt] == 'p' && entry[nameAt + 1] == 'r' && entry[nameAt + 2] == 'e'
                    && entry[nameAt + 3] == 'v' && type == HASH && payloadLen == Hash.LENGTH) {
                out.prevOffset = r.pos;
            } else if (nameLen == 5 && entry[nameAt] == 'p' && entry[nameAt + 1] == 'h' && type == TEXT) {
                out.system = java.util.Arrays.equals(entry, r.pos, payloadEnd, SYSTEM_PHASE, 0, SYSTEM_PHASE.length);
            }
            r.pos = payloadEnd;
        }
        if (out.idOffset < 0 || out.sequence < 1 || out.prevOffset < 0) {
            throw new MalformedEventException("entry lacks a valid id, seq or prev field");
        }
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
                    int n = varint();
                    List<String> items = new ArrayList<>(Math.min(n, 64));
                    for (int i = 0; i < n; i++) {
                        items.add(utf8(varint()));
                    }
                    return items;
                }
                case MAP: {
                    int n = varint();
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

        private void need(int n) throws MalformedEventException {
            if (n < 0 || pos + n > end) {
                throw new MalformedEventException("entry ends in the middle of a field at byte " + pos);
            }
        }
    }
}
