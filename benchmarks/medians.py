#!/usr/bin/env python3
"""Prints the median, fastest and slowest iteration of every benchmark in JMH JSON result files,
with the allocation per operation (-prof gc), as a Markdown table.

    python3 benchmarks/medians.py benchmarks/results/http-20261126c.json [more.json ...]

When a benchmark with the same parameters appears in more than one fork (in one file or across
files, as the loopback suites' rounds write them), a second table gives, per benchmark, the
median of its forks' medians and the range of those fork medians: on a shared machine two forks
of the same code differ by more than many of the differences measured, so the spread of the
forks is the yardstick for a comparison.

docs/benchmarks.md reports these medians: JMH's own score is the mean, which one slow
iteration on a shared machine pulls far from what a caller sees.
"""
import json
import os
import statistics
import sys


def rows(path):
    with open(path) as f:
        for r in json.load(f):
            name = r["benchmark"].rsplit(".", 2)
            name = name[-2] + "." + name[-1]
            params = ",".join(f"{k}={v}" for k, v in sorted((r.get("params") or {}).items()))
            primary = r["primaryMetric"]
            if "rawData" not in primary:
                continue  # a sample-time histogram (latency percentiles): JMH's own output shows those
            values = [v for fork in primary["rawData"] for v in fork]
            alloc = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm", {}).get("score")
            forks = [statistics.median(fork) for fork in primary["rawData"] if fork]
            yield name, params, primary["scoreUnit"], values, alloc, forks


def fmt(v):
    """Three significant figures or more: 0.0712, 5.73, 134.0, 1,453."""
    if v >= 1000:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def main(paths):
    # Several files (the SSH suite's rounds): say which run each row comes from.
    named = len(paths) > 1
    print(("| run " if named else "") + "| benchmark | params | median | fastest | slowest | iterations | unit | B/op |")
    print(("| --- " if named else "") + "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |")
    fork_medians = {}
    for path in paths:
        for name, params, unit, values, alloc, forks in rows(path):
            fork_medians.setdefault((name, params, unit), []).extend(forks)
            # For a throughput (ops/s) the fastest iteration is the highest figure.
            fast, slow = (max(values), min(values)) if unit.endswith("/s") else (min(values), max(values))
            b = "" if alloc is None else f"{alloc:,.0f}"
            run = f"| {os.path.splitext(os.path.basename(path))[0]} " if named else ""
            print(f"{run}| {name} | {params} | {fmt(statistics.median(values))} | {fmt(fast)} | {fmt(slow)} | {len(values)} | {unit} | {b} |")
    several = {k: v for k, v in fork_medians.items() if len(v) > 1}
    if several:
        print()
        print("| benchmark | params | forks | median of fork medians | fork medians from | to | unit |")
        print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
        for (name, params, unit), forks in several.items():
            print(f"| {name} | {params} | {len(forks)} | {fmt(statistics.median(forks))} | {fmt(min(forks))} "
                  f"| {fmt(max(forks))} | {unit} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: medians.py RESULT.json [RESULT.json ...]")
    main(sys.argv[1:])
