"""Prepares the load: an admin token, an action plan to follow up, and request bodies."""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.request

from nested_page import QUERY as NESTED_PAGE


def token(secret: str) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"sub": "load", "role": "ADMIN", "exp": int(time.time()) + 86400}).encode())
    signature = b64(hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest())
    return f"{header}.{claims}.{signature}"


def graphql(base: str, bearer: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{base}/graphql",
        json.dumps({"query": query}).encode(),
        {"content-type": "application/json", "authorization": f"Bearer {bearer}"},
    )
    return json.load(urllib.request.urlopen(request))


def main() -> None:
    base, work = sys.argv[1], sys.argv[2]
    bearer = token(os.environ["JWT_SECRET"])
    created = graphql(
        base,
        bearer,
        'mutation { createActionPlan(organisationCode: "0180", facts: { title: "Load plan", adopted_on: "2020-01-01" }) '
        "{ actionPlan { id } userErrors { message } } }".replace("adopted_on", "adoptedOn"),
    )
    plan = created["data"]["createActionPlan"]["actionPlan"]["id"]
    read = {
        "query": "query Page { signatories(first: 20) { totalCount edges { node { code name actionPlanStatus "
        "county { name countyBoard { name } } signature { signedOn motives signedDuringProgrammes { code } } "
        "actionPlans { title articles { number } followUps { reportedOn } } } } } }"
    }
    write = {
        "query": "mutation FollowUp($plan: ID!) { addFollowUpReport(actionPlanId: $plan, reportedOn: \"2024-06-01\", "
        "summary: \"Load test follow-up\") { followUpReport { id } userErrors { message } } }",
        "variables": {"plan": plan},
    }
    with open(os.path.join(work, "read.json"), "w") as f:
        json.dump(read, f)
    with open(os.path.join(work, "write.json"), "w") as f:
        json.dump(write, f)
    with open(os.path.join(work, "nested.json"), "w") as f:
        json.dump({"query": NESTED_PAGE}, f)
    with open(os.path.join(work, "token"), "w") as f:
        f.write(bearer)


if __name__ == "__main__":
    main()
