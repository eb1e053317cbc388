import { execFile } from "node:child_process";
import { redactBackendCredentials } from "./backend-url";
import { PulumiCliError, PulumiCliMissingError } from "./errors";

/** How to run the Pulumi CLI: which binary, where, with which environment and backend. */
export interface PulumiCliOptions {
  /** The `pulumi` binary: a path, or a name looked up on `PATH` (default `pulumi`). */
  command?: string | undefined;
  /** The working directory (a Pulumi project's, for commands that need one). */
  cwd: string;
  /** The environment (passphrase, Pulumi home, credentials); `PULUMI_SKIP_UPDATE_CHECK` is added. */
  env: NodeJS.ProcessEnv;
  /** The state backend to use instead of the one logged in to (`PULUMI_BACKEND_URL`). */
  backendUrl?: string | undefined;
}

/** What a finished `pulumi` command printed. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The words that tell a user how to get the CLI. */
const HOW_TO_GET =
  "install it (https://www.pulumi.com/docs/iac/download-install/) and put it on PATH, or pass its path with --pulumi";

/**
 * The Pulumi CLI, run non-interactively: every read of a state backend (stacks, checkpoints,
 * locks) goes through it, so one code path serves every backend the CLI supports (file, PostgreSQL,
 * S3, GCS, Azure Blob, Pulumi Cloud) and no backend file is ever parsed by hand. Output and errors
 * never carry the backend's credentials.
 */
export class PulumiCli {
  readonly command: string;
  readonly cwd: string;
  private readonly env: NodeJS.ProcessEnv;
  /** The backend URL the commands use, when it is known without asking the CLI. */
  private backendUrl: string | undefined;

  constructor(options: PulumiCliOptions) {
    this.command = options.command ?? "pulumi";
    this.cwd = options.cwd;
    this.backendUrl = options.backendUrl ?? options.env["PULUMI_BACKEND_URL"] ?? undefined;
    this.env = {
      ...options.env,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      // The CLI loads stacks with 10 workers by default; on the PostgreSQL backend each may need two
      // of its 2 × GOMAXPROCS pooled connections, and `pulumi stack ls` then hangs for good once a
      // backend holds four stacks or more on a 2-core machine (seen with 3.248). One worker cannot.
      PULUMI_DIY_BACKEND_PARALLEL: options.env["PULUMI_DIY_BACKEND_PARALLEL"] || "1",
      ...(options.backendUrl ? { PULUMI_BACKEND_URL: options.backendUrl } : {}),
    };
  }

  /** Runs `pulumi <args> --non-interactive`; resolves with its exit code and output, whatever the code. */
  exec(args: readonly string[], input?: string): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        this.command,
        [...args, "--non-interactive"],
        { cwd: this.cwd, env: this.env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = (error as NodeJS.ErrnoException | null)?.code;
          if (code === "ENOENT" || code === "EACCES") {
            reject(
              new PulumiCliMissingError(
                `the Pulumi CLI (\`${this.command}\`) could not be started (${code}): ${HOW_TO_GET}`,
              ),
            );
            return;
          }
          const exit = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolve({
            code: exit,
            stdout: redactBackendCredentials(String(stdout), this.backendUrl),
            stderr: redactBackendCredentials(String(stderr), this.backendUrl),
          });
        },
      );
      if (input !== undefined) child.stdin?.end(input);
      else child.stdin?.end();
    });
  }

  /** Runs `pulumi <args>` and returns its standard output; a failure throws {@link PulumiCliError}. */
  async run(args: readonly string[], input?: string): Promise<string> {
    const result = await this.exec(args, input);
    if (result.code !== 0) throw this.failure(args, result);
    return result.stdout;
  }

  /**
   * The URL of the backend the commands use: the one given, else the one logged in to (`pulumi
   * whoami`). It may hold a password: pass it only through `redactBackendUrl` to anything that
   * is written or shown.
   */
  async resolveBackendUrl(): Promise<string> {
    if (this.backendUrl) return this.backendUrl;
    const who = JSON.parse(await this.run(["whoami", "--json"])) as { url?: unknown };
    return typeof who.url === "string" ? who.url : "";
  }

  /** The error for a failed command: the command and what it printed on stderr, redacted. */
  failure(args: readonly string[], result: CliResult): PulumiCliError {
    const said = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-12).join("\n");
    return new PulumiCliError(`\`pulumi ${args.join(" ")}\` failed (exit ${result.code}): ${said}`);
  }
}
