"""Generates rows of one import kind and times their import: a dry run, the first import
(creates), the same again (unchanged). While each runs, a one-row write is sent every
100 ms and the slowest is reported, to show whether the import starves other writers.

Kinds: action-plans (plans spread over every organisation), follow-ups (reports on one
plan per organisation, imported first), programme-participations (one-year
participations in programmes the script adds, as many as the rows need)."""

import base64
import datetime
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


def post(base: str, path: str, body: bytes, bearer: str, content_type: str = "text/csv") -> dict:
    request = urllib.request.Request(
        f"{base}{path}", body, {"content-type": content_type, "authorization": f"Bearer {bearer}"}
    )
    return json.load(urllib.request.urlopen(request, timeout=600))


def graphql(base: str, bearer: str, query: str, variables: dict) -> dict:
    answer = post(base, "/graphql", json.dumps({"query": query, "variables": variables}).encode(), bearer, "application/json")
    if answer.get("errors"):
        raise SystemExit(f"setup failed: {answer['errors']}")
    return answer["data"]


def probe(base: str, bearer: str, code: str, done: threading.Event, latencies: list) -> None:
    n = 0
    while not done.is_set():
        n += 1
        body = f"organisation_code;title\n{code};Probe {time.time_ns()}-{n}\n".encode()
        started = time.perf_counter()
        post(base, "/api/v1/imports/action-plans", body, bearer)
        latencies.append(time.perf_counter() - started)
        time.sleep(0.1)


def action_plans(base: str, bearer: str, codes: list, rows: int) -> list:
    lines = ["organisation_code;title;adopted_on;decision_body;period_start_year;period_end_year;priorities;article_numbers"]
    for n in range(rows):
        code = codes[n % len(codes)]
        lines.append(f"{code};Plan {n // len(codes) + 1};2021-0{1 + n % 9}-15;KOMMUNFULLMAKTIGE;2021;2024;Jämställd service;1|9|22")
    return lines


def follow_ups(base: str, bearer: str, codes: list, rows: int) -> list:
    plans = ["organisation_code;title;adopted_on"] + [f"{code};Bench plan;2010-01-01" for code in codes]
    post(base, "/api/v1/imports/action-plans", ("\n".join(plans) + "\n").encode(), bearer)
    first = datetime.date(2010, 1, 1)
    lines = ["organisation_code;action_plan_title;reported_on;summary"]
    for n in range(rows):
        day = first + datetime.timedelta(days=n // len(codes))
        lines.append(f"{codes[n % len(codes)]};Bench plan;{day.isoformat()};Uppföljning {n}: mål nådda")
    return lines


def participations(base: str, bearer: str, codes: list, rows: int) -> list:
    years = list(range(2006, datetime.date.today().year + 1))
    per_programme = len(codes) * len(years)
    programmes = [f"BENCH_{p}" for p in range(-(-rows // per_programme))]
    for code in programmes:
        graphql(
            base,
            bearer,
            "mutation($code: String!) { createSupportProgramme(code: $code, facts: "
            "{ name: $code, nameEn: $code, startYear: 2006, requiresPoliticalCommitment: false }) "
            "{ userErrors { field code } } }",
            {"code": code},
        )
    lines = ["organisation_code;programme_code;from_year;to_year;role"]
    for n in range(rows):
        programme, rest = divmod(n, per_programme)
        year = years[rest // len(codes)]
        lines.append(f"{codes[rest % len(codes)]};{programmes[programme]};{year};{year};PARTICIPANT")
    return lines


KINDS = {"action-plans": action_plans, "follow-ups": follow_ups, "programme-participations": participations}


def main() -> None:
    base, kind, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    bearer = token(os.environ["JWT_SECRET"])
    page = json.load(urllib.request.urlopen(f"{base}/api/v1/organisations?limit=100&order=code"))
    codes = [o["code"] for o in page["values"]]
    while page["next"]:
        page = json.load(urllib.request.urlopen(page["next"]))
        codes += [o["code"] for o in page["values"]]
    probe_code, codes = codes[-1], codes[:-1]
    lines = KINDS[kind](base, bearer, codes, rows)
    body = ("\n".join(lines) + "\n").encode()
    print(f"{kind}: {rows} rows, {len(body) / 1e6:.1f} MB of CSV")
    for attempt, path in (
        ("dry run", f"/api/v1/imports/{kind}?dry_run=true"),
        ("first import (creates)", f"/api/v1/imports/{kind}"),
        ("second import (unchanged)", f"/api/v1/imports/{kind}"),
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
            f"  {attempt}: {elapsed:.2f} s ({rows / elapsed:.0f} rows/s), {len(latencies)} concurrent one-row writes, "
            f"slowest {slowest * 1000:.0f} ms: {report}"
        )


if __name__ == "__main__":
    main()
