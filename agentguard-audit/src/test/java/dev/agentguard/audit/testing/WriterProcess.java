package dev.agentguard.audit.testing;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child JVM that writes events as fast as it can from several threads.
 *
 * <p>Arguments: journal directory, threads, min free bytes, and a mode: {@code forever} (print
 * {@code READY n} after the first 5,000 events and keep writing until killed) or
 * {@code until-refused} (write until the journal refuses, print {@code REFUSED lastAckedSeq msg},
 * exit 0).
 */
public final class WriterProcess {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        long minFree = Long.parseLong(args[2]);
        boolean forever = args[3].equals("forever");
        Journal journal = Journal.builder(dir).minFreeSpace(minFree).checkpointEvery(500).open();
        AtomicLong acked = new AtomicLong();
        AtomicLong written = new AtomicLong();
        Object done = new Object();
        String padding = "x".repeat(200);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                for (long i = 0; ; i++) {
                    EventDraft d = EventDraft.of(Phase.INTENT, Channel.JDBC).agent("agent-" + id).session("s" + id)
                            .action("UPDATE accounts SET note = ? WHERE id = ? /* " + i + " " + padding + " */")
                            .objects("PUBLIC.ACCOUNTS").decision(Decision.ALLOWED, "rule-" + id);
                    try {
                        long seq = journal.append(d);
                        acked.accumulateAndGet(seq, Math::max);
                        if (written.incrementAndGet() == 5_000) {
                            System.out.println("READY " + seq);
                            System.out.flush();
                        }
                    } catch (JournalException e) {
                        synchronized (done) {
                            System.out.println("REFUSED " + acked.get() + " " + e.getMessage());
                            System.out.flush();
                            System.exit(0);
                        }
                    } catch (Throwable e) {
                        System.out.println("CRASH " + e);
                        System.out.flush();
                        System.exit(3);
                    }
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (!forever) {
            System.out.println("NEVER-REFUSED");
        }
    }
}
