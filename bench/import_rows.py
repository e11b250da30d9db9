"""Generates action-plan rows for every organisation and times their import."""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.request


def token(secret: str) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"sub": "bench", "role": "ADMIN", "exp": int(time.time()) + 3600}).encode())
    signature = b64(hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest())
    return f"{header}.{claims}.{signature}"


def main() -> None:
    base, rows = sys.argv[1], int(sys.argv[2])
    bearer = token(os.environ["JWT_SECRET"])
    page = json.load(urllib.request.urlopen(f"{base}/api/v1/organisations?limit=100&order=code"))
    codes = [o["code"] for o in page["values"]]
    while page["next"]:
        page = json.load(urllib.request.urlopen(page["next"]))
        codes += [o["code"] for o in page["values"]]
    lines = ["organisation_code;title;adopted_on;decision_body;period_start_year;period_end_year;priorities;article_numbers"]
    for n in range(rows):
        code = codes[n % len(codes)]
        lines.append(f"{code};Plan {n // len(codes) + 1};2021-0{1 + n % 9}-15;KOMMUNFULLMAKTIGE;2021;2024;Jämställd service;1|9|22")
    body = ("\n".join(lines) + "\n").encode()
    for attempt in ("first import (creates)", "second import (unchanged)"):
        request = urllib.request.Request(
            f"{base}/api/v1/imports/action-plans", body, {"content-type": "text/csv", "authorization": f"Bearer {bearer}"}
        )
        started = time.perf_counter()
        report = json.load(urllib.request.urlopen(request, timeout=600))
        elapsed = time.perf_counter() - started
        print(f"{attempt}: {rows} rows in {elapsed:.1f} s ({rows / elapsed:.0f} rows/s): {report}")


if __name__ == "__main__":
    main()
