/**
 * How requests of one credential are let through after PlanetScale answered 429: the pure state
 * and its transitions, shared by every process on the machine through a {@link SharedBackoffFile}.
 *
 * While the API accepts, nothing is held (`interval` 0). A 429 closes the way until the instant the
 * server gave, then re-admits gradually: one probe at that instant, then one request per
 * `interval` (with jitter), the interval shrinking with every answer that is not a 429 until the
 * pace no longer matters and admission is free again. Another 429 doubles the interval. Reopening
 * for every waiter at once would send a herd into a sliding window that freed only a few slots.
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
}

/** Free admission: the state when nothing was ever rate limited. */
export const FREE_ADMISSION: AdmissionState = Object.freeze({
  until: 0,
  interval: 0,
  next: 0,
  epoch: 0,
  answeredAt: 0,
  rateLimitedAt: 0,
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

/** What {@link claimSlot} decided: send now under `epoch` (`wait` 0), or try again in `wait` ms. */
export interface Admission {
  wait: number;
  epoch: number;
}

/**
 * Asks to send at `now`. Free admission: go. Re-admitting: go if the next slot has come (and move it
 * one interval on, with ±25% jitter from `random` in [0, 1)), otherwise wait for that slot and ask
 * again. Nobody holds a slot in advance, so the pace that applies is always the one the latest
 * answers set, and the waiters of every process compete for each slot instead of all going at once.
 */
export function claimSlot(
  state: AdmissionState,
  now: number,
  random: () => number,
): { state?: AdmissionState | undefined; admission: Admission } {
  const current = isQuiet(state, now) ? { ...FREE_ADMISSION, epoch: state.epoch } : state;
  const slot = Math.max(now, current.until, current.interval > 0 ? current.next : now);
  const admission = { wait: slot - now, epoch: current.epoch };
  if (slot > now) return { state: current === state ? undefined : current, admission };
  if (current.interval === 0) return { state: current === state ? undefined : current, admission };
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
 * new `until`); 429s of requests already in flight under an older epoch only move `until`.
 */
export function onRateLimited(
  state: AdmissionState,
  now: number,
  waitMs: number,
  sentEpoch: number,
): AdmissionState {
  const until = Math.max(state.until, now + waitMs);
  if (sentEpoch < state.epoch && state.interval > 0) {
    return { ...state, until, next: Math.max(state.next, until), rateLimitedAt: now };
  }
  const interval = state.interval === 0 ? FIRST_INTERVAL_MS : Math.min(MAX_INTERVAL_MS, state.interval * 2);
  return { ...state, until, interval, next: until, epoch: state.epoch + 1, rateLimitedAt: now };
}

/** A request got an answer other than 429 at `now`: the pace widens; undefined when nothing changes. */
export function onAnswered(state: AdmissionState, now: number): AdmissionState | undefined {
  if (state.interval === 0) return undefined;
  const interval = state.interval * WIDENING;
  return { ...state, interval: interval < FREE_BELOW_MS ? 0 : interval, answeredAt: now };
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
  };
}
