import { dropUndefined, echoedInputs, type PropertyTable } from "../inputs/property-table";
import { normalizeTimestamp } from "../inputs/timestamp";
import type { CredentialFlavor, RemoteCredential } from "./flavor";
import type { ResolvedCredentialInputs } from "./inputs";

/** The plaintext, known only from the create answer and carried forward afterwards. */
export interface CredentialSecret {
  password: string | undefined;
  databaseUrl: string | undefined;
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
  return { password: plaintext, databaseUrl };
}

/** The secret outputs carried forward from earlier outputs (the API never returns them again). */
export function carriedSecret(props: Record<string, unknown>): CredentialSecret {
  const password = typeof props["password"] === "string" ? props["password"] : undefined;
  const databaseUrl = typeof props["databaseUrl"] === "string" ? props["databaseUrl"] : undefined;
  return { password, databaseUrl };
}

/** The full output state of a credential: the inputs as given, and what PlanetScale reports. */
export function toOutputs(
  properties: PropertyTable,
  credential: RemoteCredential,
  inputs: ResolvedCredentialInputs,
  branch: BranchRef,
  secret: CredentialSecret,
): Record<string, unknown> {
  return dropUndefined({
    ...echoedInputs(properties, inputs),
    credentialId: credential.id,
    name: credential.name ?? inputs.name,
    branchId: branch.id,
    branchName: branch.name,
    username: credential.username ?? null,
    host: credential.host ?? null,
    expiresAt: normalizeTimestamp(credential.expiresAt),
    createdAt: normalizeTimestamp(credential.createdAt),
    // As PlanetScale reports them (its defaults when the program left them unset).
    ...reported(credential),
    password: secret.password,
    databaseUrl: secret.databaseUrl,
  });
}

/** Kind-specific values PlanetScale reports (`role`, `replica`, `inheritedRoles`); nulls left out. */
function reported(credential: RemoteCredential): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(credential.extra).filter(([, v]) => v !== null && v !== undefined),
  );
}
