/**
 * What the resources of this run have created or taken over, and which creates are still under
 * way. One dynamic-provider host process serves every resource of a `pulumi up`, and the runtime
 * module is loaded once per process, so module state is shared by exactly the resources of one
 * run. After an unknown outcome, a lookup must not take an object that a sibling resource created
 * (or is creating right now) for its own.
 */

/** Ids of objects created or adopted in this process, per kind (`branch`, `serviceToken`). */
const claimed = new Map<string, Map<string, string>>();
/** Creates in flight, keyed by kind and remote name (`acme/app/pr-1`, `acme/ci`): how many. */
const inFlight = new Map<string, number>();

/**
 * Records that the resource described by `owner` (e.g. "branch pr-1 of acme/app") created or
 * adopted the object `id`. Returns the owner that claimed it before, if any (then nothing changes).
 */
export function claim(kind: string, id: string, owner: string): string | undefined {
  let ids = claimed.get(kind);
  if (!ids) {
    ids = new Map();
    claimed.set(kind, ids);
  }
  const previous = ids.get(id);
  if (previous !== undefined) return previous;
  ids.set(id, owner);
  return undefined;
}

/** Who in this run created or adopted `id`, if anyone. */
export function claimedBy(kind: string, id: string): string | undefined {
  return claimed.get(kind)?.get(id);
}

/** Forgets `id` (its resource deleted it). */
export function release(kind: string, id: string): void {
  claimed.get(kind)?.delete(id);
}

/**
 * Marks a create of `key` as under way until the returned function is called; while another one is
 * under way, {@link othersInFlight} tells a lookup that a sibling may be about to claim an object.
 */
export function beginCreate(key: string): () => void {
  inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const left = (inFlight.get(key) ?? 1) - 1;
    if (left <= 0) inFlight.delete(key);
    else inFlight.set(key, left);
  };
}

/** How many creates of `key` other than the caller's own are under way. */
export function othersInFlight(key: string): number {
  return Math.max(0, (inFlight.get(key) ?? 0) - 1);
}
