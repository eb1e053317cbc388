import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as z from "zod";
import { paginate } from "../../provider/internal/api/pagination";
import { type PlanetScaleClient, ResponseValidationError } from "../../provider/internal/client/index";
import { type ScriptedServer, startScriptedClient, stopScriptedClients } from "../support/scripted-server";

const Item = z.looseObject({ id: z.string(), name: z.string() });

let server: ScriptedServer;
let client: PlanetScaleClient;
before(async () => {
  ({ server, client } = await startScriptedClient({
    credential: { kind: "accessToken", token: "tok-pages" },
    maxRetries: 2,
  }));
});
after(stopScriptedClients);

const items = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `id${from + i}`, name: `b${from + i}`, extra: true }));

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterator) out.push(item);
  return out;
}

describe("paginate", () => {
  test("walks 4 pages with per_page=100 until next_page is null", async () => {
    const start = server.requests.length;
    server.push(
      { json: { type: "list", current_page: 1, next_page: 2, prev_page: null, data: items(0, 100) } },
      { json: { type: "list", current_page: 2, next_page: 3, prev_page: 1, data: items(100, 100) } },
      { status: 503 }, // a hiccup on page 3 is retried like any GET
      { json: { type: "list", current_page: 3, next_page: 4, prev_page: 2, data: items(200, 100) } },
      { json: { type: "list", current_page: 4, next_page: null, prev_page: 3, data: items(300, 7) } },
    );
    const all = await collect(
      paginate(client, "/organizations/acme/databases/app/branches", {
        query: { q: "pr-", x: undefined },
        itemSchema: Item,
      }),
    );
    assert.equal(all.length, 307);
    assert.equal(all[306]?.id, "id306");
    assert.equal((all[0] as Record<string, unknown>)["extra"], true, "unknown fields pass through");
    const seen = server.requests.slice(start);
    assert.deepEqual(
      seen.map((r) => [
        r.path,
        r.query.get("page"),
        r.query.get("per_page"),
        r.query.get("q"),
        r.query.has("x"),
      ]),
      [
        ["/v1/organizations/acme/databases/app/branches", "1", "100", "pr-", false],
        ["/v1/organizations/acme/databases/app/branches", "2", "100", "pr-", false],
        ["/v1/organizations/acme/databases/app/branches", "3", "100", "pr-", false],
        ["/v1/organizations/acme/databases/app/branches", "3", "100", "pr-", false],
        ["/v1/organizations/acme/databases/app/branches", "4", "100", "pr-", false],
      ],
    );
  });

  test("accepts an envelope with only data, and stops when next_page is absent", async () => {
    server.push({ json: { data: items(0, 2) } });
    assert.equal((await collect(paginate(client, "/list", { itemSchema: Item }))).length, 2);
    server.push({ json: { data: items(0, 1), next_page: "2" } }, { json: { data: [] } });
    assert.equal((await collect(paginate(client, "/list", { itemSchema: Item }))).length, 1);
  });

  test("yields items page by page (stopping early fetches no more pages)", async () => {
    const start = server.requests.length;
    server.push(
      { json: { data: items(0, 3), next_page: 2 } },
      { json: { data: items(3, 3), next_page: null } },
    );
    for await (const item of paginate(client, "/list", { itemSchema: Item })) {
      if (item.id === "id1") break;
    }
    assert.equal(server.requests.length - start, 1);
    assert.equal(server.pending, 1);
    server.clearScript();
  });

  test("fails clearly when an item has the wrong shape", async () => {
    server.push({ json: { data: [...items(0, 3), { id: 7, name: "bad" }], next_page: null } });
    await assert.rejects(collect(paginate(client, "/list", { itemSchema: Item })), (err: unknown) => {
      assert.ok(err instanceof ResponseValidationError);
      assert.match(
        err.message,
        /^GET \/list → 200 but the response does not have the expected shape: data\.3\.id: /,
      );
      return true;
    });
  });

  test("fails instead of looping when next_page does not move forward", async () => {
    server.push({ json: { data: items(0, 1), next_page: 1 } });
    await assert.rejects(
      collect(paginate(client, "/list", { itemSchema: Item })),
      (err: unknown) => err instanceof ResponseValidationError && /does not move forward/.test(err.message),
    );
  });

  test("fails when the list has no data array", async () => {
    server.push({ json: { type: "list", next_page: null } });
    await assert.rejects(
      collect(paginate(client, "/list", { itemSchema: Item })),
      (err: unknown) => err instanceof ResponseValidationError && /data: /.test(err.message),
    );
  });
});
