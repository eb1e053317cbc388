import type { CredentialFlavor, RemoteCredential } from "./flavor";
import type { ResolvedCredentialInputs } from "./inputs";

/** Inputs echoed into the outputs, so `diff` (which receives old outputs) can compare them. */
export const ECHOED_INPUT_KEYS = [
  "organization",
  "database",
  "branch",
  "name",
  "namePrefix",
  "ttl",
  "rotateBefore",
  "role",
  "replica",
  "inheritedRoles",
] as const;

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

/** The full output state of a credential. */
export function toOutputs(
  credential: RemoteCredential,
  inputs: ResolvedCredentialInputs,
  branch: BranchRef,
  secret: CredentialSecret,
): Record<string, unknown> {
  const echoed: Record<string, unknown> = {};
  for (const key of ECHOED_INPUT_KEYS) echoed[key] = (inputs as Record<string, unknown>)[key];
  return dropUndefined({
    ...echoed,
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

/** The inputs as they stand after a refresh: what the program gave, as echoed in the outputs. */
export function inputsFromOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const key of ECHOED_INPUT_KEYS) {
    const value = outputs[key];
    if (value !== undefined && value !== null) inputs[key] = value;
  }
  return inputs;
}

/** ISO 8601 with milliseconds, or null. */
function normalizeTimestamp(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
