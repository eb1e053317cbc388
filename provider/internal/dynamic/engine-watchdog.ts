import * as net from "node:net";
import { isDynamicProviderHost } from "../provider-host";

/** How often the engine is checked. */
const INTERVAL_MS = 500;

let started = false;

/**
 * In the dynamic-provider host, stops the process as soon as the Pulumi engine that started it is
 * gone (the CLI was killed). Otherwise the host would go on polling and creating for minutes, making
 * API calls whose results nobody records. The host's parent is a shell script that survives the
 * CLI, so the parent process id proves nothing; the engine's gRPC address (the host's first
 * argument) does: once it refuses connections, nobody will ever read our answers.
 *
 * Starts only in the real host (`@pulumi/pulumi/cmd/dynamic-provider`) and only once the engine has
 * been reached, so that test harnesses passing a dummy address are left alone. The timer does not
 * keep the host alive.
 */
export function watchEngine(
  argv: readonly string[] = process.argv,
  onGone: (address: string) => void = exitBecauseEngineIsGone,
): void {
  if (started || !isDynamicProviderHost(argv)) return;
  const address = argv[2] ?? "";
  const target = parseAddress(address);
  if (!target) return;
  started = true;
  let seen = false;
  const timer = setInterval(() => {
    probe(target).then((alive) => {
      if (alive) seen = true;
      else if (seen) {
        clearInterval(timer);
        onGone(address);
      }
    });
  }, INTERVAL_MS);
  timer.unref();
  probe(target).then((alive) => {
    if (alive) seen = true;
  });
}

function parseAddress(address: string): { host: string; port: number } | undefined {
  const match = /^(.*):(\d+)$/.exec(address);
  if (!match) return undefined;
  const port = Number(match[2]);
  const host = (match[1] ?? "").replace(/^\[|\]$/g, "") || "127.0.0.1";
  return port > 0 && port < 65536 ? { host, port } : undefined;
}

/** True when something listens at the address; false only when the connection is refused. */
function probe(target: { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(target);
    socket.setTimeout(2_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    // A slow or busy engine is still an engine: only a refusal proves it is gone.
    socket.once("timeout", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      socket.destroy();
      resolve(error.code !== "ECONNREFUSED");
    });
  });
}

function exitBecauseEngineIsGone(address: string): void {
  process.stderr.write(
    `planetscale: the Pulumi engine (${address}) is gone; stopping this provider host so that it makes no more API calls\n`,
  );
  process.exit(1);
}
