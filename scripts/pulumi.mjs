#!/usr/bin/env node
// `npm run pulumi -- <args>`: the Pulumi CLI at the SDK's version (built and cached by
// scripts/pulumi-cli.sh on first use), with this project's local settings unless already set:
//   PULUMI_BACKEND_URL=file://<project>/.pulumi-state (a local file backend, no account needed;
//                                                     not after `pulumi login <backend>`)
//   PULUMI_HOME=<project>/.pulumi-home                (plugins and credentials kept per project)
//   PULUMI_CONFIG_PASSPHRASE=local-demo              (encrypts secrets in the local state; set your own)
//   PULUMI_SKIP_UPDATE_CHECK=true, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
// It acts on the project in the current directory (or `--cwd`/`-C <dir>`), like `pulumi` itself;
// the local state and PULUMI_HOME defaults live in that project's directory.
// Commands that run the program (up, preview, refresh, destroy) get a language runtime from
// scripts/lib/program-host.cjs when no `pulumi-language-nodejs` is installed: it runs the program
// in a child `node` on the SDK's own entry point, as the real language host does.
// Run as `pulumi` through scripts/bin/pulumi (first argument `--as-pulumi`), it sets none of the
// local settings above but the last line's: the Pulumi CLI's own defaults apply.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join, resolve } from "node:path";

const require = createRequire(import.meta.url);
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/**
 * Directory holding `pulumi`: PULUMI_PLANETSCALE_CLI_DIR when set (as `npm test` does), else built
 * or found by scripts/pulumi-cli.sh.
 */
export function cliDirectory() {
  const given = process.env.PULUMI_PLANETSCALE_CLI_DIR;
  if (given && existsSync(join(given, "pulumi"))) return given;
  const r = spawnSync("bash", [join(root, "scripts/pulumi-cli.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  return r.stdout.trim().split("\n").pop();
}

/** Whether `pulumi login` chose a backend for this PULUMI_HOME. */
function loggedIn(home) {
  try {
    return Boolean(JSON.parse(readFileSync(join(home, "credentials.json"), "utf8")).current);
  } catch {
    return false;
  }
}

/**
 * The environment the CLI runs with: the project's local defaults under the caller's settings.
 * `localBackend: false` leaves the backend alone, as `login` and `logout` need: creating the
 * default `.pulumi-state` for them would hide that a real `pulumi login file://<dir>` needs `<dir>`
 * to exist. `localDefaults: false` adds none of the project's defaults (backend, PULUMI_HOME,
 * passphrase), as for the `pulumi` launcher (scripts/bin/pulumi), which behaves as the Pulumi CLI.
 * That launcher sets the same PATH and settings itself for the commands it runs directly
 * (test/scripts/pulumi-launcher.test.ts compares the two): change both together.
 */
export function pulumiEnv(cliDir, projectDir = root, { localBackend = true, localDefaults = true } = {}) {
  const env = { ...process.env };
  env.PATH = [cliDir, join(root, "node_modules/.bin"), env.PATH].join(delimiter);
  env.PULUMI_SKIP_UPDATE_CHECK ??= "true";
  env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION ??= "true";
  if (!localDefaults) return env;
  env.PULUMI_HOME ||= join(projectDir, ".pulumi-home");
  // After `pulumi login <backend>`, the backend chosen there applies, as with a plain `pulumi`.
  if (localBackend && !env.PULUMI_BACKEND_URL && !loggedIn(env.PULUMI_HOME)) {
    mkdirSync(join(projectDir, ".pulumi-state"), { recursive: true });
    env.PULUMI_BACKEND_URL = `file://${join(projectDir, ".pulumi-state")}`;
  }
  if (env.PULUMI_CONFIG_PASSPHRASE === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined) {
    env.PULUMI_CONFIG_PASSPHRASE = "local-demo";
  }
  return env;
}

/**
 * Global flags of the Pulumi CLI that take a value (`--cwd dir`, `-C dir`, ...), so that the
 * command is never taken from an option's value.
 */
const VALUE_FLAGS = new Set([
  "--cwd",
  "-C",
  "--color",
  "--config-file",
  "--logflow",
  "--memprofilerate",
  "--otel-traces",
  "--profiling",
  "--stack",
  "-s",
  "--tracing",
  "--tracing-header",
  "--verbose",
  "-v",
]);

/**
 * Reads what `npm run pulumi` needs from the CLI's arguments: the command (the first word that is
 * neither a flag nor a flag's value) and the `--cwd`/`-C` directory, if any.
 */
export function parseCliArgs(args) {
  let command;
  let cwd;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") break;
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("-") && eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === "--cwd" || flag === "-C") cwd = eq > 0 ? arg.slice(eq + 1) : args[i + 1];
    else if (/^-C./.test(arg)) cwd = arg.slice(2);
    if (arg.startsWith("-")) {
      if (eq < 0 && VALUE_FLAGS.has(arg)) i++;
      continue;
    }
    command ??= arg;
  }
  return { command, cwd };
}

/** The nearest directory at or above `dir` holding a Pulumi.yaml, or `dir` when there is none. */
export function projectRoot(dir) {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, "Pulumi.yaml")) || existsSync(join(d, "Pulumi.yml"))) return d;
    if (dirname(d) === d) return resolve(dir);
  }
}

/**
 * Runs `pulumi <args>` from `cwd` (default: `projectDir`); resolves with its exit code. The local
 * state and PULUMI_HOME defaults live in `projectDir`, the project the command acts on.
 */
export async function runPulumi(
  args,
  {
    projectDir = root,
    cwd = projectDir,
    cliDir = cliDirectory(),
    stdio = "inherit",
    env,
    localDefaults = true,
  } = {},
) {
  const { command } = parseCliArgs(args);
  const localBackend = command !== "login" && command !== "logout";
  const fullEnv = { ...pulumiEnv(cliDir, projectDir, { localBackend, localDefaults }), ...env };
  const { startProgramHost, PROGRAM_COMMANDS } = require("./lib/program-host.cjs");
  const needsHost =
    PROGRAM_COMMANDS.has(command) &&
    !args.some((a) => a.startsWith("--client")) &&
    !existsSync(join(cliDir, "pulumi-language-nodejs"));
  let host;
  if (needsHost) {
    // Programs run in child processes with the environment the CLI gets, as under the real host.
    host = await startProgramHost(projectDir, fullEnv);
    args = [...args, `--client=${host.address}`];
  }
  const child = spawn(join(cliDir, "pulumi"), args, { cwd, env: fullEnv, stdio });
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
  let args = process.argv.slice(2);
  // `--as-pulumi` (first, from scripts/bin/pulumi): behave as the Pulumi CLI, no local defaults.
  const asPulumi = args[0] === "--as-pulumi";
  if (asPulumi) args = args.slice(1);
  // `npm run` starts scripts in the package's directory; INIT_CWD is where the user typed it.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const flagged = parseCliArgs(args).cwd;
  const projectDir = projectRoot(flagged === undefined ? cwd : resolve(cwd, flagged));
  const code = await runPulumi(args, { projectDir, cwd, localDefaults: !asPulumi });
  process.exit(code);
}
