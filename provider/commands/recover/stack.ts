import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cancelLocks, type LockState, probeLocks } from "../../internal/backend/locks";
import type { PulumiCli } from "../../internal/backend/pulumi-cli";
import type { Deployment } from "../../internal/backend/stacks";
import { isTruncatedAttrsFailure, moveEmptyAttrsAside } from "../../internal/backend/truncated-attrs";
import type { ConfigSource } from "../../internal/client/settings";

export type { Deployment, StateResource } from "../../internal/backend/stacks";

/**
 * The stack being recovered, reached through the Pulumi CLI in the project directory with the
 * caller's environment (backend, passphrase, Pulumi home): its checkpoint, config, locks. Only
 * non-interactive commands; no backend file is read, on any backend.
 */
export class PulumiStack {
  constructor(
    readonly stack: string,
    readonly cwd: string,
    readonly cli: PulumiCli,
  ) {}

  /**
   * The checkpoint (`pulumi stack export`; secrets stay encrypted). On a `file://` backend, an empty
   * attribute file left by a killed CLI makes every read fail with "EOF": it is moved aside (each
   * move reported) and the export tried once more.
   */
  async exportDeployment(report: (line: string) => void): Promise<Deployment> {
    return JSON.parse(
      await this.withAttrsRepair(["stack", "export", "--stack", this.stack], report),
    ) as Deployment;
  }

  /** Runs a read, moving empty attribute files aside once if it fails on one (see {@link exportDeployment}). */
  async withAttrsRepair(args: string[], report: (line: string) => void): Promise<string> {
    const first = await this.cli.exec(args);
    if (first.code === 0) return first.stdout;
    const said = `${first.stderr}\n${first.stdout}`;
    const backendUrl = await this.cli.resolveBackendUrl();
    if (isTruncatedAttrsFailure(said)) {
      const moved = moveEmptyAttrsAside(backendUrl);
      for (const m of moved)
        report(
          `repaired ${m}: an empty checkpoint attribute file (left by a killed pulumi) made every read fail with "EOF"; it holds only a checksum, and was moved aside, not deleted`,
        );
      if (moved.length > 0) return this.cli.run(args);
    }
    throw this.cli.failure(args, first);
  }

  /** Replaces the checkpoint (`pulumi stack import`, which itself refuses a stack another run holds). */
  async importDeployment(deployment: Deployment): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-planetscale-recover-"));
    try {
      const file = path.join(dir, "deployment.json");
      fs.writeFileSync(file, JSON.stringify(deployment), { mode: 0o600 });
      await this.cli.run(["stack", "import", "--file", file, "--stack", this.stack]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The stack's config with secrets decrypted, for the PlanetScale credential (the first read: repairs as {@link exportDeployment}). */
  async config(report: (line: string) => void): Promise<ConfigSource> {
    const values = JSON.parse(
      await this.withAttrsRepair(["config", "--json", "--show-secrets", "--stack", this.stack], report),
    ) as Record<string, { value?: unknown }>;
    return {
      get: (key) => {
        const value = values[key]?.value;
        return typeof value === "string" ? value : undefined;
      },
    };
  }

  /** Who holds the stack (see {@link probeLocks}). */
  async locks(): Promise<LockState> {
    return probeLocks(this.cli, this.stack, await this.cli.resolveBackendUrl());
  }

  /** Removes the stack's locks (`pulumi cancel`). */
  async cancel(): Promise<void> {
    await cancelLocks(this.cli, this.stack);
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

/** The project name of a stack's resources (`urn:pulumi:<stack>::<project>::…`), else Pulumi.yaml's. */
export function projectOf(deployment: Deployment, cwd: string): string {
  for (const r of [
    ...(deployment.deployment.resources ?? []),
    ...(deployment.deployment.pending_operations ?? []).map((p) => p.resource),
  ]) {
    const match = /^urn:pulumi:[^:]+::([^:]+)::/.exec(r.urn);
    if (match?.[1]) return match[1];
  }
  try {
    const yaml = fs.readFileSync(path.join(cwd, "Pulumi.yaml"), "utf8");
    return /^name:\s*(\S+)/m.exec(yaml)?.[1] ?? "";
  } catch {
    return "";
  }
}
