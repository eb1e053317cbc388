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
