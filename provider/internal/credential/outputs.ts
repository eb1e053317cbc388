import { outputsOf } from "../inputs/property-api";
import type { PropertyTable, SourcedKeys } from "../inputs/property-table";
import type { CredentialFlavor, RemoteCredential } from "./flavor";
import type { ResolvedCredentialInputs } from "./inputs";
import type { BRANCH_PASSWORD_PROPERTIES, BRANCH_ROLE_PROPERTIES } from "./properties";

/** The plaintext, known only from the create answer and carried forward afterwards. */
export interface CredentialSecret {
  password: string | undefined;
  databaseUrl: string | undefined;
  /** Postgres: the same connection through PgBouncer; undefined for MySQL passwords. */
  pooledDatabaseUrl: string | undefined;
}

/** Where the branch is: its id (stable across renames) and its name when last seen. */
export interface BranchRef {
  id: string;
  name: string;
}

/** The secret outputs of a freshly created credential. */
export function secretOf(
  flavor: CredentialFlavor,
  created: RemoteCredential,
  plaintext: string,
  database: string,
): CredentialSecret {
  const databaseUrl =
    created.username && created.host
      ? flavor.databaseUrl({
          username: created.username,
          password: plaintext,
          host: created.host,
          database: created.databaseName ?? database,
        })
      : undefined;
  return {
    password: plaintext,
    databaseUrl,
    pooledDatabaseUrl: databaseUrl === undefined ? undefined : flavor.pooledDatabaseUrl?.(databaseUrl),
  };
}

/**
 * The secret outputs carried forward from earlier outputs (the API never returns them again). A
 * role recorded before the pooled URL existed gets it from its `databaseUrl`.
 */
export function carriedSecret(flavor: CredentialFlavor, props: Record<string, unknown>): CredentialSecret {
  const text = (key: string) => (typeof props[key] === "string" ? (props[key] as string) : undefined);
  const databaseUrl = text("databaseUrl");
  const pooled =
    text("pooledDatabaseUrl") ??
    (databaseUrl === undefined ? undefined : flavor.pooledDatabaseUrl?.(databaseUrl));
  return { password: text("password"), databaseUrl, pooledDatabaseUrl: pooled };
}

/**
 * The full output state of a credential, as its property table makes it: the inputs as given,
 * what PlanetScale reports of it (`credential.fields`), its branch and its secret.
 */
export function toOutputs(
  properties: PropertyTable,
  credential: RemoteCredential,
  inputs: ResolvedCredentialInputs,
  branch: BranchRef,
  secret: CredentialSecret,
): Record<string, unknown> {
  // Every output both tables take from other answers than the credential's own, by key.
  const sourced = {
    branchId: branch.id,
    branchName: branch.name,
    password: secret.password,
    databaseUrl: secret.databaseUrl,
    pooledDatabaseUrl: secret.pooledDatabaseUrl,
  } satisfies Record<
    SourcedKeys<typeof BRANCH_PASSWORD_PROPERTIES> | SourcedKeys<typeof BRANCH_ROLE_PROPERTIES>,
    unknown
  >;
  return outputsOf(properties, inputs, credential.fields, sourced);
}
