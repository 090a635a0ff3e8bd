#!/usr/bin/env python3
"""Prints the median, fastest and slowest iteration of every benchmark in JMH JSON result files,
with the allocation per operation (-prof gc), as a Markdown table.

    python3 benchmarks/medians.py benchmarks/results/http-20261126c.json [more.json ...]

docs/benchmarks.md reports these medians: JMH's own score is the mean, which one slow
iteration on a shared machine pulls far from what a caller sees.
"""
import json
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
            yield name, params, primary["scoreUnit"], values, alloc


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
    print("| benchmark | params | median | fastest | slowest | iterations | unit | B/op |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |")
    for path in paths:
        for name, params, unit, values, alloc in rows(path):
            # For a throughput (ops/s) the fastest iteration is the highest figure.
            fast, slow = (max(values), min(values)) if unit.endswith("/s") else (min(values), max(values))
            b = "" if alloc is None else f"{alloc:,.0f}"
            print(f"| {name} | {params} | {fmt(statistics.median(values))} | {fmt(fast)} | {fmt(slow)} | {len(values)} | {unit} | {b} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: medians.py RESULT.json [RESULT.json ...]")
    main(sys.argv[1:])
