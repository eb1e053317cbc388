// A preview environment for one pull request: a PlanetScale branch off `main`, the connection
// string the pull request's app uses (a password on MySQL, a role on Postgres), and a read-only
// token limited to that database that expires on its own. All are deleted by `pulumi destroy`
// when the pull request closes.
//
//   pulumi config set pr 42
//   pulumi config set database pg-app && pulumi config set databaseKind postgresql   # for Postgres
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import * as planetscale from "pulumi-planetscale";

const config = new pulumi.Config();
const pr = config.getNumber("pr") ?? 123;
const database = config.get("database") ?? "app";
const databaseKind = config.get("databaseKind") ?? "mysql";

const branch = new planetscale.Branch("preview", {
  database,
  name: `pr-${pr}`,
  parentBranch: "main",
});

// The app of the pull request connects with this. Passing the Branch itself (not its name) keeps
// the credential when the branch is renamed; it is replaced, new one first, a week before expiry.
const credential =
  databaseKind === "postgresql"
    ? new planetscale.BranchRole("preview-app", {
        database,
        branch,
        inheritedRoles: ["pg_read_all_data", "pg_write_all_data"],
        ttl: "30d",
        rotateBefore: "7d",
      })
    : new planetscale.BranchPassword("preview-app", {
        database,
        branch,
        role: "readwriter",
        ttl: "30d",
        rotateBefore: "7d",
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
export const databaseUser = credential.username;
export const databaseCredentialExpiresAt = credential.expiresAt;
/** Secret, the app's DATABASE_URL: `pulumi stack output databaseUrl --show-secrets`. */
export const databaseUrl = credential.databaseUrl;
export const tokenId = token.tokenId;
export const tokenExpiresAt = token.expiresAt;
/** Secret: `pulumi stack output authorizationHeader --show-secrets`. */
export const authorizationHeader = token.authorizationHeader;
