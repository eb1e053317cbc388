/**
 * How requests of one credential are let through after PlanetScale answered 429: the pure state
 * and its transitions, shared by every process on the machine through a {@link SharedBackoffFile}.
 *
 * While the API accepts, nothing is held (`interval` 0). A 429 closes the way until the instant the
 * server gave, then re-admits gradually: one probe at that instant, then one request per
 * `interval` (with jitter), the interval shrinking with every answer that is not a 429 until the
 * pace no longer matters and admission is free again. Another 429 doubles the interval. Reopening
 * for every waiter at once would send a herd into a sliding window that freed only a few slots.
 *
 * While re-admitting, the pace is only for finding room nobody knew of. The room the machine knows
 * comes first: the server counts a credential's requests over a sliding minute, and each answer it
 * gave this machine's processes (other than 429) holds a place in that minute that frees a minute
 * after the answer at the latest. Those instants are pooled in `room` (each process adds its own
 * answers of the last minute when it first meets the 429, and every answer after that), and a
 * waiter of any process takes the next place as soon as it frees: the server's own pace, exactly.
 */
export interface AdmissionState {
  /** No request before this instant (ms since the epoch): the server's `Retry-After` or reset. */
  until: number;
  /** Ms between admissions while re-admitting after a 429; 0 when admission is free. */
  interval: number;
  /** The next free admission slot (ms since the epoch) while re-admitting. */
  next: number;
  /** Counts the 429s that changed the pace: a slot claimed under an older epoch is void. */
  epoch: number;
  /** Last instant a request of this credential got an answer other than 429 while re-admitting. */
  answeredAt: number;
  /** Last instant a request of this credential got a 429. */
  rateLimitedAt: number;
  /**
   * While re-admitting: instants of answers (ascending) whose places in the server's one-minute
   * window are this machine's to take again a minute later; empty while admission is free.
   */
  room: readonly number[];
}

/** Free admission: the state when nothing was ever rate limited. */
export const FREE_ADMISSION: AdmissionState = Object.freeze({
  until: 0,
  interval: 0,
  next: 0,
  epoch: 0,
  answeredAt: 0,
  rateLimitedAt: 0,
  room: Object.freeze([]),
});

/** The pace right after the first 429: PlanetScale's 600/min is one request per 100 ms. */
export const FIRST_INTERVAL_MS = 250;
/** The slowest pace; a 429 beyond it only moves `until`. */
export const MAX_INTERVAL_MS = 10_000;
/** Every answer that is not a 429 shortens the interval by 3%: one 429 per ~23 answers at worst. */
export const WIDENING = 0.97;
/** Below this interval the pace is lifted: admission is free again. */
export const FREE_BELOW_MS = 5;
/** A sliding one-minute window with neither an answer nor a 429: whatever held is gone. */
export const QUIET_MS = 60_000;
/** PlanetScale counts a credential's requests over a sliding minute. */
export const WINDOW_MS = 60_000;
/** Most places `room` holds (PlanetScale allows 600 requests a minute); beyond, the oldest go. */
export const MAX_ROOM = 2_000;

/**
 * What {@link claimSlot} decided: send now under `epoch` (`wait` 0), or try again in `wait` ms.
 * `room`: the request takes (or waits for) a known place in the server's window rather than a
 * slot of the pace.
 */
export interface Admission {
  wait: number;
  epoch: number;
  room?: boolean;
}

/**
 * Asks to send at `now`. Free admission: go. Re-admitting: go if the next slot has come (and move it
 * one interval on, with ±25% jitter from `random` in [0, 1)), otherwise wait for that slot and ask
 * again. Nobody holds a slot in advance, so the pace that applies is always the one the latest
 * answers set, and the waiters of every process compete for each slot instead of all going at once.
 * A place in `room` that frees no later than the next slot is taken instead (never before `until`):
 * then no slot is claimed, so the pace probes only for room beyond what is known.
 */
export function claimSlot(
  state: AdmissionState,
  now: number,
  random: () => number,
): { state?: AdmissionState | undefined; admission: Admission } {
  const current = isQuiet(state, now) ? { ...FREE_ADMISSION, epoch: state.epoch } : state;
  const changed = current === state ? undefined : current;
  const slot = Math.max(now, current.until, current.interval > 0 ? current.next : now);
  const place = current.interval > 0 ? current.room[0] : undefined;
  if (place !== undefined && Math.max(current.until, place + WINDOW_MS) <= slot) {
    const at = Math.max(now, current.until, place + WINDOW_MS);
    const admission = { wait: at - now, epoch: current.epoch, room: true };
    if (at > now) return { state: changed, admission };
    return { state: { ...current, room: current.room.slice(1) }, admission };
  }
  const admission = { wait: slot - now, epoch: current.epoch };
  if (slot > now) return { state: changed, admission };
  if (current.interval === 0) return { state: changed, admission };
  const next = now + Math.max(1, Math.round(current.interval * (0.75 + 0.5 * random())));
  return { state: { ...current, next }, admission };
}

/** True when admission at `now` is free (no wait, no slot to claim): the fast path, no lock. */
export function isFree(state: AdmissionState, now: number): boolean {
  return state.until <= now && (state.interval === 0 || isQuiet(state, now));
}

/**
 * A request sent under `sentEpoch` got a 429 at `now` and the server asked to wait `waitMs`. The
 * first 429 of an epoch doubles the interval and voids every claimed slot (the probe goes at the
 * new `until`); 429s of requests already in flight under an older epoch only move `until`. A 429
 * on a request that took a place in `room` means the credential is also used elsewhere: the room
 * is not known after all and is dropped.
 */
export function onRateLimited(
  state: AdmissionState,
  now: number,
  waitMs: number,
  sentEpoch: number,
  tookRoom = false,
): AdmissionState {
  const until = Math.max(state.until, now + waitMs);
  const room = tookRoom ? FREE_ADMISSION.room : state.room;
  if (sentEpoch < state.epoch && state.interval > 0) {
    return { ...state, until, next: Math.max(state.next, until), rateLimitedAt: now, room };
  }
  const interval = state.interval === 0 ? FIRST_INTERVAL_MS : Math.min(MAX_INTERVAL_MS, state.interval * 2);
  return { ...state, until, interval, next: until, epoch: state.epoch + 1, rateLimitedAt: now, room };
}

/**
 * A request got an answer other than 429 at `now`: the pace widens, and (`holdsPlace`) the place
 * the request holds in the server's window joins `room`. Undefined when nothing changes. When the
 * pace no longer matters, admission is free and the room is forgotten.
 */
export function onAnswered(
  state: AdmissionState,
  now: number,
  holdsPlace = false,
): AdmissionState | undefined {
  if (state.interval === 0) return undefined;
  const widened = state.interval * WIDENING;
  if (widened < FREE_BELOW_MS) return { ...state, interval: 0, answeredAt: now, room: FREE_ADMISSION.room };
  return {
    ...state,
    interval: widened,
    answeredAt: now,
    room: holdsPlace ? withPlaces(state.room, [now]) : state.room,
  };
}

/**
 * A process met the re-admission for the first time and adds `answers`, the instants of its own
 * answers of the last minute, to `room`. Undefined when admission is free (nothing to add to).
 */
export function addRoom(state: AdmissionState, answers: readonly number[]): AdmissionState | undefined {
  if (state.interval === 0 || answers.length === 0) return undefined;
  return { ...state, room: withPlaces(state.room, answers) };
}

function withPlaces(room: readonly number[], places: readonly number[]): readonly number[] {
  const merged = [...room, ...places].sort((a, b) => a - b);
  return merged.length > MAX_ROOM ? merged.slice(merged.length - MAX_ROOM) : merged;
}

/** The server said its allowance is spent until `until` (`RateLimit-Remaining: 0`): nobody goes before. */
export function onSpent(state: AdmissionState, until: number): AdmissionState | undefined {
  return until > state.until ? { ...state, until, next: Math.max(state.next, until) } : undefined;
}

function isQuiet(state: AdmissionState, now: number): boolean {
  return now >= state.until && now - Math.max(state.answeredAt, state.rateLimitedAt) > QUIET_MS;
}

/** Reads a state from its one-line JSON (or the former bare instant); garbage reads as free. */
export function parseAdmission(text: string): AdmissionState {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { ...FREE_ADMISSION, until: Number(trimmed) };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return FREE_ADMISSION;
  }
  if (!value || typeof value !== "object") return FREE_ADMISSION;
  const record = value as Record<string, unknown>;
  const field = (name: keyof AdmissionState, max = Number.MAX_SAFE_INTEGER): number => {
    const x = record[name];
    return typeof x === "number" && Number.isFinite(x) && x >= 0 ? Math.min(x, max) : 0;
  };
  return {
    until: field("until"),
    interval: field("interval", MAX_INTERVAL_MS),
    next: field("next"),
    epoch: field("epoch"),
    answeredAt: field("answeredAt"),
    rateLimitedAt: field("rateLimitedAt"),
    room: places(record.room),
  };
}

/** `room` from JSON: finite, non-negative instants, ascending, at most {@link MAX_ROOM}. */
function places(value: unknown): readonly number[] {
  if (!Array.isArray(value)) return FREE_ADMISSION.room;
  const valid = value.filter((x): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0);
  return withPlaces([], valid);
}
