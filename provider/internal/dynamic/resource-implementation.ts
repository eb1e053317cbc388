import type * as pulumi from "@pulumi/pulumi";
import type { PlanetScaleClient } from "../client/client";
import { getClient } from "../client/registry";
import { type ConfigSource, defaultOrganization, resolveSettings, type Settings } from "../client/settings";

type Props = Record<string, unknown>;

/** What a resource implementation gets from the host: lazily resolved settings and a client. */
export interface ProviderContext {
  /** Resolved on first use: `check` and `diff` must work without credentials. */
  settings(): Settings;
  client(): PlanetScaleClient;
  /** `planetscale:organization`, or `PLANETSCALE_ORG`, when set. */
  defaultOrganization(): string | undefined;
  /** A progress line on stderr, which the Pulumi CLI shows. Never pass secrets. */
  log(message: string): void;
}

/** One resource family's provider methods, with the context instead of `this`. */
export interface ResourceImplementation {
  check(ctx: ProviderContext, olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult>;
  diff(ctx: ProviderContext, id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult>;
  create(ctx: ProviderContext, inputs: Props): Promise<pulumi.dynamic.CreateResult>;
  read(ctx: ProviderContext, id: string, props: Props): Promise<pulumi.dynamic.ReadResult>;
  update(ctx: ProviderContext, id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult>;
  delete(ctx: ProviderContext, id: string, props: Props): Promise<void>;
}

/** Builds the context for one provider call from the engine's stack configuration. */
export function contextFor(config: ConfigSource | undefined): ProviderContext {
  let settings: Settings | undefined;
  // One client lookup per call: each hashes the credential (see `registry.ts`).
  let client: PlanetScaleClient | undefined;
  return {
    settings() {
      settings ??= resolveSettings(config, process.env);
      return settings;
    },
    client() {
      client ??= getClient(this.settings());
      return client;
    },
    defaultOrganization() {
      return defaultOrganization(config, process.env);
    },
    log(message) {
      process.stderr.write(`planetscale: ${message}\n`);
    },
  };
}
