/**
 * Runs the jobs of a GitHub Actions workflow file locally, step by step, so the example workflows
 * are tested as written. What it supports is exactly what the workflows use; anything else throws,
 * so an edit to a workflow cannot be silently skipped:
 * - `${{ … }}` expressions: context paths (`github.event.pull_request.number`, `secrets.X`,
 *   `runner.os`, `steps.<id>.outputs.<name>`, …), quoted strings, numbers, `true`/`false`/`null`,
 *   `==`, `!=`, `!`, `&&`, `||`, parentheses and the function `hashFiles('<path>', …)` (of files
 *   named exactly: no glob patterns);
 * - job and step `if:`; `env:` at workflow, job and step level; `defaults.run.working-directory`;
 * - `run:` steps, with `bash -eo pipefail` as GitHub runs them;
 * - `uses:` steps, each run by the {@link ActionImplementations} the caller gives for it (what the
 *   action stands for on this machine: see test/support/runner.ts), never skipped; with an `id:`,
 *   their outputs are `steps.<id>.outputs.*`; an action's post step (e.g. `actions/cache` saving)
 *   runs after the job's steps, in reverse order, as the runner runs them.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import * as yaml from "js-yaml";

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  "runs-on": string;
  defaults?: { run?: { "working-directory"?: string } };
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  steps: Step[];
}
export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  env?: Record<string, string>;
  defaults?: { run?: { "working-directory"?: string } };
  jobs: Record<string, Job>;
}

/** The expression contexts a run sees (`github`, `secrets`, `vars`, `runner`, `steps`). */
export type Contexts = Record<string, unknown>;

/** The functions an expression may call, by name. */
export type ExpressionFunctions = Record<string, (...args: unknown[]) => unknown>;

/**
 * `hashFiles` as GitHub's runner computes it: the SHA-256 of the SHA-256 digests of the matched
 * files (in order), as hex; "" when no file matches. Paths are relative to `workspace`; only
 * plain paths are modelled (a glob pattern throws rather than being matched differently).
 */
export function hashFiles(workspace: string, paths: unknown[]): string {
  const all = createHash("sha256");
  let matched = false;
  for (const path of paths) {
    if (typeof path !== "string" || /[*?[\]!]/.test(path))
      throw new Error(
        `hashFiles(${JSON.stringify(path)}): only plain file paths are modelled by the test runner`,
      );
    const file = join(workspace, path);
    if (!existsSync(file)) continue;
    all.update(createHash("sha256").update(readFileSync(file)).digest());
    matched = true;
  }
  return matched ? all.digest("hex") : "";
}

export function loadWorkflow(file: string): Workflow {
  return yaml.load(readFileSync(file, "utf8")) as Workflow;
}

/** Splits an expression into tokens: literals, paths, operators and parentheses. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*('(?:[^']|'')*'|==|!=|&&|\|\||!|\(|\)|,|-?\d+(?:\.\d+)?|[A-Za-z_][\w-]*(?:\.[\w-]+)*)/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    pattern.lastIndex = at;
    const m = pattern.exec(text);
    if (!m?.[1]) throw new Error(`workflow expression not supported by the test runner: ${text}`);
    tokens.push(m[1]);
    at = pattern.lastIndex;
  }
  return tokens;
}

function lookup(path: string, contexts: Contexts): unknown {
  let value: unknown = contexts;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** GitHub's truthiness: false, 0, "", null and undefined are false. */
const truthy = (v: unknown) => !(v === false || v === 0 || v === "" || v === null || v === undefined);
/** GitHub compares loosely: as strings here, which is all the workflows need (null is ""). */
const same = (a: unknown, b: unknown) => String(a ?? "") === String(b ?? "");

/** Evaluates one `${{ }}` expression (without the braces). */
export function evaluate(
  expression: string,
  contexts: Contexts,
  functions: ExpressionFunctions = {},
): unknown {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const or = (): unknown => {
    let left = and();
    while (peek() === "||") {
      next();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const and = (): unknown => {
    let left = comparison();
    while (peek() === "&&") {
      next();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const comparison = (): unknown => {
    const left = unary();
    const op = peek();
    if (op === "==" || op === "!=") {
      next();
      const right = unary();
      return op === "==" ? same(left, right) : !same(left, right);
    }
    return left;
  };
  const unary = (): unknown => {
    const t = next();
    if (t === undefined) throw new Error(`workflow expression ends early: ${expression}`);
    if (t === "!") return !truthy(unary());
    if (t === "(") {
      const value = or();
      if (next() !== ")") throw new Error(`workflow expression has an unclosed '(': ${expression}`);
      return value;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^-?\d/.test(t)) return Number(t);
    if (t === "true" || t === "false") return t === "true";
    if (t === "null") return null;
    if (peek() === "(") {
      const fn = functions[t];
      if (!fn) throw new Error(`workflow function ${t}() not supported by the test runner`);
      next();
      const args: unknown[] = [];
      while (peek() !== ")") {
        if (args.length > 0 && next() !== ",")
          throw new Error(`workflow expression: ',' expected in ${t}(): ${expression}`);
        args.push(or());
      }
      next();
      return fn(...args);
    }
    return lookup(t, contexts);
  };
  const value = or();
  if (i !== tokens.length)
    throw new Error(`workflow expression not supported by the test runner: ${expression}`);
  return value;
}

/** Replaces every `${{ … }}` in `text`. */
export function substitute(text: string, contexts: Contexts, functions: ExpressionFunctions = {}): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => String(evaluate(e, contexts, functions) ?? ""));
}

/** An `if:` condition: with or without `${{ }}`, as GitHub accepts both. */
function condition(text: string, contexts: Contexts, functions: ExpressionFunctions = {}): boolean {
  const bare = /^\s*\$\{\{(.*)\}\}\s*$/s.exec(text)?.[1] ?? text;
  return truthy(evaluate(bare, contexts, functions));
}

export interface StepResult {
  name: string;
  code: number;
  output: string;
  /** How long the step took. */
  ms: number;
}

export interface JobResult {
  /** False when the job's `if:` skipped it. */
  ran: boolean;
  steps: StepResult[];
  /** The actions' post steps that ran after the steps (e.g. `actions/cache` saving), in order. */
  post: StepResult[];
  /** The step that failed, if any (the job stops there, as on GitHub; post steps still run). */
  failed?: StepResult;
}

/** What a `uses:` step gets: its `with:` inputs and the job it runs in. */
export interface ActionStep {
  /** `owner/repo` of the action. */
  action: string;
  /** The ref after `@` (a commit SHA or a tag). */
  ref: string;
  with: Record<string, unknown>;
  /** The job's environment; an action changes it for the steps after it (as `$GITHUB_PATH` does). */
  env: NodeJS.ProcessEnv;
  /** The job's workspace (`$GITHUB_WORKSPACE`), where `actions/checkout` puts the repository. */
  workspace: string;
}

/** What a step or a post step ends with. */
export interface StepOutcome {
  code: number;
  output: string;
}

/** What a `uses:` step ends with: its outputs (`steps.<id>.outputs`), and its post step if it has one. */
export interface ActionOutcome extends StepOutcome {
  outputs?: Record<string, string>;
  /**
   * Runs after the job's steps, told whether they all succeeded; resolves with nothing when the
   * action's `post-if` skips it (e.g. `success()` after a failed step).
   */
  post?: (job: { succeeded: boolean }) => Promise<StepOutcome | undefined>;
}

/** Runs one `uses:` step; resolves with its exit code and output like a `run:` step. */
export type ActionImplementation = (step: ActionStep) => Promise<ActionOutcome>;

/** The implementations of the actions a workflow uses, by `owner/repo`. */
export type ActionImplementations = Record<string, ActionImplementation>;

/** Prepends a directory to a job's PATH, as an action does through `$GITHUB_PATH`. */
export function addPath(env: NodeJS.ProcessEnv, dir: string): void {
  env["PATH"] = [dir, env["PATH"] ?? ""].join(delimiter);
}

/** Runs a shell script as a `run:` step does. */
export function runShell(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  // GitHub's runner cannot start a step in a directory that is not there (e.g. before a checkout).
  if (!existsSync(cwd))
    return Promise.resolve({
      code: 1,
      output: `An error occurred trying to start process '/usr/bin/bash' with working directory '${cwd}'. No such file or directory\n`,
    });
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * Runs one job in `workspace` (`$GITHUB_WORKSPACE`, empty until a checkout fills it): its `if:`,
 * then each step in order until one fails. `baseEnv` is the runner's environment (HOME, a PATH
 * without `pulumi` or a chosen Node, …); workflow, job and step `env:` go on top, and `uses:`
 * steps change it as their actions do.
 */
export async function runJob(
  workflow: Workflow,
  jobName: string,
  options: {
    contexts: Contexts;
    workspace: string;
    baseEnv: NodeJS.ProcessEnv;
    actions: ActionImplementations;
  },
): Promise<JobResult> {
  const job = workflow.jobs[jobName];
  if (!job) throw new Error(`no job ${jobName} in workflow ${workflow.name}`);
  // `steps.<id>` fills as the steps run; `hashFiles` reads the job's workspace.
  const steps: Record<string, { outputs: Record<string, string>; outcome: string }> = {};
  const contexts: Contexts = { ...options.contexts, steps };
  const functions: ExpressionFunctions = {
    hashFiles: (...paths) => hashFiles(options.workspace, paths),
  };
  if (job.if !== undefined && !condition(job.if, contexts, functions))
    return { ran: false, steps: [], post: [] };
  const env: NodeJS.ProcessEnv = { ...options.baseEnv, GITHUB_WORKSPACE: options.workspace };
  for (const scope of [workflow.env, job.env])
    for (const [k, v] of Object.entries(scope ?? {})) env[k] = substitute(String(v), contexts, functions);
  const cwd = join(
    options.workspace,
    job.defaults?.run?.["working-directory"] ?? workflow.defaults?.run?.["working-directory"] ?? ".",
  );
  const results: StepResult[] = [];
  const posts: Array<{ name: string; run: NonNullable<ActionOutcome["post"]> }> = [];
  let failed: StepResult | undefined;
  for (const [i, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${i + 1}`;
    if (step.if !== undefined && !condition(step.if, contexts, functions)) continue;
    const stepEnv = { ...env };
    for (const [k, v] of Object.entries(step.env ?? {}))
      stepEnv[k] = substitute(String(v), contexts, functions);
    let result: StepOutcome;
    const started = Date.now();
    if (step.uses !== undefined) {
      const [action = "", ref = ""] = step.uses.split("@");
      const implementation = options.actions[action];
      if (!implementation)
        throw new Error(`${jobName}: the test runner has no implementation of ${step.uses}`);
      const inputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [
          k,
          typeof v === "string" ? substitute(v, contexts, functions) : v,
        ]),
      );
      // The action's changes (PATH, npm's cache) apply to the job, as on GitHub.
      const outcome = await implementation({ action, ref, with: inputs, env, workspace: options.workspace });
      result = { code: outcome.code, output: outcome.output };
      if (step.id !== undefined)
        steps[step.id] = {
          outputs: outcome.outputs ?? {},
          outcome: outcome.code === 0 ? "success" : "failure",
        };
      if (outcome.post) posts.unshift({ name: `Post ${name}`, run: outcome.post });
    } else if (step.run !== undefined) {
      // A run step's outputs ($GITHUB_OUTPUT) are not modelled: an id on one would read nothing.
      if (step.id !== undefined)
        throw new Error(`${jobName}: step ${name}: an id on a run step is not modelled`);
      result = await runShell(substitute(step.run, contexts, functions), cwd, stepEnv);
    } else throw new Error(`${jobName}: step ${name} has neither run nor uses`);
    const done = { name, ...result, ms: Date.now() - started };
    results.push(done);
    if (done.code !== 0) {
      failed = done;
      break;
    }
  }
  // Post steps run last, in reverse order, whether or not a step failed (each decides, as its
  // action's `post-if` does); a failing one fails the job.
  const post: StepResult[] = [];
  for (const { name, run } of posts) {
    const started = Date.now();
    const outcome = await run({ succeeded: failed === undefined });
    if (outcome === undefined) continue;
    const done = { name, ...outcome, ms: Date.now() - started };
    post.push(done);
    if (done.code !== 0) failed ??= done;
  }
  return failed ? { ran: true, steps: results, post, failed } : { ran: true, steps: results, post };
}

/** Every step's output, for an assertion message. */
export function explain(result: JobResult): string {
  return [...result.steps, ...result.post]
    .map((s) => `--- ${s.name} (exit ${s.code}, ${s.ms} ms)\n${s.output}`)
    .join("\n");
}
