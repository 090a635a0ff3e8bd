package dev.agentguard.ship.verify;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.integrity.Checkpoint;
import dev.agentguard.audit.integrity.CheckpointSignatureException;
import dev.agentguard.audit.internal.EventCodec;
import dev.agentguard.audit.internal.MalformedEventException;
import dev.agentguard.audit.json.EventJson;
import dev.agentguard.ship.kafka.KafkaRecords;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies one journal's chain as it arrives from a topic, record by record, in any order a
 * redelivery produces: every event's hash is recomputed from its stored bytes, its JSON must
 * say what those bytes say, each event must link to the one before, copies of an event must be
 * identical, and checkpoints must be signed and name the hashes the events carry.
 */
final class ChainCheck {
    private static final int CHUNK_BITS = 12;
    private static final int CHUNK = 1 << CHUNK_BITS;

    private final String journalId;
    private final PublicKey publicKey;
    private final MessageDigest sha256;
    private final Set<String> agents = new LinkedHashSet<>();
    /** Hashes of the events seen, by sequence, in chunks of 4096. */
    private final Map<Long, byte[]> hashChunks = new HashMap<>();
    private final java.util.TreeMap<Long, BitSet> seenChunks = new java.util.TreeMap<>();
    /** Events whose predecessor had not arrived yet: their previous hash and position. */
    private final Map<Long, Pending> waitingForPredecessor = new HashMap<>();
    private final List<PendingCheckpoint> checkpointsWaiting = new ArrayList<>();
    private long events;
    private long first = Long.MAX_VALUE;
    private long last;
    private long duplicates;
    private String failurePosition;
    private String failure;

    private record Pending(byte[] previousHash, String position) {
    }

    private record PendingCheckpoint(Checkpoint checkpoint, String position, String where) {
    }

    ChainCheck(String journalId, PublicKey publicKey) {
        this.journalId = journalId;
        this.publicKey = publicKey;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** Takes an event record of this journal. */
    void event(ShippedRecord r) {
        if (r.key() != null) {
            agents.add(r.key());
        }
        byte[] entry = r.entry();
        if (entry == null) {
            fail(r.position(), "event record has no " + KafkaRecords.ENTRY + " header, so its hash cannot be checked");
            return;
        }
        if (entry.length < Hash.LENGTH + 4) {
            fail(r.position(), "event " + r.sequence() + ": the stored event in the record is too short");
            return;
        }
        // The hash first: it covers every byte, whatever the bytes say.
        sha256.update(entry, 0, entry.length - Hash.LENGTH);
        byte[] computed = sha256.digest();
        if (!Arrays.equals(computed, 0, Hash.LENGTH, entry, entry.length - Hash.LENGTH, entry.length)) {
            fail(r.position(), "event " + r.sequence() + " was changed: its content does not match its hash");
            return;
        }
        AuditEvent e;
        try {
            e = EventCodec.decode(entry, entry.length);
        } catch (MalformedEventException ex) {
            fail(r.position(), "event " + r.sequence() + ": the stored event in the record is malformed: "
                    + ex.getMessage());
            return;
        }
        String label = "event " + e.sequence();
        if (!e.eventId().equals(journalId + "-" + e.sequence())) {
            fail(r.position(), label + " has id " + e.eventId() + ", which is not an event of journal " + journalId);
            return;
        }
        if (!Long.toString(e.sequence()).equals(r.sequence()) || !e.hash().toHex().equals(r.hash())) {
            fail(r.position(), label + ": the record's " + KafkaRecords.SEQUENCE + "/" + KafkaRecords.HASH
                    + " headers do not match the event it carries");
            return;
        }
        String disagreement = JsonAgreement.disagreement(r.valueText(), EventJson.toJson(e));
        if (disagreement != null) {
            fail(r.position(), label + " (" + e.eventId() + "): the record's JSON does not say what the hashed event "
                    + "says: " + disagreement + " (forged or altered after shipping)");
            return;
        }
        byte[] hash = e.hash().toBytes();
        byte[] known = hashOf(e.sequence());
        if (known != null) {
            if (Arrays.equals(known, hash)) {
                duplicates++;
            } else {
                fail(r.position(), label + " (" + e.eventId() + ") arrives again with hash " + e.hash().toHex()
                        + ", but the copy before it has hash " + Hash.of(known).toHex() + ": one of them is forged");
            }
            return;
        }
        store(e.sequence(), hash);
        events++;
        first = Math.min(first, e.sequence());
        last = Math.max(last, e.sequence());
        byte[] prev = e.previousHash().toBytes();
        if (e.sequence() == 1) {
            if (!e.previousHash().equals(Hash.ZERO)) {
                fail(r.position(), "event 1 must have the zero previous hash; an event was inserted before it");
            }
        } else {
            byte[] before = hashOf(e.sequence() - 1);
            if (before == null) {
                waitingForPredecessor.put(e.sequence(), new Pending(prev, r.position()));
            } else if (!Arrays.equals(before, prev)) {
                fail(r.position(), label + " does not chain to event " + (e.sequence() - 1)
                        + ": an event was changed, removed or inserted before it");
            }
        }
        Pending next = waitingForPredecessor.remove(e.sequence() + 1);
        if (next != null && !Arrays.equals(next.previousHash(), hash)) {
            fail(next.position(), "event " + (e.sequence() + 1) + " does not chain to event " + e.sequence()
                    + ": an event was changed, removed or inserted before it");
        }
    }

    /**
     * Takes a checkpoint line of this journal, from its partition of the events topic or from
     * the checkpoints topic ({@code where} says which, for messages).
     */
    void checkpoint(ShippedRecord r, String where) {
        if (r.key() != null && where == null) {
            agents.add(r.key());
        }
        String text = new String(r.value(), StandardCharsets.US_ASCII);
        Checkpoint cp;
        try {
            cp = Checkpoint.parse(text);
        } catch (IllegalArgumentException ex) {
            fail(r.position(), "checkpoint record: " + ex.getMessage());
            return;
        }
        if (!cp.journalId().equals(journalId)) {
            fail(r.position(), "checkpoint record of journal " + journalId + " holds a checkpoint of journal "
                    + cp.journalId());
            return;
        }
        if (publicKey != null) {
            try {
                cp.verifySignature(publicKey);
            } catch (CheckpointSignatureException ex) {
                fail(r.position(), ex.getMessage());
                return;
            }
        }
        checkpointsWaiting.add(new PendingCheckpoint(cp, r.position(), where));
    }

    private void fail(String position, String message) {
        if (failure == null) {
            failurePosition = position;
            failure = message;
        }
    }

    private byte[] hashOf(long seq) {
        long chunk = seq >>> CHUNK_BITS;
        BitSet seen = seenChunks.get(chunk);
        int i = (int) (seq & (CHUNK - 1));
        if (seen == null || !seen.get(i)) {
            return null;
        }
        return Arrays.copyOfRange(hashChunks.get(chunk), i * Hash.LENGTH, (i + 1) * Hash.LENGTH);
    }

    private void store(long seq, byte[] hash) {
        long chunk = seq >>> CHUNK_BITS;
        int i = (int) (seq & (CHUNK - 1));
        System.arraycopy(hash, 0, hashChunks.computeIfAbsent(chunk, c -> new byte[CHUNK * Hash.LENGTH]), i * Hash.LENGTH,
                Hash.LENGTH);
        seenChunks.computeIfAbsent(chunk, c -> new BitSet(CHUNK)).set(i);
    }

    /** The smallest sequence number at or after {@code from} that was seen ({@code Long.MAX_VALUE} when none). */
    private long nextPresent(long from) {
        long chunk = from >>> CHUNK_BITS;
        BitSet b = seenChunks.get(chunk);
        if (b != null) {
            int i = b.nextSetBit((int) (from & (CHUNK - 1)));
            if (i >= 0) {
                return (chunk << CHUNK_BITS) + i;
            }
        }
        for (Map.Entry<Long, BitSet> e : seenChunks.tailMap(chunk, false).entrySet()) {
            int i = e.getValue().nextSetBit(0);
            if (i >= 0) {
                return (e.getKey() << CHUNK_BITS) + i;
            }
        }
        return Long.MAX_VALUE;
    }

    /** The smallest sequence number at or after {@code from} that was not seen. */
    private long nextMissing(long from) {
        long s = from;
        while (true) {
            long chunk = s >>> CHUNK_BITS;
            BitSet b = seenChunks.get(chunk);
            if (b == null) {
                return s;
            }
            int i = b.nextClearBit((int) (s & (CHUNK - 1)));
            if (i < CHUNK) {
                return (chunk << CHUNK_BITS) + i;
            }
            s = (chunk + 1) << CHUNK_BITS;
        }
    }

    /** The report, once every record was taken. */
    ChainReport finish() {
        // Counted once per event named: the same checkpoint arrives on the agent's partition
        // and on the checkpoints topic.
        java.util.Set<Long> checked = new java.util.HashSet<>();
        long newest = 0;
        for (PendingCheckpoint p : checkpointsWaiting) {
            Checkpoint cp = p.checkpoint();
            String source = p.where() == null ? "" : " (" + p.where() + ")";
            byte[] h = hashOf(cp.sequence());
            if (h != null) {
                if (!cp.hash().matches(h, 0)) {
                    fail(p.position(), "checkpoint" + source + " for event " + cp.sequence() + " names hash "
                            + cp.hash().toHex() + ", but the shipped event has hash " + Hash.of(h).toHex());
                } else {
                    checked.add(cp.sequence());
                    newest = Math.max(newest, cp.sequence());
                }
            } else if (events == 0 || cp.sequence() > last) {
                fail(p.position(), "checkpoint" + source + " covers event " + cp.sequence() + " but the topic "
                        + (events == 0 ? "holds no event of journal " + journalId : "ends at event " + last)
                        + ": events are missing from its tail");
            }
            // Otherwise the event is in a gap (reported as such) or before the first event the
            // topic still holds (Kafka's retention removed it).
        }
        List<SequenceRange> gaps = new ArrayList<>();
        if (events > 0) {
            // Walks the runs of missing numbers, not every number: a forged record far ahead
            // must not make the walk endless.
            long s = nextMissing(first);
            while (s < last) {
                long present = nextPresent(s);
                gaps.add(new SequenceRange(s, present - 1));
                s = nextMissing(present);
            }
        }
        return new ChainReport(journalId, agents, events, events == 0 ? 0 : first, last, gaps, duplicates,
                checked.size(), newest, failurePosition, failure);
    }
}
