// GitOps: the PlanetScale branches and tokens declared in environments.yaml, nothing else. The
// file is the reviewed source of truth; the workflow (gitops.yml) previews, applies and checks drift.
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import * as planetscale from "pulumi-planetscale";

interface Environments {
  database: string;
  branches?: Array<Omit<planetscale.BranchArgs, "database"> & { name: string }>;
  tokens?: Array<planetscale.ApiTokenArgs & { name: string }>;
}

const file = new pulumi.Config().get("file") ?? "environments.yaml";
const declared = yaml.load(readFileSync(file, "utf8")) as Environments;
if (typeof declared?.database !== "string") throw new Error(`${file}: 'database' must name the database`);

const branches = (declared.branches ?? []).map(
  (b) => new planetscale.Branch(b.name, { ...b, database: declared.database }),
);
const tokens = (declared.tokens ?? []).map((t) => new planetscale.ApiToken(t.name, t));

export const branchIds = Object.fromEntries(
  branches.map((b, i) => [declared.branches?.[i]?.name, b.branchId]),
);
export const tokenIds = Object.fromEntries(tokens.map((t, i) => [declared.tokens?.[i]?.name, t.tokenId]));
