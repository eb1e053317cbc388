import type * as pulumi from "@pulumi/pulumi";
import { confirmGone } from "../api/gone";
import type { ServiceToken, ServiceTokenAccess } from "../api/schemas";
import * as serviceTokens from "../api/service-tokens";
import type { PlanetScaleClient } from "../client/client";
import { NotFoundError, OutcomeUnknownError, ResponseValidationError } from "../client/errors";
import { DEFAULT_LATE_CREATE_WAIT_MS } from "../client/settings";
import { checkFailures } from "../dynamic/check-failures";
import { fillName } from "../dynamic/naming";
import type { ProviderContext, ResourceImplementation } from "../dynamic/resource-implementation";
import { containsUnknown, isUnknown } from "../dynamic/unknown";
import { formatDuration, parseDuration } from "../inputs/duration";
import { fillOrganization } from "../inputs/organization";
import { resolvedInputs, userInputs } from "../inputs/props";
import { recordIntent } from "../ownership/journal";
import { judge } from "../ownership/judge";
import { beginCreate, claim, othersInFlight, release } from "../ownership/run-registry";
import { type DatabaseUse, verifyDatabase, verifyOrganization } from "../preflight/preflight";
import {
  GrantNotAppliedError,
  InvalidInputError,
  NoLongerExistsError,
  OwnershipUnprovenError,
} from "../resource-errors";
import { deleteExpiredToken, isExpired, recordedAsOurs } from "./expired";
import { grantAccesses } from "./grant";
import { desiredGrants, type Grant, parseGrants, planChanges, sameGrants } from "./grants";
import { ApiTokenInputs, crossCheck, parseTimestamp, ttlSeconds } from "./inputs";
import {
  carriedSecret,
  grantsOf,
  inputsFromOutputs,
  REQUESTED_EXPIRES_AT,
  type ResolvedApiTokenInputs,
  secretOf,
  type TokenSecret,
  toOutputs,
} from "./outputs";

type Props = Record<string, unknown>;

/** Name prefix of generated token names when neither `name` nor `namePrefix` is given. */
const DEFAULT_NAME_PREFIX = "token";

function resolved(props: Props): ResolvedApiTokenInputs {
  return resolvedInputs(ApiTokenInputs, props, "ApiToken");
}

function describe(inputs: { organization: string; name: string }, id?: string): string {
  return `service token '${inputs.name}'${id ? ` (id ${id})` : ""} of ${inputs.organization}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------
// check

/** How a token's `databases` is named in a preflight message. */
const TOKEN_DATABASE_USE: DatabaseUse = {
  property: "databases",
  accesses: "the credential must see a database to grant a token accesses on it",
};

async function check(ctx: ProviderContext, olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  const inputs = { ...userInputs(news) };
  // Unknown values (preview) are validated once they are known; only the known ones are checked now.
  const unknown = new Set(Object.keys(inputs).filter((k) => containsUnknown(inputs[k])));
  const known = Object.fromEntries(Object.entries(inputs).filter(([k]) => !unknown.has(k)));
  const result = ApiTokenInputs.safeParse(known);
  if (!result.success) return { inputs: news, failures: checkFailures(result.error) };
  const failures = crossCheck(result.data, unknown, Date.now());
  if (failures.length > 0) return { inputs: news, failures };

  const missingOrganization = fillOrganization(ctx, inputs);
  if (missingOrganization.length > 0) return { inputs: news, failures: missingOrganization };
  fillName(inputs, olds, DEFAULT_NAME_PREFIX);
  // Valid inputs only: a wrong credential or organization fails the preview, not only the update.
  if (!isUnknown(inputs["organization"])) {
    const organization = String(inputs["organization"]);
    const client = ctx.client();
    await verifyOrganization(client, organization);
    // Each named database once per process (cached), so an unreachable one fails the preview too.
    // Unknown entries are checked once known; the parse above proved the known ones are names.
    const databases = isUnknown(inputs["databases"]) ? [] : ((inputs["databases"] as unknown[]) ?? []);
    await Promise.all(
      databases
        .filter((d): d is string => typeof d === "string" && !isUnknown(d))
        .map((d) => verifyDatabase(client, organization, d, TOKEN_DATABASE_USE)),
    );
  }
  return { inputs: { ...inputs, __provider: news["__provider"] } };
}

// ---------------------------------------------------------------------------------------------
// diff

async function diff(
  _ctx: ProviderContext,
  _id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.DiffResult> {
  const now = Date.now();
  const replaces: string[] = [];
  const changes: string[] = [];

  // No update endpoint: a new name, organization or lifetime needs a new token.
  for (const key of ["organization", "name"] as const) {
    if (isUnknown(news[key]) || news[key] !== olds[key]) replaces.push(key);
  }
  if (!sameInstant(news["expiresAt"], olds[REQUESTED_EXPIRES_AT])) replaces.push("expiresAt");
  if (!sameDuration(news["ttl"], olds["ttl"])) replaces.push("ttl");

  // Expired, or due for rotation: replace with a fresh token (created before the old one is deleted).
  const expiresAt = typeof olds["expiresAt"] === "string" ? Date.parse(olds["expiresAt"]) : Number.NaN;
  if (!Number.isNaN(expiresAt) && !replaces.includes("expiresAt")) {
    const window = durationMs(news["rotateBefore"]) ?? 0;
    if (expiresAt - now <= window) replaces.push("expiresAt");
  }

  for (const key of ["scopes", "permissions", "databases"] as const) {
    if (!sameSet(news[key], olds[key])) changes.push(key);
  }
  if (!sameDuration(news["rotateBefore"], olds["rotateBefore"])) changes.push("rotateBefore");
  if (news["namePrefix"] !== olds["namePrefix"]) changes.push("namePrefix");
  // Accesses changed outside Pulumi (seen by refresh) are put back by an update.
  if (!grantsMatch(news, olds)) changes.push("grants");

  return {
    changes: replaces.length > 0 || changes.length > 0,
    replaces,
    // Token names are not unique: the new token is created first, so consumers never go without one.
    deleteBeforeReplace: false,
  };
}

function sameInstant(next: unknown, previous: unknown): boolean {
  if (isUnknown(next)) return false;
  if (next === undefined || next === null) return previous === undefined || previous === null;
  if (typeof next !== "string" || typeof previous !== "string") return false;
  return parseTimestamp(next) === parseTimestamp(previous);
}

function durationMs(value: unknown): number | undefined {
  return typeof value === "number" || typeof value === "string" ? parseDuration(value) : undefined;
}

function sameDuration(next: unknown, previous: unknown): boolean {
  if (isUnknown(next)) return false;
  if (next === undefined || next === null) return previous === undefined || previous === null;
  const a = durationMs(next);
  return a !== undefined && a === durationMs(previous);
}

function sameSet(next: unknown, previous: unknown): boolean {
  if (containsUnknown(next)) return false;
  if (next === undefined || next === null) return previous === undefined || previous === null;
  if (!Array.isArray(next) || !Array.isArray(previous)) return false;
  const a = [...new Set(next.map(String))].sort();
  const b = [...new Set(previous.map(String))].sort();
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function grantsMatch(news: Props, olds: Props): boolean {
  const keys = ["organization", "scopes", "permissions", "databases"];
  if (keys.some((k) => containsUnknown(news[k])) || typeof news["organization"] !== "string") return true;
  const wanted = desiredGrants(news["organization"], {
    scopes: stringList(news["scopes"]),
    permissions: stringList(news["permissions"]),
    databases: stringList(news["databases"]),
  });
  return sameGrants(wanted, parseGrants(olds["grants"]));
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

// ---------------------------------------------------------------------------------------------
// create

async function create(ctx: ProviderContext, props: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = resolved(props);
  const client = ctx.client();
  const { organization } = inputs;
  const startedAt = Date.now();
  const ttl = ttlSeconds(inputs, startedAt);
  if (ttl !== undefined && ttl <= 0) {
    throw new InvalidInputError(
      `cannot create ${describe(inputs)}: expiresAt '${inputs.expiresAt}' has passed; set a later time`,
    );
  }
  const desired = desiredGrants(organization, inputs);
  // Until the create returns or throws (the token granted, or deleted again), a killed host leaves
  // this record for `recover`: a token whose value was lost must not stay alive.
  const settled = recordIntent(client, { kind: KIND, organization, name: inputs.name }, (m) => ctx.log(m));
  try {
    return await createGranted(ctx, client, inputs, ttl, desired);
  } finally {
    settled();
  }
}

/** Creates the token and grants its accesses; deletes it again when granting fails. */
async function createGranted(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  inputs: ResolvedApiTokenInputs,
  ttl: number | undefined,
  desired: Grant[],
): Promise<pulumi.dynamic.CreateResult> {
  const { organization } = inputs;
  const created = await createOnce(ctx, client, inputs, ttl);
  if (typeof created.token !== "string" || created.token === "") {
    await rollback(ctx, client, inputs, created.id, "PlanetScale's answer carried no token secret");
    throw new ResponseValidationError(
      `${describe(inputs, created.id)} was created without a secret in PlanetScale's answer; it was deleted again`,
    );
  }
  const secret = secretOf(created.id, created.token);

  let grants: Grant[];
  try {
    // The token is new and holds nothing: what the grants' answers list is all it holds, so
    // they are not read back (unless an answer came without its list).
    let granted: ServiceTokenAccess[] | undefined = [];
    for (const change of planChanges(desired, []).add) {
      const answer = await grantAccesses(client, organization, created.id, change);
      granted = answer === undefined || granted === undefined ? undefined : [...granted, ...answer];
    }
    grants = await effectiveGrants(ctx, client, inputs, created.id, desired, granted);
  } catch (error) {
    await rollback(ctx, client, inputs, created.id, message(error));
    throw error;
  }
  return { id: created.id, outs: toOutputs(created, inputs, grants, secret) };
}

/** How many times a create whose outcome was unknown is tried, when cleaning up proved it safe. */
const CREATE_ATTEMPTS = 3;
/** Registry kind of service tokens (see `run-registry`). */
const KIND = "serviceToken";
/** Between two looks for a token whose create may be applied late. */
const LATE_CREATE_POLL_MS = 1_000;

/**
 * POSTs the token: one request on the happy path. When the outcome is unknown the token may exist
 * (now or a little later) with its secret lost: it is found, proven to be ours, and deleted, and
 * only once that is settled is the POST tried again.
 */
async function createOnce(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  inputs: ResolvedApiTokenInputs,
  ttl: number | undefined,
): Promise<ServiceToken> {
  const key = `${inputs.organization}/${inputs.name}`;
  for (let attempt = 1; ; attempt++) {
    const startedAt = Date.now();
    const done = beginCreate(key);
    try {
      const created = await serviceTokens.createServiceToken(client, inputs.organization, {
        name: inputs.name,
        ttl,
      });
      claim(KIND, created.id, ownerOf(inputs));
      return created;
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) throw error;
      const cleanup = await cleanUpUnknownCreate(ctx, client, inputs, error, startedAt, key);
      if (!cleanup.safeToRetry || attempt >= CREATE_ATTEMPTS) throw cleanup.error;
      ctx.log(
        `${cleanup.error.message} Creating ${describe(inputs)} again (attempt ${attempt + 1} of ${CREATE_ATTEMPTS}).`,
      );
    } finally {
      done();
    }
  }
}

/** How other resources and messages refer to the resource creating this token. */
function ownerOf(inputs: ResolvedApiTokenInputs): string {
  return `the ApiToken named '${inputs.name}' (${inputs.organization})`;
}

/**
 * The grants PlanetScale reports after granting: from the grants' own answers (`granted`), or,
 * when one came without its list, from listing the token's accesses. A token missing any
 * requested access is refused (and then deleted by the caller): never leave a token with partial
 * access. If the list itself cannot be read, the grants just made are reported.
 */
async function effectiveGrants(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  inputs: ResolvedApiTokenInputs,
  id: string,
  desired: Grant[],
  granted: ServiceTokenAccess[] | undefined,
): Promise<Grant[]> {
  let accesses: ServiceTokenAccess[];
  try {
    accesses = granted ?? (await serviceTokens.listServiceTokenAccesses(client, inputs.organization, id));
  } catch (error) {
    ctx.log(
      `${describe(inputs, id)}: could not list its accesses after granting them (${message(error)}); reporting the requested ones`,
    );
    return desired;
  }
  const actual = grantsOf(inputs.organization, accesses);
  const missing = planChanges(desired, actual).add;
  if (missing.length > 0) {
    const what = missing.map(
      (m) => `${m.database ? `database ${m.database}` : "organization"}: ${m.access.join(", ")}`,
    );
    throw new GrantNotAppliedError(
      `PlanetScale accepted the grants of ${describe(inputs, id)} but does not list these accesses: ${what.join("; ")}. ` +
        "The credential Pulumi uses may only grant accesses it holds itself.",
    );
  }
  return actual;
}

/** Deletes a token whose grants failed. Reports (without throwing) when that fails too. */
async function rollback(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  inputs: ResolvedApiTokenInputs,
  id: string,
  reason: string,
): Promise<void> {
  try {
    await serviceTokens.deleteServiceToken(client, inputs.organization, id);
    ctx.log(`${describe(inputs, id)} was deleted again because granting its accesses failed (${reason})`);
  } catch (error) {
    if (error instanceof NotFoundError) return;
    ctx.log(
      `${describe(inputs, id)} could not be deleted after granting its accesses failed (${message(error)}). ` +
        `It may hold only some of its accesses: delete it by hand (pscale service-token delete ${id} --org ${inputs.organization}, ` +
        "or the organization's Settings → Service tokens page).",
    );
  }
}

/**
 * The token POST may or may not have been applied, possibly a little later. If it was, the token
 * exists but its secret is lost, so it is useless to Pulumi: find it and delete it. A token is
 * taken as the one this request made only when {@link judge} proves it (created after the
 * request started, by our credential, not claimed by another resource of this run) and no other
 * resource of this run is creating a token of the same name; when nothing is found, PlanetScale is
 * given `planetscale:lateCreateWaitMs` to apply the request late before concluding that nothing was
 * made. Returns the error to throw; never retries by itself.
 */
async function cleanUpUnknownCreate(
  ctx: ProviderContext,
  client: PlanetScaleClient,
  inputs: ResolvedApiTokenInputs,
  original: OutcomeUnknownError,
  startedAt: number,
  key: string,
): Promise<{ error: Error; safeToRetry: boolean }> {
  const what = describe(inputs);
  const waitMs = ctx.settings().lateCreateWaitMs ?? DEFAULT_LATE_CREATE_WAIT_MS;
  ctx.log(
    `creating ${what}: the outcome is unknown (${original.message}); looking for the token to delete it (for up to ${formatDuration(waitMs)}, in case PlanetScale applies it late)`,
  );
  const fail = (text: string, safeToRetry = false) => ({
    error: new OwnershipUnprovenError(
      `creating ${what} failed and PlanetScale's answer was lost (${original.message}). ${text}`,
      { cause: original },
    ),
    safeToRetry,
  });
  const deadline = Date.now() + waitMs;
  for (;;) {
    const candidates: ServiceToken[] = [];
    try {
      for await (const token of serviceTokens.listServiceTokens(client, inputs.organization)) {
        if (token.name !== inputs.name) continue;
        const found = { id: token.id, createdAt: token.created_at, actorId: token.actor_id };
        if (judge(client, KIND, found, startedAt).ours) candidates.push(token);
      }
    } catch (error) {
      return fail(
        `Could not check whether the token was created (${message(error)}), so nothing was deleted: look for a service token named '${inputs.name}' ` +
          `created at ${new Date(startedAt).toISOString()} or later by this credential, delete it, then run \`pulumi up\` again.`,
      );
    }
    const ids = candidates.map((t) => t.id).join(", ");
    const busy = othersInFlight(key) > 0;
    const waiting = Date.now() < deadline;
    if ((busy || candidates.length === 0) && waiting) {
      await sleep(Math.min(LATE_CREATE_POLL_MS, Math.max(0, deadline - Date.now())));
      continue;
    }
    if (busy) {
      return fail(
        `Another resource of this stack is creating a token with the same name, so the new tokens${ids ? ` (ids ${ids})` : ""} cannot be told apart and none was deleted. ` +
          "Give each ApiToken its own `name`; then delete the tokens nothing uses and run `pulumi up` again.",
      );
    }
    const [only, ...others] = candidates;
    if (only === undefined) {
      return fail(
        `No token named '${inputs.name}' appeared within ${formatDuration(waitMs)}: nothing was created (raise planetscale:lateCreateWaitMs if PlanetScale applies requests later than that).`,
        true,
      );
    }
    if (others.length > 0) {
      return fail(
        `Several new tokens are named '${inputs.name}' (ids ${ids}) and any of them may belong to someone else, so none was deleted: ` +
          "delete the ones nothing uses, then run `pulumi up` again.",
      );
    }
    try {
      await serviceTokens.deleteServiceToken(client, inputs.organization, only.id);
    } catch (error) {
      if (!(error instanceof NotFoundError)) {
        return fail(
          `The token was created (id ${only.id}) but its secret was lost, and deleting it failed (${message(error)}): ` +
            `delete it by hand (pscale service-token delete ${only.id} --org ${inputs.organization}), then run \`pulumi up\` again.`,
        );
      }
    }
    return fail(
      `The token had been created (id ${only.id}) but its secret was lost, so it was deleted.`,
      true,
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// read

async function read(ctx: ProviderContext, id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const organization = stringOr(props["organization"]) ?? ctx.defaultOrganization();
  if (!organization) {
    throw new InvalidInputError(
      "cannot read an ApiToken without its organization (pass `organization` when reading by id)",
    );
  }
  const client = ctx.client();
  // A refresh of a token this stack created reads only its accesses: everything else PlanetScale
  // says about a token (id, name, creation, expiry) never changes, and the accesses of a token
  // that no longer exists answer 404 like the token itself.
  const known = knownToken(id, props);
  let token: ServiceToken;
  let accesses: ServiceTokenAccess[];
  try {
    token = known ?? (await serviceTokens.getServiceToken(client, organization, id));
    if (isExpired(token, Date.now())) {
      // Ours (recorded in the state): deleted, not just forgotten. Someone else's: only reported.
      if (recordedAsOurs(props, id)) await deleteExpiredToken(ctx, client, organization, token);
      else
        ctx.log(`service token ${id} of ${organization} expired at ${token.expires_at}; reporting it gone`);
      return {};
    }
    accesses = await serviceTokens.listServiceTokenAccesses(client, organization, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      // A 404 also means "no permission": only report the token gone once the credential is proven to work.
      await confirmGone(client, organization, error);
      return {};
    }
    throw error;
  }
  const previous = userInputs(props);
  // Read by id (`opts.id`) passes the program's inputs: their expiresAt is the requested one.
  const requested =
    previous[REQUESTED_EXPIRES_AT] ?? (previous["tokenId"] === undefined ? previous["expiresAt"] : undefined);
  const echoed =
    ApiTokenInputs.partial().safeParse({ ...inputsFromOutputs(previous), expiresAt: requested }).data ?? {};
  const inputs = {
    ...echoed,
    organization,
    name: token.name ?? stringOr(previous["name"]) ?? id,
  } as ResolvedApiTokenInputs;
  const outputs = toOutputs(token, inputs, grantsOf(organization, accesses), carriedSecret(previous));
  return { id: token.id, props: outputs, inputs: inputsFromOutputs(outputs) };
}

/**
 * The token as this stack's outputs recorded it, when they hold all of its immutable fields (not
 * for a read by id, whose props are the program's inputs).
 */
function knownToken(id: string, props: Props): ServiceToken | undefined {
  const { tokenId, name, createdAt, expiresAt } = props;
  if (tokenId !== id || typeof name !== "string" || typeof createdAt !== "string") return undefined;
  if (expiresAt !== null && typeof expiresAt !== "string") return undefined;
  const token: ServiceToken = { id, name, created_at: createdAt, expires_at: expiresAt };
  return token;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// update

async function update(
  ctx: ProviderContext,
  id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = resolved(news);
  const client = ctx.client();
  const { organization } = inputs;
  let token: ServiceToken;
  let accesses: ServiceTokenAccess[];
  try {
    token = await serviceTokens.getServiceToken(client, organization, id);
    // The live accesses, not the recorded ones: exact even when they changed since the last refresh.
    accesses = await serviceTokens.listServiceTokenAccesses(client, organization, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmGone(client, organization, error);
      throw new NoLongerExistsError(
        `${describe(inputs, id)} no longer exists (deleted outside Pulumi, or expired). ` +
          "Run `pulumi refresh` and then `pulumi up` to create a new one.",
        { cause: error },
      );
    }
    throw error;
  }
  const desired = desiredGrants(organization, inputs);
  const { add, remove } = planChanges(desired, grantsOf(organization, accesses));
  // Revoke first: the token never holds more than the old and new grants have in common plus the new ones.
  for (const change of remove)
    await serviceTokens.removeServiceTokenAccesses(client, organization, id, change);
  for (const change of add) await grantAccesses(client, organization, id, change);
  if (add.length > 0 || remove.length > 0) {
    accesses = await serviceTokens.listServiceTokenAccesses(client, organization, id);
  }
  const secret: TokenSecret = carriedSecret(olds);
  return { outs: toOutputs(token, inputs, grantsOf(organization, accesses), secret) };
}

// ---------------------------------------------------------------------------------------------
// delete

async function remove(ctx: ProviderContext, id: string, props: Props): Promise<void> {
  const organization = stringOr(props["organization"]) ?? ctx.defaultOrganization();
  if (!organization)
    throw new InvalidInputError(`cannot delete service token ${id}: its organization is not recorded`);
  const client = ctx.client();
  try {
    await serviceTokens.deleteServiceToken(client, organization, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmGone(client, organization, error);
      release(KIND, id);
      return;
    }
    throw error;
  }
  release(KIND, id);
}

/** The ApiToken provider methods, dispatched by the provider runtime. */
export const apiTokenResource: ResourceImplementation = { check, diff, create, read, update, delete: remove };
