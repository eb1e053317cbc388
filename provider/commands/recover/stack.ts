import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { PlanetScaleError } from "../../internal/client/errors";
import type { ConfigSource } from "../../internal/client/settings";

/** A resource or a pending operation's resource, as `pulumi stack export` writes it. */
export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The part of `pulumi stack export` that recovery reads and edits. */
export interface Deployment {
  version: number;
  deployment: {
    resources?: StateResource[];
    pending_operations?: Array<{ resource: StateResource; type: string }>;
    [key: string]: unknown;
  };
}

/** A lock file of a `file://` backend: who holds the stack (see Pulumi's diy backend). */
export interface StackLock {
  file: string;
  pid: number;
  hostname: string;
  username: string;
  /** When the locking run started (the locking machine's clock). */
  timestamp: number;
}

/**
 * One Pulumi stack, reached through the `pulumi` CLI on `PATH`, run in the project directory with
 * the caller's environment (backend URL, passphrase, Pulumi home). Only non-interactive commands.
 */
export class PulumiStack {
  constructor(
    readonly stack: string,
    readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private run(args: string[], options: { input?: string; global?: boolean } = {}): string {
    const { input, global } = options;
    const scope = global ? [] : ["--stack", this.stack];
    try {
      return execFileSync("pulumi", [...args, ...scope, "--non-interactive"], {
        cwd: this.cwd,
        env: { ...this.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
        stdio: ["pipe", "pipe", "pipe"],
        ...(input === undefined ? {} : { input }),
      });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
      throw new PlanetScaleError(`\`pulumi ${[...args, ...scope].join(" ")}\` failed: ${stderr}`, {
        cause: error,
      });
    }
  }

  /** The checkpoint (`pulumi stack export`; secrets stay encrypted). */
  exportDeployment(): Deployment {
    return JSON.parse(this.run(["stack", "export"])) as Deployment;
  }

  /** Replaces the checkpoint (`pulumi stack import`). */
  importDeployment(deployment: Deployment): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-planetscale-recover-"));
    try {
      const file = path.join(dir, "deployment.json");
      fs.writeFileSync(file, JSON.stringify(deployment), { mode: 0o600 });
      this.run(["stack", "import", "--file", file]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The stack's config with secrets decrypted, for the PlanetScale credential. */
  config(): ConfigSource {
    const values = JSON.parse(this.run(["config", "--json", "--show-secrets"])) as Record<
      string,
      { value?: unknown }
    >;
    return {
      get: (key) => {
        const value = values[key]?.value;
        return typeof value === "string" ? value : undefined;
      },
    };
  }

  /** The backend URL (`PULUMI_BACKEND_URL`, else `pulumi whoami`). */
  backendUrl(): string {
    if (this.env["PULUMI_BACKEND_URL"]) return this.env["PULUMI_BACKEND_URL"];
    const who = JSON.parse(this.run(["whoami", "--json"], { global: true })) as { url?: string };
    return who.url ?? "";
  }

  /**
   * The stack's lock files, for a `file://` backend (Pulumi keeps them under
   * `.pulumi/locks/<organization>/<project>/<stack>/`); undefined for other backends.
   */
  locks(backendUrl: string, project: string): StackLock[] | undefined {
    if (!backendUrl.startsWith("file://")) return undefined;
    const root = path.join(fileURLToPath(backendUrl.replace(/\?.*$/, "")), ".pulumi", "locks");
    const candidates = [path.join(root, "organization", project, this.stack), path.join(root, this.stack)];
    const locks: StackLock[] = [];
    for (const dir of candidates) {
      let names: string[];
      try {
        names = fs.readdirSync(dir).filter((n) => n.endsWith(".json"));
      } catch {
        continue;
      }
      for (const name of names) {
        const file = path.join(dir, name);
        const content = JSON.parse(fs.readFileSync(file, "utf8")) as {
          pid?: number;
          hostname?: string;
          username?: string;
          timestamp?: string;
        };
        locks.push({
          file,
          pid: Number(content.pid),
          hostname: String(content.hostname ?? ""),
          username: String(content.username ?? ""),
          timestamp: Date.parse(String(content.timestamp ?? "")),
        });
      }
    }
    return locks;
  }
}

/** Whether a process of this machine is alive (a process of another machine: unknown). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The project name of a stack's resources (`urn:pulumi:<stack>::<project>::…`). */
export function projectOf(deployment: Deployment, cwd: string): string {
  for (const r of [
    ...(deployment.deployment.resources ?? []),
    ...(deployment.deployment.pending_operations ?? []).map((p) => p.resource),
  ]) {
    const match = /^urn:pulumi:[^:]+::([^:]+)::/.exec(r.urn);
    if (match?.[1]) return match[1];
  }
  const yaml = fs.readFileSync(path.join(cwd, "Pulumi.yaml"), "utf8");
  return /^name:\s*(\S+)/m.exec(yaml)?.[1] ?? "";
}
