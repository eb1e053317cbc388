#!/usr/bin/env node
// `npm run bench` (`-- --quick` for CI): the performance table of issues 13 and 26, measured through the
// real Pulumi CLI against the emulator, side by side with a floor: the same engine running the same
// number of do-nothing dynamic resources. Rounds interleave the two (real, floor, floor, real, …)
// and each ratio is the median of the per-round ratios, so the noise of a shared machine hits both
// sides alike. Prints each measure with its goal and verdict and writes bench/results.json
// (`--stacks-only`: only the multi-stack measures, into bench/results-stacks.json).
//
// The project is laid out as a user's: pulumi-planetscale is a copy under node_modules (so state
// holds what an installed package stores), its dependencies are linked from this repository.
// `--help` lists the flags.
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
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cliDirectory } from "../scripts/pulumi.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);
const HELP = `npm run bench -- [flags]: issues 13 and 26's performance table (see bench/README.md)
  --quick              one round, no multi-stack runs, readiness up to R = 3 s (for CI)
  --no-change          only the 20 + 20 scenario: its up, no-change preview and up, requests, state
  --deploy-only        only the deploy-progress row (a DeployRequest's states seen against the emulator's)
  --stacks-only        only the multi-stack rows (N stacks sharing one credential's limit, each
                       with a temporary directory of its own, as on separate CI runners)
  --stacks NxBxL,...   with --stacks-only: these rows (N stacks × B branches at L/min; default
                       5x40x600,10x10x120)
  --only ROWS          only these rows, comma-separated: up (20 branches + 20 tokens, with its
                       requests, no-change runs and state), up100, readiness, deploy, stacks, database,
                       preview, cold (e.g. --only preview,cold)
  --rounds N           interleaved rounds of each ratio (default 5; --quick: 1)
  --package DIR        measure the built package in DIR (its package.json and dist/) instead of this
                       checkout's; the emulator stays this checkout's (before/after comparisons)
  --out FILE           write the results to FILE instead of bench/results*.json
  --keep               leave the temporary project for inspection
  --help               this text`;
const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean" },
    keep: { type: "boolean" },
    "stacks-only": { type: "boolean" },
    "no-change": { type: "boolean" },
    "deploy-only": { type: "boolean" },
    stacks: { type: "string" },
    only: { type: "string" },
    rounds: { type: "string" },
    package: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean" },
  },
});
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
const quick = flags.quick === true;
const keep = flags.keep === true;
// Only the multi-stack measures (they take most of a full run's time).
const stacksOnly = flags["stacks-only"] === true;
// Only the 20 + 20 scenario: its up, its no-change preview and up, requests and state.
const noChangeOnly = flags["no-change"] === true;
/** The rows a run measures (`--only`; `--stacks-only` and `--no-change` are shorthands). */
const ROWS = ["up", "up100", "readiness", "deploy", "stacks", "database", "preview", "cold"];
const only = flags.only
  ? flags.only.split(",").map((row) => {
      if (!ROWS.includes(row)) throw new Error(`--only: "${row}" is not one of ${ROWS.join(", ")}`);
      return row;
    })
  : flags["deploy-only"]
    ? ["deploy"]
    : stacksOnly
      ? ["stacks"]
      : noChangeOnly
        ? ["up"]
        : quick
          ? ROWS.filter((row) => row !== "stacks")
          : ROWS;
const runs = (row) => only.includes(row);
const STACK_ROWS = (flags.stacks ?? "5x40x600,10x10x120").split(",").map((row) => {
  const numbers = row.split("x").map(Number);
  if (numbers.length !== 3 || !numbers.every((n) => Number.isInteger(n) && n > 0))
    throw new Error(`--stacks: "${row}" is not NxBxL (stacks x branches x limit per minute)`);
  return numbers;
});
// The package measured: this checkout, or another build of it (--package).
const packageRoot = flags.package ? resolve(flags.package) : root;
// Five rounds by default: with three, the median of a row moved by more than 0.1 between two runs
// on this 2-core machine (issue 26).
const rounds = flags.rounds ? Number(flags.rounds) : quick ? 1 : 5;
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds: "${flags.rounds}" is not a positive integer`);
const { startEmulator } = require(join(root, "dist/emulator/index.js"));

const cliDir = process.env.PULUMI_PLANETSCALE_CLI_DIR || cliDirectory();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
/** A ratio as printed: the median of its rounds, their range and how many. */
const spread = (xs) =>
  `${fmt(median(xs))} [${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}, ${xs.length} round${xs.length === 1 ? "" : "s"}]`;

// ---------------------------------------------------------------------------------------------
// The project

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const mode = process.env.BENCH_MODE;
const branches = Number(process.env.BENCH_BRANCHES || 0);
const tokens = Number(process.env.BENCH_TOKENS || 0);
const database = process.env.BENCH_DATABASE || "app";
const shape = process.env.BENCH_SHAPE || "branches";
const count = Number(process.env.BENCH_COUNT || 1);
const tag = pulumi.getStack();
// The floor: do-nothing dynamic resources, as many and wired as the real ones.
const nothing = { async create(inputs) { return { id: inputs.name, outs: inputs }; } };
// The waiting floor: a do-nothing branch that waits R in its create, as PlanetScale makes any client
// wait for readiness, so the engine holds its slot as long (8 at a time on 2 cores).
const waitMs = Number(process.env.BENCH_WAIT_MS || 0);
const waiting = {
  async create(inputs) {
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    return { id: inputs.name, outs: inputs };
  },
};
if (shape === "preview") {
  // A preview environment as its workflow makes it: a branch, a password on it, a token, and the
  // deploy request that carries the pull request's schema change.
  for (let i = 0; i < count; i++) {
    if (mode === "floor") {
      const branch = new pulumi.dynamic.Resource(nothing, "b" + i, { database, name: tag + "-" + i });
      new pulumi.dynamic.Resource(nothing, "p" + i, { database, branch: branch.id, name: tag + "-p" + i });
      new pulumi.dynamic.Resource(nothing, "t" + i, { database, name: tag + "-t" + i });
      new pulumi.dynamic.Resource(nothing, "r" + i, { database, branch: branch.id, name: tag + "-r" + i });
    } else {
      const planetscale = require("pulumi-planetscale");
      const branch = new planetscale.Branch("b" + i, { database, name: tag + "-" + i });
      new planetscale.BranchPassword("p" + i, { database, branch, role: "readwriter", ttl: "30d" });
      new planetscale.ApiToken("t" + i, { name: tag + "-t" + i, scopes: ["read_only"], databases: [database], ttl: "7d" });
      new planetscale.DeployRequest("r" + i, { database, branch, notes: "bench" });
    }
  }
} else if (shape === "database") {
  for (let i = 0; i < count; i++) {
    if (mode === "floor") new pulumi.dynamic.Resource(nothing, "d" + i, { name: tag + "-d" + i });
    else new (require("pulumi-planetscale").Database)("d" + i, { name: tag + "-d" + i });
  }
} else if (mode === "floor" || mode === "floor-wait") {
  for (let i = 0; i < branches + tokens; i++) {
    const provider = mode === "floor-wait" && i < branches ? waiting : nothing;
    new pulumi.dynamic.Resource(provider, "r" + i, { database, name: tag + "-" + i });
  }
} else {
  const planetscale = require("pulumi-planetscale");
  for (let i = 0; i < branches; i++)
    new planetscale.Branch("b" + i, { database, name: tag + "-" + i });
  for (let i = 0; i < tokens; i++)
    new planetscale.ApiToken("t" + i, { name: tag + "-t" + i, scopes: ["read_only"], databases: ["app"], ttl: "1h" });
}
`;

function makeProject() {
  const dir = mkdtempSync(join(tmpdir(), "pps-bench-"));
  const modules = join(dir, "node_modules");
  const own = join(modules, "pulumi-planetscale");
  mkdirSync(own, { recursive: true });
  cpSync(join(packageRoot, "package.json"), join(own, "package.json"));
  cpSync(join(packageRoot, "dist"), join(own, "dist"), { recursive: true });
  // @pulumi is copied too: its closure serializer resolves our package from its own location.
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

// ---------------------------------------------------------------------------------------------
// Running the CLI

let dir;
let emu;
const created = new Set();

function env(mode, branches, tokens, database = "app", { shape = "branches", count = 0, waitMs = 0 } = {}) {
  return {
    BENCH_DATABASE: database,
    PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
    PULUMI_HOME: join(dir, "home"),
    PULUMI_CONFIG_PASSPHRASE: "bench",
    // Pulumi's closure serializer requires every builtin module (sys, wasi) and Node warns each time.
    NODE_NO_WARNINGS: "1",
    PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
    PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
    PLANETSCALE_API_URL: emu.apiUrl,
    PLANETSCALE_ORG: emu.organization,
    BENCH_MODE: mode,
    BENCH_BRANCHES: String(branches),
    BENCH_TOKENS: String(tokens),
    BENCH_SHAPE: shape,
    BENCH_COUNT: String(count),
    BENCH_WAIT_MS: String(waitMs),
  };
}

/** Runs one CLI command on a stack and returns its wall time in seconds (throws on failure). */
async function pulumi(stack, args, { mode, branches = 0, tokens = 0, ...shape }) {
  if (!created.has(stack)) {
    await cli(["stack", "init", stack], env(mode, branches, tokens, "app", shape));
    created.add(stack);
  }
  const started = performance.now();
  await cli([...args, "--stack", stack, "--non-interactive"], env(mode, branches, tokens, "app", shape));
  return (performance.now() - started) / 1000;
}

async function cli(args, environment) {
  const code = await cliCode(args, environment, true);
  if (code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${code}`);
}

/**
 * Runs one CLI command in its own process, as a user would (the program host of scripts/pulumi.mjs
 * runs the program in the calling process, which must not be this one: it serves the emulator).
 */
function cliCode(args, environment, showFailure = false) {
  const runner = `import { runPulumi } from ${JSON.stringify(join(root, "scripts/pulumi.mjs"))};
    process.exit(await runPulumi(JSON.parse(process.env.BENCH_ARGS), { projectDir: process.env.BENCH_DIR, cliDir: process.env.BENCH_CLI, stdio: ["ignore", "inherit", "inherit"] }));`;
  return new Promise((resolve) => {
    // BENCH_PROJECT: another project directory than the bench's own (the cold row's).
    const project = environment.BENCH_PROJECT ?? dir;
    const child = spawn(process.execPath, ["--input-type=module", "-e", runner], {
      cwd: project,
      env: {
        ...process.env,
        ...environment,
        BENCH_ARGS: JSON.stringify(args),
        BENCH_DIR: project,
        BENCH_CLI: cliDir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keepTail = (chunk) => {
      output = (output + chunk).slice(-4000);
    };
    child.stdout.on("data", keepTail);
    child.stderr.on("data", keepTail);
    child.on("exit", (code) => {
      if (code !== 0 && showFailure)
        console.log(`pulumi ${args.join(" ")} exited ${code}, ending:\n${output}`);
      resolve(code ?? 1);
    });
  });
}

function checkpoint(stack) {
  const file = join(dir, "state", ".pulumi", "stacks", "bench", `${stack}.json`);
  return JSON.parse(readFileSync(file, "utf8")).checkpoint.latest;
}

/** Mean bytes of a resource's state entry (what a `pulumi stack export` holds for it). */
function bytesPerResource(stack) {
  const resources = checkpoint(stack).resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
  const total = resources.reduce((sum, r) => sum + JSON.stringify(r).length, 0);
  return total / resources.length;
}

// ---------------------------------------------------------------------------------------------
// Measures

const results = [];
function report(measure, value, goal, pass, details = {}) {
  results.push({ measure, value, goal, verdict: pass ? "PASS" : "FAIL", ...details });
  console.log(`${pass ? "PASS" : "FAIL"}  ${measure}: ${value}  (goal ${goal})`);
  for (const [k, v] of Object.entries(details))
    console.log(`        ${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`);
}

/** Classifies the emulator's log of one `up`. */
function requestCounts(entries, branches, tokens) {
  const path = (e) => e.path.replace(/^\/v1/, "");
  const polls = entries.filter(
    (e) =>
      e.method === "GET" &&
      /^\/organizations\/[^/]+\/databases\/[^/]+\/branches\/[^/]+$/.test(path(e)) &&
      !path(e).endsWith("/main"),
  ).length;
  // The run's preflight (one GET of each database, once per process, before any create) is not a
  // per-create request: counted apart, so 100 creates do not dilute it into the per-create figure.
  const preflight = entries.filter(
    (e) => e.method === "GET" && /^\/organizations\/[^/]+(\/databases\/[^/]+)?$/.test(path(e)),
  ).length;
  const databasePreflight = entries.filter(
    (e) => e.method === "GET" && /^\/organizations\/[^/]+\/databases\/[^/]+$/.test(path(e)),
  ).length;
  const branchOther = entries.filter((e) => /\/databases\//.test(path(e))).length - polls - databasePreflight;
  const grants = entries.filter(
    (e) => e.method === "POST" && /\/service-tokens\/[^/]+\/access$/.test(path(e)),
  ).length;
  const tokenOther = entries.filter((e) => /\/service-tokens/.test(path(e))).length - grants;
  return {
    perBranch: branches ? branchOther / branches : 0,
    pollsPerBranch: branches ? polls / branches : 0,
    perToken: tokens ? tokenOther / tokens : 0,
    grantsPerToken: tokens ? grants / tokens : 0,
    preflight,
    total: entries.length,
  };
}

/** PlanetScale's documented rate limit, requests per minute per credential. */
const PLANETSCALE_LIMIT = 600;

/** `pulumi up --parallel`'s default: how many resource operations the engine runs at once. */
const ENGINE_PARALLELISM = 8;

/** No-change `preview` and `up` pairs per round: single runs of a few seconds spread too much. */
const NO_CHANGE_PAIRS = quick ? 2 : 3;

async function upScenario(name, { branches, tokens, readyMs, floorPlusR }) {
  emu.setReadyDelay(readyMs);
  const R = readyMs / 1000;
  const n = branches + tokens;
  const ratios = [];
  const times = { real: [], floor: [], floorWait: [] };
  const asIssued = [];
  const noChange = { preview: [], up: [] };
  let counts;
  let refreshPerResource;
  let state;
  let rateLimited = 0;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ["real", "floor"] : ["floor", "real"];
    // The waiting floor runs between them, so load drifts hit it as much as either.
    const all = [order[0], "floor-wait", order[1]];
    const t = {};
    const specOf = (mode) => ({ mode, branches, tokens, waitMs: mode === "floor-wait" ? readyMs : 0 });
    // Each round starts a fresh minute of PlanetScale's limit (600/min per credential): the last
    // round's up and destroy (~600 requests for 100 branches) would otherwise throttle this one's
    // at random, which measures the limit (the stacks rows), not our cost per resource.
    emu.setRateLimit(PLANETSCALE_LIMIT);
    for (const mode of all) {
      emu.clearRequests();
      t[mode] = await pulumi(`${name}-${mode}`, ["up", "--yes", "--skip-preview"], specOf(mode));
      if (mode === "real") {
        if (round === 0) counts = requestCounts(emu.requests(), branches, tokens);
        rateLimited += emu.requests().filter((r) => r.status === 429).length;
      }
    }
    if (floorPlusR) {
      // Both stacks exist: each pair runs the same command on both, back to back, in turns.
      for (let pair = 0; pair < NO_CHANGE_PAIRS; pair++) {
        for (const [command, args] of [
          ["preview", ["preview"]],
          ["up", ["up", "--yes", "--skip-preview"]],
        ]) {
          const took = {};
          for (const mode of (round + pair) % 2 === 0 ? order : [...order].reverse())
            took[mode] = await pulumi(`${name}-${mode}`, args, specOf(mode));
          noChange[command].push(took.real / took.floor);
        }
      }
      if (round === 0) {
        emu.clearRequests();
        await pulumi(`${name}-real`, ["refresh", "--yes", "--skip-preview"], specOf("real"));
        refreshPerResource = emu.requests().length / n;
        state = { real: bytesPerResource(`${name}-real`), floor: bytesPerResource(`${name}-floor`) };
      }
    }
    for (const mode of all)
      await pulumi(`${name}-${mode}`, ["destroy", "--yes", "--skip-preview"], specOf(mode));
    times.real.push(t.real);
    times.floor.push(t.floor);
    times.floorWait.push(t["floor-wait"]);
    // Against do-nothing resources whose "branches" wait R in create as PlanetScale makes every
    // client wait: the engine then holds their slots as long as ours (8 at a time on 2 cores).
    ratios.push(t.real / t["floor-wait"]);
    // As issue 26 first wrote the row: do-nothing resources that never wait, plus one R.
    asIssued.push(t.real / (t.floor + (floorPlusR ? R : 0)));
  }
  // As the issue first wrote the row, ÷ (do-nothing [+ R]): the engine runs 8 operations at a time
  // (`--parallel`'s default, 4 × the CPUs) and a create holds its slot until the branch is ready,
  // so the branches wait ⌈branches ÷ 8⌉ rounds of R and no provider that waits for readiness can go
  // below this bound on that measure.
  const bound = (f) => (f + Math.ceil(branches / ENGINE_PARALLELISM) * R) / (f + (floorPlusR ? R : 0));
  const details = {
    ratios: ratios.map((r) => fmt(r)),
    realSeconds: times.real.map((x) => fmt(x, 1)),
    floorWaitSeconds: times.floorWait.map((x) => fmt(x, 1)),
    floorSeconds: times.floor.map((x) => fmt(x, 1)),
    asIssued: spread(asIssued),
    answered429: rateLimited,
    boundAtParallel8: median(times.floor.map(bound)).toFixed(2),
  };
  return { ratio: median(ratios), ratios, details, counts, noChange, refreshPerResource, state };
}

/**
 * `up` of `count` units of a shape (`preview`: a Branch, a BranchPassword on it and an ApiToken;
 * `database`: a Database) against as many do-nothing resources wired alike, plus the readiness
 * delay R that no client can beat; interleaved rounds, then `destroy`. Also counts the requests of
 * the first round's `up` by kind of object, beyond readiness polls.
 */
async function shapeScenario(name, { shape, count, readyMs, waits = 1 }) {
  emu.setReadyDelay(readyMs);
  const ratios = [];
  const times = { real: [], floor: [] };
  let requests;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ["real", "floor"] : ["floor", "real"];
    const t = {};
    for (const mode of order) {
      emu.clearRequests();
      t[mode] = await pulumi(`${name}-${mode}`, ["up", "--yes", "--skip-preview"], { mode, shape, count });
      if (mode === "real" && round === 0) requests = unitRequests(emu.requests(), count);
    }
    for (const mode of order)
      await pulumi(`${name}-${mode}`, ["destroy", "--yes", "--skip-preview"], { mode, shape, count });
    times.real.push(t.real);
    times.floor.push(t.floor);
    ratios.push(t.real / (t.floor + (waits * readyMs) / 1000));
  }
  return { ratio: median(ratios), ratios, times, requests };
}

/**
 * The requests of an `up`, counted by method and path (ids as `{id}`): the creates (POSTs) per unit
 * of work, and the rest (the run's preflight, readiness polls, a password's baseline listing) as
 * they are.
 */
function unitRequests(entries, units) {
  const template = (e) =>
    `${e.method} ${e.path
      .replace(/^\/v1/, "")
      .replace(/^\/organizations\/[^/]+/, "/organizations/{org}")
      .replace(/\/(databases|branches|service-tokens|passwords)\/[^/]+/g, "/$1/{id}")}`;
  const byRequest = {};
  for (const e of entries) byRequest[template(e)] = (byRequest[template(e)] ?? 0) + 1;
  const posts = entries.filter((e) => e.method === "POST").length;
  return { postsPerUnit: Number(fmt(posts / units)), total: entries.length, byRequest };
}

/**
 * Time to a working DATABASE_URL from a cold process: `pulumi up` of the preview-environment
 * example's own program (TypeScript, through Pulumi's loader) with a fresh PULUMI_HOME, then
 * `pulumi stack output databaseUrl --show-secrets`, against a TypeScript program of four
 * do-nothing resources with the same outputs, plus the readiness delay R.
 */
async function coldScenario({ readyMs, waits = 1 }) {
  emu.setReadyDelay(readyMs);
  const example = join(root, "examples/preview-environment");
  const FLOOR_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
const nothing: pulumi.dynamic.ResourceProvider = {
  async create(inputs: any) { return { id: inputs.name, outs: { ...inputs, databaseUrl: "mysql://u:p@h/" + inputs.name } }; },
};
class Nothing extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, unknown>) {
    super(nothing, name, props);
  }
}
const config = new pulumi.Config();
const pr = config.getNumber("pr") ?? 123;
const database = config.get("database") ?? "app";
const branch = new Nothing("preview", { database, name: \`pr-\${pr}\` });
const credential = new Nothing("preview-app", { database, branch: branch.id, name: \`pr-\${pr}-app\`, databaseUrl: undefined });
const token = new Nothing("preview-ci", { name: \`pr-\${pr}-ci\` });
new Nothing("schema", { database, branch: branch.id, name: \`pr-\${pr}-schema\` });
export const databaseUrl = pulumi.secret((credential as any).databaseUrl);
export const tokenId = token.id;
`;
  const projects = {};
  for (const mode of ["real", "floor"]) {
    const project = join(dir, `cold-${mode}`);
    mkdirSync(project, { recursive: true });
    cpSync(join(example, "Pulumi.yaml"), join(project, "Pulumi.yaml"));
    cpSync(join(example, "tsconfig.json"), join(project, "tsconfig.json"));
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "cold", private: true, main: "index.ts" }),
    );
    if (mode === "real") cpSync(join(example, "index.ts"), join(project, "index.ts"));
    else writeFileSync(join(project, "index.ts"), FLOOR_PROGRAM);
    symlinkSync(join(dir, "node_modules"), join(project, "node_modules"));
    projects[mode] = project;
  }
  const ratios = [];
  const times = { real: [], floor: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ["real", "floor"] : ["floor", "real"];
    const t = {};
    for (const mode of order) {
      const stack = `cold-${mode}-${round}`;
      const base = { ...env(mode, 0, 0), BENCH_PROJECT: projects[mode] };
      await cli(["stack", "init", stack], base);
      // A cold process, as on a fresh CI runner: nothing cached in PULUMI_HOME (plugins, workspace
      // settings) nor in the temporary directory (Pulumi's TypeScript loader caches compiled
      // programs there).
      const cold = {
        ...base,
        PULUMI_HOME: mkdtempSync(join(dir, "home-")),
        TMPDIR: mkdtempSync(join(dir, "tmp-")),
      };
      const started = performance.now();
      await cli(
        ["up", "--yes", "--skip-preview", "--stack", stack, "--non-interactive", "-c", `pr=${round + 1}`],
        cold,
      );
      const url = await output(["stack", "output", "databaseUrl", "--show-secrets", "--stack", stack], cold);
      t[mode] = (performance.now() - started) / 1000;
      if (mode === "real" && !/^mysql:\/\/[^:]+:[^@]+@/.test(url))
        throw new Error(`cold row: the stack's databaseUrl is not a MySQL URL `);
      await cli(["destroy", "--yes", "--skip-preview", "--stack", stack, "--non-interactive"], cold);
    }
    times.real.push(t.real);
    times.floor.push(t.floor);
    ratios.push(t.real / (t.floor + (waits * readyMs) / 1000));
  }
  return { ratio: median(ratios), ratios, times };
}

/** Runs one CLI command and returns its standard output (throws on failure). */
function output(args, environment) {
  const runner = `import { runPulumi } from ${JSON.stringify(join(root, "scripts/pulumi.mjs"))};
    process.exit(await runPulumi(JSON.parse(process.env.BENCH_ARGS), { projectDir: process.env.BENCH_DIR, cliDir: process.env.BENCH_CLI, stdio: ["ignore", "inherit", "inherit"] }));`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", runner], {
      cwd: environment.BENCH_PROJECT,
      env: {
        ...process.env,
        ...environment,
        BENCH_ARGS: JSON.stringify(args),
        BENCH_DIR: environment.BENCH_PROJECT,
        BENCH_CLI: cliDir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
    });
    child.on("exit", (code) =>
      code === 0 ? resolvePromise(out.trim()) : reject(new Error(`pulumi ${args.join(" ")} exited ${code}`)),
    );
  });
}

/** Readiness at R: provider create in-process, latency from the emulator's clock. */
async function readiness(readyMs) {
  const { branchResource } = require(join(packageRoot, "dist/provider/internal/branch/resource.js"));
  const { contextFor } = require(
    join(packageRoot, "dist/provider/internal/dynamic/resource-implementation.js"),
  );
  const config = {
    get: (k) =>
      ({
        "planetscale:serviceTokenId": emu.adminCredential.id,
        "planetscale:serviceToken": emu.adminCredential.token,
        "planetscale:apiUrl": emu.apiUrl,
        "planetscale:organization": emu.organization,
      })[k],
  };
  const ctx = contextFor(config);
  emu.setReadyDelay(readyMs);
  emu.clearRequests();
  const name = `ready-${readyMs}`;
  const { id, outs } = await branchResource.create(ctx, {
    organization: emu.organization,
    database: "app",
    name,
  });
  const log = emu.requests().map((e) => ({ ...e, t: Date.parse(e.at) }));
  const post = log.find((e) => e.method === "POST");
  const polls = log.filter((e) => e.method === "GET" && e.path.endsWith(`/branches/${id}`));
  const late = ((polls.at(-1)?.t ?? post.t) - (post.t + readyMs)) / 1000;
  await branchResource.delete(ctx, id, outs);
  return { late, polls: polls.length };
}

/** Polls the readiness schedule (`pollGap`) makes while waiting `ms`: the bound a deploy's waits keep to. */
function schedulePolls(ms) {
  const { pollGap } = require(join(root, "dist/provider/internal/branch/readiness.js"));
  let elapsed = 0;
  let polls = 0;
  while (elapsed < ms) {
    elapsed += pollGap(elapsed);
    polls++;
  }
  return polls;
}

/**
 * A deploy's progress at R (each phase of the emulator's deploy request takes R): a DeployRequest
 * created in-process with `deploy: true`, as `pulumi up` runs it. For each state the provider's
 * polls see (ready after PlanetScale's check, in progress, live), how long after the emulator
 * entered it the first poll saw it, from the emulator's own times (the create's arrival + R for the
 * check, then the deployment's `started_at` and `cutover_at`); and the polls made against what
 * the branch readiness schedule makes for waits of the same lengths.
 */
async function deployProgress(readyMs) {
  const { deployRequestResource } = require(
    join(packageRoot, "dist/provider/internal/deploy-request/resource.js"),
  );
  const { contextFor } = require(
    join(packageRoot, "dist/provider/internal/dynamic/resource-implementation.js"),
  );
  const config = {
    get: (k) =>
      ({
        "planetscale:serviceTokenId": emu.adminCredential.id,
        "planetscale:serviceToken": emu.adminCredential.token,
        "planetscale:apiUrl": emu.apiUrl,
        "planetscale:organization": emu.organization,
      })[k],
  };
  const ctx = { ...contextFor(config), log: () => {} };
  const api = async (method, path) => {
    const res = await fetch(`${emu.apiUrl}/organizations/${emu.organization}/databases/app${path}`, {
      method,
      headers: { Authorization: `${emu.adminCredential.id}:${emu.adminCredential.token}` },
      ...(method === "POST" && path === "/branches"
        ? { body: JSON.stringify({ name: `deploy-${readyMs}`, parent_branch: "main" }) }
        : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  // A ready branch with one migration on it; main takes deploy requests (safe migrations on).
  emu.setReadyDelay(0);
  await api("POST", "/branches/main/safe-migrations").catch(() => {});
  const branch = `deploy-${readyMs}`;
  await api("POST", "/branches");
  emu.applySchema({ organization: emu.organization, database: "app", branch }, [
    `CREATE TABLE bench_${readyMs} (id bigint PRIMARY KEY)`,
  ]);
  emu.setReadyDelay(readyMs);
  emu.clearRequests();
  const { outs } = await deployRequestResource.create(ctx, {
    organization: emu.organization,
    database: "app",
    branch,
    deploy: true,
  });
  const log = emu.requests().map((e) => ({ ...e, t: Date.parse(e.at) }));
  emu.setReadyDelay(1000);
  const n = outs.number;
  const deployment = (await api("GET", `/deploy-requests/${n}/deployment`)) ?? {};
  // Its revert window would hold the database's deploy queue for the next R's deploy.
  await api("POST", `/deploy-requests/${n}/skip-revert`);
  const open = log.find((e) => e.method === "POST" && e.path.endsWith("/deploy-requests"));
  const queue = log.find((e) => e.method === "POST" && e.path.endsWith(`/deploy-requests/${n}/deploy`));
  const polls = log.filter((e) => e.method === "GET" && e.path.endsWith(`/deploy-requests/${n}`));
  const phases = [
    ["ready", open.t + readyMs, polls.filter((p) => p.t < queue.t)],
    ["in progress", Date.parse(deployment.started_at), polls.filter((p) => p.t > queue.t)],
    ["live", Date.parse(deployment.cutover_at), polls.filter((p) => p.t > queue.t)],
  ];
  const late = phases.map(([name, at, seen]) => {
    const first = seen.find((p) => p.t >= at);
    return {
      name,
      late: first ? (first.t - at) / 1000 : Number.NaN,
      waited: (at - (name === "ready" ? open.t : queue.t)) / 1000,
    };
  });
  // The two waits (PlanetScale's check, then the deploy) each keep to the readiness schedule.
  const checkWait = (polls.filter((p) => p.t < queue.t).at(-1)?.t ?? open.t) - open.t;
  const deployWait = (polls.at(-1)?.t ?? queue.t) - queue.t;
  const bound = schedulePolls(checkWait) + schedulePolls(deployWait);
  return { late, polls: polls.length, bound, state: outs.deploymentState };
}

/**
 * The least time the free run's requests can take through a sliding window of `limit` per minute:
 * replayed in order, request i goes no earlier than it did without a limit, nor less than a minute
 * after request i - limit; the run then still needs the time it took after its last request. (The
 * looser bound (ceil(M / limit) - 1) minutes assumes the first `limit` requests all went at once.)
 * With `firstRequestAt` (seconds), the free run's requests are replayed from that instant instead
 * of their own first one: the limited run's own start-up (ten CLIs starting on two cores, before
 * any request, so beyond any rate limiting) then counts on both sides.
 */
function limitFloor(free, limit, firstRequestAt) {
  const times = free.log.map((e) => (Date.parse(e.at) - free.startedAt) / 1000).sort((a, b) => a - b);
  const shift = firstRequestAt === undefined || times.length === 0 ? 0 : firstRequestAt - times[0];
  const sent = [];
  for (const [i, t] of times.entries()) sent.push(Math.max(t + shift, i >= limit ? sent[i - limit] + 60 : 0));
  const tail = free.seconds - (times.at(-1) ?? 0);
  return Math.max(free.seconds + shift, (sent.at(-1) ?? 0) + tail);
}

/** N stacks of B branches at once against one credential: free, then at `limit` per minute. */
async function sharedLimit(stacks, branches, limit) {
  emu.setReadyDelay(200);
  // PlanetScale allows 100 development branches per database: one database per stack.
  const names = Array.from({ length: stacks }, (_, i) => `s${stacks}x${branches}-${i}`);
  // Each stack has a temporary directory of its own, as on the separate CI runners of a team:
  // nothing a process leaves in the machine's temp directory reaches the other stacks.
  const envOf = (i) => {
    const tmp = join(dir, "tmp", names[i]);
    mkdirSync(tmp, { recursive: true });
    return { ...env("real", branches, 0, `db${i}`), TMPDIR: tmp };
  };
  for (const s of names) {
    if (!created.has(s)) {
      await cli(["stack", "init", s], envOf(0));
      created.add(s);
    }
  }
  const run = async () => {
    emu.clearRequests();
    const started = performance.now();
    const startedAt = Date.now();
    const codes = await Promise.all(
      names.map((s, i) =>
        cliCode(["up", "--yes", "--skip-preview", "--stack", s, "--non-interactive"], envOf(i), true),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const log = emu.requests();
    emu.setRateLimit(1_000_000);
    await Promise.all(
      names.map((s, i) =>
        cliCode(["destroy", "--yes", "--skip-preview", "--stack", s, "--non-interactive"], envOf(i)),
      ),
    );
    return { seconds, failures: codes.filter((c) => c !== 0).length, log, startedAt };
  };
  emu.setRateLimit(1_000_000);
  const free = await run();
  emu.setRateLimit(limit);
  const limited = await run();
  const accepted = limited.log.filter((e) => e.status !== 429).length;
  const rejected = limited.log.length - accepted;
  // When the 429s came: the first minute's come from the processes learning the limit (each on
  // its own), the later ones from re-admission.
  const rejectedByMinute = [];
  for (const e of limited.log.filter((e) => e.status === 429)) {
    const minute = Math.floor((Date.parse(e.at) - limited.startedAt) / 60_000);
    while (rejectedByMinute.length <= minute) rejectedByMinute.push(0);
    rejectedByMinute[minute]++;
  }
  const floor = limitFloor(free, limit);
  const firstRequestAt = Math.min(...limited.log.map((e) => (Date.parse(e.at) - limited.startedAt) / 1000));
  const alignedFloor = limitFloor(free, limit, firstRequestAt);
  return {
    ratio: limited.seconds / floor,
    alignedRatio: limited.seconds / alignedFloor,
    seconds: limited.seconds,
    floor,
    alignedFloor,
    free: free.seconds,
    looseFloor: Math.max(free.seconds, (Math.ceil(accepted / limit) - 1) * 60),
    failures: limited.failures + free.failures,
    share429: rejected / limited.log.length,
    rejectedByMinute,
    requests: limited.log.length,
  };
}

// ---------------------------------------------------------------------------------------------

/** The deploy-progress row: {@link deployProgress} at R = 0.5 and 3 s (and 20 s in a full run). */
async function deployRow() {
  const ds = quick ? [500, 3000] : [500, 3000, 20_000];
  const deploys = [];
  for (const r of ds) deploys.push({ r, ...(await deployProgress(r)) });
  if (ds.length > 0)
    report(
      "a deploy's progress seen after it happens (ready / in progress / live)",
      deploys
        .map(
          (x) =>
            `${x.late.map((p) => fmt(p.late)).join(" / ")} s at R = ${x.r / 1000} s (${x.polls} polls, schedule ${x.bound})`,
        )
        .join(", "),
      "each ≤ max(0.3 s, 10% of the time waited), polls ≤ the readiness schedule's",
      deploys.every(
        (x) =>
          x.state === "complete_pending_revert" &&
          x.polls <= x.bound &&
          x.late.every((p) => p.late <= Math.max(0.3, 0.1 * p.waited) + 0.05),
      ),
      { phases: deploys.map((x) => ({ r: x.r, late: x.late, polls: x.polls, bound: x.bound })) },
    );
}

async function main() {
  const loadAtStart = loadavg();
  dir = makeProject();
  const databases = ["app", ...Array.from({ length: 10 }, (_, i) => `db${i}`)];
  emu = await startEmulator({
    quiet: true,
    readyDelayMs: 1000,
    rateLimitPerMinute: PLANETSCALE_LIMIT,
    seed: { organizations: [{ name: "acme", databases: databases.map((name) => ({ name })) }] },
  });
  // app's main takes deploy requests (safe migrations on), as the preview environment needs.
  const safe = await fetch(`${emu.apiUrl}/organizations/acme/databases/app/branches/main/safe-migrations`, {
    method: "POST",
    headers: { Authorization: `${emu.adminCredential.id}:${emu.adminCredential.token}` },
  });
  if (!safe.ok) throw new Error(`enabling safe migrations on app/main: ${safe.status} ${await safe.text()}`);
  console.log(
    `pulumi-planetscale benchmark${quick ? " (--quick)" : ""}: real CLI ${cliDir}, node ${process.version}, ${rounds} interleaved round(s), medians, package ${packageRoot}`,
  );
  try {
    let a;
    if (runs("up")) {
      a = await upScenario("a", { branches: 20, tokens: 20, readyMs: 1000, floorPlusR: true });
      report(
        "up, 20 branches + 20 tokens, R = 1 s ÷ 40 do-nothing whose 20 branches wait R in create",
        spread(a.ratios),
        "≤ 1.3",
        a.ratio <= 1.3,
        a.details,
      );
    }
    if (runs("up100")) {
      const b = await upScenario("b", { branches: 100, tokens: 0, readyMs: 200, floorPlusR: false });
      report(
        "up, 100 branches, R = 200 ms ÷ 100 do-nothing that wait R in create",
        spread(b.ratios),
        "≤ 1.5",
        b.ratio <= 1.5,
        b.details,
      );
    }
    if (runs("up")) {
      const c = a.counts;
      const perResource = `${fmt(c.perBranch)} / ${fmt(c.perToken)} / ${fmt(a.refreshPerResource)}`;
      report(
        "API requests per branch create (beyond polls) / per token create (beyond one per grant) / per resource on refresh",
        perResource,
        "1 / 1 / 1",
        c.perBranch <= 1 && c.perToken <= 1 && a.refreshPerResource <= 1,
        {
          pollsPerBranch: fmt(c.pollsPerBranch),
          grantsPerToken: fmt(c.grantsPerToken),
          preflightPerRun: c.preflight,
          requestsInUp: c.total,
        },
      );
      const preview = median(a.noChange.preview);
      const up = median(a.noChange.up);
      report(
        "no-change preview / up ÷ do-nothing floor",
        `${fmt(preview)} / ${fmt(up)}`,
        "≤ 1.05 / ≤ 1.10",
        preview <= 1.05 && up <= 1.1,
        {
          previewRatios: a.noChange.preview.map((r) => fmt(r)),
          upRatios: a.noChange.up.map((r) => fmt(r)),
        },
      );
      const stateRatio = a.state.real / a.state.floor;
      report("state per resource ÷ do-nothing resource", fmt(stateRatio), "≤ 1.5", stateRatio <= 1.5, {
        bytes: { real: Math.round(a.state.real), floor: Math.round(a.state.floor) },
      });
    }
    if (runs("readiness")) {
      const rs = quick ? [500, 3000] : [500, 3000, 20_000];
      const ready = [];
      for (const r of rs) ready.push({ r, ...(await readiness(r)) });
      const readyPass =
        ready.every((x) => x.late <= Math.max(0.3, 0.1 * (x.r / 1000)) + 0.05) &&
        ready.every((x) => x.r !== 20_000 || x.polls <= 15);
      if (rs.length > 0)
        report(
          "readiness detected after it happens",
          ready.map((x) => `${fmt(x.late)} s at R = ${x.r / 1000} s (${x.polls} polls)`).join(", "),
          "≤ max(0.3 s, 10% R), ≤ 15 polls at R = 20 s",
          readyPass,
        );
    }
    if (runs("deploy")) await deployRow();
    if (runs("database")) {
      const d = await shapeScenario("d", { shape: "database", count: 5, readyMs: 1000 });
      report("up, 5 databases, R = 1 s ÷ (5 do-nothing + R)", spread(d.ratios), "≤ 1.3", d.ratio <= 1.3, {
        realSeconds: d.times.real.map((x) => fmt(x, 1)),
        floorSeconds: d.times.floor.map((x) => fmt(x, 1)),
        requests: d.requests,
      });
    }
    if (runs("preview")) {
      // Two waits of PlanetScale's in a row: the branch's readiness (a deploy request needs a
      // ready branch), then the deploy request's own check of the schema (R in the emulator too).
      const p = await shapeScenario("p", { shape: "preview", count: 1, readyMs: 1000, waits: 2 });
      report(
        "up, a preview environment (Branch + BranchPassword + ApiToken + DeployRequest), R = 1 s ÷ (4 do-nothing + 2R: the branch's readiness, then the deploy request's check)",
        spread(p.ratios),
        "≤ 1.3",
        p.ratio <= 1.3,
        {
          realSeconds: p.times.real.map((x) => fmt(x, 1)),
          floorSeconds: p.times.floor.map((x) => fmt(x, 1)),
          requests: p.requests,
        },
      );
    }
    if (runs("cold")) {
      const k = await coldScenario({ readyMs: 1000, waits: 2 });
      report(
        "time to a working DATABASE_URL from a cold process (the example, fresh PULUMI_HOME), R = 1 s ÷ (do-nothing + 2R, as the preview environment)",
        spread(k.ratios),
        "≤ 1.2",
        k.ratio <= 1.2,
        {
          realSeconds: k.times.real.map((x) => fmt(x, 1)),
          floorSeconds: k.times.floor.map((x) => fmt(x, 1)),
        },
      );
    }
    if (runs("stacks")) {
      for (const [stacks, branches, limit] of STACK_ROWS) {
        const s = await sharedLimit(stacks, branches, limit);
        // At PlanetScale's documented limit the stacks should not meet it at all. Under a lower
        // one, each stack (a CI runner of its own) learns the limit from its own 429s: their
        // share is printed, the goal is the time (see bench/README.md).
        const documented = limit >= PLANETSCALE_LIMIT;
        report(
          `${stacks} stacks × ${branches} branches sharing ${limit}/min ÷ the limit's true floor`,
          fmt(s.ratio),
          documented ? "≤ 1.10, 0 failures, ≤ 5% 429s" : "≤ 1.10, 0 failures",
          s.ratio <= 1.1 && s.failures === 0 && (!documented || s.share429 <= 0.05),
          {
            // The same floor replayed from the limited run's first request: free of the start-up
            // noise of ten CLIs on two cores (what the client does starts with its first request).
            alignedRatio: fmt(s.alignedRatio),
            seconds: fmt(s.seconds, 1),
            floorSeconds: fmt(s.floor, 1),
            alignedFloorSeconds: fmt(s.alignedFloor, 1),
            looseFloorSeconds: fmt(s.looseFloor, 1),
            freeSeconds: fmt(s.free, 1),
            failures: s.failures,
            share429: fmt(s.share429, 3),
            rejectedByMinute: s.rejectedByMinute,
            requests: s.requests,
          },
        );
      }
    }
  } finally {
    await emu.stop();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
  const out = {
    date: new Date().toISOString(),
    package: flags.package ? packageRoot : undefined,
    loadAverage: { atStart: loadAtStart, atEnd: loadavg() },
    quick,
    stacksOnly,
    noChangeOnly,
    rows: only,
    rounds,
    node: process.version,
    results,
  };
  const file = flags.out
    ? resolve(flags.out)
    : flags.only || flags["deploy-only"]
      ? `bench/results-${only.join("-")}.json`
      : stacksOnly
        ? "bench/results-stacks.json"
        : noChangeOnly
          ? "bench/results-no-change.json"
          : "bench/results.json";
  writeFileSync(resolve(root, file), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

await main();
