#!/usr/bin/env node
/**
 * `pulumi-planetscale-emulator`: runs the local PlanetScale API until SIGINT/SIGTERM.
 * stdout carries only the env-file lines (API URL, org, admin credential); everything else goes to stderr.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type EmulatorOptions, startEmulator } from "./index";
import { isLoopbackInterface } from "./pipeline/loopback";
import { EmulatorConfigError } from "./state/config-error";
import type { FaultSettings } from "./state/fault-settings";
import { parseSeed } from "./state/seed";

/** Environment variable holding the fixed admin credential id (instead of `--admin-token-id`). */
export const ADMIN_ID_ENV = "PLANETSCALE_EMULATOR_ADMIN_TOKEN_ID";
/** Environment variable holding the fixed admin credential secret (instead of `--admin-token`). */
export const ADMIN_TOKEN_ENV = "PLANETSCALE_EMULATOR_ADMIN_TOKEN";

const USAGE = `Usage: pulumi-planetscale-emulator [flags]

A local PlanetScale API (https://api.planetscale.com/v1) for tests and demos.
On start it prints env-file lines to stdout:
  PLANETSCALE_API_URL, PLANETSCALE_ORG, PLANETSCALE_SERVICE_TOKEN_ID, PLANETSCALE_SERVICE_TOKEN

Flags:
  --host HOST              interface to listen on (default 127.0.0.1; anything else
                           needs --allow-remote)
  --allow-remote           allow a non-loopback --host (prints a warning)
  --port PORT              port, 0 = pick a free one (default 0)
  --seed FILE              JSON seed (organizations, databases, branches, backups, service tokens)
  --state FILE             persist state atomically to FILE after each change; loaded on start
  --ready-delay MS         how long new branches stay "pending", and each phase of a deploy
                           request takes (default 1500)
  --revert-window MS       how long a deployed deploy request can be reverted (default 1800000)
  --rate-limit N           requests per minute per credential (default 600)
  --latency MS             added latency per request
  --jitter MS              random extra latency in [0, MS)
  --fail-rate STATUS=P     answer STATUS (429, 500, 502 or 503) with probability P; repeatable
  --drop-rate P            drop the connection without answering with probability P
  --admin-token-file FILE  fixed admin credential secret, read from FILE (first line), or
                           env ${ADMIN_TOKEN_ENV}: prefer either to --admin-token,
                           which every local user can read in the process list
  --admin-token-id ID      fixed admin credential id (or env ${ADMIN_ID_ENV})
  --admin-token TOKEN      fixed admin credential secret (requires --admin-token-id)
  --strict                 refuse unknown request-body fields with 400 (default: ignore them,
                           as PlanetScale does, and list them in the request log)
  --quiet                  do not log each request to stderr
  --help                   show this help

Control API (unauthenticated; only for Host 127.0.0.1, localhost or [::1], never for
cross-origin browser requests): GET /_emulator/health, GET|DELETE /_emulator/requests,
PUT /_emulator/faults, PUT /_emulator/ready-delay, GET /_emulator/state, POST /_emulator/schema
(DDL on a development branch, as a migration tool runs it).
`;

class UsageError extends Error {}

function parseNumber(
  flag: string,
  text: string | undefined,
  opts: { int?: boolean; min?: number; max?: number } = {},
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || (opts.int && !Number.isInteger(value))) {
    throw new UsageError(`--${flag} expects ${opts.int ? "an integer" : "a number"}, got "${text}"`);
  }
  if (opts.min !== undefined && value < opts.min)
    throw new UsageError(`--${flag} must be at least ${opts.min}`);
  if (opts.max !== undefined && value > opts.max)
    throw new UsageError(`--${flag} must be at most ${opts.max}`);
  return value;
}

/** Turns argv (and the admin credential's env vars) into EmulatorOptions, or throws UsageError. Returns "help" for --help. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): EmulatorOptions | "help" {
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; strict: true; allowPositionals: false }>
  >;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values;
  if (values.help) return "help";
  const options: EmulatorOptions = {};
  if (values.host !== undefined) options.host = values.host;
  if (values["allow-remote"]) options.allowRemote = true;
  if (values.host !== undefined && !isLoopbackInterface(values.host) && !options.allowRemote) {
    throw new UsageError(
      `--host ${values.host} is not a loopback address: other machines could reach the emulator. Add --allow-remote if that is what you want`,
    );
  }
  const port = parseNumber("port", values.port, { int: true, min: 0, max: 65535 });
  if (port !== undefined) options.port = port;
  const ready = parseNumber("ready-delay", values["ready-delay"], { min: 0 });
  if (ready !== undefined) options.readyDelayMs = ready;
  const revertWindow = parseNumber("revert-window", values["revert-window"], { min: 0 });
  if (revertWindow !== undefined) options.revertWindowMs = revertWindow;
  const rate = parseNumber("rate-limit", values["rate-limit"], { int: true, min: 1 });
  if (rate !== undefined) options.rateLimitPerMinute = rate;
  if (values.state !== undefined) options.stateFile = values.state;
  if (values.seed !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.seed, "utf8");
    } catch (error) {
      throw new UsageError(
        `--seed: cannot read ${values.seed}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UsageError(`--seed: ${values.seed} is not valid JSON`);
    }
    try {
      options.seed = parseSeed(json);
    } catch (error) {
      throw new UsageError(`--seed: ${values.seed}: ${(error as Error).message}`);
    }
  }
  const faults: FaultSettings = {};
  const latency = parseNumber("latency", values.latency, { min: 0 });
  if (latency !== undefined) faults.latencyMs = latency;
  const jitter = parseNumber("jitter", values.jitter, { min: 0 });
  if (jitter !== undefined) faults.jitterMs = jitter;
  const drop = parseNumber("drop-rate", values["drop-rate"], { min: 0, max: 1 });
  if (drop !== undefined) faults.dropProbability = drop;
  for (const spec of values["fail-rate"] ?? []) {
    const match = /^(429|500|502|503)=(.+)$/.exec(spec);
    if (!match)
      throw new UsageError(
        `--fail-rate expects STATUS=P with STATUS one of 429, 500, 502, 503; got "${spec}"`,
      );
    const probability = parseNumber("fail-rate", match[2], { min: 0, max: 1 })!;
    faults.statusProbability = { ...faults.statusProbability, [match[1] as "429"]: probability };
  }
  if (Object.keys(faults).length > 0) options.faults = faults;
  const admin = adminToken(values, env);
  if (admin !== undefined) options.adminToken = admin;
  if (values.quiet) options.quiet = true;
  if (values.strict) options.strict = true;
  return options;
}

/**
 * The fixed admin credential: the id from `--admin-token-id` or {@link ADMIN_ID_ENV}, the secret
 * from exactly one of `--admin-token`, `--admin-token-file` or {@link ADMIN_TOKEN_ENV} (a flag
 * wins over the environment). Both or neither.
 */
function adminToken(
  v: { "admin-token-id"?: string; "admin-token"?: string; "admin-token-file"?: string },
  env: NodeJS.ProcessEnv,
): { id: string; token: string } | undefined {
  if (v["admin-token"] !== undefined && v["admin-token-file"] !== undefined) {
    throw new UsageError("give the admin secret once: --admin-token or --admin-token-file, not both");
  }
  let token = v["admin-token"];
  if (v["admin-token-file"] !== undefined) token = readSecretFile(v["admin-token-file"]);
  token ??= nonEmpty(env[ADMIN_TOKEN_ENV]);
  const id = v["admin-token-id"] ?? nonEmpty(env[ADMIN_ID_ENV]);
  if ((id === undefined) !== (token === undefined)) {
    throw new UsageError(
      `the admin credential needs both an id (--admin-token-id or ${ADMIN_ID_ENV}) and a secret ` +
        `(--admin-token-file, ${ADMIN_TOKEN_ENV} or --admin-token)`,
    );
  }
  return id !== undefined && token !== undefined ? { id, token } : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function readSecretFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(
      `--admin-token-file: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const token = text.split(/\r?\n/)[0]?.trim() ?? "";
  if (token === "") throw new UsageError(`--admin-token-file: ${path} is empty`);
  return token;
}

const OPTIONS = {
  host: { type: "string" },
  "allow-remote": { type: "boolean" },
  port: { type: "string" },
  seed: { type: "string" },
  state: { type: "string" },
  "ready-delay": { type: "string" },
  "revert-window": { type: "string" },
  "rate-limit": { type: "string" },
  latency: { type: "string" },
  jitter: { type: "string" },
  "fail-rate": { type: "string", multiple: true },
  "drop-rate": { type: "string" },
  "admin-token-id": { type: "string" },
  "admin-token": { type: "string" },
  "admin-token-file": { type: "string" },
  quiet: { type: "boolean" },
  strict: { type: "boolean" },
  help: { type: "boolean" },
} as const;

async function main(): Promise<void> {
  let options: EmulatorOptions | "help";
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`pulumi-planetscale-emulator: ${(error as Error).message}\nTry --help.\n`);
    process.exit(2);
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return;
  }
  let emu: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emu = await startEmulator(options);
  } catch (error) {
    process.stderr.write(`pulumi-planetscale-emulator: ${(error as Error).message}\n`);
    // Something to fix in the invocation (2), or the machine refused (1: e.g. the port is taken).
    process.exit(error instanceof EmulatorConfigError ? 2 : 1);
  }
  process.stdout.write(
    [
      `PLANETSCALE_API_URL=${emu.apiUrl}`,
      `PLANETSCALE_ORG=${emu.organization}`,
      `PLANETSCALE_SERVICE_TOKEN_ID=${emu.adminCredential.id}`,
      `PLANETSCALE_SERVICE_TOKEN=${emu.adminCredential.token}`,
      "",
    ].join("\n"),
  );
  if (options.allowRemote && !isLoopbackInterface(options.host ?? "127.0.0.1")) {
    process.stderr.write(
      `WARNING: listening on ${options.host}, not loopback: other machines can reach the API, and anyone who learns the admin credential has every access. The control API still answers only loopback Host names.\n`,
    );
  }
  process.stderr.write(
    `PlanetScale emulator listening on ${emu.apiUrl} (org ${emu.organization}; control API at ${emu.url}/_emulator). Ctrl-C to stop.\n`,
  );
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`Received ${signal}, stopping.\n`);
    emu.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`pulumi-planetscale-emulator: error while stopping: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

if (require.main === module) {
  void main();
}
