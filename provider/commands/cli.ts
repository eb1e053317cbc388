#!/usr/bin/env node
/**
 * `pulumi-planetscale`: maintenance commands shipped with the package. `sweep` finds (and with
 * `--yes` deletes) preview environments whose Pulumi stacks were lost; `recover` repairs a stack
 * whose `pulumi up` was killed (see `./recover/recover`); `deploy-request revert|skip-revert` does
 * what a DeployRequest never does by itself.
 * Exit codes: 0 done, 1 a deletion or API call failed (or, for `recover`, something needs a
 * person), 2 bad usage, 3 (`--detailed-exitcode` only) a dry run found something to delete. The
 * last line of stdout is the summary.
 */
import { parseArgs } from "node:util";
import { redactBackendUrl } from "../internal/backend/backend-url";
import { BackendEvidence } from "../internal/backend/evidence";
import { PulumiCli } from "../internal/backend/pulumi-cli";
import { closeAllClients, getClient } from "../internal/client/registry";
import { resolveSettings } from "../internal/client/settings";
import { messageWithCauses } from "../internal/error-message";
import { parseDuration } from "../internal/inputs/duration";
import { DEPLOY_REQUEST_USAGE, runDeployRequest } from "./deploy-request/command";
import { RECOVER_USAGE, runRecover } from "./recover/command";
import { KEEP_REASONS, SWEEP_KINDS } from "./sweep/kinds";
import { MIN_SWEEP_AGE_MS, type SweepResult, sweep } from "./sweep/sweep";

const USAGE = `Usage: pulumi-planetscale sweep --prefix PREFIX --older-than AGE [--database DB] [flags]

Lists PlanetScale objects left behind by preview environments whose stacks were lost: branches of
DB (with their passwords or roles) and service tokens whose name starts with PREFIX, and deletes
(with --yes) only those that are provably left-overs: created by the credential the sweep runs with
(PlanetScale's actor), held by no stack of the state backend and being created by none (every stack
is read through the pulumi CLI), and older than AGE. Production branches, deletion-protected
branches and the token the sweep runs with are never deleted. With --database, only tokens whose
grants confine them to DB are considered. Nothing is deleted without --yes.

Flags:
  --prefix PREFIX        name prefix, e.g. pr- (required, never empty)
  --older-than AGE       minimum age: 7d, 36h, 90m (required; at least 1h unless --force)
  --database DB          database whose branches to sweep (without it, only tokens are swept)
  --organization ORG     organization (default: PLANETSCALE_ORG)
  --backend-url URL      the state backend whose stacks are read (default: the one \`pulumi\` is logged in to)
  --pulumi PATH          the pulumi CLI to run (default: pulumi on PATH)
  --yes                  delete what is listed (default: dry run)
  --force                allow --older-than under 1h
  --detailed-exitcode    exit 3 when a dry run finds something to delete
  --help                 show this help

Credentials and API URL come from the environment: PLANETSCALE_SERVICE_TOKEN_ID and
PLANETSCALE_SERVICE_TOKEN (or PLANETSCALE_ACCESS_TOKEN), PLANETSCALE_API_URL.
Exit codes: 0 done, 1 a deletion or API call failed, 2 bad usage, 3 see --detailed-exitcode.
The last line of stdout is a summary: sweep: mode=… stale=N deleted=N kept=N failed=N credentials=N
kept_production=N kept_protected=N kept_own_token=N kept_other_database=N kept_other_creator=N
kept_held=N kept_creating=N kept_too_recent=N (credentials: passwords and roles of stale branches,
deleted with their branch).
`;

const OPTIONS = {
  prefix: { type: "string" },
  "older-than": { type: "string" },
  database: { type: "string" },
  organization: { type: "string" },
  "backend-url": { type: "string" },
  pulumi: { type: "string" },
  yes: { type: "boolean" },
  force: { type: "boolean" },
  "detailed-exitcode": { type: "boolean" },
  help: { type: "boolean" },
} as const;

/** Bad command-line usage (exit 2). */
export class UsageError extends Error {}

/** The validated command line of `sweep`. */
export interface SweepCommand {
  prefix: string;
  olderThanMs: number;
  database: string | undefined;
  organization: string;
  backendUrl: string | undefined;
  pulumi: string | undefined;
  yes: boolean;
  detailedExitcode: boolean;
}

/** Parses the arguments after `sweep`, or throws {@link UsageError}. Returns "help" for --help. */
export function parseSweepArgs(argv: string[], env: NodeJS.ProcessEnv): SweepCommand | "help" {
  let values: { [K in keyof typeof OPTIONS]?: string | boolean | undefined };
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help";
  const prefix = values.prefix as string | undefined;
  if (!prefix) throw new UsageError("--prefix is required and must not be empty (e.g. --prefix pr-)");
  const age = values["older-than"] as string | undefined;
  if (age === undefined) throw new UsageError("--older-than is required (e.g. --older-than 7d)");
  const olderThanMs = parseDuration(age);
  if (olderThanMs === undefined || /^\d+(\.\d+)?$/.test(age.trim()))
    throw new UsageError(`--older-than expects an age with a unit such as 7d, 36h or 90m, got "${age}"`);
  if (olderThanMs < MIN_SWEEP_AGE_MS && values.force !== true)
    throw new UsageError(
      `--older-than ${age} is under 1h: a younger object may belong to a run that is still creating it and that no stack shows yet; use --older-than 1h or more, or add --force`,
    );
  const organization = (values.organization as string | undefined) ?? env["PLANETSCALE_ORG"];
  if (!organization) throw new UsageError("no organization: pass --organization or set PLANETSCALE_ORG");
  return {
    prefix,
    olderThanMs,
    database: values.database as string | undefined,
    organization,
    backendUrl: values["backend-url"] as string | undefined,
    pulumi: values.pulumi as string | undefined,
    yes: values.yes === true,
    detailedExitcode: values["detailed-exitcode"] === true,
  };
}

/** The one summary line a pipeline can parse. */
export function summaryLine(result: SweepResult, yes: boolean): string {
  const reasons = KEEP_REASONS.map((r) => `kept_${r}=${result.keptBy[r]}`).join(" ");
  return `sweep: mode=${yes ? "delete" : "dry-run"} stale=${result.stale} deleted=${result.deleted} kept=${result.kept} failed=${result.failed} credentials=${result.dependents} ${reasons}`;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "help") {
    out(`${USAGE}\n${RECOVER_USAGE}\n${DEPLOY_REQUEST_USAGE}`);
    return command === undefined ? 2 : 0;
  }
  if (command === "recover") return runRecover(rest, env, out, err);
  if (command === "deploy-request") return runDeployRequest(rest, env, out, err);
  if (command !== "sweep") {
    err(`unknown command "${command}"\n\n${USAGE}\n${RECOVER_USAGE}\n${DEPLOY_REQUEST_USAGE}`);
    return 2;
  }
  let parsed: SweepCommand | "help";
  try {
    parsed = parseSweepArgs(rest, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`pulumi-planetscale sweep: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === "help") {
    out(USAGE);
    return 0;
  }
  try {
    // Every stack first: no API call is made before the evidence is in hand.
    const cli = new PulumiCli({
      command: parsed.pulumi,
      cwd: process.cwd(),
      env,
      backendUrl: parsed.backendUrl,
    });
    const evidence = await BackendEvidence.read(cli);
    out(`read     ${evidence.stacks.length} stack(s) of ${redactBackendUrl(await cli.resolveBackendUrl())}`);
    const client = getClient(resolveSettings(undefined, env));
    const result = await sweep(client, { ...parsed, evidence, kinds: SWEEP_KINDS, report: out });
    if (!parsed.yes && result.stale > 0)
      out("dry run: nothing was deleted; run again with --yes to delete the above");
    out(summaryLine(result, parsed.yes));
    if (result.failed > 0) return 1;
    return parsed.detailedExitcode && !parsed.yes && result.stale > 0 ? 3 : 0;
  } catch (error) {
    err(`pulumi-planetscale sweep: ${messageWithCauses(error)}`);
    out(`sweep: mode=${parsed.yes ? "delete" : "dry-run"} error`);
    return 1;
  } finally {
    await closeAllClients();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
