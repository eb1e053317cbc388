/**
 * Runs the shell steps of a GitHub Actions workflow file locally, in order, so the example
 * workflows are tested as written. What it supports is exactly what the examples use; anything
 * else throws, so an edit to a workflow cannot be silently skipped:
 * - `${{ … }}` expressions: a context path (`github.event.pull_request.number`, `secrets.X`,
 *   `vars.X`, …), a quoted string, or `a == b` / `a != b`;
 * - job `if:`; `env:` at workflow, job and step level; `defaults.run.working-directory`;
 * - `uses:` steps of {@link PROVIDED_ACTIONS}, whose effect the caller provides (a checked-out
 *   directory, this Node.js, `pulumi` on PATH); `run:` steps with `bash -eo pipefail` as GitHub does.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";

/** Actions whose effect the test environment provides instead of running them. */
export const PROVIDED_ACTIONS = ["actions/checkout@v4", "actions/setup-node@v4", "pulumi/actions@v6"];

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  "runs-on": string;
  env?: Record<string, string>;
  steps: Step[];
}
export interface Workflow {
  name: string;
  on: Record<string, unknown>;
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

function lookup(path: string, contexts: Contexts): unknown {
  let value: unknown = contexts;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function operand(text: string, contexts: Contexts): unknown {
  const t = text.trim();
  const quoted = /^'((?:[^']|'')*)'$/.exec(t);
  if (quoted) return quoted[1]?.replace(/''/g, "'");
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (/^[A-Za-z_][\w-]*(\.[\w-]+)*$/.test(t)) return lookup(t, contexts);
  throw new Error(`workflow expression not supported by the test runner: ${text}`);
}

/** Evaluates one `${{ }}` expression (without the braces). */
export function evaluate(expression: string, contexts: Contexts): unknown {
  const comparison = /^(.*?)\s*(==|!=)\s*(.*)$/.exec(expression.trim());
  if (comparison) {
    const [, left = "", op, right = ""] = comparison;
    const equal = String(operand(left, contexts) ?? "") === String(operand(right, contexts) ?? "");
    return op === "==" ? equal : !equal;
  }
  return operand(expression, contexts);
}

/** Replaces every `${{ … }}` in `text`. */
export function substitute(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => String(evaluate(e, contexts) ?? ""));
}

export interface StepResult {
  name: string;
  code: number;
  output: string;
}

export interface JobResult {
  /** False when the job's `if:` skipped it. */
  ran: boolean;
  steps: StepResult[];
  /** The step that failed, if any (the job stops there, as on GitHub). */
  failed?: StepResult;
}

function runStep(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
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
 * Runs one job: its `if:`, then each step in order until one fails. `baseEnv` is the runner's
 * environment (PATH with `pulumi`, HOME, …); workflow, job and step `env:` go on top.
 */
export async function runJob(
  workflow: Workflow,
  jobName: string,
  options: { contexts: Contexts; checkout: string; baseEnv: NodeJS.ProcessEnv },
): Promise<JobResult> {
  const job = workflow.jobs[jobName];
  if (!job) throw new Error(`no job ${jobName} in workflow ${workflow.name}`);
  const { contexts } = options;
  if (job.if !== undefined && !evaluate(job.if, contexts)) return { ran: false, steps: [] };
  const env: NodeJS.ProcessEnv = { ...options.baseEnv };
  for (const scope of [workflow.env, job.env])
    for (const [k, v] of Object.entries(scope ?? {})) env[k] = substitute(String(v), contexts);
  const cwd = join(options.checkout, workflow.defaults?.run?.["working-directory"] ?? ".");
  const steps: StepResult[] = [];
  for (const [i, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? `step ${i + 1}`;
    if (step.uses !== undefined) {
      if (!PROVIDED_ACTIONS.includes(step.uses))
        throw new Error(`${jobName}: action ${step.uses} is not provided by the test`);
      continue;
    }
    if (step.run === undefined) throw new Error(`${jobName}: step ${name} has neither run nor uses`);
    const stepEnv = { ...env };
    for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = substitute(String(v), contexts);
    const { code, output } = await runStep(substitute(step.run, contexts), cwd, stepEnv);
    const result = { name, code, output };
    steps.push(result);
    if (code !== 0) return { ran: true, steps, failed: result };
  }
  return { ran: true, steps };
}
