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
 *   it every job starts from an empty npm cache; its output `node-version` is this Node's version;
 * - `actions/cache`: restores and saves one path of the workspace in a store that lasts as long as
 *   the runner, as a repository's caches last between runs (test/support/actions-cache.ts);
 * - `pulumi/actions`: checks that `pulumi-version` is the CLI this package is tested with, and puts
 *   `pulumi` on PATH (this repository's launcher, `scripts/bin/pulumi`: that CLI, with the Node.js
 *   language host stand-in; see README "About the Pulumi CLI build").
 * `npm ci` and every other `run:` step run for real. The GitHub CLI every runner has is here only
 * for what the workflows ask of it, `gh pr comment`, kept as GitHub keeps a pull request's comments
 * (see {@link Runner.comments}); each job gets `$GITHUB_EVENT_PATH`, the event's payload.
 */
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative } from "node:path";
import { testEnv } from "../../scripts/lib/test-files.mjs";
import { actionsCache } from "./actions-cache";
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

/** The `runner` context of this machine, as GitHub names its OS and architecture. */
const RUNNER_CONTEXT = {
  os:
    ({ linux: "Linux", darwin: "macOS", win32: "Windows" } as Record<string, string>)[process.platform] ??
    process.platform,
  arch: ({ x64: "X64", arm64: "ARM64" } as Record<string, string>)[process.arch] ?? process.arch,
};

export interface Runner {
  /** The repository; the example project is in `infra/`. */
  repository: string;
  /** Where the file backend keeps stacks (the value of the PULUMI_BACKEND_URL secret). */
  backendUrl: string;
  /** The runner's environment: no `pulumi` on PATH, a private PULUMI_HOME, npm using the registry. */
  baseEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /**
   * Runs every job of `workflow` for one event, each in a fresh workspace (one path, emptied between
   * jobs, as on GitHub), in file order (jobs that
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
  /**
   * The comments the jobs posted on pull request `pr` with `gh pr comment`, as GitHub would hold
   * them: `--edit-last` replaces the last one.
   */
  comments(pr: number): string[];
  cleanup(): Promise<void>;
}

/**
 * Removes a directory tree with `rm -rf`: a job's workspace holds an example's `node_modules`
 * (20,000 files), which `rmSync` took 0.7–0.8 CPU-s to remove, `rm` ~0.35 s.
 */
function removeTree(dir: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile("rm", ["-rf", "--", dir], (error) => (error ? reject(error) : resolve())),
  );
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

/**
 * Writes `gh` into `bin`: `gh pr comment <n> [--edit-last [--create-if-none]] --body-file <f>` keeps
 * the comment in `log` (JSON, by pull request); anything else is refused, so an untested use of
 * the GitHub CLI cannot pass silently.
 */
function writeGh(bin: string, log: string): void {
  writeFileSync(log, "{}");
  const script = join(bin, "gh.cjs");
  writeFileSync(
    script,
    [
      'const fs = require("node:fs");',
      "const [verb, sub, pr, ...rest] = process.argv.slice(2);",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal of the generated script
      'if (verb !== "pr" || sub !== "comment") { console.error(`gh ${verb} ${sub}: not available on this test runner`); process.exit(1); }',
      'const file = rest.includes("--body-file") ? rest[rest.indexOf("--body-file") + 1] : undefined;',
      'if (!file) { console.error("gh pr comment: --body-file is required here"); process.exit(1); }',
      `const log = JSON.parse(fs.readFileSync(${JSON.stringify(log)}, "utf8"));`,
      "const list = log[pr] ?? [];",
      'const body = fs.readFileSync(file, "utf8");',
      'if (rest.includes("--edit-last") && list.length > 0) list[list.length - 1] = body;',
      'else if (rest.includes("--edit-last") && !rest.includes("--create-if-none")) { console.error("no comments found for current user"); process.exit(1); }',
      "else list.push(body);",
      "log[pr] = list;",
      `fs.writeFileSync(${JSON.stringify(log)}, JSON.stringify(log));`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal of the generated script
      "console.log(`https://github.com/example/repo/pull/${pr}#issuecomment`);",
    ].join("\n"),
  );
  writeFileSync(join(bin, "gh"), `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`);
  chmodSync(join(bin, "gh"), 0o755);
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
  // The test run's V8 code cache (scripts/lib/compile-cache.cjs) stays, as a warm disk would, and
  // so do its deferred SDK modules (scripts/lib/defer-sdk-modules.cjs): they change how fast the
  // steps' Node.js processes start, not what they do.
  const v8Cache = process.env["PULUMI_PLANETSCALE_V8_CACHE"];
  if (v8Cache) {
    const cache = testEnv({ PULUMI_PLANETSCALE_V8_CACHE: v8Cache });
    inherited["NODE_OPTIONS"] = cache["NODE_OPTIONS"];
    inherited["PULUMI_PLANETSCALE_V8_CACHE"] = cache["PULUMI_PLANETSCALE_V8_CACHE"];
  }
  // A runner's PATH: the system's, without this repository's tools or a `pulumi` a test put there.
  const path = (inherited["PATH"] ?? "")
    .split(delimiter)
    .filter((p) => p !== "" && !p.includes("node_modules") && p !== cliDir)
    .join(delimiter);
  const tools = join(dir, "runner-tools");
  mkdirSync(tools);
  const commentLog = join(dir, "pr-comments.json");
  writeGh(tools, commentLog);
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
      const outputs = { "node-version": `v${have}` };
      if (step.with["cache"] === undefined) {
        // A fresh runner: an empty npm cache.
        step.env["npm_config_cache"] = join(step.workspace, "..", `npm-cache-${++jobs}`);
        return { code: 0, output: `Node ${have}, no npm cache\n`, outputs };
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
      return { code: 0, output: `Node ${have}, npm cache keyed on ${lock}\n`, outputs };
    },
    "actions/cache": actionsCache(join(dir, "actions-cache")),
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
    PATH: `${tools}${delimiter}${path}`,
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
      // The event's payload, as GitHub writes it for every job.
      const eventPath = join(dir, `event-${jobs}.json`);
      const github = contexts["github"] as { event?: unknown } | undefined;
      writeFileSync(eventPath, JSON.stringify(github?.event ?? {}));
      for (const job of Object.keys(workflow.jobs)) {
        // One path for every job, emptied in between, as GitHub's `$GITHUB_WORKSPACE` is
        // (`/home/runner/work/<repo>/<repo>`). With the machine's temporary directory shared by the
        // jobs, as on a self-hosted runner, the SDK's TypeScript compiler (ts-node, whose cache is
        // keyed by the tsconfig's path and the source's text) then type-checks a program once, not
        // once per job: ~2.5 s of CPU per job.
        const workspace = join(dir, "work", "infra", "infra");
        ++jobs;
        mkdirSync(workspace, { recursive: true });
        try {
          const result = await runJob(workflow, job, {
            // GitHub's runner context: an ubuntu-latest runner is Linux on x64.
            contexts: { runner: RUNNER_CONTEXT, ...contexts },
            workspace,
            baseEnv: baseEnv({ GITHUB_EVENT_PATH: eventPath, ...extraEnv }),
            actions,
          });
          if (result.ran) results[job] = result;
        } finally {
          await removeTree(workspace);
        }
      }
      return results;
    },
    relock: async () => exampleLockDifferences(infra, registry),
    comments: (pr) => (JSON.parse(readFileSync(commentLog, "utf8")) as Record<string, string[]>)[pr] ?? [],
    cleanup: () => removeTree(dir),
  };
}
