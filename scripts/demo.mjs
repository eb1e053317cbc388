#!/usr/bin/env node
// `npm run demo`: runs the root Pulumi program (a pull request's preview environment) with the
// real Pulumi CLI against the built-in PlanetScale emulator, with a local file backend. No account.
//
//   npm run demo                 pulumi up: creates branch pr-123, its password and a read-only token
//   npm run demo -- preview      what would change
//   npm run demo -- destroy      removes both again
//   npm run demo -- --pr 42      another pull request number
//
// State lives in .demo/ (the emulator's data and Pulumi's state), so a later run sees what an
// earlier one created. Delete .demo/ to start over.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cliDirectory, runPulumi } from "./pulumi.mjs";

const require = createRequire(import.meta.url);
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { pr: { type: "string" }, help: { type: "boolean", short: "h" } },
});
if (values.help) {
  console.log("usage: npm run demo -- [up|preview|refresh|destroy] [--pr N]");
  process.exit(0);
}
const action = positionals[0] ?? "up";
if (!["up", "preview", "refresh", "destroy"].includes(action)) {
  console.error(`unknown action '${action}': use up, preview, refresh or destroy`);
  process.exit(2);
}

const say = (line) => console.log(`\n\x1b[1m== ${line}\x1b[0m`);
const demoDir = join(root, ".demo");
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
  readyDelayMs: 2000,
  quiet: true,
});
console.log(`emulator at ${emulator.apiUrl}`);

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
  say("Selecting stack 'demo' (local file backend in .demo/)");
  await pulumi(["stack", "select", "--create", "demo"]);
  // The API URL changes with the emulator's port; the credential goes in as a secret.
  await pulumi(["config", "set", "planetscale:apiUrl", emulator.apiUrl]);
  await pulumi(["config", "set", "planetscale:organization", emulator.organization]);
  await pulumi(["config", "set", "--plaintext", "planetscale:serviceTokenId", emulator.adminCredential.id]);
  await pulumi(["config", "set", "--secret", "planetscale:serviceToken", emulator.adminCredential.token]);
  if (values.pr) await pulumi(["config", "set", "pr", values.pr]);

  say(`pulumi ${action}`);
  // The emulator's port changes between runs; --run-program makes destroy and refresh configure the
  // provider from the current config instead of the settings saved in state.
  const args =
    action === "preview"
      ? ["preview"]
      : [action, "--yes", "--skip-preview", ...(action === "up" ? [] : ["--run-program"])];
  exitCode = await pulumi([...args, "--non-interactive"], { allowFail: true });

  if (exitCode === 0 && action !== "preview") {
    say("Stack outputs (secrets stay hidden: add --show-secrets to see them)");
    await pulumi(["stack", "output"]);
    say("Branches of acme/app, as the PlanetScale API reports them");
    await printBranches();
  }
  if (exitCode === 0 && action === "up") {
    say("Next");
    console.log(
      [
        "  npm run demo -- preview          no changes: the stack matches PlanetScale",
        "  npm run demo -- --pr 42          a second pull request's environment replaces this one",
        "  npm run demo -- destroy          removes the branch, its password and the token",
        "  npm run pulumi -- stack output databaseUrl --show-secrets   the app's DATABASE_URL (secret)",
        "  npm run pulumi -- <command>      any Pulumi command (set PULUMI_BACKEND_URL=file://$PWD/.demo/pulumi-state",
        "                                   and PULUMI_CONFIG_PASSPHRASE=local-demo to reach this stack)",
      ].join("\n"),
    );
  }
} finally {
  await emulator.stop();
}
process.exit(exitCode);

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
  const table = [["NAME", "ID", "PARENT", "STATE", "PRODUCTION"], ...rows];
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => String(r[i]).length)));
  for (const r of table) console.log(`  ${r.map((c, i) => String(c).padEnd(widths[i])).join("  ")}`);
}
