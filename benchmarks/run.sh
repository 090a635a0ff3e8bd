#!/usr/bin/env bash
# Runs the AgentGuard journal benchmarks and writes JMH's JSON (and the console log) to
# benchmarks/results/. Meant for a quiet 2-core machine; a full run takes about 10 minutes.
#
#   bash benchmarks/run.sh                      # everything, full settings
#   bash benchmarks/run.sh 'JournalAppendBenchmark.chained$'   # only what the regex matches
#   JMH_OPTS='-f 1 -wi 1 -w 1s -i 1 -r 1s' bash benchmarks/run.sh   # a quick smoke run
#
# JMH_OPTS replaces the run settings; RESULTS_NAME names the output files (default: a
# timestamp); AGENTGUARD_BENCH_DIR puts the scratch journals on another disk (default: /tmp).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"
results="$here/results"

if [[ ! -f "$jar" ]]; then
  echo "building $jar"
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi

# 1 fork, 3 x 2 s warm-up, 5 x 3 s measurement: about 25 s per benchmark, 13 benchmarks.
# -prof gc adds allocation per operation (gc.alloc.rate.norm), which is what the
# "no allocation on the append path" claim rests on.
opts=${JMH_OPTS:--f 1 -wi 3 -w 2s -i 5 -r 3s}
name=${RESULTS_NAME:-journal-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$results"

# shellcheck disable=SC2206 # word splitting of the options is intended
cmd=(java -jar "$jar" $opts -prof gc -rf json -rff "$results/$name.json" "$@")
echo "machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p'), $(java -version 2>&1 | head -1)"
echo "command: ${cmd[*]}"
echo "log:     $results/$name.txt"
"${cmd[@]}" 2>&1 | tee "$results/$name.txt"
echo "results: $results/$name.json"
