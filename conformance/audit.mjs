// Runs every audit of graphql-http's GraphQL-over-HTTP suite against the server at the
// URL given, and prints one JSON line: { results: [{ id, name, status, reason }] }.
// The Rust test decides what must pass; this script only reports.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  results.push({ id: audit.id, name: audit.name, status: result.status, reason: result.reason ?? null });
}
console.log(JSON.stringify({ results }));
