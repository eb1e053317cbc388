#!/usr/bin/env node
// `npm run bench:cpu`: the CPU time our code costs per resource, which wall-clock ratios hide on a
// loaded machine. Runs `pulumi up` (then `destroy`, not measured) of a scenario through the real
// CLI against the emulator and sums the user + system CPU of the Node processes of the run, by
// role: the program (`@pulumi/pulumi/cmd/run`) and the dynamic-provider host. Several builds of
// the package (`--package DIR`, repeatable; default this checkout) and the do-nothing floor
// (`--floor`) run in interleaved rounds, so load hits them alike; prints medians and ranges.
// `--profile DIR` also writes each process's V8 CPU profile (`--cpu-prof`) there, and
// `--summarize DIR` prints the self time of such profiles by function and by package.
//
//   node bench/cpu.mjs --scenario 20x20 --rounds 5 --package /tmp/before --package . --floor
//   node bench/cpu.mjs --scenario 100x0 --rounds 1 --profile /tmp/prof && node bench/cpu.mjs --summarize /tmp/prof
import { spawn } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cliDirectory } from "../scripts/pulumi.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);

const { values: flags } = parseArgs({
  options: {
    scenario: { type: "string", default: "20x20" },
    rounds: { type: "string", default: "5" },
    package: { type: "string", multiple: true },
    floor: { type: "boolean" },
    profile: { type: "string" },
    summarize: { type: "string" },
    top: { type: "string", default: "25" },
  },
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------------------------------------
// Profiles: self time by function and by package

/** Where a profile's frame comes from, coarse enough to read: our package, a dependency, Node. */
function origin(url) {
  if (!url) return "(native / gc / idle)";
  if (url.startsWith("node:")) return "node";
  const ours = /(pulumi-planetscale|perf)\/dist\/provider\//.exec(url);
  if (ours) return "ours";
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  return "other";
}

function summarize(directory, top) {
  for (const role of ["program", "provider"]) {
    const byFunction = new Map();
    const byOrigin = new Map();
    let total = 0;
    const files = readdirSync(directory).filter((f) => f.startsWith(`${role}-`) && f.endsWith(".cpuprofile"));
    for (const f of files) {
      const profile = JSON.parse(readFileSync(join(directory, f), "utf8"));
      const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
      // Each sample counts as the sampling interval: on a loaded machine a sample's time delta
      // also holds the time the thread waited for a core, which is not CPU of the frame sampled.
      const us = median(profile.timeDeltas);
      for (const id of profile.samples) {
        const node = nodes.get(id);
        const frame = node.callFrame;
        if (frame.functionName === "(idle)") continue;
        total += us;
        const place = frame.url
          ? `${frame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\//, "")}:${frame.lineNumber + 1}`
          : "";
        const key = `${frame.functionName || "(anonymous)"} ${place}`;
        byFunction.set(key, (byFunction.get(key) ?? 0) + us);
        const o = origin(frame.url);
        byOrigin.set(o, (byOrigin.get(o) ?? 0) + us);
      }
    }
    if (files.length === 0) continue;
    console.log(
      `\n${role}: ${files.length} process(es), ${(total / 1000).toFixed(0)} ms sampled (not idle; samples × interval)`,
    );
    for (const [o, us] of [...byOrigin].sort((a, b) => b[1] - a[1]).slice(0, 12))
      console.log(`  ${(us / 1000).toFixed(0).padStart(6)} ms  ${o}`);
    console.log("  top self time:");
    for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`  ${(us / 1000).toFixed(1).padStart(7)} ms  ${k}`);
  }
}

if (flags.summarize) {
  summarize(resolve(flags.summarize), Number(flags.top));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Runs

const [branches, tokens] = flags.scenario.split("x").map(Number);
const readyMs = branches + tokens >= 100 ? 200 : 1000;
const rounds = Number(flags.rounds);
const packages = (flags.package ?? [root]).map((p) => resolve(p));
const variants = [...packages.map((p) => ({ name: p, mode: "real", pkg: p }))];
if (flags.floor) variants.push({ name: "floor", mode: "floor", pkg: packages[0] });

const PROGRAM = readFileSync(join(root, "bench/run.mjs"), "utf8").match(/const PROGRAM = `([\s\S]*?)`;/)[1];

function makeProject(pkg) {
  const dir = mkdtempSync(join(tmpdir(), "pps-cpu-"));
  const modules = join(dir, "node_modules");
  const own = join(modules, "pulumi-planetscale");
  mkdirSync(own, { recursive: true });
  cpSync(join(pkg, "package.json"), join(own, "package.json"));
  cpSync(join(pkg, "dist"), join(own, "dist"), { recursive: true });
  cpSync(join(root, "node_modules/@pulumi"), join(modules, "@pulumi"), {
    recursive: true,
    dereference: true,
  });
  for (const name of readdirSync(join(root, "node_modules"))) {
    if (name === "@pulumi" || name === "pulumi-planetscale") continue;
    symlinkSync(join(root, "node_modules", name), join(modules, name));
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench", private: true }));
  writeFileSync(join(dir, "Pulumi.yaml"), "name: bench\nruntime: nodejs\nmain: index.js\n");
  writeFileSync(join(dir, "index.js"), PROGRAM);
  mkdirSync(join(dir, "state"));
  return dir;
}

const { startEmulator } = require(join(root, "dist/emulator/index.js"));
const cliDir = process.env.PULUMI_PLANETSCALE_CLI_DIR || cliDirectory();
const emu = await startEmulator({
  quiet: true,
  readyDelayMs: readyMs,
  rateLimitPerMinute: 1_000_000,
  seed: { organizations: [{ name: "acme", databases: [{ name: "app" }] }] },
});

function run(dir, args, mode, extra = {}) {
  const runner = `import { runPulumi } from ${JSON.stringify(join(root, "scripts/pulumi.mjs"))};
    process.exit(await runPulumi(JSON.parse(process.env.BENCH_ARGS), { projectDir: process.env.BENCH_DIR, cliDir: process.env.BENCH_CLI, stdio: ["ignore", "inherit", "inherit"] }));`;
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", runner], {
      cwd: dir,
      env: {
        ...process.env,
        BENCH_DATABASE: "app",
        PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
        PULUMI_HOME: join(dir, "home"),
        PULUMI_CONFIG_PASSPHRASE: "bench",
        NODE_NO_WARNINGS: "1",
        PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
        PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
        PLANETSCALE_API_URL: emu.apiUrl,
        PLANETSCALE_ORG: emu.organization,
        BENCH_MODE: mode,
        BENCH_BRANCHES: String(branches),
        BENCH_TOKENS: String(tokens),
        BENCH_ARGS: JSON.stringify(args),
        BENCH_DIR: dir,
        BENCH_CLI: cliDir,
        ...extra,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c) => (output = (output + c).slice(-4000)));
    child.stderr.on("data", (c) => (output = (output + c).slice(-4000)));
    child.on("exit", (code) =>
      code === 0 ? resolveRun() : reject(new Error(`pulumi ${args.join(" ")} exited ${code}:\n${output}`)),
    );
  });
}

/** One measured `up`: CPU milliseconds of the program and the provider host. */
async function measuredUp(variant, round) {
  const cpuDir = mkdtempSync(join(tmpdir(), "pps-cpu-usage-"));
  const nodeOptions = [
    `--require ${join(root, "bench/cpu-usage.cjs")}`,
    ...(process.env.BENCH_EXTRA_REQUIRE ? [`--require ${process.env.BENCH_EXTRA_REQUIRE}`] : []),
  ];
  if (flags.profile)
    mkdirSync(join(resolve(flags.profile), `${basename(variant.name)}-${round}`), { recursive: true });
  const stack = `s${round}`;
  await run(variant.dir, ["stack", "init", stack], variant.mode);
  await run(
    variant.dir,
    ["up", "--yes", "--skip-preview", "--stack", stack, "--non-interactive"],
    variant.mode,
    {
      BENCH_CPU_DIR: cpuDir,
      NODE_OPTIONS: nodeOptions.join(" "),
      ...(flags.profile
        ? { BENCH_CPU_PROFILE_DIR: join(resolve(flags.profile), `${basename(variant.name)}-${round}`) }
        : {}),
    },
  );
  const cpu = { program: 0, provider: 0 };
  for (const f of readdirSync(cpuDir)) {
    const r = JSON.parse(readFileSync(join(cpuDir, f), "utf8"));
    if (r.role in cpu) cpu[r.role] += (r.user + r.system) / 1000;
    if (r.role in cpu && process.env.BENCH_CPU_THREADS)
      console.log(`  ${r.role} threads (ms):`, JSON.stringify(r.threads));
  }
  rmSync(cpuDir, { recursive: true, force: true });
  await run(
    variant.dir,
    ["destroy", "--yes", "--skip-preview", "--stack", stack, "--non-interactive"],
    variant.mode,
  );
  return cpu;
}

const results = new Map(variants.map((v) => [v.name, { program: [], provider: [], total: [] }]));
try {
  for (const v of variants) v.dir = makeProject(v.pkg);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      const cpu = await measuredUp(v, round);
      const r = results.get(v.name);
      r.program.push(cpu.program);
      r.provider.push(cpu.provider);
      r.total.push(cpu.program + cpu.provider);
      console.log(
        `round ${round + 1} ${v.name}: program ${cpu.program.toFixed(0)} ms, provider ${cpu.provider.toFixed(0)} ms`,
      );
    }
  }
} finally {
  await emu.stop();
  for (const v of variants) if (v.dir) rmSync(v.dir, { recursive: true, force: true });
}
const span = (xs) => `${median(xs).toFixed(0)} [${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}]`;
console.log(`\nup of ${branches} branches + ${tokens} tokens, ${rounds} rounds: CPU ms, median [range]`);
for (const [name, r] of results)
  console.log(`${name}\n  program ${span(r.program)}  provider ${span(r.provider)}  total ${span(r.total)}`);
