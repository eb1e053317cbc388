import { z } from "zod";
import { FaultRule } from "./fault-settings";

/** One request the emulator answered (or dropped: `status` 0). Never contains a secret. */
export const RequestLogEntry = z.object({
  method: z.string(),
  /** Path including `/v1`, without the query string. */
  path: z.string(),
  /** Query string without the leading `?` ("" when none). */
  query: z.string(),
  /** HTTP status answered; 0 when the connection was dropped without an answer. */
  status: z.number(),
  /** Id of the credential that authenticated the request, or null. */
  credentialId: z.string().nullable(),
  /** ISO timestamp of arrival. */
  at: z.string(),
  /**
   * Unknown body fields the emulator ignored (dotted paths, names only), as PlanetScale ignores
   * them; absent when there were none. With `strict` such requests are refused instead.
   */
  ignoredFields: z.array(z.string()).optional(),
  /**
   * The fault injected into this request, when one was (see {@link FaultRule}): `status` and `drop`
   * answered without acting, `fail-after-acting` acted then failed, `apply-late` failed and acted later.
   */
  fault: FaultRule.shape.action.optional(),
});
/** One request the emulator answered (or dropped: `status` 0). Never contains a secret. */
export type RequestLogEntry = z.infer<typeof RequestLogEntry>;

/** Bounded in-memory request log (oldest entries are discarded past `limit`). */
export class RequestLog {
  private entries: RequestLogEntry[];
  private readonly limit: number;

  constructor(initial: RequestLogEntry[] = [], limit = 10_000) {
    this.limit = limit;
    this.entries = initial.slice(-limit);
  }

  /** Appends one entry. */
  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  /** A copy of every entry, oldest first. */
  all(): RequestLogEntry[] {
    return this.entries.map(copy);
  }

  /** The last `n` entries (for persistence). */
  tail(n: number): RequestLogEntry[] {
    return this.entries.slice(-n).map(copy);
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries = [];
  }
}

function copy(entry: RequestLogEntry): RequestLogEntry {
  return entry.ignoredFields ? { ...entry, ignoredFields: [...entry.ignoredFields] } : { ...entry };
}
