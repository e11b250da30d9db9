"""Generates action-plan rows for every organisation and times their import: a dry run,
the first import (creates), the same again (unchanged). While each runs, a one-row write
is sent every 100 ms and the slowest is reported, to show whether the import starves other
writers."""

import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.request


def token(secret: str) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"sub": "bench", "role": "ADMIN", "exp": int(time.time()) + 3600}).encode())
    signature = b64(hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest())
    return f"{header}.{claims}.{signature}"


def post(base: str, path: str, body: bytes, bearer: str) -> dict:
    request = urllib.request.Request(
        f"{base}{path}", body, {"content-type": "text/csv", "authorization": f"Bearer {bearer}"}
    )
    return json.load(urllib.request.urlopen(request, timeout=600))


def probe(base: str, bearer: str, code: str, done: threading.Event, latencies: list) -> None:
    n = 0
    while not done.is_set():
        n += 1
        body = f"organisation_code;title\n{code};Probe {time.time_ns()}-{n}\n".encode()
        started = time.perf_counter()
        post(base, "/api/v1/imports/action-plans", body, bearer)
        latencies.append(time.perf_counter() - started)
        time.sleep(0.1)


def main() -> None:
    base, rows = sys.argv[1], int(sys.argv[2])
    bearer = token(os.environ["JWT_SECRET"])
    page = json.load(urllib.request.urlopen(f"{base}/api/v1/organisations?limit=100&order=code"))
    codes = [o["code"] for o in page["values"]]
    while page["next"]:
        page = json.load(urllib.request.urlopen(page["next"]))
        codes += [o["code"] for o in page["values"]]
    probe_code, codes = codes[-1], codes[:-1]
    lines = ["organisation_code;title;adopted_on;decision_body;period_start_year;period_end_year;priorities;article_numbers"]
    for n in range(rows):
        code = codes[n % len(codes)]
        lines.append(f"{code};Plan {n // len(codes) + 1};2021-0{1 + n % 9}-15;KOMMUNFULLMAKTIGE;2021;2024;Jämställd service;1|9|22")
    body = ("\n".join(lines) + "\n").encode()
    print(f"{rows} rows, {len(body) / 1e6:.1f} MB of CSV")
    for attempt, path in (
        ("dry run", "/api/v1/imports/action-plans?dry_run=true"),
        ("first import (creates)", "/api/v1/imports/action-plans"),
        ("second import (unchanged)", "/api/v1/imports/action-plans"),
    ):
        done, latencies = threading.Event(), []
        prober = threading.Thread(target=probe, args=(base, bearer, probe_code, done, latencies))
        prober.start()
        started = time.perf_counter()
        report = post(base, path, body, bearer)
        elapsed = time.perf_counter() - started
        done.set()
        prober.join()
        slowest = max(latencies) if latencies else float("nan")
        print(
            f"{attempt}: {elapsed:.2f} s ({rows / elapsed:.0f} rows/s), {len(latencies)} concurrent one-row writes, "
            f"slowest {slowest * 1000:.0f} ms: {report}"
        )


if __name__ == "__main__":
    main()
