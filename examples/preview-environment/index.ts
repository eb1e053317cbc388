// A preview environment for one pull request: a PlanetScale branch off `main`, the connection
// string the pull request's app uses (a password on MySQL, a role on Postgres), a read-only token
// limited to that database that expires on its own, and (MySQL) the deploy request that takes the
// pull request's schema changes to `main`. All but a deployed request are deleted by
// `pulumi destroy` when the pull request closes.
//
//   pulumi config set pr 42
//   pulumi config set database pg-app && pulumi config set databaseKind postgresql   # for Postgres
//   pulumi up
//   pulumi config set merged true && pulumi up    # on merge: deploy the schema change, wait until live
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

// The pull request's schema change on its way to `main` (which must have safe migrations on): open
// while the pull request is, following the branch as its migrations run on it; deployed on merge,
// `pulumi up` waiting until it is live. A deploy that can drop data needs `allowDataLoss` (the
// workflow sets it from the pull request's `allow-data-loss` label).
const schemaChange =
  databaseKind === "mysql"
    ? new planetscale.DeployRequest("schema", {
        database,
        branch,
        notes: `Pull request #${pr}`,
        deploy: config.getBoolean("merged") ?? false,
        allowDataLoss: config.getBoolean("allowDataLoss") ?? false,
      })
    : undefined;

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
export const deployRequestNumber = schemaChange?.number;
export const deployRequestState = schemaChange?.deploymentState;
export const schemaChangeDdl = schemaChange?.ddl;
/** The pull-request comment the workflow posts: the DDL, and any data-loss warning. */
export const schemaChangeComment = schemaChange
  ? pulumi
      .all([
        schemaChange.number,
        schemaChange.htmlUrl,
        schemaChange.intoBranch,
        schemaChange.deploymentState,
        schemaChange.operations,
        schemaChange.lintErrors,
      ])
      .apply(([number, url, into, state, operations, lint]) => {
        const lines = [`### Schema change: [deploy request #${number}](${url}) into \`${into}\``, ""];
        if (operations.length === 0) return [...lines, "No schema changes on this branch."].join("\n");
        lines.push("Merging deploys:", "", "```sql", ...operations.map((op) => `${op.ddl};`), "```", "");
        const dropping = operations.filter((op) => op.canDropData).map((op) => `\`${op.ddl}\``);
        if (dropping.length > 0) {
          lines.push(
            `> [!WARNING]\n> These statements can drop data: ${dropping.join(", ")}. The deploy on merge runs them only with the \`allow-data-loss\` label.`,
            "",
          );
        }
        if (lint.length > 0) lines.push(`PlanetScale will not deploy it yet: ${lint.join("; ")}.`);
        else lines.push(`PlanetScale: \`${state}\`.`);
        return lines.join("\n");
      })
  : undefined;
