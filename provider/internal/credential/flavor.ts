import type * as z from "zod";
import type { PlanetScaleClient } from "../client/client";
import type { PropertyTable } from "../inputs/property-table";
import type { DatabaseKind } from "../preflight/database-kind";
import type { ResolvedCredentialInputs } from "./inputs";

/** A credential as both APIs describe it, reduced to what the resources use. */
export interface RemoteCredential {
  id: string;
  name: string | undefined;
  username: string | undefined;
  host: string | undefined;
  /** The plaintext: only in the create answer. Never log it. */
  secret: string | undefined;
  /** The database name to put in a URL (Postgres roles report theirs). */
  databaseName: string | undefined;
  createdAt: string;
  /**
   * Its branch's current name, as PlanetScale reports it with the credential (so a refresh learns a
   * rename without asking for the branch), when it does.
   */
  branchName: string | undefined;
  /** Who created it (`actor.id`), when PlanetScale says: part of proving it ours after a crash. */
  actorId: string | null;
  expiresAt: string | null;
  /** Deleted, dropped or expired: it no longer authenticates. */
  gone: boolean;
  /** What PlanetScale reports, read by the flavor's property table (`readFields`). */
  fields: Record<string, unknown>;
}

/**
 * What differs between a MySQL branch password and a Postgres role: the API, the database kind,
 * the inputs, the create body and the connection URL. Everything else is shared: each provider
 * method (`./check`, `./diff`, `./create`, `./read`, `./update`, `./delete`) takes the flavor.
 */
export interface CredentialFlavor {
  /** `ResourceKind` and type name: "BranchPassword" / "BranchRole". */
  resource: string;
  /** "password" / "role", for messages. */
  noun: string;
  /** The database kind this credential exists on. */
  kind: DatabaseKind;
  /** The resource to use on the other kind of database, for the error that says so. */
  otherResource: string;
  /**
   * The accesses the credential Pulumi uses needs on the database, for the message when it cannot
   * see it, e.g. `for passwords: connect_branch, delete_branch_password`.
   */
  accesses: string;
  /** The credential's properties (`./properties`). */
  properties: PropertyTable;
  /** Validates the inputs (`./inputs`): exactly the inputs of {@link CredentialFlavor.properties}. */
  schema: z.ZodType<Record<string, unknown>>;
  /** POSTs the credential, its body made by {@link CredentialFlavor.properties}. */
  create(
    client: PlanetScaleClient,
    inputs: ResolvedCredentialInputs,
    branchId: string,
  ): Promise<RemoteCredential>;
  get(
    client: PlanetScaleClient,
    organization: string,
    database: string,
    branchId: string,
    id: string,
  ): Promise<RemoteCredential>;
  list(
    client: PlanetScaleClient,
    organization: string,
    database: string,
    branchId: string,
  ): AsyncIterable<RemoteCredential>;
  remove(
    client: PlanetScaleClient,
    organization: string,
    database: string,
    branchId: string,
    id: string,
  ): Promise<void>;
  /**
   * Renames it or changes its other in-place properties (`PATCH …/{id}`), the body made by
   * {@link CredentialFlavor.properties}' `update` rows; answers the credential as it is now.
   */
  update(
    client: PlanetScaleClient,
    organization: string,
    database: string,
    branchId: string,
    id: string,
    body: Record<string, unknown>,
  ): Promise<RemoteCredential>;
  /**
   * Deletes it for `pulumi destroy` (or once its replacement exists), as the program asked:
   * `recorded` is its state (a role's `successor` and `reassignTo`).
   */
  destroy(
    client: PlanetScaleClient,
    organization: string,
    database: string,
    branchId: string,
    id: string,
    recorded: Record<string, unknown>,
  ): Promise<void>;
  /** The connection URL with the TLS settings PlanetScale documents for this kind. */
  databaseUrl(parts: { username: string; password: string; host: string; database: string }): string;
  /** The same connection through a pooler, made from {@link CredentialFlavor.databaseUrl}'s URL (Postgres). */
  pooledDatabaseUrl?(databaseUrl: string): string;
  /** The `pscale` command that deletes one by hand, for error messages. */
  deleteCommand(
    organization: string,
    database: string,
    branch: string,
    id: string,
    successor?: string,
  ): string;
}
