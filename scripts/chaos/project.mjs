// One throwaway Pulumi project per chaos scenario, run by the real CLI through the repository's own
// `runPulumi` (scripts/pulumi.mjs), each command in its own process as a user would run it, with a
// local file backend and a private PULUMI_HOME. The program declares whatever the scenario writes to
// its program file (chaos-program-<stack>.json), so one project can run several programs in turn.
import { spawn } from "node:child_process";
import {
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
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { alive, descendants, killDescendant, TARGETS } from "./processes.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const { redactBackendCredentials } = createRequire(import.meta.url)(
  join(root, "dist/provider/internal/backend/backend-url.js"),
);
const STACK = "chaos";

// The program: exactly the resources of the program file.
const PROGRAM = `"use strict";
const { readFileSync } = require("node:fs");
const planetscale = require("pulumi-planetscale");
const spec = JSON.parse(readFileSync(process.env.CHAOS_PROGRAM_FILE, "utf8"));
for (const r of spec) new planetscale[r.kind](r.name, r.args);
`;

/** Waits for `ms` (between polls of a condition, never in place of one). */
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A scenario's project: its directory, its stack and the emulator it talks to. A team's stacks
 * share one (`options.dir`, made by {@link ChaosProject.layout}) and one backend
 * (`options.backendUrl`), each with its own stack name and Pulumi home, as separate CI runners.
 */
export class ChaosProject {
  constructor(cliDir, emulator, options = {}) {
    this.cliDir = cliDir;
    this.emulator = emulator;
    this.dir = options.dir ?? ChaosProject.layout();
    this.stack = options.stack ?? STACK;
    this.backendUrl = options.backendUrl ?? `file://${join(this.dir, "state")}`;
    this.home = options.home ?? join(this.dir, "home");
    this.programFile = join(this.dir, `chaos-program-${this.stack}.json`);
    /** Everything every command printed (stdout and stderr), for the leak scan. */
    this.output = "";
    this.setProgram([]);
  }

  /** A new project directory (program, package link, a `state/` for a file backend). */
  static layout() {
    const dir = mkdtempSync(join(tmpdir(), "pps-chaos-"));
    mkdirSync(join(dir, "state"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: chaos\nruntime: nodejs\nmain: index.js\n");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "chaos", private: true }));
    writeFileSync(join(dir, "index.js"), PROGRAM);
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    return dir;
  }

  /** Declares `resources` ([{ kind: "Branch" | "ApiToken", name, args }]) for the next commands. */
  setProgram(resources) {
    this.program = resources;
    writeFileSync(this.programFile, JSON.stringify(resources));
  }

  /** The environment every command runs with (the credential comes from PLANETSCALE_*). */
  env() {
    const emu = this.emulator;
    return {
      PULUMI_BACKEND_URL: this.backendUrl,
      PULUMI_HOME: this.home,
      PULUMI_CONFIG_PASSPHRASE: "chaos",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // Pulumi's closure serializer requires every builtin module (sys, wasi) and Node warns each time.
      NODE_NO_WARNINGS: "1",
      PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
      PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
      PLANETSCALE_API_URL: emu.apiUrl,
      PLANETSCALE_ORG: emu.organization,
      CHAOS_PROGRAM_FILE: this.programFile,
    };
  }

  /** `pulumi stack init`, once (the first command does it when the scenario has not). */
  async init() {
    if (this.initialized) return;
    this.initialized = true;
    const init = await this.pulumi(["stack", "init"], { record: false });
    // Pulumi prints a backend URL whole in some errors: never its password.
    const output = redactBackendCredentials(init.output, this.backendUrl);
    if (init.code !== 0) throw new Error(`pulumi stack init failed:\n${output}`);
  }

  /**
   * Runs `pulumi <args> --stack chaos --non-interactive` in its own process. With `kill`
   * (`{ target: "cli" | "host", when: () => boolean }`), SIGKILLs that process of the run once
   * `when()` holds (polled), and reports the pids of provider hosts the run left behind.
   */
  async pulumi(args, { kill, record = true } = {}) {
    await this.init();
    return this.#run(
      [process.execPath, ["--input-type=module", "-e", RUNNER]],
      [...args, "--stack", this.stack, "--non-interactive"],
      kill,
      record,
    );
  }

  /** Runs the package's own `pulumi-planetscale` command (as `npx pulumi-planetscale` would). */
  async packageCommand(args) {
    const bin = join(
      this.dir,
      "node_modules",
      "pulumi-planetscale",
      "dist",
      "provider",
      "commands",
      "cli.js",
    );
    return this.#run([process.execPath, [bin, ...args]], [], undefined, true);
  }

  #run([command, commandArgs], pulumiArgs, kill, record) {
    return new Promise((resolve) => {
      const child = spawn(command, commandArgs, {
        cwd: this.dir,
        env: {
          ...process.env,
          ...this.env(),
          PATH: `${this.cliDir}:${process.env.PATH ?? ""}`,
          CHAOS_ARGS: JSON.stringify(pulumiArgs),
          CHAOS_DIR: this.dir,
          CHAOS_CLI: this.cliDir,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      const keep = (chunk) => {
        output += chunk;
      };
      child.stdout.on("data", keep);
      child.stderr.on("data", keep);
      let killed;
      let hosts = [];
      let poll;
      if (kill) {
        poll = setInterval(() => {
          if (killed || !kill.when()) return;
          hosts = descendants(child.pid)
            .filter(TARGETS.host)
            .map((p) => p.pid);
          const pid = killDescendant(child.pid, kill.target);
          if (pid !== undefined) killed = { pid, at: Date.now() };
        }, 20);
      }
      child.on("exit", (code) => {
        clearInterval(poll);
        if (record) this.output += output;
        resolve({ code: code ?? 1, output, killed, hostsLeft: killed ? hosts.filter(alive) : [] });
      });
    });
  }

  /** `pulumi stack export` as JSON (`showSecrets`: decrypted, as only this script ever reads it). */
  async exportStack(showSecrets = false) {
    const args = ["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])];
    // The decrypted export is this script's own request: it is not output the leak scan reads.
    const r = await this.pulumi(args, { record: !showSecrets });
    if (r.code !== 0) throw new Error(`pulumi stack export failed:\n${r.output}`);
    return JSON.parse(r.output);
  }

  /** Every file of the file backend (checkpoints, their backups and history), as text; none for other backends. */
  stateFiles() {
    if (!this.backendUrl.startsWith("file://")) return [];
    const files = [];
    const walk = (dir) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else files.push({ path, text: readFileSync(path, "utf8") });
      }
    };
    walk(this.backendUrl.slice("file://".length));
    return files;
  }

  /** Removes the project directory. */
  remove() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Runs one CLI command through `runPulumi` (scripts/pulumi.mjs: it supplies the language host),
 * in a process of its own so that the program never runs inside this one (which serves the emulator).
 */
const RUNNER = `import { runPulumi } from ${JSON.stringify(join(root, "scripts/pulumi.mjs"))};
process.exit(await runPulumi(JSON.parse(process.env.CHAOS_ARGS), { projectDir: process.env.CHAOS_DIR, cliDir: process.env.CHAOS_CLI, stdio: ["ignore", "inherit", "inherit"] }));`;

/** Polls `condition` every 50 ms until it holds or `limitMs` passes; returns whether it held. */
export async function waitFor(condition, limitMs) {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await pause(50);
  }
  return true;
}
