import type * as undici from "undici";

/** undici is loaded on the first request: `check` and `diff` (all of a no-change preview) never need it. */
function loadUndici(): typeof undici {
  return require("undici");
}

let shared: undici.Agent | undefined;

/**
 * The process-wide keep-alive connection pool shared by every client. Created on first use and
 * again after {@link closeSharedDispatcher}. Idle sockets do not keep the process alive (undici
 * unreferences them).
 */
export function getSharedDispatcher(): undici.Agent {
  if (!shared) {
    shared = new (loadUndici().Agent)({
      // Reuse connections across a whole `pulumi up`; undici shortens this to the server's
      // `Keep-Alive: timeout` hint so we do not write into a socket the server is closing.
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      connect: { timeout: 10_000 },
    });
  }
  return shared;
}

/** Closes the shared pool (waits for running requests); the next request opens a new one. */
export async function closeSharedDispatcher(): Promise<void> {
  const agent = shared;
  shared = undefined;
  if (agent) await agent.close();
}
