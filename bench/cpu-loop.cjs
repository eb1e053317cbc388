// `node bench/cpu-loop.cjs [PACKAGE_DIR] [BRANCHES] [TOKENS]`: the provider's own CPU per resource
// without the engine: `check` then `create` of each resource through the provider runtime, 8 at a
// time as `pulumi up` runs them, against the emulator in a child process (so its CPU is not
// counted), then deletes them. Prints this process's CPU time (user + system, ms) for loading the
// runtime and for the loop; run it under `node --cpu-prof` to see where it goes. bench/README.md
// ("CPU per resource") has the figures.
"use strict";
const { fork } = require("node:child_process");
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");

const root = resolve(__dirname, "..");
const pkg = resolve(process.argv[2] ?? root);
const branches = Number(process.argv[3] ?? 100);
const tokens = Number(process.argv[4] ?? 100);

if (process.env.BENCH_LOOP_EMULATOR) {
  // The child: the emulator, answering at R = 200 ms.
  const { startEmulator } = require(join(root, "dist/emulator/index.js"));
  startEmulator({
    quiet: true,
    readyDelayMs: 200,
    rateLimitPerMinute: 1_000_000,
    seed: { organizations: [{ name: "acme", databases: [{ name: "app" }] }] },
  }).then((emu) => {
    process.send({ apiUrl: emu.apiUrl, id: emu.adminCredential.id, token: emu.adminCredential.token });
    process.on("disconnect", () => emu.stop().then(() => process.exit(0)));
  });
} else {
  const child = fork(__filename, [], { env: { ...process.env, BENCH_LOOP_EMULATOR: "1" } });
  child.once("message", async (emu) => {
    const home = mkdtempSync(join(tmpdir(), "pps-cpu-loop-"));
    Object.assign(process.env, {
      PLANETSCALE_SERVICE_TOKEN_ID: emu.id,
      PLANETSCALE_SERVICE_TOKEN: emu.token,
      PLANETSCALE_API_URL: emu.apiUrl,
      PLANETSCALE_ORG: "acme",
      PULUMI_HOME: home,
    });
    const ms = (u) => Math.round((u.user + u.system) / 1000);
    const loading = process.cpuUsage();
    const runtime = require(join(pkg, "dist/provider/internal/dynamic/provider-runtime.js"));
    const load = ms(process.cpuUsage(loading));
    const config = { get: () => undefined };
    const jobs = [];
    for (let i = 0; i < branches; i++)
      jobs.push(["branch", { database: "app", name: `loop-${i}`, __provider: "x" }]);
    for (let i = 0; i < tokens; i++)
      jobs.push([
        "apiToken",
        { name: `loop-t${i}`, scopes: ["read_only"], databases: ["app"], ttl: "1h", __provider: "x" },
      ]);
    const made = [];
    let next = 0;
    const working = process.cpuUsage();
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < jobs.length) {
          const [kind, news] = jobs[next++];
          const checked = await runtime.check(kind, config, {}, news);
          if (checked.failures?.length) throw new Error(JSON.stringify(checked.failures));
          made.push([kind, await runtime.create(kind, config, checked.inputs)]);
        }
      }),
    );
    const work = ms(process.cpuUsage(working));
    console.log(
      JSON.stringify({ branches, tokens, loadMs: load, loopMs: work, wallMs: Date.now() - started }),
    );
    for (const [kind, r] of made) await runtime.remove(kind, config, r.id, r.outs);
    rmSync(home, { recursive: true, force: true });
    child.disconnect();
    process.exit(0);
  });
}
