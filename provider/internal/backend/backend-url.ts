/**
 * Backend URLs may carry a password (`postgres://user:password@host/db`, `?password=…`,
 * `?sslpassword=…`, an S3 secret in the query): the journal, messages and logs only ever see them
 * through {@link redactBackendUrl}, and any text a `pulumi` command prints through
 * {@link redactBackendCredentials}.
 */

/** Query parameters whose values are credentials in some backend's URL. */
const SECRET_PARAM = /pass|secret|token|key|credential|signature|sig$|auth/i;

/** `scheme://user:password@` anywhere in a text (Pulumi prints some URLs whole). */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]*(?::[^\s/@]*)?@/gi;

/**
 * The backend URL with every credential replaced by `****`: the user and password, and the value
 * of any query parameter named like a secret. An unparseable URL keeps its scheme only.
 */
export function redactBackendUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0];
    return scheme ? `${scheme}****` : "****";
  }
  if (parsed.username || parsed.password) {
    parsed.username = "****";
    parsed.password = parsed.password ? "****" : "";
  }
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(key)) parsed.searchParams.set(key, "****");
  }
  return parsed.toString().replace(/%2A/g, "*");
}

/**
 * `text` with the credentials of `backendUrl` (its password and secret query values, wherever they
 * appear) and any `user:password@` of a URL replaced by `****`.
 */
export function redactBackendCredentials(text: string, backendUrl: string | undefined): string {
  let out = text;
  for (const secret of credentialsOf(backendUrl)) out = out.split(secret).join("****");
  return out.replace(USERINFO, "$1****:****@");
}

/** The secret parts of a backend URL, raw and percent-decoded (longest first). */
function credentialsOf(url: string | undefined): string[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const found = new Set<string>();
  const add = (value: string) => {
    if (value.length < 3) return;
    found.add(value);
    try {
      found.add(decodeURIComponent(value));
    } catch {
      // Not percent-encoded.
    }
  };
  add(parsed.password);
  for (const [key, value] of parsed.searchParams) if (SECRET_PARAM.test(key)) add(value);
  return [...found].sort((a, b) => b.length - a.length);
}
