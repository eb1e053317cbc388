#!/usr/bin/env node
// `npm run pulumi -- <args>`: the Pulumi CLI at the SDK's version (built and cached by
// scripts/pulumi-cli.sh on first use), with this project's local settings unless already set:
//   PULUMI_BACKEND_URL=file://<repo>/.pulumi-state   (a local file backend, no account needed)
//   PULUMI_HOME=<repo>/.pulumi-home                  (plugins and credentials kept per project)
//   PULUMI_CONFIG_PASSPHRASE=local-demo              (encrypts secrets in the local state; set your own)
//   PULUMI_SKIP_UPDATE_CHECK=true, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
// Commands that run the program (up, preview, refresh, destroy) get a language runtime from
// scripts/lib/program-host.cjs when no `pulumi-language-nodejs` is installed.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";

const require = createRequire(import.meta.url);
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Directory holding `pulumi` (built or found by scripts/pulumi-cli.sh). */
export function cliDirectory() {
  const r = spawnSync("bash", [join(root, "scripts/pulumi-cli.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  return r.stdout.trim().split("\n").pop();
}

/** The environment the CLI runs with: the project's local defaults under the caller's settings. */
export function pulumiEnv(cliDir, projectDir = root) {
  const env = { ...process.env };
  env.PATH = [cliDir, join(root, "node_modules/.bin"), env.PATH].join(delimiter);
  env.PULUMI_HOME ??= join(projectDir, ".pulumi-home");
  if (!env.PULUMI_BACKEND_URL) {
    mkdirSync(join(projectDir, ".pulumi-state"), { recursive: true });
    env.PULUMI_BACKEND_URL = `file://${join(projectDir, ".pulumi-state")}`;
  }
  if (env.PULUMI_CONFIG_PASSPHRASE === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined) {
    env.PULUMI_CONFIG_PASSPHRASE = "local-demo";
  }
  env.PULUMI_SKIP_UPDATE_CHECK ??= "true";
  env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION ??= "true";
  return env;
}

/** Runs `pulumi <args>` in `projectDir`; resolves with its exit code. */
export async function runPulumi(
  args,
  { projectDir = root, cliDir = cliDirectory(), stdio = "inherit", env } = {},
) {
  const fullEnv = { ...pulumiEnv(cliDir, projectDir), ...env };
  const command = args.find((a) => !a.startsWith("-"));
  const { startProgramHost, PROGRAM_COMMANDS } = require("./lib/program-host.cjs");
  const needsHost =
    PROGRAM_COMMANDS.has(command) &&
    !args.some((a) => a.startsWith("--client")) &&
    !existsSync(join(cliDir, "pulumi-language-nodejs"));
  let host;
  if (needsHost) {
    // The program runs in this process, which must see the stack's environment too.
    Object.assign(process.env, fullEnv);
    host = await startProgramHost(projectDir);
    args = [...args, `--client=${host.address}`];
  }
  const child = spawn(join(cliDir, "pulumi"), args, { cwd: projectDir, env: fullEnv, stdio });
  const forward = (sig) => child.kill(sig);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise((resolve) => child.on("exit", (c, sig) => resolve(c ?? (sig ? 1 : 0))));
  process.off("SIGINT", forward);
  process.off("SIGTERM", forward);
  host?.close();
  return code;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const code = await runPulumi(process.argv.slice(2));
  process.exit(code);
}
