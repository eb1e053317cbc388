// GitOps: the PlanetScale database, its settings, branches and tokens declared in
// environments.yaml, nothing else. The file is the reviewed source of truth; the workflow
// (gitops.yml) previews, applies and checks drift.
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import * as planetscale from "pulumi-planetscale";

interface Environments {
  database: planetscale.DatabaseArgs & { name: string };
  branches?: Array<Omit<planetscale.BranchArgs, "database"> & { name: string }>;
  tokens?: Array<Omit<planetscale.ApiTokenArgs, "databases"> & { name: string; databases?: string[] }>;
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

export const database = db.name;
export const defaultBranch = db.defaultBranch;
export const branchIds = Object.fromEntries(
  branches.map((b, i) => [declared.branches?.[i]?.name, b.branchId]),
);
export const tokenIds = Object.fromEntries(tokens.map((t, i) => [declared.tokens?.[i]?.name, t.tokenId]));
