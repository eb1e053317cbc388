/**
 * What a local file backend keeps for a stack, read from its files the way `pulumi stack export`,
 * `pulumi stack output --show-secrets` and `pulumi stack history --show-secrets` read them, without
 * starting the CLI. Each of those commands derives the passphrase's key anew (PBKDF2, 1,000,000
 * rounds: about 0.2 s of CPU) and Automation API runs three of them after every `up`, one after
 * every `refresh` and `destroy`; here the key is derived once per stack.
 */
import { createDecipheriv, pbkdf2 } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ConfigMap, OutputMap, UpdateSummary } from "@pulumi/pulumi/automation";

/** The marker key and value of a secret in state (`resource.SecretSig` in Pulumi's Go SDK). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** A resource as the checkpoint stores it (secrets stay encrypted). */
export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The latest deployment of a stack, as the backend stores it. */
export interface Deployment {
  resources: StateResource[];
  pending_operations?: unknown[];
}

/**
 * One stack of a file backend (`file://<stateDir>`) whose project is in `projectDir` and whose
 * secrets provider is the passphrase.
 */
export class StackFiles {
  private key: Promise<Buffer> | undefined;

  constructor(
    private readonly options: {
      projectDir: string;
      stateDir: string;
      project: string;
      stack: string;
      passphrase: string;
    },
  ) {}

  /** The latest deployment (`pulumi stack export`); empty before the first update. */
  deployment(): Deployment {
    const { stateDir, project, stack } = this.options;
    const file = join(stateDir, ".pulumi", "stacks", project, `${stack}.json`);
    const checkpoint = JSON.parse(readFileSync(file, "utf8"));
    return (checkpoint.checkpoint?.latest ?? { resources: [] }) as Deployment;
  }

  /** The stack's outputs, secrets decrypted and marked (`pulumi stack output --show-secrets`). */
  async outputs(): Promise<OutputMap> {
    const deployment = this.deployment();
    const root = deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const outputs: OutputMap = {};
    for (const [name, value] of Object.entries(root?.outputs ?? {})) {
      outputs[name] = { value: await this.reveal(value), secret: isSecret(value) };
    }
    return outputs;
  }

  /** The last operation's summary (`pulumi stack history --page-size 1 --show-secrets`). */
  async lastUpdate(): Promise<UpdateSummary | undefined> {
    const { stateDir, project, stack } = this.options;
    const dir = join(stateDir, ".pulumi", "history", project, stack);
    // `<stack>-<unix nanoseconds>.history.json`: the same number of digits until 2286.
    const last = readdirSync(dir)
      .filter((f) => f.endsWith(".history.json"))
      .sort()
      .at(-1);
    if (last === undefined) return undefined;
    const update = JSON.parse(readFileSync(join(dir, last), "utf8"));
    const config: ConfigMap = {};
    for (const [name, value] of Object.entries(update.config ?? {}) as [string, unknown][]) {
      const secure = (value as { secure?: unknown } | null)?.secure;
      config[name] =
        typeof secure === "string"
          ? { value: await this.decrypt(secure), secret: true }
          : { value: typeof value === "string" ? value : JSON.stringify(value), secret: false };
    }
    return {
      ...update,
      config,
      startTime: new Date(update.startTime * 1000),
      endTime: new Date(update.endTime * 1000),
    } as UpdateSummary;
  }

  /** `value` with every secret in it replaced by its plaintext. */
  private async reveal(value: unknown): Promise<unknown> {
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.reveal(v)));
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (isSecret(record)) {
      if ("plaintext" in record) return JSON.parse(String(record["plaintext"]));
      return JSON.parse(await this.decrypt(String(record["ciphertext"])));
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) out[k] = await this.reveal(v);
    return out;
  }

  /** Pulumi's passphrase crypter: `v1:<nonce>:<ciphertext and tag>`, AES-256-GCM, all base64. */
  private async decrypt(text: string): Promise<string> {
    const [version, nonce, sealed] = text.split(":");
    if (version !== "v1" || nonce === undefined || sealed === undefined) {
      throw new Error(`not a passphrase ciphertext: ${text.slice(0, 8)}…`);
    }
    const bytes = Buffer.from(sealed, "base64");
    const decipher = createDecipheriv("aes-256-gcm", await this.secretsKey(), Buffer.from(nonce, "base64"));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString(
      "utf8",
    );
  }

  /**
   * The passphrase provider's key: PBKDF2-SHA256 of the passphrase, 1,000,000 rounds, with the salt
   * of the stack's `encryptionsalt` (`v1:<salt>:<check value>`), derived off the event loop.
   */
  private secretsKey(): Promise<Buffer> {
    this.key ??= new Promise((resolve, reject) => {
      const { projectDir, stack, passphrase } = this.options;
      const settings = readFileSync(join(projectDir, `Pulumi.${stack}.yaml`), "utf8");
      const salt = /^encryptionsalt: v1:([^:]+):/m.exec(settings)?.[1];
      if (salt === undefined) throw new Error(`Pulumi.${stack}.yaml has no passphrase encryptionsalt`);
      pbkdf2(passphrase, Buffer.from(salt, "base64"), 1_000_000, 32, "sha256", (error, key) =>
        error ? reject(error) : resolve(key),
      );
    });
    return this.key;
  }
}

function isSecret(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE
  );
}
