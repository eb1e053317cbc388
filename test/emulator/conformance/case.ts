/**
 * One request exactly as one of PlanetScale's official clients sends it, and the answer PlanetScale
 * documents for it. Each resource has its own `<resource>.cases.ts` file in this folder exporting
 * `cases`; `conformance.test.ts` replays every file it finds, so a new resource only adds a file.
 */
export interface ConformanceCase {
  /** What the user does, e.g. `pscale branch create app feat-2`. */
  title: string;
  /** Where the request's shape comes from: repository, file and the struct or function that builds it. */
  source: string;
  /**
   * Prepares what the request needs (as the admin, through the API, or through the emulator's
   * control API, e.g. tables a role owns) and returns values for the path's `{placeholders}`. The
   * emulator is fresh for every case, seeded with {@link SEED}.
   */
  given?: (admin: AdminApi, control: ControlApi) => Promise<Record<string, string>>;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path after `/v1`, with `{placeholders}` filled from `given`. */
  path: string;
  /** Headers the client sends besides `Authorization` (always `<id>:<token>` for these clients). */
  headers: Record<string, string>;
  /** The exact body bytes ("" for none). Go's `json.Encoder` ends them with a newline. */
  body: string;
  expect: {
    status: number;
    /** The spec operation whose response schema the answer must match; absent for undocumented endpoints. */
    operationId?: string;
    // biome-ignore lint/suspicious/noExplicitAny: checks read arbitrary JSON
    check?: (body: any) => void;
  };
}

/** What `given` may call: the emulator's API as the admin credential. */
export type AdminApi = (
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: setup reads arbitrary JSON
) => Promise<{ status: number; body: any }>;

/** What `given` may call besides the API: the emulator's control API (`/_emulator/…`). */
export type ControlApi = (
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: setup reads arbitrary JSON
) => Promise<{ status: number; body: any }>;

/** Headers planetscale-go sets on every request with a body (`client.go`, `newRequest`). */
export const GO_SDK_JSON = { "content-type": "application/json", accept: "application/json" };
/** Headers planetscale-go sets on a GET (`newRequest`: no body, no Content-Type). */
export const GO_SDK_GET = { accept: "application/json" };
/** Headers the Terraform provider's generated SDK sends with a JSON body. */
export const TERRAFORM_JSON = { "content-type": "application/json", accept: "application/json" };

/**
 * Every case starts from this: organization `acme`, database `app` (production `main`, ready
 * development branches `dev` and `feature`, a backup of `main`), database `other`, and the Postgres
 * database `pg-app` (production `main`, ready development branch `dev`).
 */
export const SEED = {
  organizations: [
    {
      name: "acme",
      databases: [
        {
          name: "app",
          branches: [{ name: "dev" }, { name: "feature", parent: "dev" }],
          backups: [{ id: "bkp000000001", branch: "main" }],
        },
        { name: "other" },
        { name: "pg-app", kind: "postgresql" as const, branches: [{ name: "dev" }] },
      ],
    },
  ],
};
