import type { IncomingHttpHeaders } from "node:http";

/** A request's headers, as Node parses them (lowercase names). */
export type RequestHeaders = IncomingHttpHeaders;

/** Host names that always mean this machine's loopback interface. */
const LOOPBACK_NAMES: ReadonlySet<string> = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * True for an interface address that is reachable only from this machine: `127.0.0.0/8`, `::1`
 * or `localhost`. Used to refuse listening elsewhere unless the user asked for it.
 */
export function isLoopbackInterface(host: string): boolean {
  const normalized = host.trim().toLowerCase();
  return LOOPBACK_NAMES.has(normalized) || /^127(?:\.\d{1,3}){3}$/.test(normalized);
}

/**
 * True when a `Host` header (name and optional port) names loopback: `127.0.0.1`, `localhost` or
 * `[::1]`. A DNS-rebinding page reaches us under its own name (`Host: evil.example`), which fails.
 */
export function isLoopbackHostHeader(value: string | undefined): boolean {
  if (value === undefined) return false;
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value.trim().toLowerCase());
  return match?.[1] !== undefined && LOOPBACK_NAMES.has(match[1]);
}

/**
 * Why a request to the unauthenticated control API (`/_emulator/*`) is refused, or undefined
 * when it may proceed. The control API can install fault rules and read every request, so only
 * a local tool may use it: the `Host` must be loopback, and a browser request must come from the
 * same loopback origin (`Origin` absent or equal to `http://<Host>`, `Sec-Fetch-Site` absent,
 * `same-origin` or `none`). This stops DNS rebinding and cross-site requests from a web page.
 */
export function controlRefusal(headers: RequestHeaders): string | undefined {
  const host = headers.host;
  if (!isLoopbackHostHeader(host)) {
    return "the control API answers only requests addressed to 127.0.0.1, localhost or [::1] (Host header)";
  }
  const site = headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    return `the control API refuses cross-origin browser requests (Sec-Fetch-Site: ${site})`;
  }
  const origin = headers.origin;
  if (origin !== undefined && !sameLoopbackOrigin(origin, host as string)) {
    return "the control API refuses cross-origin browser requests (Origin is not this emulator)";
  }
  return undefined;
}

function sameLoopbackOrigin(origin: string, host: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes `Origin: null` (sandboxed frames, file: pages)
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.host === host.trim().toLowerCase();
}
