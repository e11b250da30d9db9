"""Sequential requests of the nested 100-item page; prints latency percentiles."""

import json
import statistics
import sys
import time
import urllib.request

QUERY = """query { signatories(first: 100) { totalCount edges { node {
  code signatoryStatus actionPlanStatus
  county { countyBoard { strategies { title } support { year focusAreas } } }
  signature { motives signedDuringProgrammes { code } organisation { county { name } } }
  signatureHistory { signedOn }
  actionPlans { articles { number actionPlans { id } } followUps { summary } }
  programmeParticipations { programme { name } }
  countyBoardSupport { focusAreas countyBoard { name } }
} } } }"""


def main() -> None:
    url, count = sys.argv[1], int(sys.argv[2])
    body = json.dumps({"query": QUERY}).encode()
    timings = []
    for i in range(count + 10):
        request = urllib.request.Request(url, body, {"content-type": "application/json"})
        started = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            payload = json.load(response)
        elapsed = (time.perf_counter() - started) * 1000
        if "errors" in payload or len(payload["data"]["signatories"]["edges"]) != 100:
            raise SystemExit(f"unexpected answer: {str(payload)[:300]}")
        if i >= 10:  # the first requests warm caches and connections
            timings.append(elapsed)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{count} requests: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
          f"mean {statistics.mean(timings):.1f} ms, max {timings[-1]:.1f} ms")


if __name__ == "__main__":
    main()
