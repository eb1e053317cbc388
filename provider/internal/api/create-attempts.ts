import type { PlanetScaleClient } from "../client/client";
import { ConnectionError, OutcomeUnknownError, PlanetScaleError, TimeoutError } from "../client/errors";

/** The object a create request asks PlanetScale to make, by the names it is known by. */
export interface CreateSubject {
  kind: "branch" | "serviceToken" | "password" | "role" | "database" | "deployRequest";
  organization: string;
  database?: string | undefined;
  /** For a password, role or deploy request: the branch the request names (its name or id). */
  branch?: string | undefined;
  name?: string | undefined;
}

/**
 * How one create request ended, as far as the client can tell:
 * - `sending`: about to be sent or in flight (a kill now leaves the outcome unknown);
 * - `not-sent`: it provably never left (the connection failed before the request was written);
 * - `refused`: PlanetScale answered with a 4xx, so it made nothing;
 * - `created`: PlanetScale answered with the new object's id;
 * - `unknown`: it may have been applied (a timeout, a dropped connection, a 5xx, an unreadable 2xx).
 */
export type AttemptState = "sending" | "not-sent" | "refused" | "created" | "unknown";

/** One create request and how it ended. */
export interface CreateAttempt {
  subject: CreateSubject;
  state: AttemptState;
  /** The new object's id (`created`). */
  id?: string;
  /** The HTTP status answered, when there was an answer. */
  status?: number;
}

type Listener = (attempt: CreateAttempt) => void;
const listeners = new WeakMap<PlanetScaleClient, Set<Listener>>();

/**
 * Calls `listener` for every create request sent through `client`, before it is sent and when it
 * ends, until the returned function is called. The recovery journal uses it to record, per
 * attempt, whether a create reached PlanetScale.
 */
export function observeCreates(client: PlanetScaleClient, listener: Listener): () => void {
  let set = listeners.get(client);
  if (!set) {
    set = new Set();
    listeners.set(client, set);
  }
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

function emit(client: PlanetScaleClient, attempt: CreateAttempt): void {
  for (const listener of listeners.get(client) ?? []) listener(attempt);
}

/** How a failed create request ended (see {@link AttemptState}). */
export function attemptStateOf(error: unknown): AttemptState {
  if (error instanceof OutcomeUnknownError) return "unknown";
  // The client throws these for a POST only when the request never left (else: outcome unknown).
  if (error instanceof ConnectionError || error instanceof TimeoutError) return "not-sent";
  if (
    error instanceof PlanetScaleError &&
    error.status !== undefined &&
    error.status >= 400 &&
    error.status < 500
  )
    return "refused";
  return "unknown";
}

/** Sends one create request, telling observers of `client` when it starts and how it ended. */
export async function observedCreate<T extends { id: string }>(
  client: PlanetScaleClient,
  subject: CreateSubject,
  send: () => Promise<T>,
): Promise<T> {
  emit(client, { subject, state: "sending" });
  try {
    const created = await send();
    emit(client, { subject, state: "created", id: created.id });
    return created;
  } catch (error) {
    const status = error instanceof PlanetScaleError ? error.status : undefined;
    emit(client, { subject, state: attemptStateOf(error), ...(status === undefined ? {} : { status }) });
    throw error;
  }
}
