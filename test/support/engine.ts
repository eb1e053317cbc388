/**
 * End-to-end fixture: a throwaway Pulumi stack run by the real CLI (built by
 * scripts/pulumi-cli.sh) against the emulator, with a local file backend and a private
 * PULUMI_HOME. Programs are inline functions (Automation API), run in this process; the engine
 * starts the real dynamic-provider host from the stack's directory, which resolves
 * `pulumi-planetscale` through a `node_modules` link to this repository, like an installed copy.
 *
 * Every `up`, `preview`, `refresh` and `destroy` is the real CLI command. What Automation API reads
 * back afterwards (the stack's outputs, the last update's summary) comes from the backend's files
 * (`stack-files.ts`), as the CLI itself would read them, instead of from three more CLI commands
 * per `up` that each derive the passphrase key again.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import type { Emulator, EmulatorOptions } from "../../emulator";
import { emulator as startTestEmulator } from "./emulator";
import { type Deployment, StackFiles } from "./stack-files";

const repoRoot = join(__dirname, "..", "..");

/** Directory of the `pulumi` binary, when the test runner found or built one. */
export const cliDir = process.env["PULUMI_PLANETSCALE_CLI_DIR"];

/** For `describe(..., { skip })`: why the end-to-end tier cannot run here, or false. */
export const skipWithoutCli: string | false = cliDir
  ? false
  : "no Pulumi CLI: run `npm test` (it provides one) or `npm run pulumi -- version` to build it";

export interface TestStack {
  stack: Stack;
  emulator: Emulator;
  workDir: string;
  /** The environment the CLI runs with (backend URL, passphrase, Pulumi home, PATH). */
  env: Record<string, string>;
  /** Everything the CLI printed (stdout and stderr), across all operations so far. */
  output(): string;
  setProgram(program: PulumiFn): void;
  /** The stack's state as the backend stores it (secrets stay encrypted). */
  exportState(): Promise<Deployment>;
  /** Resources of one type token, e.g. `pulumi-nodejs:dynamic/planetscale:Branch`. */
  resourcesOfType(
    type: string,
  ): Promise<Array<{ urn: string; id?: string; outputs: Record<string, unknown> }>>;
  /**
   * Stops the stack's own emulator and removes the temporary directory: what the stack holds goes
   * with them, so nothing is destroyed. A stack on a shared emulator (`useEmulator`), which outlives
   * it, destroys what it holds there first.
   */
  cleanup(): Promise<void>;
}

export interface TestStackOptions {
  program: PulumiFn;
  /**
   * Options of the stack's own emulator. Its branches are ready at once (`readyDelayMs: 0`) unless
   * a test about readiness sets a delay.
   */
  emulator?: EmulatorOptions;
  /** Extra stack config; the credential, API URL and organization are set already. */
  config?: Record<string, { value: string; secret?: boolean }>;
  /** Use this emulator instead of starting one (it is not stopped by cleanup). */
  useEmulator?: Emulator;
}

/** The CLI, found once per test file: `PulumiCommand.get` runs `pulumi version` each time. */
let pulumiCommand: Promise<PulumiCommand> | undefined;

/** The Pulumi CLI of this run for Automation API, looked up once per test file. */
export function pulumiCli(): Promise<PulumiCommand> {
  if (!cliDir) throw new Error(String(skipWithoutCli));
  pulumiCommand ??= PulumiCommand.get({ root: dirname(cliDir) });
  return pulumiCommand;
}

/**
 * Makes Automation API read what it reads back after its commands (outputs and info after `up`,
 * info after `refresh` and `destroy`) from a file backend's files, instead of from three more CLI
 * commands per `up`; tests call `outputs()` as a user runs `pulumi stack output`.
 */
export function readBackFromFiles(stack: Stack, files: StackFiles): void {
  stack.outputs = () => files.outputs();
  stack.info = () => files.lastUpdate();
}

const PASSPHRASE = "e2e-test-passphrase";

export async function createTestStack(options: TestStackOptions): Promise<TestStack> {
  if (!cliDir) throw new Error(String(skipWithoutCli));
  const workDir = mkdtempSync(join(tmpdir(), "pps-e2e-"));
  const emulator = options.useEmulator ?? (await startTestEmulator({ readyDelayMs: 0, ...options.emulator }));
  mkdirSync(join(workDir, "state"));
  writeFileSync(join(workDir, "Pulumi.yaml"), "name: e2e\nruntime: nodejs\n");
  writeFileSync(join(workDir, "package.json"), JSON.stringify({ name: "e2e-program", private: true }));
  symlinkSync(join(repoRoot, "node_modules"), join(workDir, "node_modules"), "dir");

  let log = "";
  const envVars = {
    PULUMI_BACKEND_URL: `file://${join(workDir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_HOME: join(workDir, "home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PATH: `${cliDir}:${process.env["PATH"] ?? ""}`,
  };
  // A new directory: `stack init` alone (createOrSelectStack would first try `stack select`).
  const stack = await LocalWorkspace.createStack(
    { stackName: "test", projectName: "e2e", program: options.program },
    { workDir, pulumiCommand: await pulumiCli(), envVars },
  );
  const files = new StackFiles({
    projectDir: workDir,
    stateDir: join(workDir, "state"),
    project: "e2e",
    stack: "test",
    passphrase: PASSPHRASE,
  });
  readBackFromFiles(stack, files);
  await stack.setAllConfig({
    "planetscale:serviceTokenId": { value: emulator.adminCredential.id },
    "planetscale:serviceToken": { value: emulator.adminCredential.token, secret: true },
    "planetscale:apiUrl": { value: emulator.apiUrl },
    "planetscale:organization": { value: emulator.organization },
    ...options.config,
  });

  // Capture all CLI output for assertions (e.g. that no secret is ever printed).
  const capture = (s: string) => {
    log += s;
  };
  for (const op of ["up", "preview", "refresh", "destroy"] as const) {
    const original = stack[op].bind(stack) as (o?: Record<string, unknown>) => Promise<unknown>;
    (stack as unknown as Record<string, unknown>)[op] = (opts: Record<string, unknown> = {}) =>
      original({ onOutput: capture, onError: capture, color: "never", ...opts });
  }

  const testStack: TestStack = {
    stack,
    emulator,
    workDir,
    env: envVars,
    output: () => log,
    setProgram(program) {
      stack.workspace.program = program;
    },
    async exportState() {
      // The checkpoint as stored by the file backend (secrets encrypted); Automation API's
      // exportStack would decrypt them (it passes --show-secrets).
      return files.deployment();
    },
    async resourcesOfType(type) {
      const state = await testStack.exportState();
      return (state.resources ?? [])
        .filter((r) => r.type === type)
        .map((r) => ({ urn: r.urn, ...(r.id === undefined ? {} : { id: r.id }), outputs: r.outputs ?? {} }));
    },
    async cleanup() {
      // A destroy here would assert nothing and cost an engine operation (about a CPU second): the
      // stack's own emulator stops here, so only on a shared one is there anything to destroy.
      if (options.useEmulator) {
        try {
          // Only what PlanetScale holds needs a destroy; the stack and its providers go with workDir.
          if (deployed(files)) await stack.destroy();
        } catch {
          // Best effort: the test has already failed or destroyed everything.
        }
      } else {
        await emulator.stop();
      }
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return testStack;
}

/** Whether the stack's state holds a resource besides the stack itself and its providers. */
function deployed(files: StackFiles): boolean {
  try {
    // A destroyed stack's checkpoint has no `resources` at all.
    return (files.deployment().resources ?? []).some(
      (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
    );
  } catch {
    return true; // No readable state: let destroy find out.
  }
}
