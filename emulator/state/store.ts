import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { buildFromSeed } from "./build-from-seed";
import { EmulatorConfigError } from "./config-error";
import { type DatabaseSettings, databaseState, kindOf } from "./databases";
import { settle } from "./deploy-requests";
import { hashSecret, iso, publicId } from "./ids";
import type {
  BackupRecord,
  BranchRecord,
  CredentialRecord,
  DatabaseKind,
  DatabaseRecord,
  OrganizationRecord,
  ResizeRecord,
  TokenRecord,
  VtgateConfig,
} from "./records";
import { StoreData } from "./records";
import type { Seed } from "./seed";
import { explain, validate } from "./validation";

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
    /** The settings of `update_database_settings` (see `DatabaseRecord`). */
    settings: DatabaseSettings;
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
    /** Its schema's table names, sorted (Vitess). */
    tables: string[];
    createdAt: string;
    updatedAt: string;
    /** A Postgres point-in-time restore's instant (ISO 8601), if it was one. */
    restorePoint?: string;
    /** The Postgres major version, when one was asked for or inherited. */
    majorVersion?: string;
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
  passwords: PasswordSnapshot[];
  roles: RoleSnapshot[];
  deployRequests: DeployRequestSnapshot[];
}

/** A deploy request in a snapshot. */
export interface DeployRequestSnapshot {
  number: number;
  organization: string;
  database: string;
  branch: string;
  intoBranch: string;
  /** `open` or `closed`. */
  state: string;
  deploymentState: string;
  deployedAt: string | null;
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

/** A password in a snapshot: its IP restrictions besides the common fields. */
export interface PasswordSnapshot extends CredentialSnapshot {
  /** Null: usable from anywhere. */
  cidrs: string[] | null;
}

/** A role in a snapshot: whether it is the branch's default one, and the objects it owns. */
export interface RoleSnapshot extends CredentialSnapshot {
  default: boolean;
  /** Tables created as this role (through the emulator's control API) and not reassigned. */
  ownedObjects: string[];
}

/** Branch readiness at `now`. */
export function branchState(branch: BranchRecord, now: number): "pending" | "ready" {
  return now >= branch.readyAt ? "ready" : "pending";
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
export function clusterNameAt(branch: BranchRecord, now: number): string {
  const change = branch.clusterChange;
  return change && now < change.at ? change.from : branch.clusterName;
}

/** A resize's state at `now`. */
export function resizeState(resize: ResizeRecord, now: number): "resizing" | "completed" | "canceled" {
  if (resize.canceledAt !== null) return "canceled";
  return now >= resize.completeAt ? "completed" : "resizing";
}

/** The in-memory data and its (optional) atomic persistence. */
export class Store {
  data: StoreData;
  private readonly file: string | undefined;
  /**
   * Digests of every token and password secret this process handed out, deleted ones included:
   * kept for leak scans (`Emulator.issuedSecretDigests`), never persisted, never a plaintext.
   */
  readonly issuedDigests = new Set<string>();

  constructor(data: StoreData, file?: string) {
    this.data = data;
    this.file = file;
  }

  /** The digest of a secret handed out in an answer (the only form kept), recorded as issued. */
  issue(secret: string): string {
    const digest = hashSecret(secret);
    this.issuedDigests.add(digest);
    return digest;
  }

  /** Loads `file` if it exists; otherwise builds from `seed` (and writes `file`). */
  static open(seed: Seed, file: string | undefined, now: number): Store {
    if (file) {
      let text: string | undefined;
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
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
    return this.data.backups.find(
      (b) => b.organization === org && b.database === db && b.id === id && b.deletedAt === null,
    );
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
    const data = this.data;
    settle(data, now);
    return {
      organizations: data.organizations.map((o) => ({ id: o.id, name: o.name, createdAt: iso(o.createdAt) })),
      databases: data.databases.map((x) => ({
        id: x.id,
        organization: x.organization,
        name: x.name,
        region: x.region,
        defaultBranch: x.defaultBranch,
        ready: databaseState(x, now) === "ready",
        kind: kindOf(x),
        createdAt: iso(x.createdAt),
        settings: {
          requireApprovalForDeploy: x.requireApprovalForDeploy,
          restrictBranchRegion: x.restrictBranchRegion,
          allowDataBranching: x.allowDataBranching,
          allowForeignKeyConstraints: x.allowForeignKeyConstraints,
          automaticMigrations: x.automaticMigrations,
          migrationFramework: x.migrationFramework,
          migrationTableName: x.migrationTableName,
          insightsRawQueries: x.insightsRawQueries,
          deletionProtected: x.deletionProtected,
          productionBranchWebConsole: x.productionBranchWebConsole,
        },
      })),
      branches: data.branches.map((b) => {
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
          tables: b.tables.map((t) => t.name).sort(),
          createdAt: iso(b.createdAt),
          updatedAt: iso(Math.max(b.updatedAt, state === "ready" ? Math.min(b.readyAt, now) : 0)),
          ...(b.restorePoint === undefined ? {} : { restorePoint: iso(b.restorePoint) }),
          ...(b.majorVersion === undefined ? {} : { majorVersion: b.majorVersion }),
        };
      }),
      backups: data.backups
        .filter((b) => b.deletedAt === null)
        .map((b) => ({
          id: b.id,
          organization: b.organization,
          database: b.database,
          branch: b.branchName,
          name: b.name,
        })),
      serviceTokens: data.serviceTokens.map((t) => ({
        id: t.id,
        organization: t.organization,
        name: t.name,
        createdAt: iso(t.createdAt),
        expiresAt: t.expiresAt === null ? null : iso(t.expiresAt),
        lastUsedAt: t.lastUsedAt === null ? null : iso(t.lastUsedAt),
        accesses: t.accesses.map((a) => ({ id: a.id, access: a.access, database: a.database })),
      })),
      passwords: data.passwords.map((p) => ({ ...credentialSnapshot(p), cidrs: p.cidrs && [...p.cidrs] })),
      roles: data.roles.map((r) => ({
        ...credentialSnapshot(r),
        default: r.isDefault,
        ownedObjects: [...r.ownedObjects],
      })),
      deployRequests: data.deployRequests.map((r) => ({
        number: r.number,
        organization: r.organization,
        database: r.database,
        branch: r.branchName,
        intoBranch: r.intoBranchName,
        state: r.closedAt === null ? "open" : "closed",
        deploymentState: r.state,
        deployedAt: r.deployedAt === null ? null : iso(r.deployedAt),
      })),
    };
  }

  /** Forgets the credentials of deleted branches: they stop authenticating with their branch. */
  dropCredentialsOf(branchIds: ReadonlySet<string>): void {
    this.data.passwords = this.data.passwords.filter((p) => !branchIds.has(p.branchId));
    this.data.roles = this.data.roles.filter((r) => !branchIds.has(r.branchId));
  }
}

function credentialSnapshot(credential: CredentialRecord): CredentialSnapshot {
  return {
    id: credential.id,
    organization: credential.organization,
    database: credential.database,
    branchId: credential.branchId,
    name: credential.name,
    username: credential.username,
    createdAt: iso(credential.createdAt),
    expiresAt: credential.expiresAt === null ? null : iso(credential.expiresAt),
  };
}

/** Reads a state file's text: JSON holding a valid {@link StoreData}, or an Error naming the file and the problem. */
function parseStateFile(text: string, file: string): StoreData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EmulatorConfigError(`state file ${file} is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  const parsed = validate(StoreData, json);
  if (!parsed.success) {
    throw new EmulatorConfigError(
      `state file ${file} is not an emulator state file (version 1); fix or delete it:\n${explain(parsed.error)}`,
    );
  }
  return parsed.data;
}
