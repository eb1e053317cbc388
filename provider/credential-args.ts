import type * as pulumi from "@pulumi/pulumi";
import { Branch } from "./branch";

/**
 * The branch of a {@link BranchPassword} or {@link BranchRole}: the {@link Branch} resource, or a
 * branch name or public id.
 */
export type BranchInput = pulumi.Input<string> | Branch;

/**
 * A Branch resource is addressed by its public id, which survives renames: renaming the branch in
 * place then changes nothing about the credential.
 */
export function branchRef(branch: BranchInput): pulumi.Input<string> {
  return branch instanceof Branch ? branch.branchId : branch;
}

/** Outputs every connection credential has besides its echoed inputs. */
export const CREDENTIAL_OUTPUT_KEYS = [
  "credentialId",
  "organization",
  "name",
  "branchId",
  "branchName",
  "username",
  "host",
  "password",
  "databaseUrl",
  "ttl",
  "rotateBefore",
  "expiresAt",
  "createdAt",
] as const;

/** Declares the outputs the program did not set (as undefined), so they are exposed too. */
export function outputOnly(args: object, keys: readonly string[]): Record<string, undefined> {
  return Object.fromEntries(keys.filter((k) => !(k in args)).map((k) => [k, undefined]));
}

/** The plaintext and the URL are always secrets, whatever the caller passed. */
export function credentialOptions(
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions {
  const secrets = new Set([...(opts?.additionalSecretOutputs ?? []), "password", "databaseUrl"]);
  return { ...opts, additionalSecretOutputs: [...secrets] };
}
