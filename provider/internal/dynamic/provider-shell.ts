import type * as pulumi from "@pulumi/pulumi";
import type * as Runtime from "./provider-runtime";

/** The resource families the runtime implements; stored in state, so never rename one. */
export type ResourceKind = "branch" | "apiToken" | "branchPassword" | "branchRole";

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
 */
export class ProviderShell implements pulumi.dynamic.ResourceProvider {
  readonly kind: ResourceKind;
  /** The stack configuration, given by the engine to `configure` (host only; never serialized). */
  config: pulumi.dynamic.Config | undefined;

  constructor(kind: ResourceKind) {
    this.kind = kind;
    this.config = undefined;
  }

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = req.config;
  }

  async check(
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.CheckResult> {
    return loadRuntime().check(this.kind, this.config, olds, news);
  }

  async diff(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.DiffResult> {
    return loadRuntime().diff(this.kind, this.config, id, olds, news);
  }

  async create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    return loadRuntime().create(this.kind, this.config, inputs);
  }

  async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    return loadRuntime().read(this.kind, this.config, id, props);
  }

  async update(
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.UpdateResult> {
    return loadRuntime().update(this.kind, this.config, id, olds, news);
  }

  async delete(id: string, props: Record<string, unknown>): Promise<void> {
    return loadRuntime().remove(this.kind, this.config, id, props);
  }
}

/**
 * Loads the implementation by package name. In the host, `require` resolves from the Pulumi
 * project's directory, so the project must have `pulumi-planetscale` installed (as any program
 * that imports it does).
 */
function loadRuntime(): typeof Runtime {
  return require("pulumi-planetscale/internal/provider-runtime");
}
