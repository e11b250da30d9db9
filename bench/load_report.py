"""Summarises oha's JSON reports: throughput, latency percentiles and errors."""

import json
import sys

for path in sys.argv[1:]:
    with open(path) as f:
        report = json.load(f)
    summary = report.get("summary", {})
    percentiles = report.get("latencyPercentiles", {})
    statuses = report.get("statusCodeDistribution", {})
    errors = report.get("errorDistribution", {})
    # oha cancels the requests still in flight when the duration ends; those are not
    # failures of the service, so they are reported apart.
    cut_off = sum(n for kind, n in errors.items() if "deadline" in kind)
    failed = sum(n for code, n in statuses.items() if not code.startswith("2")) + sum(errors.values()) - cut_off
    name = path.rsplit("/", 1)[-1].removesuffix(".out")
    ms = lambda key: (percentiles.get(key) or 0) * 1000
    print(
        f"{name}: {summary.get('requestsPerSec', 0):.0f} req/s, p50 {ms('p50'):.1f} ms, p95 {ms('p95'):.1f} ms, "
        f"p99 {ms('p99'):.1f} ms, statuses {statuses}, errors {failed}, cut off at the end {cut_off}"
    )
