/**
 * The provider object of every resource, stored in state.
 *
 * @module pulumi-planetscale/internal/provider-shell
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EngineConfig, ProviderRuntime, ResourceKind, ResourceProps } from "./runtime-contract";

/**
 * The object Pulumi serializes into every resource's state (`__provider`) and rebuilds in the
 * dynamic-provider host. It is deliberately tiny: every method loads the real implementation at run
 * time with `require("pulumi-planetscale/internal/provider-runtime")`, resolved from the project's
 * `node_modules`. So state holds a few hundred bytes instead of the whole library, no zod schema or
 * HTTP client is ever serialized, and `refresh`/`destroy` run the installed version's fixes instead
 * of code frozen in state.
 *
 * Rules (see CONTRIBUTING.md): no imports but types, prototype methods only, no `#private` fields,
 * nothing captured from configuration. `configure` runs only in the host, after deserialization.
 * Each method passes its arguments unchanged to the {@link ProviderRuntime} function of the same
 * name (`delete` to {@link ProviderRuntime.remove}), after {@link kind} and {@link config}: the
 * 0.1.0 shells in existing state do exactly this, so the runtime must keep accepting it.
 */
export class ProviderShell implements pulumi.dynamic.ResourceProvider {
  /** Which resource family this shell serves; serialized into state. */
  readonly kind: ResourceKind;
  /** The stack configuration, given by the engine to `configure` (host only; serialized as `undefined`). */
  config: EngineConfig;

  /** @param kind - the resource family, stored in state with the shell */
  constructor(kind: ResourceKind) {
    this.kind = kind;
    this.config = undefined;
  }

  /** Keeps the engine's stack configuration for the calls that follow. */
  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = req.config;
  }

  /** See {@link ProviderRuntime.check}. */
  async check(olds: ResourceProps, news: ResourceProps): Promise<pulumi.dynamic.CheckResult> {
    return loadRuntime().check(this.kind, this.config, olds, news);
  }

  /** See {@link ProviderRuntime.diff}. */
  async diff(id: string, olds: ResourceProps, news: ResourceProps): Promise<pulumi.dynamic.DiffResult> {
    return loadRuntime().diff(this.kind, this.config, id, olds, news);
  }

  /** See {@link ProviderRuntime.create}. */
  async create(inputs: ResourceProps): Promise<pulumi.dynamic.CreateResult> {
    return loadRuntime().create(this.kind, this.config, inputs);
  }

  /** See {@link ProviderRuntime.read}. */
  async read(id: string, props: ResourceProps): Promise<pulumi.dynamic.ReadResult> {
    return loadRuntime().read(this.kind, this.config, id, props);
  }

  /** See {@link ProviderRuntime.update}. */
  async update(id: string, olds: ResourceProps, news: ResourceProps): Promise<pulumi.dynamic.UpdateResult> {
    return loadRuntime().update(this.kind, this.config, id, olds, news);
  }

  /** See {@link ProviderRuntime.remove}. */
  async delete(id: string, props: ResourceProps): Promise<void> {
    return loadRuntime().remove(this.kind, this.config, id, props);
  }
}

/**
 * Loads the implementation by package name. In the host, `require` resolves from the Pulumi
 * project's directory, so the project must have `pulumi-planetscale` installed (as any program
 * that imports it does).
 */
function loadRuntime(): ProviderRuntime {
  return require("pulumi-planetscale/internal/provider-runtime");
}
