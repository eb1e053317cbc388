/**
 * The contract between the provider object stored in state ({@link ProviderShell}) and the code
 * that does the work ({@link ProviderRuntime}), as types only. Not public API, but a contract with
 * every stack written by an earlier version, which runs through the installed version's runtime:
 *
 * - state holds `require("pulumi-planetscale/internal/providers/<kind>")` or, for a package linked
 *   rather than installed, the shell's methods by value (see `test/support/provider-shell-0.1.0-*`);
 * - either way the shell calls `require("pulumi-planetscale/internal/provider-runtime")` and one of
 *   the {@link ProviderRuntime} functions with its {@link ResourceKind} and the engine's
 *   {@link EngineConfig}.
 *
 * So: only add to these types. Never rename a kind or a function, never reorder or retype a
 * parameter, never remove a package export (`test/provider/serialization.test.ts` replays the
 * 0.1.0 shells).
 *
 * @module pulumi-planetscale/internal/runtime-contract
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderShell } from "./provider-shell";

/**
 * The resource families the runtime implements, stored in state as the {@link ProviderShell}'s
 * `kind`; never rename one.
 */
export type ResourceKind =
  | "branch"
  | "apiToken"
  | "branchPassword"
  | "branchRole"
  | "database"
  | "deployRequest";

/** A resource's inputs or outputs as the engine passes them: plain JSON-like values by property name. */
export type ResourceProps = Record<string, unknown>;

/**
 * The stack configuration the engine hands to {@link ProviderShell.configure}: `undefined` until
 * `configure` has run (and always in a shell rebuilt from state before it).
 */
export type EngineConfig = pulumi.dynamic.Config | undefined;

/**
 * What `require("pulumi-planetscale/internal/provider-runtime")` returns: one function per
 * dynamic-provider method, each taking the shell's {@link ResourceKind} and {@link EngineConfig}
 * first and then the arguments the engine gave the shell, unchanged.
 */
export interface ProviderRuntime {
  /** Version of this contract, for diagnostics; raised only when a function is added. */
  readonly contractVersion: number;
  /** Validates and normalizes inputs (no API call needs credentials to be valid). */
  check(
    kind: ResourceKind,
    config: EngineConfig,
    olds: ResourceProps,
    news: ResourceProps,
  ): Promise<pulumi.dynamic.CheckResult>;
  /** Compares old outputs to new inputs: which properties change, and whether that replaces. */
  diff(
    kind: ResourceKind,
    config: EngineConfig,
    id: string,
    olds: ResourceProps,
    news: ResourceProps,
  ): Promise<pulumi.dynamic.DiffResult>;
  /** Creates the object; resolves to its id and outputs. */
  create(
    kind: ResourceKind,
    config: EngineConfig,
    inputs: ResourceProps,
  ): Promise<pulumi.dynamic.CreateResult>;
  /** Reads the object for `pulumi refresh` and `import`. */
  read(
    kind: ResourceKind,
    config: EngineConfig,
    id: string,
    props: ResourceProps,
  ): Promise<pulumi.dynamic.ReadResult>;
  /** Changes in place what {@link ProviderRuntime.diff} said can change in place. */
  update(
    kind: ResourceKind,
    config: EngineConfig,
    id: string,
    olds: ResourceProps,
    news: ResourceProps,
  ): Promise<pulumi.dynamic.UpdateResult>;
  /** Deletes the object (the shell's `delete`; `delete` is a reserved word for a function name). */
  remove(kind: ResourceKind, config: EngineConfig, id: string, props: ResourceProps): Promise<void>;
}
