// `pulumi-planetscale deploy-request revert|skip-revert` (what a DeployRequest never does by
// itself) and the program functions getBranchSchema, lintBranchSchema and getDeployRequest, against
// the emulator with the credentials of the environment.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { main } from "../../provider/commands/cli";
import { getBranchSchema, getDeployRequest, lintBranchSchema, NotFoundError } from "../../provider/index";
import { closeAllClients } from "../../provider/internal/client/registry";
import { branchesPath, call, waitFor, waitReady } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";

const D = "/organizations/acme/databases/app/deploy-requests";

let emu: Emulator;
let env: NodeJS.ProcessEnv;
before(async () => {
  emu = await emulator({
    readyDelayMs: 50,
    seed: {
      organizations: [
        {
          name: "acme",
          databases: [
            {
              name: "app",
              schema: ["CREATE TABLE users (id bigint PRIMARY KEY)"],
              branches: [{ name: "main", safeMigrations: true }],
            },
          ],
        },
      ],
    },
  });
  env = {
    PLANETSCALE_API_URL: emu.apiUrl,
    PLANETSCALE_ORG: emu.organization,
    PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
    PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
  };
});
after(async () => {
  await closeAllClients();
  await emu.stop();
});

/** A deploy request of a new branch adding `table`, deployed into main (in its revert window). */
async function deployed(table: string): Promise<number> {
  const branch = `add-${table}`;
  await call(emu, "POST", branchesPath(), { body: { name: branch } });
  await waitReady(emu, branch);
  emu.applySchema({ organization: "acme", database: "app", branch }, [
    `CREATE TABLE ${table} (id int PRIMARY KEY)`,
  ]);
  const number = (await call(emu, "POST", D, { body: { branch } })).body.number as number;
  await waitFor(
    "the check",
    async () => (await call(emu, "GET", `${D}/${number}`)).body.deployment_state === "ready",
  );
  await call(emu, "POST", `${D}/${number}/deploy`, { body: {} });
  await waitFor(
    "the cut-over",
    async () =>
      (await call(emu, "GET", `${D}/${number}`)).body.deployment_state === "complete_pending_revert",
  );
  return number;
}

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    env,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

async function mainTables(): Promise<string[]> {
  return (await call(emu, "GET", `${branchesPath()}/main/schema`)).body.data.map(
    (t: { name: string }) => t.name,
  );
}

describe("pulumi-planetscale deploy-request", () => {
  test("revert undoes a deployed request within its revert window", async () => {
    const number = await deployed("widgets");
    assert.ok((await mainTables()).includes("widgets"));
    const result = await run("deploy-request", "revert", "app", String(number));
    assert.equal(result.code, 0, result.err.join("\n"));
    assert.equal(
      result.out.at(-1),
      `deploy-request: action=revert number=${number} deployment_state=in_progress_revert`,
    );
    await waitFor("the revert", async () => !(await mainTables()).includes("widgets"));
    // Outside the window: PlanetScale's refusal, exit 1.
    const again = await run("deploy-request", "revert", "app", String(number));
    assert.equal(again.code, 1);
    assert.match(again.err.join("\n"), /cannot be reverted/);
    assert.equal(again.out.at(-1), `deploy-request: action=revert number=${number} error`);
  });

  test("skip-revert makes the change final and frees the deploy queue", async () => {
    const number = await deployed("gadgets");
    const result = await run(
      "deploy-request",
      "skip-revert",
      "app",
      String(number),
      "--organization",
      "acme",
    );
    assert.equal(result.code, 0, result.err.join("\n"));
    assert.match(result.out.at(-1) ?? "", /action=skip-revert .*deployment_state=complete$/);
    assert.equal((await call(emu, "GET", `${D}/${number}`)).body.state, "closed");
  });

  test("bad usage exits 2 with the reason, before any request", async () => {
    emu.clearRequests();
    for (const [argv, reason] of [
      [["deploy-request"], /must be revert or skip-revert, got none/],
      [["deploy-request", "deploy", "app", "1"], /must be revert or skip-revert, got "deploy"/],
      [["deploy-request", "revert", "app"], /give the database and the deploy request's number/],
      [["deploy-request", "revert", "app", "x1"], /positive integer, got "x1"/],
    ] as const) {
      const result = await run(...argv);
      assert.equal(result.code, 2, argv.join(" "));
      assert.match(result.err.join("\n"), reason);
    }
    assert.deepEqual(emu.requests(), []);
  });
});

describe("program functions", () => {
  const saved = { ...process.env };
  before(() => Object.assign(process.env, env));
  after(() => {
    for (const key of Object.keys(env)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  test("getBranchSchema lists each table's CREATE TABLE", async () => {
    const tables = await getBranchSchema({ database: "app", branch: "main" });
    assert.ok(tables.some((t) => t.name === "users" && t.raw.startsWith("CREATE TABLE `users` (")));
  });

  test("lintBranchSchema reports what would keep a deploy request from deploying", async () => {
    await call(emu, "POST", branchesPath(), { body: { name: "linty" } });
    await waitReady(emu, "linty");
    emu.applySchema({ organization: "acme", database: "app", branch: "linty" }, [
      "CREATE TABLE notes (body text)",
    ]);
    const lint = await lintBranchSchema({ database: "app", branch: "linty" });
    assert.deepEqual(
      lint.map((e) => [e.code, e.table]),
      [["NO_UNIQUE_KEY", "notes"]],
    );
    assert.deepEqual(await lintBranchSchema({ database: "app", branch: "main" }), []);
  });

  test("getDeployRequest reads one by number or a branch's newest; none is NotFoundError", async () => {
    const number = await deployed("parts");
    const byNumber = await getDeployRequest({ database: "app", number });
    assert.equal(byNumber.number, number);
    assert.deepEqual(byNumber.ddl, [
      "CREATE TABLE `parts` (\n  `id` int NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
    ]);
    assert.equal(byNumber.deploymentState, "complete_pending_revert");
    const byBranch = await getDeployRequest({ database: "app", branch: "add-parts" });
    assert.equal(byBranch.deployRequestId, byNumber.deployRequestId);
    await assert.rejects(getDeployRequest({ database: "app", branch: "linty" }), NotFoundError);
    await call(emu, "POST", `${D}/${number}/skip-revert`, { body: {} });
  });
});
