#!/usr/bin/env node
// `npm run demo`: runs the root Pulumi program (a pull request's preview environment) with the
// real Pulumi CLI against the built-in PlanetScale emulator, with a local file backend. No account.
//
//   npm run demo                      pulumi up: creates branch pr-123, its password, a read-only token
//                                     and its deploy request; runs the pull request's migration on the
//                                     branch and shows the schema change it will deploy
//   npm run demo -- preview           what would change: the program against the stack's state
//   npm run demo -- refresh           reads every resource from PlanetScale into the state
//   npm run demo -- merge             the pull request is merged: its schema change is deployed to main
//                                     (pulumi up waits until it is live), then its environment is destroyed
//   npm run demo -- destroy           removes them again, and the stack
//   npm run demo -- --pr 42           another pull request: its own stack pr-42, next to pr-123
//   npm run demo -- destroy --pr 42   removes only pull request 42's environment
//
// One stack per pull request (`pr-<n>`), as a CI workflow would do it (examples/preview-environment/).
// State lives in .demo/ (the emulator's data and Pulumi's state), so a later run sees what an
// earlier one created. Delete .demo/ to start over. PULUMI_PLANETSCALE_DEMO_DIR=<dir> keeps it in
// <dir> instead (the tests use it to run the demo without touching a developer's .demo/; the stack
// config files Pulumi.pr-<n>.yaml still go next to Pulumi.yaml, as Pulumi puts them there).
// PULUMI_PLANETSCALE_DEMO_READY_DELAY_MS=<ms> changes how long a new branch takes to become ready
// (default 2000; the tests use 0 to stay fast).
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { cliDirectory, pulumiEnv, runPulumi } from "./pulumi.mjs";

const require = createRequire(import.meta.url);
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { pr: { type: "string" }, help: { type: "boolean", short: "h" } },
});
if (values.help) {
  console.log("usage: npm run demo -- [up|preview|refresh|merge|destroy] [--pr N]");
  process.exit(0);
}
const action = positionals[0] ?? "up";
const pr = values.pr ?? "123";
if (!/^[1-9][0-9]*$/.test(pr)) {
  console.error(`--pr must be a pull request number, got '${pr}'`);
  process.exit(2);
}
const stackName = `pr-${pr}`;
if (!["up", "preview", "refresh", "merge", "destroy"].includes(action)) {
  console.error(`unknown action '${action}': use up, preview, refresh, merge or destroy`);
  process.exit(2);
}

const say = (line) => console.log(`\n\x1b[1m== ${line}\x1b[0m`);
const demoDir = process.env.PULUMI_PLANETSCALE_DEMO_DIR
  ? resolve(process.env.PULUMI_PLANETSCALE_DEMO_DIR)
  : join(root, ".demo");
mkdirSync(join(demoDir, "pulumi-state"), { recursive: true });

say("Pulumi CLI");
const cliDir = cliDirectory();

say(
  "Starting the PlanetScale emulator (organization acme, MySQL database app and Postgres pg-app, each with branch main)",
);
const { startEmulator } = require(join(root, "dist/emulator/index.js"));
// A fixed demo credential and a state file, so `npm run demo -- destroy` later finds what `up` made.
const emulator = await startEmulator({
  stateFile: join(demoDir, "emulator-state.json"),
  adminToken: { id: "demodemo0001", token: "pscale_tkn_demo_local_emulator_only" },
  // New branches take 2 s to become ready, as a glimpse of PlanetScale's wait (and each phase of a
  // deploy request as long); tests set 0.
  readyDelayMs: readyDelayMs(),
  // PlanetScale keeps a deployed change revertible for 30 minutes, holding the database's deploy
  // queue meanwhile; the demo keeps it 30 s, so a second merge does not wait long.
  revertWindowMs: 30_000,
  quiet: true,
});
console.log(`emulator at ${emulator.apiUrl}`);
// One-time setup of the database, as on PlanetScale: deploy requests go only into a branch with safe
// migrations on (\`pscale branch safe-migrations enable app main\`).
await api("POST", "/organizations/acme/databases/app/branches/main/safe-migrations");

const env = {
  PULUMI_BACKEND_URL: `file://${join(demoDir, "pulumi-state")}`,
  PULUMI_HOME: join(demoDir, "pulumi-home"),
  PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "local-demo",
};
const pulumi = async (args, { allowFail = false } = {}) => {
  const code = await runPulumi(args, { cliDir, env });
  if (code !== 0 && !allowFail) {
    await emulator.stop();
    console.error(`\npulumi ${args.join(" ")} failed (exit ${code})`);
    process.exit(code);
  }
  return code;
};

let exitCode = 0;
try {
  say(`Selecting stack '${stackName}': one stack per pull request (local file backend in .demo/)`);
  await pulumi(["stack", "select", "--create", stackName]);
  // The API URL changes with the emulator's port; the credential goes in as a secret.
  // One `config set-all` rather than five `config set`: each CLI start costs about a second.
  await pulumi([
    "config",
    "set-all",
    "--plaintext",
    `planetscale:apiUrl=${emulator.apiUrl}`,
    "--plaintext",
    `planetscale:organization=${emulator.organization}`,
    "--plaintext",
    `planetscale:serviceTokenId=${emulator.adminCredential.id}`,
    "--secret",
    `planetscale:serviceToken=${emulator.adminCredential.token}`,
    "--plaintext",
    `pr=${pr}`,
  ]);

  if (action === "merge") exitCode = await merge();
  else {
    say(`pulumi ${action}`);
    // The emulator's port changes between runs; --run-program makes destroy and refresh configure the
    // provider from the current config instead of the settings saved in state.
    const args =
      action === "preview"
        ? ["preview"]
        : [action, "--yes", "--skip-preview", ...(action === "up" ? [] : ["--run-program"])];
    const before = emulator.requests().length;
    exitCode = await pulumi([...args, "--non-interactive"], { allowFail: true });
    // What the command asked PlanetScale: a preview compares the program with the state, and with
    // nothing to change it asks nothing; refresh reads every resource.
    const asked = emulator.requests().slice(before);
    console.log(
      `\npulumi ${action} sent ${asked.length} request${asked.length === 1 ? "" : "s"} to the PlanetScale API` +
        (asked.length === 0
          ? ": it compared the program with the stack's state only"
          : ` (${summarize(asked)})`),
    );
  }
  if (exitCode === 0 && action === "up") exitCode = await migrate();

  if (exitCode === 0 && (action === "destroy" || action === "merge")) {
    say(`Removing stack '${stackName}' (the environment of pull request ${pr} is gone)`);
    await pulumi(["stack", "rm", "--yes", stackName]);
  } else if (exitCode === 0 && action !== "preview") {
    say("Stack outputs (secrets stay hidden: add --show-secrets to see them)");
    await pulumi(["stack", "output"]);
  }
  if (exitCode === 0 && action !== "preview") {
    say("Live preview environments (one stack per pull request)");
    printEnvironments();
    say("Branches of acme/app, as the PlanetScale API reports them");
    await printBranches();
    say("Tables of acme/app's main (production)");
    await printTables("main");
  }
  if (exitCode === 0 && action === "up") {
    say("Next");
    const other = pr === "42" ? "43" : "42";
    const destroy = `npm run demo -- destroy${pr === "123" ? "" : ` --pr ${pr}`}`;
    const hints = [
      [
        "npm run demo -- preview",
        "no changes: the program matches the stack's state (a no-change preview asks PlanetScale nothing)",
      ],
      [
        "npm run demo -- refresh",
        "reads each resource from PlanetScale and records what changed there outside Pulumi",
      ],
      [
        `npm run demo -- merge${pr === "123" ? "" : ` --pr ${pr}`}`,
        "merge the pull request: deploy its schema change to main, then remove its environment",
      ],
      [
        `npm run demo -- --pr ${other}`,
        "another pull request's environment, in its own stack next to this one",
      ],
      [destroy, "removes this environment (branch, password, token and stack) and nothing else"],
      [
        `npm run pulumi -- stack output databaseUrl --show-secrets --stack ${stackName}`,
        "the app's DATABASE_URL (secret)",
      ],
      [
        "npm run pulumi -- <command>",
        "any Pulumi command (set PULUMI_BACKEND_URL=file://$PWD/.demo/pulumi-state",
      ],
      ["", "and PULUMI_CONFIG_PASSPHRASE=local-demo to reach these stacks)"],
    ];
    const width = Math.max(...hints.map(([c]) => c.length)) + 2;
    console.log(hints.map(([c, what]) => `  ${c.padEnd(width)}${what}`).join("\n"));
  }
} finally {
  await emulator.stop();
}
process.exit(exitCode);

/**
 * What the pull request's CI does after \`up\`: its migration runs on the branch (here through the
 * emulator's DDL endpoint, standing in for a migration tool on the branch's DATABASE_URL), then
 * \`pulumi up --refresh\` reads the deploy request back, whose DDL the workflow comments on the pull
 * request.
 */
async function migrate() {
  const table = `pr_${pr}_notes`;
  say(`The pull request's migration runs on branch pr-${pr}: CREATE TABLE ${table}`);
  emulator.applySchema({ organization: emulator.organization, database: "app", branch: `pr-${pr}` }, [
    `CREATE TABLE IF NOT EXISTS ${table} (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, body text NOT NULL)`,
  ]);
  say("pulumi up --refresh: the deploy request follows the branch");
  const code = await pulumi(["up", "--refresh", "--yes", "--skip-preview", "--non-interactive"], {
    allowFail: true,
  });
  if (code !== 0) return code;
  say("The schema change, as the pull-request comment shows it");
  await pulumi(["stack", "output", "schemaChangeComment"]);
  return 0;
}

/** The pull request is merged: its schema change is deployed (waiting until live), then its environment goes. */
async function merge() {
  say(
    `Pull request ${pr} is merged: pulumi up deploys its schema change into main and waits until it is live`,
  );
  await pulumi(["config", "set", "merged", "true"]);
  const code = await pulumi(["up", "--yes", "--non-interactive"], { allowFail: true });
  if (code !== 0) return code;
  say(`Its environment is no longer needed: pulumi destroy (the deployed request stays, as history)`);
  return pulumi(["destroy", "--yes", "--skip-preview", "--run-program", "--non-interactive"], {
    allowFail: true,
  });
}

/** An API call as the demo's admin credential. */
async function api(method, path) {
  const res = await fetch(`${emulator.apiUrl}${path}`, {
    method,
    headers: { Authorization: `${emulator.adminCredential.id}:${emulator.adminCredential.token}` },
  });
  return res.json();
}

async function printTables(branch) {
  const schema = await api(
    "GET",
    `/organizations/${emulator.organization}/databases/app/branches/${branch}/schema`,
  );
  printTable([["TABLE"], ...schema.data.map((t) => [t.name])]);
}

/** `2 GET, 1 POST`: the requests' methods, counted. */
function summarize(requests) {
  const counts = new Map();
  for (const r of requests) counts.set(r.method, (counts.get(r.method) ?? 0) + 1);
  return [...counts].map(([method, n]) => `${n} ${method}`).join(", ");
}

/** The emulator's branch readiness delay: PULUMI_PLANETSCALE_DEMO_READY_DELAY_MS, else 2000. */
function readyDelayMs() {
  const given = process.env.PULUMI_PLANETSCALE_DEMO_READY_DELAY_MS;
  if (given === undefined || given === "") return 2000;
  if (!/^[0-9]+$/.test(given)) {
    console.error(`PULUMI_PLANETSCALE_DEMO_READY_DELAY_MS must be a number of milliseconds, got '${given}'`);
    process.exit(2);
  }
  return Number(given);
}

/** The stacks of the demo project with their resource counts: one per live pull request. */
function printEnvironments() {
  const r = spawnSync(join(cliDir, "pulumi"), ["stack", "ls", "--json"], {
    cwd: root,
    env: { ...pulumiEnv(cliDir), ...env },
    encoding: "utf8",
  });
  if (r.status !== 0) {
    console.error(r.stderr);
    return;
  }
  const stacks = JSON.parse(r.stdout);
  if (stacks.length === 0) console.log("  (none)");
  const rows = stacks.map((s) => [s.name, String(s.resourceCount ?? 0), s.current ? "(current)" : ""]);
  printTable([["STACK", "RESOURCES", ""], ...rows]);
}

function printTable(table) {
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
  for (const r of table)
    console.log(`  ${r.map((c, i) => String(c).padEnd(widths[i])).join("  ")}`.trimEnd());
}

async function printBranches() {
  const url = `${emulator.apiUrl}/organizations/${emulator.organization}/databases/app/branches?per_page=100`;
  const res = await fetch(url, {
    headers: { Authorization: `${emulator.adminCredential.id}:${emulator.adminCredential.token}` },
  });
  const body = await res.json();
  const rows = body.data.map((b) => [
    b.name,
    b.id,
    b.parent_branch ?? "-",
    b.state,
    b.production ? "yes" : "no",
  ]);
  printTable([["NAME", "ID", "PARENT", "STATE", "PRODUCTION"], ...rows]);
}
