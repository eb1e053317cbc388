/**
 * Builds the emulator's initial data from a {@link Seed}, checking what the schema cannot: names,
 * regions, duplicates and references between the seeded objects. Each step adds one kind of object.
 */
import { addBranch } from "./branches";
import { EmulatorConfigError } from "./config-error";
import { addDatabase, DATABASE_NAME_RULE, isValidDatabaseName, NEW_DATABASE_SETTINGS } from "./databases";
import { applyDdl, DdlError } from "./ddl";
import { hashSecret, publicId } from "./ids";
import { BRANCH_NAME_RULE, isValidBranchName } from "./names";
import { isAccessName, isDatabaseAccess } from "./permissions";
import type { AccessRecord, DatabaseRecord, StoreData } from "./records";
import { DEFAULT_REGION, isRegion } from "./regions";
import {
  parseSeed,
  type Seed,
  type SeedBackup,
  type SeedBranch,
  type SeedDatabase,
  type SeedToken,
} from "./seed";

/** When a seeded branch marked `ready: false` becomes ready: never (the largest valid Date). */
const NEVER = 8_640_000_000_000_000;

/** The data being built, the ids handed out so far and the creation time of everything. */
interface Build {
  data: StoreData;
  usedIds: Set<string>;
  now: number;
}

/** Builds (and checks) the initial data from a seed. Throws a readable Error on a bad seed. */
export function buildFromSeed(seedInput: Seed, now: number): StoreData {
  const seed = parseSeed(seedInput);
  const build: Build = { data: emptyData(), usedIds: new Set(), now };
  for (const organization of seed.organizations) {
    addOrganization(build, organization.name, organization.id);
    for (const database of organization.databases ?? [])
      addSeededDatabase(build, organization.name, database);
    for (const token of organization.serviceTokens ?? []) addServiceToken(build, organization.name, token);
  }
  return build.data;
}

function emptyData(): StoreData {
  return {
    version: 1,
    organizations: [],
    databases: [],
    branches: [],
    backups: [],
    serviceTokens: [],
    resizes: [],
    changes: [],
    passwords: [],
    roles: [],
    deployRequests: [],
    requests: [],
  };
}

function invalid(problem: string): Error {
  return new EmulatorConfigError(`invalid seed: ${problem}`);
}

/** The id asked for (refused when already used), or a fresh random one. */
function claimId(build: Build, wanted: string | undefined, what: string): string {
  if (wanted !== undefined) {
    if (build.usedIds.has(wanted)) throw invalid(`duplicate id "${wanted}" (${what})`);
    build.usedIds.add(wanted);
    return wanted;
  }
  let id = publicId();
  while (build.usedIds.has(id)) id = publicId();
  build.usedIds.add(id);
  return id;
}

function addOrganization(build: Build, name: string, id: string | undefined): void {
  if (!isValidBranchName(name)) throw invalid(`organization name "${name}" ${BRANCH_NAME_RULE}`);
  if (build.data.organizations.some((existing) => existing.name === name)) {
    throw invalid(`duplicate organization "${name}"`);
  }
  build.data.organizations.push({
    id: claimId(build, id, "organization"),
    name,
    createdAt: build.now,
    updatedAt: build.now,
  });
}

/** Adds a database with its branches (its default branch first, created when not listed) and backups. */
function addSeededDatabase(build: Build, organization: string, seed: SeedDatabase): void {
  if (!isValidDatabaseName(seed.name)) {
    throw invalid(`database name "${seed.name}" ${DATABASE_NAME_RULE}`);
  }
  const { data, now } = build;
  if (
    data.databases.some((existing) => existing.organization === organization && existing.name === seed.name)
  ) {
    throw invalid(`duplicate database "${organization}/${seed.name}"`);
  }
  const region = seed.region ?? DEFAULT_REGION;
  if (!isRegion(region)) throw invalid(`unknown region "${region}" for database "${seed.name}"`);
  const database = addDatabase(
    data,
    {
      id: claimId(build, seed.id, "database"),
      organization,
      name: seed.name,
      region,
      kind: seed.kind ?? "mysql",
      defaultBranch: seed.defaultBranch ?? "main",
      ready: seed.ready ?? true,
      createdAt: now,
      settings: {
        ...NEW_DATABASE_SETTINGS,
        requireApprovalForDeploy: seed.requireApprovalForDeploy ?? false,
        restrictBranchRegion: seed.restrictBranchRegion ?? false,
        allowDataBranching: seed.allowDataBranching ?? true,
        deletionProtected: seed.deletionProtected ?? false,
      },
    },
    null,
  );
  const listed = seed.branches ?? [];
  const branches = listed.some((branch) => branch.name === database.defaultBranch)
    ? listed
    : [{ name: database.defaultBranch, production: true }, ...listed];
  // The default branch first, so the others copy its schema.
  const ordered = [...branches].sort(
    (a, b) => Number(b.name === database.defaultBranch) - Number(a.name === database.defaultBranch),
  );
  for (const branch of ordered) addSeededBranch(build, database, branch, branches, seed.schema);
  for (const backup of seed.backups ?? []) addBackup(build, database, backup);
}

/** Adds a branch of `database`; `siblings` are every branch seeded in it (its parent must be one). */
function addSeededBranch(
  build: Build,
  database: DatabaseRecord,
  seed: SeedBranch,
  siblings: readonly SeedBranch[],
  databaseSchema: readonly string[] | undefined,
): void {
  if (!isValidBranchName(seed.name)) throw invalid(`branch name "${seed.name}" ${BRANCH_NAME_RULE}`);
  const { data, now } = build;
  const inSameDatabase = data.branches.filter(
    (existing) => existing.organization === database.organization && existing.database === database.name,
  );
  if (inSameDatabase.some((existing) => existing.name === seed.name)) {
    throw invalid(`duplicate branch "${database.name}/${seed.name}"`);
  }
  const isDefault = seed.name === database.defaultBranch;
  const parent = isDefault ? null : (seed.parent ?? database.defaultBranch);
  if (parent !== null && !siblings.some((sibling) => sibling.name === parent)) {
    throw invalid(`parent "${parent}" of branch "${seed.name}" is not in database "${database.name}"`);
  }
  const region = seed.region ?? database.region;
  if (!isRegion(region)) throw invalid(`unknown region "${region}" for branch "${seed.name}"`);
  const production = seed.production ?? isDefault;
  const parentTables =
    inSameDatabase.find((existing) => existing.name === parent)?.tables ??
    inSameDatabase.find((existing) => existing.name === database.defaultBranch)?.tables ??
    [];
  const ddl = [...(isDefault ? (databaseSchema ?? []) : []), ...(seed.schema ?? [])];
  if (ddl.length > 0 && database.kind === "postgresql") {
    throw invalid(
      `schema of "${database.name}/${seed.name}": the emulator keeps schemas of Vitess databases only`,
    );
  }
  let tables = parentTables;
  try {
    tables = ddl.length > 0 ? applyDdl(parentTables, ddl, database.name) : parentTables;
  } catch (error) {
    if (!(error instanceof DdlError)) throw error;
    throw invalid(`schema of "${database.name}/${seed.name}": ${error.message}`);
  }
  addBranch(data, database, {
    id: claimId(build, seed.id, "branch"),
    name: seed.name,
    parent,
    region,
    production,
    clusterName: production ? "PS_10" : "PS_DEV",
    deletionProtected: seed.deletionProtected ?? false,
    safeMigrations: seed.safeMigrations ?? false,
    restoredFrom: null,
    createdAt: now,
    readyAt: (seed.ready ?? true) ? now : NEVER,
    actor: null,
    tables,
  });
}

/** Adds a backup of a branch seeded in `database`. */
function addBackup(build: Build, database: DatabaseRecord, seed: SeedBackup): void {
  const source = build.data.branches.find(
    (branch) =>
      branch.organization === database.organization &&
      branch.database === database.name &&
      branch.name === seed.branch,
  );
  if (!source) throw invalid(`backup "${seed.id}" names unknown branch "${seed.branch}"`);
  build.data.backups.push({
    id: claimId(build, seed.id, "backup"),
    organization: database.organization,
    database: database.name,
    branchId: source.id,
    branchName: source.name,
    name: seed.name ?? `${source.name}-backup`,
    createdAt: build.now,
    expiresAt: null,
    protected: false,
    emergency: false,
    production: source.production,
    actor: null,
    deletedAt: null,
  });
}

/** Adds a service token with its fixed secret (only its digest is kept) and its accesses. */
function addServiceToken(build: Build, organization: string, seed: SeedToken): void {
  let expiresAt: number | null = null;
  if (seed.expiresAt !== undefined) {
    expiresAt = Date.parse(seed.expiresAt);
    if (Number.isNaN(expiresAt)) throw invalid(`token "${seed.id}" expiresAt is not a timestamp`);
  }
  build.data.serviceTokens.push({
    id: claimId(build, seed.id, "service token"),
    organization,
    name: seed.name ?? null,
    secretHash: hashSecret(seed.token),
    createdAt: build.now,
    updatedAt: build.now,
    expiresAt,
    lastUsedAt: null,
    actor: null,
    accesses: (seed.accesses ?? []).map((access) => tokenAccess(build, organization, seed.id, access)),
  });
}

/** One seeded access of token `tokenId`, checked: a known name, on a database only if it may be. */
function tokenAccess(
  build: Build,
  organization: string,
  tokenId: string,
  seed: { access: string; database?: string | null | undefined },
): AccessRecord {
  if (!isAccessName(seed.access)) throw invalid(`token "${tokenId}" has unknown access "${seed.access}"`);
  const database = seed.database ?? null;
  if (database !== null) {
    if (!isDatabaseAccess(seed.access)) {
      throw invalid(`"${seed.access}" is an organization access; it cannot be granted on a database`);
    }
    if (
      !build.data.databases.some(
        (existing) => existing.organization === organization && existing.name === database,
      )
    ) {
      throw invalid(`token "${tokenId}" is granted access to unknown database "${database}"`);
    }
  }
  return { id: claimId(build, undefined, "access"), access: seed.access, database, createdAt: build.now };
}
