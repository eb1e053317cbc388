/** The emulator never crashes on input: junk paths, bodies, headers and raw bytes get 4xx answers. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call } from "../support/api";
import { ADMIN, emulator } from "../support/emulator";

function raw(emu: Emulator, bytes: Buffer | string): Promise<string> {
  const { port } = new URL(emu.url);
  return new Promise((resolve) => {
    const s = connect(Number(port), "127.0.0.1");
    let out = "";
    s.on("data", (d) => {
      out += d.toString("latin1");
    });
    s.on("error", () => resolve(out));
    s.on("close", () => resolve(out));
    // Half-close after the bytes: the server answers what it can, then closes; no timer decides.
    s.end(bytes);
  });
}

describe("junk input", () => {
  let emu: Emulator;
  before(async () => {
    // A second branch keeps `main` from being the last one (deleting that deletes the database),
    // so a junk DELETE of it is refused like any other junk.
    emu = await emulator({
      seed: { organizations: [{ name: "acme", databases: [{ name: "app", branches: [{ name: "dev" }] }] }] },
    });
  });
  after(() => emu.stop());

  test("answers junk requests with PlanetScale-style 4xx bodies", async () => {
    const P = branchesPath();
    const cases: Array<[string, string, string | undefined, number]> = [
      ["GET", "/nope", undefined, 404],
      ["GET", "/organizations/acme/teleport", undefined, 404],
      ["DELETE", "/organizations", undefined, 404],
      ["POST", P, "{", 400],
      ["POST", P, "[]", 400],
      ["POST", P, "null", 400],
      ["POST", P, '"name"', 400],
      ["POST", P, "42", 400],
      ["POST", P, '{"name":{"$gt":""}}', 400],
      ["POST", P, '{"name":"ok-name","region":null}', 400],
      ["POST", P, `{"name":"${"x".repeat(10_000)}"}`, 422],
      ["POST", P, '{"name":"\\u0000\\ud800"}', 422],
      ["PATCH", `${P}/main`, '{"new_name":[1,2]}', 400],
      ["PUT", `${P}/main/safe-migrations`, '{"safe_migrations":"true"}', 400],
      ["POST", "/organizations/acme/service-tokens", '{"ttl":1e400}', 400],
      ["POST", "/organizations/acme/service-tokens/x/access", '{"access":"read_branch"}', 404],
      ["GET", `${P}/%E0%A4%A`, undefined, 400],
      ["GET", `${P}?page=-1`, undefined, 400],
      ["GET", `${P}?per_page=1e9`, undefined, 400],
      ["GET", `/organizations/${"%00".repeat(50)}`, undefined, 404],
      ["GET", `${P}/${"%F0%9F%92%A5".repeat(20)}`, undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const r = await call(emu, method, path, body === undefined ? {} : { rawBody: body });
      assert.equal(r.status, status, `${method} ${path} ${body?.slice(0, 40)} → ${r.text.slice(0, 200)}`);
      assert.equal(typeof r.body.code, "string");
      assert.equal(typeof r.body.message, "string");
    }
  });

  test("survives random bodies, headers and raw bytes", async () => {
    for (let i = 0; i < 60; i++) {
      const body = randomBytes(1 + (i % 50)).toString(i % 2 ? "latin1" : "base64");
      const r = await call(
        emu,
        ["POST", "PATCH", "PUT", "DELETE"][i % 4]!,
        `${branchesPath()}/${i % 3 ? "main" : ""}`,
        {
          rawBody: body,
          headers: { "content-type": i % 2 ? "text/plain" : "application/json" },
        },
      );
      assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}: ${r.text}`);
    }
    const weirdAuth = ["Bearer ", "a:b:c", ":", "::::", "x".repeat(8000), "Basic Zm9vOmJhcg=="];
    for (const a of weirdAuth) {
      const r = await call(emu, "GET", "/organizations", { cred: null, headers: { authorization: a } });
      assert.equal(r.status, 401);
    }
    const garbage = [
      "GARBAGE\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
      "POST /v1/organizations HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
      "GET /v1/organizations HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
      randomBytes(2048),
      `GET /v1/${"a".repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ];
    for (const g of garbage) await raw(emu, g);
    // A body over 1 MiB is refused.
    const big = await call(emu, "POST", branchesPath(), { rawBody: `{"name":"${"a".repeat(1_100_000)}"}` });
    assert.equal(big.status, 413);
    // Still alive and correct.
    const ok = await call(emu, "GET", "/organizations/acme", { cred: ADMIN });
    assert.equal(ok.status, 200);
    assert.equal((await fetch(`${emu.url}/_emulator/health`)).status, 200);
  });
});
