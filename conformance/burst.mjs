// Sends a burst on one graphql-transport-ws socket the moment the server acknowledges the
// connection: <subscriptions> `subscribe` messages for <query> with <variables>, then
// <pings> protocol pings, all written at once, as a client resubscribing after a
// reconnect does. Prints one JSON line, {"events": n, "pongs": n}, once every
// subscription has had an event and every ping its pong (exit 0), or the same with
// "closed" or "timeout" when the socket closed or nothing more came in time (exit 1).
// Usage: node burst.mjs <ws-url> <query> <variables-json> <subscriptions> <pings>
import WebSocket from "ws";

const [url, query, variables, subscriptions, pings] = process.argv.slice(2);
const wanted = { subscriptions: Number(subscriptions), pings: Number(pings) };
const answered = new Set();
let pongs = 0;
const report = (extra) => console.log(JSON.stringify({ events: answered.size, pongs, ...extra }));

const socket = new WebSocket(url, "graphql-transport-ws");
socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: {} })));
socket.on("message", (data) => {
  const message = JSON.parse(String(data));
  if (message.type === "connection_ack") {
    for (let i = 0; i < wanted.subscriptions; i += 1) {
      socket.send(
        JSON.stringify({
          id: String(i),
          type: "subscribe",
          payload: { query, variables: JSON.parse(variables) },
        }),
      );
    }
    for (let i = 0; i < wanted.pings; i += 1) socket.send(JSON.stringify({ type: "ping" }));
  } else if (message.type === "next") {
    answered.add(message.id);
  } else if (message.type === "pong") {
    pongs += 1;
  } else if (message.type === "error") {
    report({ error: message.payload });
    process.exit(1);
  }
  if (answered.size >= wanted.subscriptions && pongs >= wanted.pings) {
    report({});
    process.exit(0);
  }
});
socket.on("close", (code, reason) => {
  report({ closed: { code, reason: String(reason) } });
  process.exit(1);
});
// A connection that stopped answering: report what came rather than wait for ever.
setTimeout(() => {
  report({ timeout: true });
  process.exit(1);
}, 60_000);
