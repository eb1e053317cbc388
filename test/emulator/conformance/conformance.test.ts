/**
 * Conformance: replays, against the emulator, the exact requests (method, path, headers, body
 * bytes) PlanetScale's official clients send, each taken from the client's source and cited in its
 * case, and checks the status and the body against the spec. Every case runs twice: with the
 * default settings (nothing the client sends may be ignored as unknown) and with `strict`.
 * Cases live in `<resource>.cases.ts` beside this file; every such file is picked up.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Emulator } from "../../../emulator/index";
import { call } from "../../support/api";
import { ADMIN, emulator } from "../../support/emulator";
import { assertMatchesSpec, specAvailable } from "../../support/openapi";
import { type AdminApi, type ConformanceCase, type ControlApi, SEED } from "./case";

const files = readdirSync(__dirname)
  .filter((f) => f.endsWith(".cases.ts"))
  .sort();

function fill(path: string, vars: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = vars[k];
    if (v === undefined) throw new Error(`no value for {${k}} in ${path}`);
    return encodeURIComponent(v);
  });
}

async function replay(c: ConformanceCase, strict: boolean): Promise<void> {
  // A long ready delay keeps new branches pending and resizes in progress; seeded branches are ready.
  const emu: Emulator = await emulator({ strict, readyDelayMs: 60_000, seed: SEED });
  try {
    const admin: AdminApi = (method, path, body) =>
      call(emu, method, path, body === undefined ? {} : { body });
    const control: ControlApi = async (method, path, body) => {
      const res = await fetch(emu.url + path, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === "" ? undefined : JSON.parse(text) };
    };
    const vars = c.given ? await c.given(admin, control) : {};
    emu.clearRequests();
    const res = await fetch(emu.apiUrl + fill(c.path, vars), {
      method: c.method,
      headers: { ...c.headers, authorization: `${ADMIN.id}:${ADMIN.token}` },
      ...(c.method === "GET" ? {} : { body: c.body }),
    });
    const text = await res.text();
    assert.equal(res.status, c.expect.status, `${c.method} ${c.path}: ${text}`);
    const body: unknown = text === "" ? undefined : JSON.parse(text);
    if (c.expect.operationId && specAvailable) {
      assertMatchesSpec(c.expect.operationId, res.status, res.status === 204 ? text : body, {
        noAdditionalProperties: true,
      });
    }
    if (res.status !== 204) assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    c.expect.check?.(body);
    const logged = emu.requests().at(-1);
    assert.equal(
      logged?.ignoredFields,
      undefined,
      `fields the emulator does not know: ${logged?.ignoredFields}`,
    );
  } finally {
    await emu.stop();
  }
}

describe("conformance with PlanetScale's official clients", () => {
  test("has cases for every resource whose requests PlanetScale's clients send", () => {
    assert.deepEqual(files, [
      "backups.cases.ts",
      "branches.cases.ts",
      "cluster-sizes.cases.ts",
      "databases.cases.ts",
      "deploy-requests.cases.ts",
      "passwords.cases.ts",
      "postgres-changes.cases.ts",
      "roles.cases.ts",
      "service-tokens.cases.ts",
    ]);
  });
  for (const file of files) {
    const { cases } = require(join(__dirname, file)) as { cases: ConformanceCase[] };
    describe(file.replace(/\.cases\.ts$/, ""), () => {
      for (const c of cases) {
        test(c.title, async () => {
          assert.ok(c.source.length > 0, "every case cites where its request comes from");
          await replay(c, false);
          await replay(c, true);
        });
      }
    });
  }
});
