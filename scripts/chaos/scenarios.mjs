// The scenarios of the ownership issue ("What was seen" 1–7), random-fault runs, and bad inputs.
// Each takes a fresh Scenario (emulator with a colleague's objects, project) and the run options
// ({ quick, rng, runs }); the figures are measured by the Scenario's audits, never asserted here.
import { alive } from "./processes.mjs";
import { waitFor } from "./project.mjs";
import { recoverInterruptedRun } from "./recover.mjs";
import { FOREIGN, lastError } from "./scenario.mjs";
import { teamScenario } from "./team.mjs";

const BRANCHES = "/organizations/acme/databases/*/branches";
const TOKENS = "/organizations/acme/service-tokens";
const GRANTS = "/organizations/acme/service-tokens/*/access";

const branch = (name, args = {}) => ({ kind: "Branch", name, args: { database: "app", name, ...args } });
const token = (name, args = {}) => ({
  kind: "ApiToken",
  name,
  args: { name, scopes: ["read_only"], databases: ["app"], ttl: "1h", ...args },
});

/** 1. A colleague's branch, declared without `adopt`, and an unknown outcome on our create. */
async function foreignBranch(s, { quick }) {
  const faults = quick ? ["status"] : ["status", "drop", "fail-after-acting"];
  s.project.setProgram([branch("staging", { name: FOREIGN.branch })]);
  for (const action of faults) {
    const r = await s.run(["up", "--yes"], {
      faults: { rules: [{ method: "POST", path: BRANCHES, action, status: 503 }] },
    });
    s.log(`  up with a ${action} on the create: exit ${r.code}: ${lastError(r.output)}`);
    await s.audit(`after up (${action})`, null);
  }
  s.project.setProgram([]);
  await s.run(["destroy", "--yes"]);
  await s.audit("after destroy", []);
}

/** 2. Two Branch resources with one name, and a 503 on the create. */
async function sameNameBranches(s) {
  s.project.setProgram([branch("api", { name: "pr-7" }), branch("web", { name: "pr-7" })]);
  const r = await s.run(["up", "--yes"], {
    faults: { rules: [{ method: "POST", path: BRANCHES, action: "status", status: 503 }] },
  });
  s.log(`  up: exit ${r.code}: ${lastError(r.output)}`);
  await s.audit("after up", null);
  await s.run(["destroy", "--yes"]);
  await s.audit("after destroy", []);
}

/** 3. Two ApiTokens with one name + a 500 on a token POST; then one token named as a colleague's. */
async function sameNameTokens(s) {
  s.project.setProgram([token("deploy", { name: "ci" }), token("migrate", { name: "ci" })]);
  const fault = { rules: [{ method: "POST", path: TOKENS, action: "fail-after-acting", status: 500 }] };
  const r = await s.run(["up", "--yes"], { faults: fault });
  s.log(`  up with two tokens named ci: exit ${r.code}: ${lastError(r.output)}`);
  await s.audit("after up", null);
  const program = [token("deploy", { name: "ci" })];
  s.project.setProgram(program);
  const attempts = await s.upUntilDone(fault);
  s.log(`  one token named ci (as the colleague's) converged ${attempts}`);
  await s.audit("after up", program);
  s.project.setProgram([]);
  await s.destroyUntilDone(fault);
  await s.audit("after destroy", []);
}

/**
 * 4. Creates answered with a failure and applied by the backend later: a token and a branch 1.5 s
 * later, a password 1.5 s and a Postgres role 4 s later (issue 21: passwords and roles left a second
 * one behind).
 */
async function lateCreates(s) {
  const program = [
    token("late", { name: "late-ci" }),
    branch("late-branch"),
    { kind: "BranchPassword", name: "late-pw", args: { database: "app", branch: "main", name: "late-pw" } },
    {
      kind: "BranchRole",
      name: "late-role",
      args: { database: "pg-app", branch: "main", name: "late-role" },
    },
  ];
  s.project.setProgram(program);
  const faults = {
    rules: [
      { method: "POST", path: TOKENS, action: "apply-late", status: 504, delayMs: 1500 },
      { method: "POST", path: BRANCHES, action: "apply-late", mode: "drop", delayMs: 1500 },
      { method: "POST", path: `${BRANCHES}/*/passwords`, action: "apply-late", status: 504, delayMs: 1500 },
      { method: "POST", path: `${BRANCHES}/*/roles`, action: "apply-late", status: 504, delayMs: 4000 },
    ],
  };
  const attempts = await s.upUntilDone(faults);
  s.log(`  converged ${attempts}`);
  await s.emulator.lateApplied();
  await s.audit("after up and every late create", program);
  s.project.setProgram([]);
  await s.destroyUntilDone({});
  await s.audit("after destroy", []);
}

/** 5. A 2xx answer whose body cannot be read, to a branch create and to a token create. */
async function unreadableAnswers(s, { quick }) {
  const bodies = [
    ["invalid JSON", "{not json"],
    ["an empty body", ""],
    ["the wrong shape", { unexpected: true }],
    ["an oversize body", "x".repeat(33 * 1024 * 1024)],
  ];
  for (const [what, body] of quick ? bodies.slice(0, 1) : bodies) {
    const slug = what.toLowerCase().replace(/\W+/g, "-");
    const program = [branch(`b-${slug}`), token(`t-${slug}`)];
    s.project.setProgram(program);
    const attempts = await s.upUntilDone({
      rules: [
        { method: "POST", path: BRANCHES, action: "fail-after-acting", status: 201, body },
        { method: "POST", path: TOKENS, action: "fail-after-acting", status: 200, body },
      ],
    });
    s.log(`  ${what}: converged ${attempts}`);
    await s.audit(`after up (${what})`, program);
  }
  s.project.setProgram([]);
  await s.destroyUntilDone({});
  await s.audit("after destroy", []);
}

/** Requests the emulator answered since the scenario began, for kill-point conditions. */
function sentSince(s) {
  const path = (r) => r.path.replace(/^\/v1/, "");
  const all = s.emulator.requests().slice(s.firstRequest);
  const ok = (r) => r.status >= 200 && r.status < 300 && r.fault === undefined;
  return {
    branchCreates: all.filter((r) => r.method === "POST" && /\/branches$/.test(path(r)) && ok(r)).length,
    readinessPolls: all.filter((r) => r.method === "GET" && /\/branches\/(?!main$)[^/]+$/.test(path(r)))
      .length,
    tokenCreates: all.filter((r) => r.method === "POST" && /\/service-tokens$/.test(path(r)) && ok(r)).length,
    grants: all.filter((r) => r.method === "POST" && /\/access$/.test(path(r)) && ok(r)).length,
  };
}

/** Moments of an `up` (3 branches, 1 token with 3 grants) at which the CLI or the host is killed. */
const KILL_POINTS = [
  ["after the first branch create", (n) => n.branchCreates >= 1],
  ["while branches are polled for readiness", (n) => n.readinessPolls >= 2],
  ["between the token's creation and its grants", (n) => n.tokenCreates >= 1 && n.grants === 0],
  ["between two grants of the token", (n) => n.grants >= 1],
  ["once every object exists, before the run ends", (n) => n.branchCreates >= 3 && n.grants >= 3],
];

/** 6. SIGKILL of the CLI or of the provider host mid-`up`, then the documented recovery. */
async function interruptedRun(s, { point, target }) {
  const [moment, condition] = point;
  const program = [
    branch("i-1"),
    branch("i-2"),
    branch("i-3"),
    token("i-token", { databases: ["app", "other"] }),
  ];
  s.project.setProgram(program);
  // Latency widens every window; the first grant is held back by two 503s.
  const faults = {
    latencyMs: 100,
    rules: [{ method: "POST", path: GRANTS, action: "status", status: 503, times: 2 }],
  };
  const r = await s.run(["up", "--yes"], { faults, kill: { target, when: () => condition(sentSince(s)) } });
  s.totals.interrupted++;
  if (!r.killed) {
    s.log(`  the ${target} was never killed (the up ended first: exit ${r.code}); counted as not recovered`);
    return;
  }
  s.log(`  killed the ${target} (pid ${r.killed.pid}) ${moment}; up exited ${r.code}`);
  if (r.hostsLeft.length > 0) {
    const stopped = await waitFor(() => r.hostsLeft.every((pid) => !alive(pid)), 30_000);
    const ms = Date.now() - r.killed.at;
    s.log(
      `  the provider host left behind ${stopped ? `stopped ${ms} ms after the kill` : "still runs after 30 s: killed"}`,
    );
    if (!stopped) for (const pid of r.hostsLeft) killQuietly(pid);
  }
  const recovery = await recoverInterruptedRun(s.project);
  const a = await s.agreement(program);
  const exact = recovery.ok && a.lost + a.duplicates + a.orphans + a.pending === 0;
  s.log(
    recovery.ok
      ? `  recovery ran: lost=${a.lost} duplicates=${a.duplicates} orphans=${a.orphans} pending=${a.pending}`
      : `  recovery failed at \`${recovery.step}\`: ${firstLine(recovery.output)}`,
  );
  for (const p of a.problems) s.log(`    ${p}`);
  if (!exact) return;
  s.totals.recovered++;
  s.project.setProgram([]);
  await s.destroyUntilDone({});
  await s.audit("after destroy", []);
}

/** 7. Expired tokens: refresh, up and destroy each delete ours. */
async function expiredTokens(s, { quick }) {
  const program = [token("short", { name: "short-lived", ttl: 2 })];
  s.project.setProgram(program);
  const expired = () =>
    s.emulator
      .snapshot()
      .serviceTokens.some((t) => t.name === "short-lived" && Date.parse(t.expiresAt) <= Date.now());
  await s.upUntilDone({});
  await waitFor(expired, 30_000);
  await s.run(["refresh", "--yes"]);
  await s.audit("after refresh of an expired token", null);
  if (!quick) {
    await s.upUntilDone({});
    await s.audit("after up", program);
    await waitFor(expired, 30_000);
    await s.upUntilDone({});
    await s.audit("after up over an expired token", program);
    await waitFor(expired, 30_000);
  }
  s.project.setProgram([]);
  await s.destroyUntilDone({});
  await s.audit("after destroy", []);
}

/**
 * 8. `pulumi destroy` of a stack whose branch is deletion-protected: it must fail before anything of
 * the stack is deleted (issue 21: the password and the token went first). Counted as lost if any
 * object of the program is gone after the refused destroy.
 */
async function protectedDestroy(s) {
  const program = [
    branch("guarded", { deletionProtected: true }),
    {
      kind: "BranchPassword",
      name: "guarded-app",
      args: { database: "app", branch: "main", name: "guarded-app" },
    },
    token("guarded-ci", { name: "guarded-ci" }),
  ];
  s.project.setProgram(program);
  s.log(`  up: converged ${await s.upUntilDone({})}`);
  const deletes = () => s.emulator.requests().filter((r) => r.method === "DELETE").length;
  const before = deletes();
  const r = await s.run(["destroy", "--yes"]);
  s.log(`  destroy: exit ${r.code}, ${deletes() - before} DELETE request(s): ${lastError(r.output)}`);
  await s.audit("after the refused destroy", program);
  program[0] = branch("guarded", { deletionProtected: false });
  s.project.setProgram(program);
  s.log(`  protection switched off: ${await s.upUntilDone({})}`);
  s.project.setProgram([]);
  await s.destroyUntilDone({});
  await s.audit("after destroy", []);
}

/** A program of `size` resources: branches on two databases, tokens (two named as the colleague's). */
function randomProgram(rng, size) {
  const tokens = Math.max(2, Math.round(size * (0.2 + rng() * 0.15)));
  const out = [];
  for (let i = 0; i < size - tokens; i++)
    out.push(branch(`r-${i}`, { database: rng() < 0.7 ? "app" : "other" }));
  for (let i = 0; i < tokens; i++) {
    const name = FOREIGN.tokens[i] ?? `rt-${i}`;
    const scopes = [["read_only"], ["schema_changes"], ["read_only", "schema_changes"]][
      Math.floor(rng() * 3)
    ];
    out.push(token(`rt-${i}`, { name, scopes, databases: rng() < 0.5 ? ["app"] : ["app", "other"] }));
  }
  return out;
}

/** Random faults on 20–35% of requests (more on changes), one late create and one unreadable 2xx. */
function randomFaults(rng) {
  const rate = 0.2 + rng() * 0.15;
  const share = (x) => Number((rate * x).toFixed(3));
  return {
    latencyMs: 5,
    jitterMs: 20,
    // Shares of `rate` for every request; changes may also fail after acting.
    statusProbability: { 429: share(0.25), 500: share(0.2), 502: share(0.15), 503: share(0.25) },
    dropProbability: share(0.15),
    failAfterActing: { probability: share(0.5), mode: rng() < 0.5 ? "status" : "drop" },
    rules: [
      { method: "POST", path: TOKENS, action: "apply-late", status: 504, delayMs: 1500 },
      { method: "POST", path: BRANCHES, action: "fail-after-acting", status: 201, body: "{not json" },
    ],
  };
}

/** Random faults on `up` and `destroy` of a ~40-resource program. */
async function randomRun(s, { rng, quick }) {
  const program = randomProgram(rng, quick ? 10 : 40);
  s.project.setProgram(program);
  const faults = randomFaults(rng);
  s.log(`  ${program.length} resources; faults ${JSON.stringify({ ...faults, rules: undefined })}`);
  const ups = await s.upUntilDone(faults, 6);
  s.log(`  up converged ${ups}`);
  await s.emulator.lateApplied();
  const preview = await s.run(["preview", "--expect-no-changes"]);
  s.log(
    `  preview without faults: ${preview.code === 0 ? "no changes" : `exit ${preview.code}: ${lastError(preview.output)}`}`,
  );
  await s.audit("after up", program);
  s.project.setProgram([]);
  const destroys = await s.destroyUntilDone(randomFaults(rng), 6);
  s.log(`  destroy converged ${destroys}`);
  await s.emulator.lateApplied();
  await s.audit("after destroy", []);
}

/** Bad inputs: each must fail `pulumi preview`, naming the property, with zero API calls. */
export const BAD_INPUTS = [
  ["ttl: 1e308", token("bad", { ttl: 1e308 }), "ttl"],
  ['ttl: "99999999d"', token("bad", { ttl: "99999999d" }), "ttl"],
  [
    "expiresAt in year 9999",
    token("bad", { ttl: undefined, expiresAt: "9999-12-31T00:00:00Z" }),
    "expiresAt",
  ],
  ["a whitespace-only token name", token("bad", { name: "   " }), "name"],
  ["a control character in a token name", token("bad", { name: "ci\u0007bell" }), "name"],
  ["an ANSI escape in a token name", token("bad", { name: "ci\u001b[31mred" }), "name"],
  ["an object readyTimeout", branch("bad", { readyTimeout: { minutes: 5 } }), "readyTimeout"],
  ["permissions: [42]", token("bad", { permissions: [42] }), "permissions"],
  ["namePrefix: 42", token("bad", { name: undefined, namePrefix: 42 }), "namePrefix"],
  ["an unknown scope", token("bad", { scopes: ["root"] }), "scopes"],
  ['a negative ttl "-1h"', token("bad", { ttl: "-1h" }), "ttl"],
  ["both ttl and expiresAt", token("bad", { expiresAt: "2030-01-01T00:00:00Z" }), "(?:ttl|expiresAt)"],
  [
    "an expiresAt in the past",
    token("bad", { ttl: undefined, expiresAt: "2001-01-01T00:00:00Z" }),
    "expiresAt",
  ],
  ["a branch name PlanetScale refuses", branch("bad", { name: "Bad Name!" }), "name"],
  ["an empty database", branch("bad", { database: "" }), "database"],
];
const QUICK_BAD_INPUTS = ["ttl: 1e308", "an ANSI escape in a token name", "an object readyTimeout"];

async function badInputs(s, { quick }) {
  for (const [what, resource, property] of BAD_INPUTS) {
    if (quick && !QUICK_BAD_INPUTS.includes(what)) continue;
    s.project.setProgram([resource]);
    const from = s.emulator.requests().length;
    const r = await s.run(["preview"]);
    const calls = s.emulator.requests().length - from;
    const named = new RegExp(`\\b${property}\\b`).test(r.output.split("has a problem:").slice(1).join(" "));
    const refused = r.code !== 0 && calls === 0 && named;
    s.totals.badTried++;
    if (refused) s.totals.badRefused++;
    s.log(
      `  ${refused ? "refused" : "NOT refused"}: ${what} (exit ${r.code}, ${calls} API calls, ${named ? "names" : "does not name"} ${property})${refused ? "" : `: ${lastError(r.output)}`}`,
    );
  }
}

/** How many stacks share the token and the backend in the team scenarios (`--quick`, full). */
const TEAM_SIZE = { quick: 4, full: 6 };

/** Every scenario, in order: [title, run, options for its emulator]. */
export function scenarios({ quick, runs }) {
  const list = [
    ["1. a colleague's branch and an unknown outcome on our create", foreignBranch],
    ["2. two Branch resources with one name, and a 503", sameNameBranches],
    ["3. two ApiTokens with one name, and a 500 after acting", sameNameTokens],
    ["4. creates applied late", lateCreates],
    ["5. 2xx answers that cannot be read", unreadableAnswers],
  ];
  const points = quick ? [KILL_POINTS[2]] : KILL_POINTS;
  for (const target of ["cli", "host"])
    for (const point of points)
      list.push([
        `6. SIGKILL of the ${target} ${point[0]}`,
        (s) => interruptedRun(s, { point, target }),
        { readyDelayMs: 1000 },
      ]);
  list.push(["7. expired tokens", expiredTokens]);
  list.push(["8. a deletion-protected branch and destroy", protectedDestroy]);
  for (let i = 1; i <= runs; i++) list.push([`random faults, run ${i}/${runs}`, randomRun]);
  list.push(["bad inputs at preview", badInputs]);
  // A team: stacks sharing one token and one backend (issue 21), on a file and a PostgreSQL backend.
  const size = quick ? TEAM_SIZE.quick : TEAM_SIZE.full;
  for (const backend of ["file", "postgres"])
    list.push([
      `team of ${size} stacks, one token, one ${backend} backend`,
      (s, o) => teamScenario(s, { ...o, backend, size }),
    ]);
  return list;
}

/** The first line a command printed (a usage error's reason comes first). */
function firstLine(output) {
  return (output.split("\n").find((l) => l.trim() !== "") ?? "").trim().slice(0, 300);
}

function killQuietly(pid) {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
