/**
 * Runs the jobs of a GitHub Actions workflow file locally, step by step, so the example workflows
 * are tested as written. What it supports is exactly what the workflows use; anything else throws,
 * so an edit to a workflow cannot be silently skipped:
 * - `${{ … }}` expressions: context paths (`github.event.pull_request.number`, `secrets.X`, …),
 *   quoted strings, numbers, `true`/`false`/`null`, `==`, `!=`, `!`, `&&`, `||` and parentheses;
 * - job and step `if:`; `env:` at workflow, job and step level; `defaults.run.working-directory`;
 * - `run:` steps, with `bash -eo pipefail` as GitHub runs them;
 * - `uses:` steps, each run by the {@link ActionImplementations} the caller gives for it (what the
 *   action stands for on this machine: see test/support/runner.ts), never skipped.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import * as yaml from "js-yaml";

interface Step {
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

/** The expression contexts a run sees (`github`, `secrets`, `vars`). */
export type Contexts = Record<string, unknown>;

export function loadWorkflow(file: string): Workflow {
  return yaml.load(readFileSync(file, "utf8")) as Workflow;
}

/** Splits an expression into tokens: literals, paths, operators and parentheses. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s*('(?:[^']|'')*'|==|!=|&&|\|\||!|\(|\)|-?\d+(?:\.\d+)?|[A-Za-z_][\w-]*(?:\.[\w-]+)*)/y;
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
export function evaluate(expression: string, contexts: Contexts): unknown {
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
    if (peek() === "(") throw new Error(`workflow function ${t}() not supported by the test runner`);
    return lookup(t, contexts);
  };
  const value = or();
  if (i !== tokens.length)
    throw new Error(`workflow expression not supported by the test runner: ${expression}`);
  return value;
}

/** Replaces every `${{ … }}` in `text`. */
export function substitute(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => String(evaluate(e, contexts) ?? ""));
}

/** An `if:` condition: with or without `${{ }}`, as GitHub accepts both. */
function condition(text: string, contexts: Contexts): boolean {
  const bare = /^\s*\$\{\{(.*)\}\}\s*$/s.exec(text)?.[1] ?? text;
  return truthy(evaluate(bare, contexts));
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
  /** The step that failed, if any (the job stops there, as on GitHub). */
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

/** Runs one `uses:` step; resolves with its exit code and output like a `run:` step. */
export type ActionImplementation = (step: ActionStep) => Promise<{ code: number; output: string }>;

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
  const { contexts } = options;
  if (job.if !== undefined && !condition(job.if, contexts)) return { ran: false, steps: [] };
  const env: NodeJS.ProcessEnv = { ...options.baseEnv, GITHUB_WORKSPACE: options.workspace };
  for (const scope of [workflow.env, job.env])
    for (const [k, v] of Object.entries(scope ?? {})) env[k] = substitute(String(v), contexts);
  const cwd = join(
    options.workspace,
    job.defaults?.run?.["working-directory"] ?? workflow.defaults?.run?.["working-directory"] ?? ".",
  );
  const steps: StepResult[] = [];
  for (const [i, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${i + 1}`;
    if (step.if !== undefined && !condition(step.if, contexts)) continue;
    const stepEnv = { ...env };
    for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = substitute(String(v), contexts);
    let result: Omit<StepResult, "ms">;
    const started = Date.now();
    if (step.uses !== undefined) {
      const [action = "", ref = ""] = step.uses.split("@");
      const implementation = options.actions[action];
      if (!implementation)
        throw new Error(`${jobName}: the test runner has no implementation of ${step.uses}`);
      const inputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [
          k,
          typeof v === "string" ? substitute(v, contexts) : v,
        ]),
      );
      // The action's changes (PATH, npm's cache) apply to the job, as on GitHub.
      result = {
        name,
        ...(await implementation({ action, ref, with: inputs, env, workspace: options.workspace })),
      };
    } else if (step.run !== undefined) {
      result = { name, ...(await runShell(substitute(step.run, contexts), cwd, stepEnv)) };
    } else throw new Error(`${jobName}: step ${name} has neither run nor uses`);
    const done = { ...result, ms: Date.now() - started };
    steps.push(done);
    if (done.code !== 0) return { ran: true, steps, failed: done };
  }
  return { ran: true, steps };
}

/** Every step's output, for an assertion message. */
export function explain(result: JobResult): string {
  return result.steps.map((s) => `--- ${s.name} (exit ${s.code}, ${s.ms} ms)\n${s.output}`).join("\n");
}
