import type * as pulumi from "@pulumi/pulumi";
import * as branches from "../api/branches";
import { confirmBranchGone } from "../api/gone";
import * as organizations from "../api/organizations";
import type { Branch as ApiBranch } from "../api/schemas";
import type { PlanetScaleClient } from "../client/client";
import { NotFoundError, OutcomeUnknownError, PlanetScaleError } from "../client/errors";
import { checkFailures } from "../dynamic/check-failures";
import { fillName } from "../dynamic/naming";
import { PartialCreateError } from "../dynamic/partial-create";
import type { ProviderContext, ResourceImplementation } from "../dynamic/resource-implementation";
import { unchangedSinceDeployed } from "../dynamic/unchanged";
import { formatDuration } from "../inputs/duration";
import { parseKnown } from "../inputs/known-inputs";
import { fillOrganization, recordedOrganization } from "../inputs/organization";
import { diffProperties, sameClusterSize } from "../inputs/property-diff";
import { dropUndefined, inputsFromOutputs } from "../inputs/property-table";
import { resolvedInputs, userInputs } from "../inputs/props";
import { isUnknown } from "../inputs/unknown";
import { recordIntent } from "../ownership/journal";
import { judge } from "../ownership/judge";
import { claim, release } from "../ownership/run-registry";
import { verifyDatabase } from "../preflight/preflight";
import {
  AlreadyExistsError,
  BranchNotFoundError,
  DeletionProtectedError,
  HasChildBranchesError,
  InvalidInputError,
  NotReadyError,
  OwnershipUnprovenError,
} from "../resource-errors";
import { BranchInputFields, BranchInputs, readyTimeoutMs } from "./inputs";
import { kindFailures } from "./kind-check";
import { type ResolvedBranchInputs, toOutputs } from "./outputs";
import { BRANCH_PROPERTIES } from "./properties";
import { waitFor } from "./readiness";
import { isReady } from "./report";

type Props = Record<string, unknown>;

function resolved(props: Props): ResolvedBranchInputs {
  return resolvedInputs(BranchInputs, props, "Branch");
}

function where(inputs: { organization: string; database: string }): string {
  return `${inputs.organization}/${inputs.database}`;
}

async function check(ctx: ProviderContext, olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
  const inputs = { ...userInputs(news) };
  const { parsed } = parseKnown(BranchInputs, BRANCH_PROPERTIES, inputs);
  if (!parsed.success) return { inputs: news, failures: checkFailures(parsed.error) };

  const missingOrganization = fillOrganization(ctx, inputs);
  if (missingOrganization.length > 0) return { inputs: news, failures: missingOrganization };
  fillName(inputs, olds, "branch");
  if (unchangedSinceDeployed(olds, inputs)) return { inputs: { ...inputs, __provider: news["__provider"] } };
  // Without credentials, or when PlanetScale is unreachable, create checks again.
  const wrongKind = await kindFailures(ctx, inputs).catch(() => []);
  if (wrongKind.length > 0) return { inputs: news, failures: wrongKind };
  // Valid inputs only: a wrong credential or database fails the preview, not only the update.
  if (!isUnknown(inputs["organization"]) && !isUnknown(inputs["database"])) {
    await verifyDatabase(ctx.client(), String(inputs["organization"]), String(inputs["database"]));
  }
  return { inputs: { ...inputs, __provider: news["__provider"] } };
}

async function diff(
  _ctx: ProviderContext,
  _id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.DiffResult> {
  const { replaces, changes: changed } = diffProperties(BRANCH_PROPERTIES, olds, news);
  // Names are unique within a database: a replacement keeping its name must delete the old one first.
  const keepsName = isUnknown(news["name"]) || news["name"] === olds["name"];
  return {
    changes: replaces.length > 0 || changed.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && keepsName,
  };
}

async function create(ctx: ProviderContext, props: Props): Promise<pulumi.dynamic.CreateResult> {
  const inputs = resolved(props);
  const client = ctx.client();
  const deadline = Date.now() + readyTimeoutMs(inputs);
  const [wrongKind] = await kindFailures(ctx, inputs);
  if (wrongKind) throw new InvalidInputError(wrongKind.reason);

  if (inputs.adopt) {
    const existing = await findBranch(client, inputs, inputs.name);
    if (existing) {
      const owner = claim(KIND, existing.id, ownerOf(inputs));
      if (owner !== undefined) {
        throw new OwnershipUnprovenError(
          `cannot adopt branch '${inputs.name}' of ${where(inputs)} (id ${existing.id}): ${owner} of this stack manages it already. Two resources cannot manage one branch: give one of them another \`name\`.`,
        );
      }
      ctx.log(`adopting existing branch ${inputs.name} of ${where(inputs)} (id ${existing.id})`);
      return finishCreate(ctx, inputs, existing, deadline, props);
    }
  }

  // Until the create returns or throws, a killed host leaves this record for `recover`.
  const settled = recordIntent(
    client,
    { kind: KIND, organization: inputs.organization, database: inputs.database, name: inputs.name },
    (m) => ctx.log(m),
  );
  try {
    const created = await createOnce(ctx, inputs, deadline);
    return await finishCreate(ctx, inputs, created, deadline, props);
  } finally {
    settled();
  }
}

/** Registry kind of branches (see `run-registry`). */
const KIND = "branch";

/**
 * POSTs the branch. PlanetScale's "already exists" answer is the atomic check that the name is
 * free, so the happy path costs one request. When the outcome is unknown (a timeout, a dropped
 * connection, a 5xx or an unreadable 2xx after the request was sent), the branch may exist: it is
 * looked up by name and taken only if it provably is the one this request made (see
 * {@link judge}); otherwise the create stops with the ids and what resolves it. A lookup that finds
 * nothing proves nothing was made (names are unique), so the POST is tried again.
 * The parent is not read beforehand: when PlanetScale refuses the POST, {@link parentProblem}
 * tells whether the parent is missing or not ready yet (then the POST is sent again once it is).
 */
async function createOnce(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  deadline: number,
): Promise<ApiBranch> {
  const client = ctx.client();
  const body = dropUndefined({
    name: inputs.name,
    parent_branch: inputs.parentBranch,
    region: inputs.region,
    backup_id: inputs.backupId,
    seed_data: inputs.seedData,
    cluster_size: inputs.clusterSize,
    deletion_protected: inputs.deletionProtected,
  });
  const attempts = 3;
  // The first request whose outcome was unknown: what it made may be found by a later attempt.
  let unknownSince: number | undefined;
  for (let attempt = 1; ; attempt++) {
    const startedAt = Date.now();
    try {
      const created = await branches.createBranch(
        client,
        inputs.organization,
        inputs.database,
        body as branches.CreateBranchBody,
      );
      claim(KIND, created.id, ownerOf(inputs));
      return created;
    } catch (error) {
      const unknown = error instanceof OutcomeUnknownError;
      if (unknown) {
        unknownSince ??= startedAt;
        ctx.log(
          `creating branch ${inputs.name} of ${where(inputs)}: the outcome is unknown (${error.message}); checking whether this request created it`,
        );
      }
      // After an unknown outcome, "already exists" may be our own earlier request, applied late.
      if (unknownSince !== undefined && (unknown || isAlreadyExists(error))) {
        const found = await findBranch(client, inputs, inputs.name);
        if (found) return takeIfOurs(ctx, inputs, found, unknownSince, error);
        if (attempt < attempts) continue;
      } else if (isRefusal(error) && (await parentProblem(ctx, inputs, deadline, error)) === "now ready") {
        // A definite refusal created nothing: sending the POST again is safe.
        attempt--;
        continue;
      }
      throw await explainCreateError(client, error, inputs);
    }
  }
}

/** How other resources and messages refer to the resource creating this branch. */
function ownerOf(inputs: ResolvedBranchInputs): string {
  return `the Branch named '${inputs.name}' (${where(inputs)})`;
}

/**
 * Returns the branch found after an unknown outcome if it provably is the one our request made
 * (and claims it for this resource); throws {@link OwnershipUnprovenError} otherwise, touching
 * nothing.
 */
function takeIfOurs(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  found: ApiBranch,
  startedAt: number,
  original: unknown,
): ApiBranch {
  const verdict = judge(
    ctx.client(),
    KIND,
    { id: found.id, createdAt: found.created_at, actorId: found.actor?.id },
    startedAt,
  );
  if (verdict.ours) {
    claim(KIND, found.id, ownerOf(inputs));
    ctx.log(`branch ${inputs.name} of ${where(inputs)} (id ${found.id}) was created by this request`);
    return found;
  }
  const subject = `branch '${inputs.name}' of ${where(inputs)} (id ${found.id})`;
  const fix =
    verdict.why === "claimed"
      ? "Two resources of one stack cannot manage one branch: give one of them another `name`."
      : found.production
        ? "It is a production branch: choose another `name`."
        : "Choose another `name`; or, if this stack is meant to manage that existing branch, set `adopt: true` (destroying the stack then deletes it).";
  throw new OwnershipUnprovenError(
    `creating ${subject}: PlanetScale's answer was lost, and the branch that exists now is not provably the one this request created: ${verdict.detail}. ` +
      `Nothing was deleted or taken over. ${fix}`,
    { cause: original },
  );
}

function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof PlanetScaleError &&
    error.status === 422 &&
    /already|taken|exist/i.test(error.apiMessage ?? "")
  );
}

/** A definite 4xx answer that may be about the parent (not the name being taken). */
function isRefusal(error: unknown): error is PlanetScaleError {
  return (
    error instanceof PlanetScaleError &&
    (error.status === 400 || error.status === 404 || error.status === 422) &&
    !isAlreadyExists(error)
  );
}

/**
 * After PlanetScale refused a create: reads the parent (the database's default branch when
 * `parentBranch` is unset). Throws a clear error when it does not exist; waits until it is ready
 * and answers "now ready" when it was still being created; answers "ready" when the parent is not
 * the problem.
 */
async function parentProblem(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  deadline: number,
  refusal: PlanetScaleError,
): Promise<"ready" | "now ready"> {
  const client = ctx.client();
  const parentName =
    inputs.parentBranch ??
    (await organizations.getDatabase(client, inputs.organization, inputs.database)).default_branch;
  if (!parentName) return "ready";
  const parent = await findBranch(client, inputs, parentName);
  if (!parent) {
    throw new BranchNotFoundError(
      `parentBranch '${parentName}' does not exist in ${where(inputs)} (or the credential cannot see it), so PlanetScale refused to create the branch: create it first or fix parentBranch`,
      { cause: refusal },
    );
  }
  if (isReady(parent)) return "ready";
  ctx.log(
    `parent branch ${parentName} of ${where(inputs)} is ${parent.state ?? "not ready"}; waiting for it`,
  );
  await waitFor({
    subject: `parent branch ${parentName} of ${where(inputs)}`,
    current: parent,
    poll: () => branches.getBranch(client, inputs.organization, inputs.database, parentName),
    isDone: isReady,
    describe: (b) => b.state ?? "not ready",
    deadline,
    ctx,
  });
  return "now ready";
}

async function findBranch(
  client: PlanetScaleClient,
  inputs: ResolvedBranchInputs,
  nameOrId: string,
): Promise<ApiBranch | undefined> {
  try {
    return await branches.getBranch(client, inputs.organization, inputs.database, nameOrId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * Explains "already exists". `adopt: true` is only suggested when it can be right: never for a
 * production branch (nor for a branch of this same stack, which the program refuses at preview).
 */
async function explainCreateError(
  client: PlanetScaleClient,
  error: unknown,
  inputs: ResolvedBranchInputs,
): Promise<unknown> {
  if (!isAlreadyExists(error)) return error;
  const existing = await findBranch(client, inputs, inputs.name).catch(() => undefined);
  const fix = existing?.production
    ? "It is a production branch: choose another name."
    : "To manage the existing branch with Pulumi set `adopt: true`; otherwise choose another name.";
  return new AlreadyExistsError(
    `branch '${inputs.name}' already exists in ${where(inputs)}${existing ? ` (id ${existing.id})` : ""}. ${fix}`,
    { cause: error },
  );
}

/** Waits for readiness, then applies safe migrations. Any failure now leaves a recorded partial create. */
async function finishCreate(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  branch: ApiBranch,
  deadline: number,
  props: Props,
): Promise<pulumi.dynamic.CreateResult> {
  let current = branch;
  try {
    current = await settle(ctx, inputs, branch, deadline);
    return { id: current.id, outs: toOutputs(current, inputs) };
  } catch (error) {
    const last = error instanceof NotReadyError ? (error.last as ApiBranch) : current;
    const properties = { ...toOutputs(last, inputs), __provider: props["__provider"] };
    throw new PartialCreateError(
      `branch ${inputs.name} of ${where(inputs)} was created (id ${current.id}) but did not finish. ` +
        "Pulumi has recorded it; the next `pulumi up` continues waiting (raise `readyTimeout` for slow restores).",
      current.id,
      properties,
      { cause: error },
    );
  }
}

/**
 * Brings a branch to the state the inputs ask for: ready, then its cluster size, deletion
 * protection and safe migrations (their defaults when the inputs leave them out).
 */
async function settle(
  ctx: ProviderContext,
  inputs: ResolvedBranchInputs,
  branch: ApiBranch,
  deadline: number,
): Promise<ApiBranch> {
  const client = ctx.client();
  const { organization, database } = inputs;
  let current = branch;
  if (!isReady(current)) {
    const started = Date.now();
    current = await waitFor({
      subject: `branch ${inputs.name}`,
      current,
      poll: () => branches.getBranch(client, organization, database, branch.id),
      isDone: isReady,
      describe: (b) => b.state ?? "not ready",
      deadline,
      ctx,
    });
    if (Date.now() - started > 10_000)
      ctx.log(`branch ${inputs.name} is ready (${formatDuration(Date.now() - started)})`);
  }
  const size = inputs.clusterSize;
  if (size !== undefined && current.cluster_name != null && !sameClusterSize(current.cluster_name, size)) {
    // Resized in place: replacing the branch would lose its data.
    ctx.log(`changing the cluster size of branch ${inputs.name} from ${current.cluster_name} to ${size}`);
    await branches.changeClusterSize(client, organization, database, current.id, size);
    current = await waitFor({
      subject: `the cluster size change of branch ${inputs.name} to ${size}`,
      // Still the old size: the first poll waits one gap after the change was asked for.
      current,
      poll: () => branches.getBranch(client, organization, database, branch.id),
      isDone: (b) => b.cluster_name != null && sameClusterSize(b.cluster_name, size),
      describe: (b) => `at ${b.cluster_name ?? "an unknown size"}`,
      deadline,
      ctx,
    });
  }
  const deletionProtected = inputs.deletionProtected ?? BRANCH_PROPERTIES.deletionProtected.input.default;
  if (Boolean(current.deletion_protected) !== deletionProtected) {
    current = await branches.updateBranch(client, organization, database, current.id, {
      deletion_protected: deletionProtected,
    });
  }
  // PlanetScale only accepts this once the branch is ready.
  const safeMigrations = inputs.safeMigrations ?? BRANCH_PROPERTIES.safeMigrations.input.default;
  if (Boolean(current.safe_migrations) !== safeMigrations) {
    current = await branches.setSafeMigrations(client, organization, database, current.id, safeMigrations);
  }
  return current;
}

async function read(ctx: ProviderContext, id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const organization = recordedOrganization(ctx, props) ?? "";
  const database = String(props["database"] ?? "");
  if (!organization || !database) {
    throw new InvalidInputError(
      "cannot read a Branch without its organization and database (pass them as inputs when reading by id)",
    );
  }
  const client = ctx.client();
  let branch: ApiBranch;
  try {
    branch = await branches.getBranch(client, organization, database, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmBranchGone(client, organization, database, error);
      return {};
    }
    throw error;
  }
  const previous = userInputs(props);
  const inputs = {
    ...(BranchInputFields.partial().safeParse(pickInputs(previous)).data ?? {}),
    organization,
    database,
    name: branch.name,
  } as ResolvedBranchInputs;
  const outputs = toOutputs(branch, inputs);
  return { id: branch.id, props: outputs, inputs: inputsFromOutputs(BRANCH_PROPERTIES, outputs, previous) };
}

function pickInputs(props: Props): Props {
  const out: Props = {};
  for (const key of Object.keys(BranchInputFields.shape))
    if (props[key] !== undefined && props[key] !== null) out[key] = props[key];
  return out;
}

async function update(
  ctx: ProviderContext,
  id: string,
  olds: Props,
  news: Props,
): Promise<pulumi.dynamic.UpdateResult> {
  const inputs = resolved(news);
  const client = ctx.client();
  const { organization, database } = inputs;
  let branch: ApiBranch;
  if (inputs.name !== olds["name"]) {
    branch = await branches.updateBranch(client, organization, database, id, { new_name: inputs.name });
  } else {
    branch = await branches.getBranch(client, organization, database, id);
  }
  // Also resumes a create that timed out waiting for readiness.
  branch = await settle(ctx, inputs, branch, Date.now() + readyTimeoutMs(inputs));
  return { outs: toOutputs(branch, inputs) };
}

async function remove(ctx: ProviderContext, id: string, props: Props): Promise<void> {
  const organization = String(props["organization"]);
  const database = String(props["database"]);
  const name = String(props["name"] ?? id);
  const client = ctx.client();
  try {
    await branches.deleteBranch(client, organization, database, id, {
      deleteDescendants: props["deleteDescendants"] === true,
    });
    release(KIND, id);
  } catch (error) {
    if (error instanceof NotFoundError) {
      await confirmBranchGone(client, organization, database, error);
      release(KIND, id);
      return;
    }
    if (error instanceof PlanetScaleError && error.status !== undefined && error.status < 500) {
      const message = error.apiMessage ?? "";
      if (/protect/i.test(message) || (props["deletionProtected"] === true && error.status !== 401)) {
        throw new DeletionProtectedError(
          `branch ${name} of ${organization}/${database} is deletion-protected, so PlanetScale refused to delete it. ` +
            "To delete it: set `deletionProtected: false` on the Branch, run `pulumi up`, then run `pulumi destroy` again.",
          { cause: error },
        );
      }
      if (/child|descendant/i.test(message)) {
        throw new HasChildBranchesError(
          `branch ${name} of ${organization}/${database} has child branches. Set \`deleteDescendants: true\` on the Branch, run \`pulumi up\`, then destroy again; or delete the children first.`,
          { cause: error },
        );
      }
    }
    throw error;
  }
}

/** The Branch provider methods, dispatched by the provider runtime. */
export const branchResource: ResourceImplementation = { check, diff, create, read, update, delete: remove };
