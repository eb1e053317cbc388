import { PlanetScaleError } from "../client/errors";

/**
 * Pulumi's dynamic-provider host prints every error of `check`, `diff`, `read` and `delete` to its
 * stderr before it hands the error to the engine (`console.error(`${e}: ${e.stack}`)` in
 * `@pulumi/pulumi/cmd/dynamic-provider`). The engine shows the error under the resource, and the
 * host's stderr again on the stack's line, there with the message twice and a stack trace: one
 * failure read three times. An error of this package says what happened and what to do in its
 * message (its causes rendered once, see `error-message.ts`), so that print is dropped and the
 * error shown once, under the resource. Anything else, a bug, keeps it: its stack trace is what a
 * report needs.
 */
const awaited = new Set<Error>();
let filtering = false;

/** Drops the host's print of `error`, which follows within the same turn of the event loop. */
export function showOnceUnderResource(error: unknown): void {
  if (!(error instanceof PlanetScaleError)) return;
  filterHostEchoes();
  awaited.add(error);
  // The host prints it as the rejection reaches it, in microtasks; a turn later nothing will.
  setImmediate(() => awaited.delete(error)).unref();
}

function filterHostEchoes(): void {
  if (filtering) return;
  filtering = true;
  const print = console.error;
  console.error = (...args: unknown[]) => {
    const [line] = args;
    if (args.length === 1 && typeof line === "string") {
      for (const error of awaited) {
        // Exactly the host's words for this error, nothing else.
        if (line === `${error}: ${error.stack}`) {
          awaited.delete(error);
          return;
        }
      }
    }
    print.apply(console, args);
  };
}
