package dev.agentguard.benchmarks;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

import java.util.concurrent.TimeUnit;

/**
 * Append latency: JMH samples single appends and reports the distribution (p50, p90, p99,
 * p99.9, p99.99, max) in microseconds; the cases are in {@link JournalAppendCases}. The tail
 * is where checkpoints (a line forced to disk every 1000 events) and Chronicle's file
 * growth show up.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JournalAppendLatencyBenchmark extends JournalAppendCases {
}
