"""Credential attacks and what got through; see credentials.sh."""

import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE = sys.argv[1]
DURATION = float(sys.argv[2])
LOGIN = "mutation($e: String!, $p: String!, $d: String) { login(email: $e, password: $p, deviceToken: $d) { accessToken deviceToken } }"


def post(body, address, bearer=None):
    headers = {"content-type": "application/json", "x-forwarded-for": address}
    if bearer:
        headers["authorization"] = f"Bearer {bearer}"
    request = urllib.request.Request(f"{BASE}/graphql", json.dumps(body).encode(), headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def code(body):
    try:
        return body["errors"][0]["extensions"]["code"]
    except (KeyError, IndexError, TypeError):
        return "none"


def login(email, password, address, device=None):
    return post({"query": LOGIN, "variables": {"e": email, "p": password, "d": device}}, address)


# The owner's device logs in once before the attack and keeps its device token.
_, body = login("owner@skr.se", os.environ["OWNER_PASSWORD"], "192.0.2.1")
device = body["data"]["login"]["deviceToken"]

# The request: 10 batched operations of 20 aliased logins, 15 at a time.
aliases = " ".join(f'l{i}: login(email: "owner@skr.se", password: "guess{i}") {{ accessToken }}' for i in range(20))
batch = [{"query": f"mutation {{ {aliases} }}"}] * 10
with ThreadPoolExecutor(15) as pool:
    answers = list(pool.map(lambda i: post(batch, f"198.51.{i // 250}.{i % 250}"), range(150)))
refused = sum(1 for status, body in answers if status == 400 and code(body) == "LOGIN_LIMIT_EXCEEDED")
print(f"batched 200-login requests: {len(answers)} sent, {refused} refused whole (LOGIN_LIMIT_EXCEEDED)")

# Guessing from rotating addresses, 15 at a time, for DURATION seconds.
counts = {}
started = time.monotonic()


def guesser(n):
    i = 0
    while time.monotonic() - started < DURATION:
        _, body = login("owner@skr.se", secrets.token_hex(8), f"203.0.{n}.{i % 250}")
        counts[code(body)] = counts.get(code(body), 0) + 1
        i += 1


with ThreadPoolExecutor(16) as pool:
    futures = [pool.submit(guesser, n) for n in range(15)]
    time.sleep(DURATION / 2)
    _, owner = login("owner@skr.se", os.environ["OWNER_PASSWORD"], "192.0.2.1", device)
    _, stranger = login("owner@skr.se", os.environ["OWNER_PASSWORD"], "192.0.2.2")
    for future in futures:
        future.result()
attempts = sum(counts.values())
print(
    f"guessing for {DURATION:.0f} s: {attempts} attempts, {counts.get('UNAUTHENTICATED', 0)} passwords checked, "
    f"{counts.get('LOGIN_THROTTLED', 0)} throttled, others {dict((k, v) for k, v in counts.items() if k not in ('UNAUTHENTICATED', 'LOGIN_THROTTLED'))}"
)
print(
    "during the attack: the owner with its device token "
    + ("logged in" if owner.get("data") and owner["data"]["login"] else f"got {code(owner)}")
    + "; the right password without it got "
    + (code(stranger) if code(stranger) != "none" else "in")
)

# Junk API tokens from one address (RATE_LIMIT_PER_MINUTE at its default).
statuses = {}
for _ in range(2000):
    request = urllib.request.Request(
        f"{BASE}/api/v1/counties",
        headers={"authorization": f"Bearer cemr_{secrets.token_urlsafe(32)}", "x-forwarded-for": "100.64.0.1"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    statuses[status] = statuses.get(status, 0) + 1
print(f"2000 junk API tokens from one address: {statuses.get(401, 0)} looked up (401), {statuses.get(429, 0)} refused before any lookup (429)")
