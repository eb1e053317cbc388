#!/usr/bin/env node
// Benchmark of the PlanetScale REST client (run: `npm run build && node bench/client.mjs`).
// A loopback HTTP server runs in a child process (so client and server do not share an event
// loop); the script prints:
//   1. TCP connections opened for 1,000 sequential GETs through the client (goal: 1);
//   2. per-request difference vs raw undici.request for sequential GETs, and the client's own cost
//      per request with an in-process dispatcher (µs);
//   3. wall time of 200 concurrent GETs through the client vs raw undici.request, measured in
//      interleaved rounds, as the median ratio (goal: ≤ 1.10).
//   4. the cost of the default rate limiting (driven by the server: no client-side cap, a check of
//      the shared 429 gate before every request) against a client with all limiting switched off,
//      for 200 concurrent GETs in interleaved rounds (median ratio; goal ≤ 1.05).
// The client runs with its default settings (as resources use it) unless a line says otherwise.
import { fork } from "node:child_process";
import * as http from "node:http";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

if (process.argv[2] === "--server") {
  let connections = 0;
  const body = JSON.stringify({
    id: "bqkfpm3bf0ly",
    name: "main",
    state: "ready",
    ready: true,
    production: true,
  });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", () => connections++);
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
  process.on("message", (msg) => {
    if (msg === "stats") process.send({ connections });
    if (msg === "reset") {
      connections = 0;
      process.send({ reset: true });
    }
    if (msg === "exit") server.close(() => process.exit(0));
  });
} else {
  await main();
}

async function main() {
  const require = createRequire(import.meta.url);
  let lib;
  try {
    lib = require(path.join(here, "../dist/provider/internal/client/index.js"));
  } catch (err) {
    console.error("Build first: npm run build (", err.message, ")");
    process.exit(1);
  }
  const undici = require("undici");
  const z = require("zod");

  const child = fork(fileURLToPath(import.meta.url), ["--server"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ask = (msg) =>
    new Promise((resolve) => {
      child.once("message", resolve);
      child.send(msg);
    });
  const { port } = await new Promise((resolve) => child.once("message", resolve));
  const origin = `http://127.0.0.1:${port}`;
  const url = `${origin}/v1/organizations/acme/databases/app/branches/main`;

  const settings = {
    apiUrl: `${origin}/v1`,
    credential: { kind: "serviceToken", id: "bench", token: "pscale_tkn_bench" },
    timeoutMs: 30_000,
    maxRetries: 4,
    requestsPerMinute: 0,
  };
  const client = lib.getClient(settings);
  const Branch = z.looseObject({
    id: z.string(),
    name: z.string(),
    state: z.string(),
    production: z.boolean(),
  });
  const viaClient = () =>
    client.request({ method: "GET", path: "/organizations/acme/databases/app/branches/main" });
  const viaClientSchema = () =>
    client.request({
      method: "GET",
      path: "/organizations/acme/databases/app/branches/main",
      schema: Branch,
    });
  const rawAgent = new undici.Agent();
  const viaRaw = async () => {
    const res = await undici.request(url, {
      dispatcher: rawAgent,
      headers: { authorization: "bench:pscale_tkn_bench", accept: "application/json" },
    });
    return res.body.json();
  };

  const signed = (x) => (x >= 0 ? `+${x.toFixed(0)}` : x.toFixed(0));
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  async function sequential(fn, n) {
    const t = performance.now();
    for (let i = 0; i < n; i++) await fn();
    return performance.now() - t;
  }
  async function concurrent(fn, n) {
    const t = performance.now();
    await Promise.all(Array.from({ length: n }, () => fn()));
    return performance.now() - t;
  }

  console.log(`PlanetScale client benchmark (node ${process.version}, loopback server in a child process)`);
  console.log(
    "rate limiting: the default (no client-side cap; a 429 holds back the credential's requests in this process until Retry-After)",
  );

  // 1. Connections for 1,000 sequential GETs (fresh pool).
  await lib.closeAllClients();
  await ask("reset");
  const fresh = lib.getClient(settings);
  const seqMs = await sequential(() => fresh.request({ method: "GET", path: "/organizations/acme" }), 1000);
  const { connections } = await ask("stats");
  console.log(
    `1,000 sequential GETs through the client: ${connections} TCP connection(s) opened (goal 1), ${seqMs.toFixed(0)} ms`,
  );

  // Warm-up (JIT, pools) for both sides.
  for (let i = 0; i < 3; i++) {
    await sequential(viaClient, 300);
    await sequential(viaRaw, 300);
    await concurrent(viaClient, 200);
    await concurrent(viaRaw, 200);
  }

  // 2. Sequential per-request overhead, interleaved rounds.
  const SEQ_ROUNDS = 9;
  const SEQ_N = 300;
  const overheads = [];
  const overheadsSchema = [];
  const rawPerReq = [];
  for (let r = 0; r < SEQ_ROUNDS; r++) {
    let raw;
    let cl;
    let clz;
    if (r % 2) {
      cl = await sequential(viaClient, SEQ_N);
      clz = await sequential(viaClientSchema, SEQ_N);
      raw = await sequential(viaRaw, SEQ_N);
    } else {
      raw = await sequential(viaRaw, SEQ_N);
      cl = await sequential(viaClient, SEQ_N);
      clz = await sequential(viaClientSchema, SEQ_N);
    }
    rawPerReq.push((raw / SEQ_N) * 1000);
    overheads.push(((cl - raw) / SEQ_N) * 1000);
    overheadsSchema.push(((clz - raw) / SEQ_N) * 1000);
  }
  console.log(
    `sequential GETs, client minus raw undici.request: ${signed(median(overheads))} µs/request ` +
      `(${signed(median(overheadsSchema))} µs with zod validation of the body; raw takes ${median(rawPerReq).toFixed(0)} µs; ` +
      `negative = client faster); median of ${SEQ_ROUNDS} interleaved rounds × ${SEQ_N}`,
  );

  // 2b. The client's own cost: an in-process dispatcher that answers at once (no sockets at all).
  const body = Buffer.from(
    JSON.stringify({ id: "bqkfpm3bf0ly", name: "main", state: "ready", production: true }),
  );
  const instant = {
    dispatch(_opts, handler) {
      const controller = { abort() {}, pause() {}, resume() {}, aborted: false, paused: false, reason: null };
      queueMicrotask(() => {
        handler.onRequestStart(controller, {});
        handler.onResponseStart(controller, 200, { "content-type": "application/json" }, "OK");
        handler.onResponseData(controller, body);
        handler.onResponseEnd(controller, {});
      });
      return true;
    },
  };
  const inProcess = new lib.PlanetScaleClient(settings, { dispatcher: instant });
  const viaInProcess = () =>
    inProcess.request({ method: "GET", path: "/organizations/acme/databases/app/branches/main" });
  await sequential(viaInProcess, 2000);
  const ownCosts = [];
  for (let r = 0; r < SEQ_ROUNDS; r++) ownCosts.push(((await sequential(viaInProcess, 1000)) / 1000) * 1000);
  console.log(
    `per-request client overhead (in-process dispatcher, no network; includes the event-loop turn that lets ` +
      `undici reuse the socket): ${median(ownCosts).toFixed(1)} µs`,
  );

  // 3. 200 concurrent GETs, interleaved rounds (alternating which side goes first).
  const ROUNDS = 21;
  const ratios = [];
  const clientTimes = [];
  const rawTimes = [];
  for (let r = 0; r < ROUNDS; r++) {
    let c;
    let raw;
    if (r % 2) {
      raw = await concurrent(viaRaw, 200);
      c = await concurrent(viaClient, 200);
    } else {
      c = await concurrent(viaClient, 200);
      raw = await concurrent(viaRaw, 200);
    }
    clientTimes.push(c);
    rawTimes.push(raw);
    ratios.push(c / raw);
  }
  const ratio = median(ratios);
  console.log(
    `200 concurrent GETs: client ${median(clientTimes).toFixed(1)} ms vs raw undici.request ${median(rawTimes).toFixed(1)} ms ` +
      `(median of ${ROUNDS} interleaved rounds); median ratio ${ratio.toFixed(3)} (goal ≤ 1.10)`,
  );

  // 4. Default rate limiting vs none at all, 200 concurrent GETs, interleaved rounds.
  const unlimited = new lib.PlanetScaleClient(settings, { rateLimiter: null, rateLimitGate: null });
  const viaUnlimited = () =>
    unlimited.request({ method: "GET", path: "/organizations/acme/databases/app/branches/main" });
  await concurrent(viaUnlimited, 200);
  const limitRatios = [];
  for (let r = 0; r < ROUNDS; r++) {
    let c;
    let off;
    if (r % 2) {
      off = await concurrent(viaUnlimited, 200);
      c = await concurrent(viaClient, 200);
    } else {
      c = await concurrent(viaClient, 200);
      off = await concurrent(viaUnlimited, 200);
    }
    limitRatios.push(c / off);
  }
  console.log(
    `200 concurrent GETs with the default rate limiting ÷ with all limiting off: median ratio ${median(limitRatios).toFixed(3)} ` +
      `(goal ≤ 1.05; ${ROUNDS} interleaved rounds). The former default, a 500/min token bucket with a burst of 50, ` +
      `would have held these 200 requests for ${(((200 - 50) / 500) * 60).toFixed(0)} s.`,
  );

  await lib.closeAllClients();
  await rawAgent.close();
  // The server child exits without answering "exit": wait for the process, not for a message.
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.send("exit");
  await exited;
}
