// GitOps: the PlanetScale database, its settings, branches, tokens and schema changes declared in
// environments.yaml, nothing else. The file is the reviewed source of truth; the workflow
// (gitops.yml) previews, applies and checks drift. A schema change is a deploy request from a
// development branch (its migrations already run on it) into production: the pull request that
// declares it shows its DDL in the preview; merging deploys it (`deploy: true`), `pulumi up`
// waiting until it is live.
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import * as planetscale from "pulumi-planetscale";

interface Environments {
  database: planetscale.DatabaseArgs & { name: string };
  branches?: Array<Omit<planetscale.BranchArgs, "database"> & { name: string }>;
  tokens?: Array<Omit<planetscale.ApiTokenArgs, "databases"> & { name: string; databases?: string[] }>;
  schemaChanges?: Array<Omit<planetscale.DeployRequestArgs, "database"> & { branch: string }>;
}

const file = new pulumi.Config().get("file") ?? "environments.yaml";
const declared = yaml.load(readFileSync(file, "utf8")) as Environments;
if (typeof declared?.database?.name !== "string") {
  throw new Error(`${file}: 'database' must give the database's name (and its settings)`);
}

const db = new planetscale.Database(declared.database.name, declared.database);
// Everything that names the database takes it from `db`, so it waits until the database exists.
const named = (database: string) => (database === declared.database.name ? db.name : database);

const branches = (declared.branches ?? []).map(
  (b) => new planetscale.Branch(b.name, { ...b, database: db.name }),
);
const tokens = (declared.tokens ?? []).map(
  ({ databases, ...t }) =>
    new planetscale.ApiToken(t.name, databases === undefined ? t : { ...t, databases: databases.map(named) }),
);
const schemaChanges = (declared.schemaChanges ?? []).map(
  (c) => new planetscale.DeployRequest(`schema-${c.branch}`, { ...c, database: db.name }),
);

export const database = db.name;
export const defaultBranch = db.defaultBranch;
export const branchIds = Object.fromEntries(
  branches.map((b, i) => [declared.branches?.[i]?.name, b.branchId]),
);
export const tokenIds = Object.fromEntries(tokens.map((t, i) => [declared.tokens?.[i]?.name, t.tokenId]));
/** Each schema change's deploy request: its number and deployment state, by branch. */
export const deployRequests = Object.fromEntries(
  schemaChanges.map((d, i) => [
    declared.schemaChanges?.[i]?.branch,
    pulumi.all([d.number, d.deploymentState]).apply(([number, state]) => ({ number, state })),
  ]),
);
