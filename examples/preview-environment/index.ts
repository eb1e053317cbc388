// A preview environment for one pull request: a PlanetScale branch off `main`, and a read-only
// token limited to that database that expires on its own. Both are deleted by `pulumi destroy`
// when the pull request closes.
//
//   pulumi config set pr 42
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import * as planetscale from "pulumi-planetscale";

const config = new pulumi.Config();
const pr = config.getNumber("pr") ?? 123;
const database = config.get("database") ?? "app";

const branch = new planetscale.Branch("preview", {
  database,
  name: `pr-${pr}`,
  parentBranch: "main",
});

// The CI job of the pull request reads the schema with this token; it cannot write or see other
// databases, and it stops working after a week even if nobody destroys the stack.
const token = new planetscale.ApiToken("preview-ci", {
  name: `pr-${pr}-ci`,
  scopes: ["read_only"],
  databases: [database],
  ttl: "7d",
});

export const branchName = branch.name;
export const branchId = branch.branchId;
export const branchState = branch.state;
export const branchUrl = branch.htmlUrl;
export const tokenId = token.tokenId;
export const tokenExpiresAt = token.expiresAt;
/** Secret: `pulumi stack output authorizationHeader --show-secrets`. */
export const authorizationHeader = token.authorizationHeader;
