// Subscribes with the graphql-ws client (the graphql-transport-ws protocol, as Apollo
// Client, urql and Relay speak it) and prints each event as one JSON line on stdout,
// after a {"connected":true} line once the server acknowledged the connection.
// Usage: node subscribe.mjs <ws-url> <query> <variables-json> <events> [bearer]
// Exits 0 after <events> events, 1 on an error or when the socket closes first.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, query, variables, wanted, bearer] = process.argv.slice(2);
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  lazy: false,
  retryAttempts: 0,
  connectionParams: bearer ? { Authorization: `Bearer ${bearer}` } : {},
  on: {
    connected: () => console.log(JSON.stringify({ connected: true })),
    closed: (event) => {
      console.log(JSON.stringify({ closed: { code: event.code, reason: event.reason } }));
      process.exit(1);
    },
  },
});
let received = 0;
client.subscribe(
  { query, variables: JSON.parse(variables) },
  {
    next: (value) => {
      console.log(JSON.stringify(value));
      received += 1;
      if (received >= Number(wanted)) {
        client.dispose();
        process.exit(0);
      }
    },
    error: (error) => {
      console.log(JSON.stringify({ error: Array.isArray(error) ? error : String(error?.message ?? error) }));
      process.exit(1);
    },
    // A server going away completes the subscription just before it closes the socket:
    // give the close a moment to be reported.
    complete: () => {
      if (received >= Number(wanted)) process.exit(0);
      console.log(JSON.stringify({ complete: true }));
      setTimeout(() => process.exit(1), 2_000);
    },
  },
);
// A test that waits for ever helps nobody.
setTimeout(() => {
  console.log(JSON.stringify({ timeout: true }));
  process.exit(2);
}, 60_000);
