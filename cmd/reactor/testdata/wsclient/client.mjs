// node client.mjs ws://HOST:PORT [--interop] [--settle MS]
//
// Runs scenario.js with nats.ws over the ws package (Node 20 has no WebSocket of its own), then prints one
// line, RESULT followed by what it observed as JSON, and exits 0; on failure it prints FAILED and the
// error, and exits 1.
import WebSocket from "ws";

globalThis.WebSocket = WebSocket; // before nats.ws is loaded
const nats = await import("nats.ws");
const { run } = await import("./scenario.js");

const [url, ...flags] = process.argv.slice(2);
if (!url) {
  console.error("usage: node client.mjs ws://HOST:PORT [--interop] [--settle MS]");
  process.exit(2);
}
const settleAt = flags.indexOf("--settle");
try {
  const result = await run(nats, url, {
    interop: flags.includes("--interop"),
    settle: settleAt >= 0 ? Number(flags[settleAt + 1]) : 0,
  });
  console.log("RESULT " + JSON.stringify(result));
  process.exit(0);
} catch (e) {
  console.log("FAILED " + (e?.message ?? e));
  console.error(e?.stack ?? e);
  process.exit(1);
}
