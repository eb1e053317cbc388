/** The naming rule PlanetScale applies to branches (and, in seeds, organizations). */

/** Branch names: lowercase letters, digits and hyphens, starting and ending alphanumeric, at most 63. */
export const BRANCH_NAME_RULE =
  "must be 1 to 63 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit";
const BRANCH_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** True when `name` follows {@link BRANCH_NAME_RULE}. */
export function isValidBranchName(name: string): boolean {
  return BRANCH_NAME.test(name);
}
