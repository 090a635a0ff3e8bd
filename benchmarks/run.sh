#!/usr/bin/env bash
# Runs the AgentGuard benchmarks and writes JMH's JSON (and the console log) to
# benchmarks/results/. Meant for a quiet 2-core machine; a full run takes about 25 minutes.
#
#   bash benchmarks/run.sh                      # both suites, each with its own settings
#   bash benchmarks/run.sh journal              # the journal suite only (about 5 minutes)
#   bash benchmarks/run.sh jdbc                 # the JDBC suite only (about 18 minutes)
#   bash benchmarks/run.sh ship                 # shipping to a local Kafka broker (about 2 minutes; not in 'all')
#   SHIP_OPTS='-Devents=100000 -Dappends=100000' bash benchmarks/run.sh ship   # a quick smoke run
#   bash benchmarks/run.sh ssh                  # the SSH suite only (about 9 minutes): raw, floor and guarded exec, JMH in rotated forks, then paired
#   bash benchmarks/run.sh http                 # the HTTP suite only (about 18 minutes): raw, floor and guarded small GET in rotated forks, the rest, then paired
#   bash benchmarks/run.sh 'JournalAppendBenchmark.chained$'   # only what the regex matches
#   bash benchmarks/run.sh 'JdbcBenchmark.preparedSelectByPk' -p backend=stub   # any JMH arguments
#   JMH_OPTS='-f 1 -wi 1 -w 1s -i 1 -r 1s' bash benchmarks/run.sh   # a quick smoke run
#
# JMH_OPTS replaces the run settings; RESULTS_NAME names the output files (default: the suite
# and a timestamp; with both suites, the suite is appended); AGENTGUARD_BENCH_DIR puts the
# scratch journals on another disk (default: /tmp).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"
results="$here/results"

if [[ ! -f "$jar" ]]; then
  echo "building $jar"
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)

# The journal suite: 1 fork, 3 x 2 s warm-up, 5 x 3 s measurement, about 25 s per benchmark,
# 13 benchmarks.
journal_regex='^dev\.agentguard\.benchmarks\.Journal'
journal_opts='-f 1 -wi 3 -w 2s -i 5 -r 3s'
# The JDBC suite: 1 fork, 6 x 2 s warm-up (the guarded path is a lot of code for the JIT, and
# its first iterations run several times slower), 5 x 2 s measurement, about 25 s per benchmark,
# 39 benchmarks (JdbcBenchmark: 4 cases x 2 back ends x 4 libraries; GuardStepsBenchmark: 7).
jdbc_regex='^dev\.agentguard\.benchmarks\.jdbc\.'
jdbc_opts='-f 1 -wi 6 -w 2s -i 5 -r 2s'
# The loopback suites (SSH, HTTP) run their server in a JVM of its own (-p server=process), as a
# real host or API is: in the client's JVM the guard's garbage, JIT work and safepoints slowed the
# server's threads too. For the old set-up, run JMH directly with -p server=jvm (JMH adds -p
# values up, so passing it to the suite would run both).
# The loopback suites compare three clients: raw, floor (the raw client plus only what the design
# requires of every call: an INTENT append, the output masked, an OUTCOME append) and guarded.
# Two forks of the same client differ by a third on one 2-core machine and sixfold on another
# (thread placement on 2 cores, the JIT's choices, the host), more than the differences
# measured, so JMH runs one fork per client per round in 6 rounds, one for each order of the
# three (each client runs first, second and third twice, so a drift of the machine weighs on all
# alike); medians.py then compares the median fork medians.
orders=("raw floor guarded" "floor guarded raw" "guarded raw floor"
  "guarded floor raw" "floor raw guarded" "raw guarded floor")
rounds=${#orders[@]}
# The SSH suite: an exec round trip on loopback, raw MINA client against the guarded session;
# each fork 5 x 2 s warm-up, 5 x 2 s measurement. About 8 minutes, then the paired harness.
# Not part of "all" (run it by name).
ssh_regex='^dev\.agentguard\.benchmarks\.ssh\.'
ssh_opts='-f 1 -wi 5 -w 2s -i 5 -r 2s'
# The HTTP suite: the JDK HttpClient raw and guarded on a loopback server (a small GET, a 1 MiB
# masked JSON body), the guarded client over a stub client (its own cost per request) and the
# body masking alone (1 MiB and 45 bytes). The small GET on loopback runs in the rounds above,
# each fork 10 x 2 s warm-up (a guarded JVM is still compiling the client's code 8 to 10 s in, a
# raw one is done by then) and 5 x 2 s measurement; the rest once, 1 fork, 3 x 2 s warm-up,
# 5 x 2 s measurement; then the paired small-GET harness three times. About 18 minutes. Not part
# of "all" (run it by name).
http_loopback_regex='^dev\.agentguard\.benchmarks\.http\.HttpClientBenchmark\.smallGet$'
http_loopback_opts='-f 1 -wi 10 -w 2s -i 5 -r 2s'
http_big_regex='^dev\.agentguard\.benchmarks\.http\.HttpClientBenchmark\.maskedJson1MiB$'
http_regex='^dev\.agentguard\.benchmarks\.http\.(HttpStubBenchmark|BodyMaskingBenchmark)\.'
http_opts='-f 1 -wi 3 -w 2s -i 5 -r 2s'

echo "machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p'), $(java -version 2>&1 | head -1)"

# run NAME DEFAULT_OPTS JMH_ARGS...: one JMH run; -prof gc adds allocation per operation
# (gc.alloc.rate.norm), which the allocation claims and targets rest on.
run() {
  local name=$1 default_opts=$2
  shift 2
  local opts=${JMH_OPTS:-$default_opts}
  # shellcheck disable=SC2206 # word splitting of the options is intended
  local cmd=(java -jar "$jar" $opts -prof gc -rf json -rff "$results/$name.json" "$@")
  echo "command: ${cmd[*]}"
  echo "log:     $results/$name.txt"
  "${cmd[@]}" 2>&1 | tee "$results/$name.txt"
  echo "results: $results/$name.json"
}

# The shipping suite: a harness, not JMH (every measurement needs a real Kafka broker in a JVM of
# its own), built from the agentguard-ship test classes: backlog throughput at least once and
# exactly once, and the agent's append latency with and without a shipper in its JVM.
run_ship() {
  local name=$1 cpfile
  cpfile=$(mktemp)
  (cd "$root" && mvn -B -q -pl agentguard-ship -am install -DskipTests \
    && mvn -B -q -o -pl agentguard-ship dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile")
  local flags='--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED'
  # shellcheck disable=SC2206 # word splitting of the options is intended
  local cmd=(java $flags ${SHIP_OPTS:-} -Dchronicle.disk.monitor.disable=true
    -cp "$root/agentguard-ship/target/test-classes:$root/agentguard-ship/target/classes:$(cat "$cpfile")"
    dev.agentguard.ship.bench.ShippingBenchmark "$results/$name.json")
  rm -f "$cpfile"
  echo "command: java … dev.agentguard.ship.bench.ShippingBenchmark ${SHIP_OPTS:-}"
  echo "log:     $results/$name.txt"
  "${cmd[@]}" 2>&1 | tee "$results/$name.txt"
  echo "results: $results/$name.json"
}

suite=${1:-all}
if [[ $# -gt 0 ]]; then
  shift
fi
case "$suite" in
  all)
    if [[ -n ${RESULTS_NAME:-} ]]; then
      journal_name="$RESULTS_NAME-journal" jdbc_name="$RESULTS_NAME-jdbc"
    else
      journal_name="journal-$stamp" jdbc_name="jdbc-$stamp"
    fi
    run "$journal_name" "$journal_opts" "$journal_regex" "$@"
    run "$jdbc_name" "$jdbc_opts" "$jdbc_regex" "$@"
    ;;
  journal)
    run "${RESULTS_NAME:-journal-$stamp}" "$journal_opts" "$journal_regex" "$@"
    ;;
  jdbc)
    run "${RESULTS_NAME:-jdbc-$stamp}" "$jdbc_opts" "$jdbc_regex" "$@"
    ;;
  ship)
    run_ship "${RESULTS_NAME:-ship-$stamp}"
    ;;
  ssh)
    ssh_name=${RESULTS_NAME:-ssh-$stamp}
    ssh_files=()
    for round in $(seq 1 "$rounds"); do
      for client in ${orders[round - 1]}; do
        run "$ssh_name-r$round-$client" "$ssh_opts" "$ssh_regex" -p client="$client" -p server=process "$@"
        ssh_files+=("$results/$ssh_name-r$round-$client.json")
      done
    done
    python3 "$here/medians.py" "${ssh_files[@]}" | tee "$results/$ssh_name-forks.md"
    # Then raw and guarded execs alternately in one JVM, three times (see SshExecPairs).
    for round in 1 2 3; do
      echo "SshExecPairs round $round" | tee -a "$results/$ssh_name-pairs.txt"
      java --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
        --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.disk.monitor.disable=true \
        -cp "$jar" dev.agentguard.benchmarks.ssh.SshExecPairs 2>&1 | tee -a "$results/$ssh_name-pairs.txt"
    done
    ;;
  http)
    http_name=${RESULTS_NAME:-http-$stamp}
    http_files=()
    for round in $(seq 1 "$rounds"); do
      for library in ${orders[round - 1]}; do
        run "$http_name-r$round-$library" "$http_loopback_opts" "$http_loopback_regex" -p library="$library" \
          -p server=process "$@"
        http_files+=("$results/$http_name-r$round-$library.json")
      done
    done
    python3 "$here/medians.py" "${http_files[@]}" | tee "$results/$http_name-forks.md"
    run "$http_name-big" "$http_opts" "$http_big_regex" -p library=raw,guarded -p server=process "$@"
    run "$http_name" "$http_opts" "$http_regex" "$@"
    # Then raw and guarded small GETs alternately in one JVM, three times (see SmallGetPairs).
    for round in 1 2 3; do
      echo "SmallGetPairs round $round" | tee -a "$results/$http_name-pairs.txt"
      java --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
        --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.disk.monitor.disable=true -Xms1g -Xmx1g \
        -cp "$jar" dev.agentguard.benchmarks.http.SmallGetPairs 2>&1 | tee -a "$results/$http_name-pairs.txt"
    done
    ;;
  *)
    # A regex (and any JMH arguments): the JDBC settings for JDBC benchmarks, else the journal's.
    if [[ $suite =~ [Jj]dbc|GuardSteps ]]; then
      run "${RESULTS_NAME:-jdbc-$stamp}" "$jdbc_opts" "$suite" "$@"
    else
      run "${RESULTS_NAME:-journal-$stamp}" "$journal_opts" "$suite" "$@"
    fi
    ;;
esac
