// Subscription measurements with the graphql-ws client (the one conformance/ locks), run
// by bench/subscriptions.sh against a running server.
//
//   node bench/subscriptions.mjs latency  <http-base> <token> <mutations> <interval-ms>
//   node bench/subscriptions.mjs capacity <http-base> <token> <levels> <per-socket> <events> <server-pid>
//
// latency: one subscriber; a writer makes <mutations> mutations one after another,
// <interval-ms> apart. Each event is timestamped on arrival and matched to its mutation
// by position (the mutation's Feed-Position header): commit → client is arrival minus
// the event's committedAt (same machine, same clock), send → client is arrival minus
// the moment the mutation was sent.
//
// capacity: opens subscriptions up to each level in <levels> (comma-separated), <per-socket>
// on each WebSocket, checks every one is live (each has received an event), fires
// <events> events and waits until every subscriber has every one, sampling the server's
// VmRSS/VmHWM (/proc/<server-pid>/status) before, in between and after.
//
// A subscription is live only once the server has handled its `subscribe` message, which
// the client sends after the connection is acknowledged, so a socket being connected
// says nothing about its subscriptions: a write committed in between is not theirs (a
// subscription without `after:` starts at the replica's current position). Liveness is
// therefore proved by an event received, and probes are written until every
// subscription has had one.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const require = createRequire(new URL("../conformance/", import.meta.url));
const { createClient } = require("graphql-ws");
const WebSocket = require("ws");

const SUBSCRIPTION = `subscription { registerChanged {
  position committedAt recordType organisation { code name signature { id } } } }`;
const CREATE_PLAN = `mutation($org: String!, $title: String!) {
  createActionPlan(organisationCode: $org, facts: { title: $title }, articleNumbers: [1]) {
    actionPlan { id } userErrors { code } } }`;
const ORGANISATIONS = ["1480", "0180", "1280", "0380", "0580", "1880", "2480", "2580"];

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/// Milliseconds since the epoch of an RFC 3339 time, with its fraction below the millisecond.
function epochMs(text) {
  const whole = Date.parse(text);
  const fraction = /\.(\d+)/.exec(text)?.[1] ?? "";
  return whole + Number(`0.${fraction.slice(3) || "0"}`);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (v) => v.toFixed(1);
  return `p50 ${f(percentile(sorted, 50))} ms, p95 ${f(percentile(sorted, 95))} ms, max ${f(sorted[sorted.length - 1])} ms (n=${sorted.length})`;
}

let written = 0;
async function mutate(base, token) {
  written += 1;
  const org = ORGANISATIONS[written % ORGANISATIONS.length];
  const sent = now();
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: CREATE_PLAN,
      variables: { org, title: `bench ${process.pid} ${written}` },
    }),
  });
  const body = await response.json();
  const position = response.headers.get("feed-position");
  if (!position || body.errors || body.data?.createActionPlan?.userErrors?.length) {
    throw new Error(`the mutation did not commit: ${JSON.stringify(body)}`);
  }
  return { position, sent };
}

let subscribed = 0;
/// A socket with `count` subscriptions; `onEvent(event, arrival, subscription)` for each
/// event, `subscription` numbering the bench's subscriptions from 0.
function open(url, count, onEvent) {
  return new Promise((resolve, reject) => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      on: {
        connected: () => resolve(client),
        closed: (event) => reject(new Error(`closed ${event.code} ${event.reason}`)),
      },
    });
    for (let i = 0; i < count; i += 1) {
      const subscription = subscribed;
      subscribed += 1;
      client.subscribe(
        { query: SUBSCRIPTION },
        {
          next: (value) => {
            const arrival = now();
            if (value.errors) {
              console.error(JSON.stringify(value.errors));
              process.exit(1);
            }
            onEvent(value.data.registerChanged, arrival, subscription);
          },
          error: (error) => {
            console.error("subscription error:", JSON.stringify(error));
            process.exit(1);
          },
          complete: () => {},
        },
      );
    }
  });
}

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)[1]);
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

async function until(condition, what, timeoutMs = 120_000) {
  if (!(await within(condition, timeoutMs))) throw new Error(`timed out waiting for ${what}`);
}

/// Whether `condition` held within `timeoutMs`.
async function within(condition, timeoutMs) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) return false;
    await sleep(5);
  }
  return true;
}

/// Writes probes, one a second, until `live()` is true (every subscription has had an
/// event); how many it took.
async function probeUntilLive(base, token, live, what, timeoutMs = 120_000) {
  const start = Date.now();
  for (let probes = 1; ; probes += 1) {
    await mutate(base, token);
    if (await within(live, 1_000)) return probes;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
  }
}

async function latency(base, token, mutations, intervalMs) {
  const url = `${base.replace("http", "ws")}/graphql`;
  const arrivals = new Map();
  await open(url, 1, (event, arrival) => arrivals.set(event.position, { arrival, event }));
  await probeUntilLive(base, token, () => arrivals.size > 0, "the first event");
  const sent = new Map();
  for (let i = 0; i < mutations; i += 1) {
    const { position, sent: at } = await mutate(base, token);
    sent.set(position, at);
    await sleep(intervalMs);
  }
  await until(() => [...sent.keys()].every((p) => arrivals.has(p)), "every event");
  const commitToClient = [];
  const sendToClient = [];
  for (const [position, at] of sent) {
    const { arrival, event } = arrivals.get(position);
    commitToClient.push(arrival - epochMs(event.committedAt));
    sendToClient.push(arrival - at);
  }
  console.log(`events: ${sent.size} of ${mutations} mutations, each delivered once`);
  console.log(`commit -> client: ${summary(commitToClient)}`);
  console.log(`mutation sent -> client: ${summary(sendToClient)}`);
}

async function capacity(base, token, levels, perSocket, events, pid) {
  const url = `${base.replace("http", "ws")}/graphql`;
  // position -> how many subscriptions received it, and when the last did
  const received = new Map();
  // subscription -> whether it has had an event (it is live)
  const live = [];
  let liveCount = 0;
  const onEvent = (event, arrival, subscription) => {
    if (!live[subscription]) {
      live[subscription] = true;
      liveCount += 1;
    }
    const seen = received.get(event.position) ?? { count: 0, last: 0, committed: event.committedAt };
    seen.count += 1;
    seen.last = Math.max(seen.last, arrival);
    received.set(event.position, seen);
  };
  const clients = [];
  let subscriptions = 0;
  const baseline = memory(pid);
  console.log(`baseline: VmRSS ${baseline.rss} kB, VmHWM ${baseline.hwm} kB`);
  console.log(
    "subscriptions | sockets | open and live (s) | probes | VmRSS open (kB) | per subscription (kB) | VmRSS after events (kB) | VmHWM (kB) | delivered | last subscriber after commit: p50 / max (ms)",
  );
  for (const level of levels) {
    const started = Date.now();
    while (subscriptions < level) {
      const batch = [];
      for (let i = 0; i < 200 && subscriptions < level; i += 1) {
        const count = Math.min(perSocket, level - subscriptions);
        subscriptions += count;
        batch.push(open(url, count, onEvent));
      }
      clients.push(...(await Promise.all(batch)));
    }
    const probes = await probeUntilLive(
      base,
      token,
      () => liveCount >= subscriptions,
      "an event on every subscription",
    ).catch((e) => {
      // Whole sockets silent point at the server's connection, scattered ones at events.
      const silentSockets = new Set();
      for (let i = 0; i < subscriptions; i += 1) if (!live[i]) silentSockets.add(Math.floor(i / perSocket));
      throw new Error(
        `${e.message}: ${liveCount} of ${subscriptions} live, silent subscriptions on ${silentSockets.size} sockets`,
      );
    });
    const opened = (Date.now() - started) / 1000;
    const before = memory(pid);
    const positions = [];
    for (let i = 0; i < events; i += 1) {
      positions.push((await mutate(base, token)).position);
    }
    await until(
      () => positions.every((p) => (received.get(p)?.count ?? 0) >= subscriptions),
      "every event everywhere",
    );
    await sleep(1000);
    const after = memory(pid);
    const delivered = positions.reduce((sum, p) => sum + received.get(p).count, 0);
    const fanOut = positions.map((p) => received.get(p).last - epochMs(received.get(p).committed));
    const sorted = fanOut.sort((a, b) => a - b);
    console.log(
      [
        subscriptions,
        clients.length,
        opened.toFixed(1),
        probes,
        before.rss,
        ((before.rss - baseline.rss) / subscriptions).toFixed(2),
        after.rss,
        after.hwm,
        `${delivered}/${subscriptions * events}`,
        `${percentile(sorted, 50).toFixed(0)} / ${sorted[sorted.length - 1].toFixed(0)}`,
      ].join(" | "),
    );
  }
  // Everything closed: what the server gives back.
  for (const client of clients) await client.dispose();
  await sleep(3000);
  const closed = memory(pid);
  console.log(`all closed: VmRSS ${closed.rss} kB, VmHWM ${closed.hwm} kB`);
}

const [mode, base, token, ...rest] = process.argv.slice(2);
try {
  if (mode === "latency") {
    await latency(base, token, Number(rest[0]), Number(rest[1]));
  } else if (mode === "capacity") {
    await capacity(base, token, rest[0].split(",").map(Number), Number(rest[1]), Number(rest[2]), rest[3]);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  process.exit(0);
} catch (error) {
  console.error(String(error?.stack ?? error));
  process.exit(1);
}
