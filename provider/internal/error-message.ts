/**
 * What a user reads of an error. Pulumi's dynamic-provider host passes only `message` to the
 * engine, and a CLI prints one line; so throw sites keep what caused an error as `cause` (never
 * pasted into the message), and the edges (the provider runtime, the `recover` and `sweep`
 * commands) render the chain here, once.
 */

/** At most this many causes are shown: deeper ones repeat the story in lower-level words. */
const MAX_CAUSES = 4;

/**
 * `error`'s message followed by one `caused by:` line per cause in its `cause` chain, leaving out
 * a cause whose text the lines above already contain (a client error quoting its socket error).
 */
export function messageWithCauses(error: unknown): string {
  const lines = [messageOf(error)];
  const seen = new Set<unknown>([error]);
  let cause = causeOf(error);
  while (cause !== undefined && !seen.has(cause) && seen.size <= MAX_CAUSES) {
    seen.add(cause);
    const text = messageOf(cause);
    if (text !== "" && !lines.some((line) => line.includes(text))) lines.push(`  caused by: ${text}`);
    cause = causeOf(cause);
  }
  return lines.join("\n");
}

/**
 * Puts the rendered chain into `error.message` (in place: its class, `code`, `cause` and, for a
 * partial create, `id` and `properties` stay as they are), for the host that reads only `message`.
 */
export function showCausesInMessage(error: unknown): unknown {
  if (error instanceof Error) {
    const rendered = messageWithCauses(error);
    if (rendered !== error.message) {
      Object.defineProperty(error, "message", {
        value: rendered,
        writable: true,
        enumerable: false,
        configurable: true,
      });
    }
  }
  return error;
}

function messageOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  return typeof value === "string" ? value : String(value);
}

function causeOf(value: unknown): unknown {
  return typeof value === "object" && value !== null ? (value as { cause?: unknown }).cause : undefined;
}
