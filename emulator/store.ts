import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { hashSecret, iso, publicId } from "./ids";
import { type AccessName, isAccessName, isDatabaseAccess } from "./permissions";
import { DEFAULT_REGION, isRegion } from "./regions";
import type { RequestLogEntry } from "./request-log";
import { parseSeed, type Seed } from "./seed";

/** Who created something, as shown in `actor` fields. */
export interface ActorRef {
  id: string;
  displayName: string;
  type: "User" | "ServiceToken";
}

/** An organization. Timestamps are epoch milliseconds. */
export interface OrganizationRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

/** A database of an organization. */
export interface DatabaseRecord {
  id: string;
  organization: string;
  name: string;
  region: string;
  defaultBranch: string;
  /** False keeps the database "pending": branches cannot be created in it. */
  ready: boolean;
  /** `mysql` (Vitess) or `postgresql`; absent in state files written before Postgres existed. */
  kind?: DatabaseKind;
  createdAt: number;
  updatedAt: number;
}

/** The two kinds of PlanetScale database (the spec's `kind` enum). */
export type DatabaseKind = "mysql" | "postgresql";

/** A database's kind; state files from before Postgres support hold only MySQL databases. */
export function kindOf(d: DatabaseRecord): DatabaseKind {
  return d.kind ?? "mysql";
}

/** A database branch. `state`/`ready` are computed from `readyAt`. */
export interface BranchRecord {
  id: string;
  organization: string;
  database: string;
  name: string;
  parentBranch: string | null;
  production: boolean;
  deletionProtected: boolean;
  safeMigrations: boolean;
  region: string;
  clusterName: string;
  createdAt: number;
  updatedAt: number;
  /** Epoch ms at which the branch becomes ready (may be far in the future). */
  readyAt: number;
  actor: ActorRef | null;
  restoredFrom: { backupId: string; branchId: string; branchName: string; createdAt: number } | null;
  /** VTGate settings before any resize (absent in older state files: the defaults apply). */
  vtgate?: VtgateConfig;
  /**
   * A cluster-size change under way (`PATCH …/cluster`): `clusterName` is the size asked for,
   * `from` the size reported until `at` (epoch ms). Absent or null when none is under way.
   */
  clusterChange?: { from: string; at: number } | null;
  /** Its database's kind; absent in state files written before Postgres existed (MySQL). */
  kind?: DatabaseKind;
}

/** A branch's VTGate settings, as `PUT …/resizes` changes them. */
export interface VtgateConfig {
  size: string;
  count: number;
  maxCount: number;
  autoscaling: boolean;
  targetCpuUtilization: number;
}

/**
 * A branch resize request (`PUT …/resizes`). Its state is computed from timestamps, like branch
 * readiness: `resizing` until `completeAt`, then `completed`, unless it was canceled first.
 */
export interface ResizeRecord {
  id: string;
  organization: string;
  database: string;
  branchId: string;
  previous: VtgateConfig;
  target: VtgateConfig;
  createdAt: number;
  updatedAt: number;
  completeAt: number;
  canceledAt: number | null;
  actor: ActorRef | null;
}

/** A backup a branch can be restored from (`backup_id` on create). */
export interface BackupRecord {
  id: string;
  organization: string;
  database: string;
  branchId: string;
  branchName: string;
  name: string;
  createdAt: number;
}

/** One access held by a service token: `database` null means organization level. */
export interface AccessRecord {
  id: string;
  access: AccessName;
  database: string | null;
  createdAt: number;
}

/** A service token; only a digest of its secret is kept. */
export interface TokenRecord {
  id: string;
  organization: string;
  name: string | null;
  secretHash: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  actor: ActorRef | null;
  accesses: AccessRecord[];
}

/**
 * A connection credential of a branch: a MySQL password or a Postgres role. Tied to the branch's
 * id, so it survives renames; only a digest of its secret is kept.
 */
export interface CredentialRecord {
  id: string;
  organization: string;
  database: string;
  branchId: string;
  name: string;
  username: string;
  secretHash: string;
  createdAt: number;
  updatedAt: number;
  /** Null: never expires. */
  expiresAt: number | null;
  /** The lifetime given at creation (renew extends by it); null without one. */
  ttlSeconds: number | null;
  actor: ActorRef | null;
}

/** A MySQL branch password. */
export interface PasswordRecord extends CredentialRecord {
  role: "reader" | "writer" | "admin" | "readwriter";
  replica: boolean;
}

/** A Postgres role. */
export interface RoleRecord extends CredentialRecord {
  inheritedRoles: string[];
}

/** Everything the emulator persists (`--state FILE`). */
export interface StoreData {
  version: 1;
  organizations: OrganizationRecord[];
  databases: DatabaseRecord[];
  branches: BranchRecord[];
  backups: BackupRecord[];
  serviceTokens: TokenRecord[];
  /** Branch resize requests, oldest first. */
  resizes: ResizeRecord[];
  passwords: PasswordRecord[];
  roles: RoleRecord[];
  requests: RequestLogEntry[];
}

/** Plain JSON view of the emulator's data, without secrets (see `Emulator.snapshot()`). */
export interface EmulatorSnapshot {
  organizations: Array<{ id: string; name: string; createdAt: string }>;
  databases: Array<{
    id: string;
    organization: string;
    name: string;
    region: string;
    defaultBranch: string;
    ready: boolean;
    kind: DatabaseKind;
    createdAt: string;
  }>;
  branches: Array<{
    id: string;
    organization: string;
    database: string;
    name: string;
    parentBranch: string | null;
    production: boolean;
    state: "pending" | "ready";
    ready: boolean;
    deletionProtected: boolean;
    safeMigrations: boolean;
    region: string;
    clusterName: string;
    createdAt: string;
    updatedAt: string;
  }>;
  backups: Array<{ id: string; organization: string; database: string; branch: string; name: string }>;
  serviceTokens: Array<{
    id: string;
    organization: string;
    name: string | null;
    createdAt: string;
    expiresAt: string | null;
    lastUsedAt: string | null;
    accesses: Array<{ id: string; access: string; database: string | null }>;
  }>;
  /** Passwords and roles, without their secrets. */
  passwords: CredentialSnapshot[];
  roles: CredentialSnapshot[];
}

/** A credential in a snapshot: never its secret. */
export interface CredentialSnapshot {
  id: string;
  organization: string;
  database: string;
  branchId: string;
  name: string;
  username: string;
  createdAt: string;
  expiresAt: string | null;
}

/** "Never" for seeded branches marked not ready. */
const NEVER = 8_640_000_000_000_000;

/** Branch names: lowercase letters, digits and hyphens, starting and ending alphanumeric, at most 63. */
export const BRANCH_NAME_RULE =
  "must be 1 to 63 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit";
const BRANCH_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** True when `name` is a valid branch (or database) name. */
export function isValidBranchName(name: string): boolean {
  return BRANCH_NAME.test(name);
}

/** Branch readiness at `now`. */
export function branchState(b: BranchRecord, now: number): "pending" | "ready" {
  return now >= b.readyAt ? "ready" : "pending";
}

/** VTGate settings of a branch that was never resized. */
export const DEFAULT_VTGATE: VtgateConfig = {
  size: "VTG_5",
  count: 2,
  maxCount: 2,
  autoscaling: false,
  targetCpuUtilization: 70,
};

/** The cluster size a branch reports at `now`: the old size until a change under way completes. */
export function clusterNameAt(b: BranchRecord, now: number): string {
  return b.clusterChange && now < b.clusterChange.at ? b.clusterChange.from : b.clusterName;
}

/** A resize's state at `now`. */
export function resizeState(r: ResizeRecord, now: number): "resizing" | "completed" | "canceled" {
  if (r.canceledAt !== null) return "canceled";
  return now >= r.completeAt ? "completed" : "resizing";
}

/** The in-memory data and its (optional) atomic persistence. */
export class Store {
  data: StoreData;
  private readonly file: string | undefined;

  constructor(data: StoreData, file?: string) {
    this.data = data;
    this.file = file;
  }

  /** Loads `file` if it exists; otherwise builds from `seed` (and writes `file`). */
  static open(seed: Seed, file: string | undefined, now: number): Store {
    if (file) {
      let text: string | undefined;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
      if (text !== undefined) {
        const store = new Store(parseStateFile(text, file), file);
        return store;
      }
    }
    const store = new Store(buildFromSeed(seed, now), file);
    store.save();
    return store;
  }

  /** Writes the state file atomically (temp file + rename); a no-op without a state file. */
  save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${publicId()}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2) + "\n", { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  /** Whether a state file is configured. */
  get persistent(): boolean {
    return this.file !== undefined;
  }

  organization(name: string): OrganizationRecord | undefined {
    return this.data.organizations.find((o) => o.name === name);
  }

  database(org: string, name: string): DatabaseRecord | undefined {
    return this.data.databases.find((d) => d.organization === org && d.name === name);
  }

  databases(org: string): DatabaseRecord[] {
    return this.data.databases.filter((d) => d.organization === org);
  }

  branches(org: string, db: string): BranchRecord[] {
    return this.data.branches.filter((b) => b.organization === org && b.database === db);
  }

  /** Finds a branch by name or, failing that, by public id (as PlanetScale's `{branch}` accepts both). */
  branch(org: string, db: string, nameOrId: string): BranchRecord | undefined {
    const all = this.branches(org, db);
    return all.find((b) => b.name === nameOrId) ?? all.find((b) => b.id === nameOrId);
  }

  backup(org: string, db: string, id: string): BackupRecord | undefined {
    return this.data.backups.find((b) => b.organization === org && b.database === db && b.id === id);
  }

  /** The resize requests of a branch, newest first (as planetscale-go's `ResizeStatus` expects). */
  resizes(branch: BranchRecord): ResizeRecord[] {
    return this.data.resizes.filter((r) => r.branchId === branch.id).reverse();
  }

  /** The VTGate settings a branch has at `now`: those of its last completed resize, else its own. */
  vtgateAt(branch: BranchRecord, now: number): VtgateConfig {
    const done = this.resizes(branch).find((r) => resizeState(r, now) === "completed");
    return done?.target ?? branch.vtgate ?? DEFAULT_VTGATE;
  }

  tokens(org: string): TokenRecord[] {
    return this.data.serviceTokens.filter((t) => t.organization === org);
  }

  token(org: string, id: string): TokenRecord | undefined {
    return this.data.serviceTokens.find((t) => t.organization === org && t.id === id);
  }

  tokenById(id: string): TokenRecord | undefined {
    return this.data.serviceTokens.find((t) => t.id === id);
  }

  /** Plain JSON of the data, without secret digests or the request log. */
  snapshot(now: number): EmulatorSnapshot {
    const d = this.data;
    return {
      organizations: d.organizations.map((o) => ({ id: o.id, name: o.name, createdAt: iso(o.createdAt) })),
      databases: d.databases.map((x) => ({
        id: x.id,
        organization: x.organization,
        name: x.name,
        region: x.region,
        defaultBranch: x.defaultBranch,
        ready: x.ready,
        kind: kindOf(x),
        createdAt: iso(x.createdAt),
      })),
      branches: d.branches.map((b) => {
        const state = branchState(b, now);
        return {
          id: b.id,
          organization: b.organization,
          database: b.database,
          name: b.name,
          parentBranch: b.parentBranch,
          production: b.production,
          state,
          ready: state === "ready",
          deletionProtected: b.deletionProtected,
          safeMigrations: b.safeMigrations,
          region: b.region,
          clusterName: clusterNameAt(b, now),
          createdAt: iso(b.createdAt),
          updatedAt: iso(Math.max(b.updatedAt, state === "ready" ? Math.min(b.readyAt, now) : 0)),
        };
      }),
      backups: d.backups.map((b) => ({
        id: b.id,
        organization: b.organization,
        database: b.database,
        branch: b.branchName,
        name: b.name,
      })),
      serviceTokens: d.serviceTokens.map((t) => ({
        id: t.id,
        organization: t.organization,
        name: t.name,
        createdAt: iso(t.createdAt),
        expiresAt: t.expiresAt === null ? null : iso(t.expiresAt),
        lastUsedAt: t.lastUsedAt === null ? null : iso(t.lastUsedAt),
        accesses: t.accesses.map((a) => ({ id: a.id, access: a.access, database: a.database })),
      })),
      passwords: d.passwords.map(credentialSnapshot),
      roles: d.roles.map(credentialSnapshot),
    };
  }

  passwords(org: string, db: string, branchId: string): PasswordRecord[] {
    return this.data.passwords.filter(
      (p) => p.organization === org && p.database === db && p.branchId === branchId,
    );
  }

  roles(org: string, db: string, branchId: string): RoleRecord[] {
    return this.data.roles.filter(
      (r) => r.organization === org && r.database === db && r.branchId === branchId,
    );
  }

  /** Forgets the credentials of deleted branches: they stop authenticating with their branch. */
  dropCredentialsOf(branchIds: ReadonlySet<string>): void {
    this.data.passwords = this.data.passwords.filter((p) => !branchIds.has(p.branchId));
    this.data.roles = this.data.roles.filter((r) => !branchIds.has(r.branchId));
  }
}

function credentialSnapshot(c: CredentialRecord): CredentialSnapshot {
  return {
    id: c.id,
    organization: c.organization,
    database: c.database,
    branchId: c.branchId,
    name: c.name,
    username: c.username,
    createdAt: iso(c.createdAt),
    expiresAt: c.expiresAt === null ? null : iso(c.expiresAt),
  };
}

const stateFileSchema = z.object({
  version: z.literal(1),
  organizations: z.array(z.any()),
  databases: z.array(z.any()),
  branches: z.array(z.any()),
  backups: z.array(z.any()),
  serviceTokens: z.array(z.any()),
  resizes: z.array(z.any()).optional(),
  passwords: z.array(z.any()).optional(),
  roles: z.array(z.any()).optional(),
  requests: z.array(z.any()).optional(),
});

function parseStateFile(text: string, file: string): StoreData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`state file ${file} is not valid JSON`);
  }
  const parsed = stateFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`state file ${file} is not an emulator state file (version 1)`);
  const p = parsed.data;
  return {
    version: 1,
    organizations: p.organizations as OrganizationRecord[],
    databases: p.databases as DatabaseRecord[],
    branches: p.branches as BranchRecord[],
    backups: p.backups as BackupRecord[],
    serviceTokens: p.serviceTokens as TokenRecord[],
    resizes: (p.resizes ?? []) as ResizeRecord[],
    passwords: (p.passwords ?? []) as PasswordRecord[],
    roles: (p.roles ?? []) as RoleRecord[],
    requests: (p.requests ?? []) as RequestLogEntry[],
  };
}

/** Builds (and checks) the initial data from a seed. Throws a readable Error on a bad seed. */
export function buildFromSeed(seedInput: Seed, now: number): StoreData {
  const seed = parseSeed(seedInput);
  const data: StoreData = {
    version: 1,
    organizations: [],
    databases: [],
    branches: [],
    backups: [],
    serviceTokens: [],
    resizes: [],
    passwords: [],
    roles: [],
    requests: [],
  };
  const usedIds = new Set<string>();
  const id = (wanted: string | undefined, what: string): string => {
    if (wanted !== undefined) {
      if (usedIds.has(wanted)) throw new Error(`invalid seed: duplicate id "${wanted}" (${what})`);
      usedIds.add(wanted);
      return wanted;
    }
    let v = publicId();
    while (usedIds.has(v)) v = publicId();
    usedIds.add(v);
    return v;
  };
  for (const o of seed.organizations) {
    if (!isValidBranchName(o.name))
      throw new Error(`invalid seed: organization name "${o.name}" ${BRANCH_NAME_RULE}`);
    if (data.organizations.some((x) => x.name === o.name))
      throw new Error(`invalid seed: duplicate organization "${o.name}"`);
    data.organizations.push({ id: id(o.id, "organization"), name: o.name, createdAt: now, updatedAt: now });
    for (const d of o.databases ?? []) {
      if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(d.name))
        throw new Error(`invalid seed: database name "${d.name}" must be lowercase letters, digits, _ and -`);
      if (data.databases.some((x) => x.organization === o.name && x.name === d.name))
        throw new Error(`invalid seed: duplicate database "${o.name}/${d.name}"`);
      const region = d.region ?? DEFAULT_REGION;
      if (!isRegion(region))
        throw new Error(`invalid seed: unknown region "${region}" for database "${d.name}"`);
      const defaultBranch = d.defaultBranch ?? "main";
      data.databases.push({
        id: id(d.id, "database"),
        organization: o.name,
        name: d.name,
        region,
        defaultBranch,
        ready: d.ready ?? true,
        kind: d.kind ?? "mysql",
        createdAt: now,
        updatedAt: now,
      });
      const listed = d.branches ?? [];
      const branches = listed.some((b) => b.name === defaultBranch)
        ? listed
        : [{ name: defaultBranch, production: true }, ...listed];
      for (const b of branches) {
        if (!isValidBranchName(b.name))
          throw new Error(`invalid seed: branch name "${b.name}" ${BRANCH_NAME_RULE}`);
        if (
          data.branches.some((x) => x.organization === o.name && x.database === d.name && x.name === b.name)
        )
          throw new Error(`invalid seed: duplicate branch "${d.name}/${b.name}"`);
        const isDefault = b.name === defaultBranch;
        const parent = isDefault ? null : (b.parent ?? defaultBranch);
        if (parent !== null && !branches.some((x) => x.name === parent))
          throw new Error(
            `invalid seed: parent "${parent}" of branch "${b.name}" is not in database "${d.name}"`,
          );
        const bRegion = b.region ?? region;
        if (!isRegion(bRegion))
          throw new Error(`invalid seed: unknown region "${bRegion}" for branch "${b.name}"`);
        const production = b.production ?? isDefault;
        data.branches.push({
          id: id(b.id, "branch"),
          organization: o.name,
          database: d.name,
          name: b.name,
          parentBranch: parent,
          production,
          deletionProtected: b.deletionProtected ?? false,
          safeMigrations: b.safeMigrations ?? false,
          region: bRegion,
          clusterName: production ? "PS_10" : "PS_DEV",
          createdAt: now,
          updatedAt: now,
          readyAt: (b.ready ?? true) ? now : NEVER,
          actor: null,
          restoredFrom: null,
          kind: d.kind ?? "mysql",
        });
      }
      for (const bk of d.backups ?? []) {
        const source = data.branches.find(
          (x) => x.organization === o.name && x.database === d.name && x.name === bk.branch,
        );
        if (!source) throw new Error(`invalid seed: backup "${bk.id}" names unknown branch "${bk.branch}"`);
        data.backups.push({
          id: id(bk.id, "backup"),
          organization: o.name,
          database: d.name,
          branchId: source.id,
          branchName: source.name,
          name: bk.name ?? `${source.name}-backup`,
          createdAt: now,
        });
      }
    }
    for (const t of o.serviceTokens ?? []) {
      let expiresAt: number | null = null;
      if (t.expiresAt !== undefined) {
        expiresAt = Date.parse(t.expiresAt);
        if (Number.isNaN(expiresAt))
          throw new Error(`invalid seed: token "${t.id}" expiresAt is not a timestamp`);
      }
      const accesses: AccessRecord[] = [];
      for (const a of t.accesses ?? []) {
        if (!isAccessName(a.access))
          throw new Error(`invalid seed: token "${t.id}" has unknown access "${a.access}"`);
        const db = a.database ?? null;
        if (db !== null) {
          if (!isDatabaseAccess(a.access))
            throw new Error(
              `invalid seed: "${a.access}" is an organization access; it cannot be granted on a database`,
            );
          if (!data.databases.some((x) => x.organization === o.name && x.name === db))
            throw new Error(`invalid seed: token "${t.id}" is granted access to unknown database "${db}"`);
        }
        accesses.push({ id: id(undefined, "access"), access: a.access, database: db, createdAt: now });
      }
      data.serviceTokens.push({
        id: id(t.id, "service token"),
        organization: o.name,
        name: t.name ?? null,
        secretHash: hashSecret(t.token),
        createdAt: now,
        updatedAt: now,
        expiresAt,
        lastUsedAt: null,
        actor: null,
        accesses,
      });
    }
  }
  return data;
}
