/**
 * A stand-in for GitHub Actions: a "repository" holding a copy of one example project in `infra/`
 * (as a user's would; a test edits it as a commit would), a registry on loopback that serves this
 * package's current tree (every other package proxied from the public registry), a fresh empty
 * workspace for every job, and the actions the example workflows use, each doing on this machine
 * what it stands for:
 * - `actions/checkout`: copies the repository into the job's workspace;
 * - `actions/setup-node`: checks that `node-version` is this Node's major version and puts it first
 *   on PATH; `cache: npm` keeps npm's cache across runs (this machine's npm cache, as the action
 *   restores it), and fails like the action when `cache-dependency-path` names no file; without
 *   it every job starts from an empty npm cache;
 * - `pulumi/actions`: checks that `pulumi-version` is the CLI this package is tested with, and puts
 *   `pulumi` on PATH (this repository's launcher, `scripts/bin/pulumi`: that CLI, with the Node.js
 *   language host stand-in; see README "About the Pulumi CLI build").
 * `npm ci` and every other `run:` step run for real.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative } from "node:path";
import { exampleLockDifferences, type LocalRegistry } from "./registry";
import {
  type ActionImplementations,
  type ActionStep,
  addPath,
  type Contexts,
  type JobResult,
  runJob,
  type Workflow,
} from "./workflow";

const repoRoot = join(__dirname, "..", "..");

export interface Runner {
  /** The repository; the example project is in `infra/`. */
  repository: string;
  /** Where the file backend keeps stacks (the value of the PULUMI_BACKEND_URL secret). */
  backendUrl: string;
  /** The runner's environment: no `pulumi` on PATH, a private PULUMI_HOME, npm using the registry. */
  baseEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /**
   * Runs every job of `workflow` for one event, each in a fresh workspace, in file order (jobs that
   * need each other do not occur); resolves with the results of the jobs whose `if:` held.
   */
  trigger(
    workflow: Workflow,
    contexts: Contexts,
    extraEnv?: NodeJS.ProcessEnv,
  ): Promise<Record<string, JobResult>>;
  /**
   * Re-locks this package in the checkout's lockfile to the tree published on the registry (the
   * one entry whose integrity changes with every source change), and returns what else would
   * change in the committed lockfile: nothing, when it is up to date.
   */
  relock(): Promise<string[]>;
  cleanup(): void;
}

/** The version `pulumi version` reports for the CLI in `cliDir` (e.g. `v3.248.0`). */
function cliVersion(cliDir: string): string {
  return execFileSync(join(cliDir, "pulumi"), ["version"], { encoding: "utf8" }).trim();
}

const fail = (output: string) => ({ code: 1, output: `${output}\n` });

/** Refuses inputs the implementation does not model, so none is silently ignored. */
function onlyInputs(step: ActionStep, known: string[]): void {
  const unknown = Object.keys(step.with).filter((k) => !known.includes(k));
  if (unknown.length > 0)
    throw new Error(`${step.action}: input ${unknown.join(", ")} is not modelled by the test runner`);
}

/** Creates the runner with a copy of `example` (e.g. `examples/gitops`) checked out in `infra/`. */
export function createRunner(example: string, cliDir: string, registry: LocalRegistry): Runner {
  const dir = mkdtempSync(join(tmpdir(), "pps-runner-"));
  const repository = join(dir, "repository");
  const infra = join(repository, "infra");
  mkdirSync(join(dir, "state"));
  // The files a clone holds: nothing a local install or run of the example left behind.
  cpSync(join(repoRoot, example), infra, {
    recursive: true,
    filter: (src) =>
      !/(^|\/)(node_modules|\.pulumi-[^/]*|Pulumi\.[^/]+\.yaml)$/.test(relative(repoRoot, src)),
  });
  const version = cliVersion(cliDir);
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(PULUMI_|PLANETSCALE_|INIT_CWD$|npm_|NODE_OPTIONS$)/i.test(k),
    ),
  );
  // A runner's PATH: the system's, without this repository's tools or a `pulumi` a test put there.
  const path = (inherited["PATH"] ?? "")
    .split(delimiter)
    .filter((p) => p !== "" && !p.includes("node_modules") && p !== cliDir)
    .join(delimiter);
  let jobs = 0;

  const actions: ActionImplementations = {
    "actions/checkout": async (step) => {
      onlyInputs(step, []);
      cpSync(repository, step.workspace, { recursive: true });
      return { code: 0, output: `checked out in ${step.workspace}\n` };
    },
    "actions/setup-node": async (step) => {
      onlyInputs(step, ["node-version", "cache", "cache-dependency-path"]);
      const wanted = String(step.with["node-version"] ?? "").replace(/^v/, "");
      const have = process.versions.node;
      if (wanted.split(".")[0] !== have.split(".")[0])
        return fail(`setup-node: the workflow asks for Node ${wanted}; this runner has ${have}`);
      addPath(step.env, dirname(process.execPath));
      if (step.with["cache"] === undefined) {
        // A fresh runner: an empty npm cache.
        step.env["npm_config_cache"] = join(step.workspace, "..", `npm-cache-${++jobs}`);
        return { code: 0, output: `Node ${have}, no npm cache\n` };
      }
      if (step.with["cache"] !== "npm")
        throw new Error(`setup-node: cache ${step.with["cache"]} not modelled`);
      const lock = String(step.with["cache-dependency-path"] ?? "package-lock.json");
      if (!existsSync(join(step.workspace, lock)))
        return fail(
          step.with["cache-dependency-path"] === undefined
            ? `Dependencies lock file is not found in ${step.workspace}. Supported file patterns: package-lock.json,npm-shrinkwrap.json,yarn.lock`
            : "Some specified paths were not resolved, unable to cache dependencies.",
        );
      // npm's own cache on this machine persists across runs, as the action's cache does.
      delete step.env["npm_config_cache"];
      return { code: 0, output: `Node ${have}, npm cache keyed on ${lock}\n` };
    },
    "pulumi/actions": async (step) => {
      onlyInputs(step, ["pulumi-version"]);
      const pinned = step.with["pulumi-version"];
      if (pinned === undefined)
        return fail("pulumi/actions: no pulumi-version: it would install the latest CLI");
      if (`v${String(pinned).replace(/^v/, "")}` !== version)
        return fail(`pulumi/actions: the workflow pins ${pinned}; this package is tested with ${version}`);
      addPath(step.env, join(repoRoot, "scripts", "bin"));
      return { code: 0, output: `pulumi ${version}\n` };
    },
  };

  const baseEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...inherited,
    PATH: path,
    CI: "true",
    GITHUB_ACTIONS: "true",
    PULUMI_HOME: join(dir, "pulumi-home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // The launcher's CLI, so it does not search for one.
    PULUMI_PLANETSCALE_CLI_DIR: cliDir,
    // The runner's npm: the loopback registry, quiet.
    npm_config_registry: registry.url,
    npm_config_userconfig: registry.npmrc,
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    ...extra,
  });

  return {
    repository,
    backendUrl: `file://${join(dir, "state")}`,
    baseEnv,
    async trigger(workflow, contexts, extraEnv = {}) {
      const results: Record<string, JobResult> = {};
      for (const job of Object.keys(workflow.jobs)) {
        const workspace = join(dir, `workspace-${++jobs}`);
        mkdirSync(workspace);
        try {
          const result = await runJob(workflow, job, {
            contexts,
            workspace,
            baseEnv: baseEnv(extraEnv),
            actions,
          });
          if (result.ran) results[job] = result;
        } finally {
          rmSync(workspace, { recursive: true, force: true });
        }
      }
      return results;
    },
    relock: async () => exampleLockDifferences(infra, registry),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
