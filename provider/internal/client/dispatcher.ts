import type * as undici from "undici";

/**
 * undici's connection pool, loaded on the first request: `check` and `diff` of a stack whose checks
 * are cached never need it. Only the `Agent` module is loaded: the package's index also loads fetch,
 * WebSocket, caches and mocks, about 5 times the time (40–80 ms against 340–500 ms measured on a
 * loaded 2-core machine), paid by every `pulumi preview` and `up` that makes a request. undici 7 has
 * no `exports` map, so the file is public; should a later release move it, the index is used.
 */
function loadAgent(): typeof undici.Agent {
  try {
    return require("undici/lib/dispatcher/agent.js");
  } catch {
    return require("undici").Agent;
  }
}

let shared: undici.Agent | undefined;

/**
 * The process-wide keep-alive connection pool shared by every client. Created on first use and
 * again after {@link closeSharedDispatcher}. Idle sockets do not keep the process alive (undici
 * unreferences them).
 */
export function getSharedDispatcher(): undici.Agent {
  if (!shared) {
    shared = new (loadAgent())({
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
