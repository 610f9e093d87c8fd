// A SPARQL client from npm (fetch-sparql-endpoint) against a live Kunta-KG endpoint; run by
// tests/test_clients.py as `node client.js ENDPOINT SELECT ASK CONSTRUCT`. Prints what it read as JSON.
"use strict";
const { SparqlEndpointFetcher } = require("fetch-sparql-endpoint");
const [endpoint, select, ask, construct] = process.argv.slice(2);
const term = (t) => ({ type: t.termType, value: t.value, lang: t.language || undefined });
function collect(stream) {
  return new Promise((resolve, reject) => {
    const out = [];
    stream.on("data", (x) => out.push(x)).on("error", reject).on("end", () => resolve(out));
  });
}
(async () => {
  const results = {};
  for (const method of ["POST", "GET"]) {
    const fetcher = new SparqlEndpointFetcher({ method });
    const rows = await collect(await fetcher.fetchBindings(endpoint, select));
    const triples = await collect(await fetcher.fetchTriples(endpoint, construct));
    results[method] = {
      rows: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.replace(/^\?/, ""), term(v)]))),
      ask: await fetcher.fetchAsk(endpoint, ask),
      triples: triples.map((q) => [q.subject.value, q.predicate.value, term(q.object)]),
    };
  }
  process.stdout.write(JSON.stringify(results));
})().catch((e) => { console.error(e); process.exit(1); });
