// Level 4: DeployRequest through the real Pulumi CLI against the emulator, the way a pull
// request's stack runs it: up opens it next to the branch, the pull request's migration runs on
// the branch, refresh shows its DDL, preview of the deploy shows the DDL and refuses data loss,
// up deploys it with progress lines and waits until it is live, destroy leaves the deployed request
// (and production's new schema) alone; plus Postgres refused at preview naming the kind.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type * as planetscale from "pulumi-planetscale";
import { branchesPath, call } from "../support/api";
import { createTestStack, skipWithoutCli, type TestStack } from "../support/engine";

const ps: typeof planetscale = require("pulumi-planetscale");
const DR = "pulumi-nodejs:dynamic/planetscale:DeployRequest";
const D = "/organizations/acme/databases/app/deploy-requests";

describe("DeployRequest end to end", { skip: skipWithoutCli }, () => {
  let env: TestStack;
  let settings: Partial<planetscale.DeployRequestArgs> = {};

  before(async () => {
    env = await createTestStack({
      emulator: {
        readyDelayMs: 300,
        seed: {
          organizations: [
            {
              name: "acme",
              databases: [
                {
                  name: "app",
                  schema: ["CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255) NOT NULL)"],
                  branches: [{ name: "main", safeMigrations: true }],
                },
                { name: "pg-app", kind: "postgresql" },
              ],
            },
          ],
        },
      },
      program: async () => {
        const branch = new ps.Branch("preview", { database: "app", name: "pr-7" });
        const change = new ps.DeployRequest("schema", {
          database: "app",
          branch,
          notes: "pr 7",
          ...settings,
        });
        return {
          number: change.number,
          ddl: change.ddl,
          canDropData: change.canDropData,
          deploymentState: change.deploymentState,
        };
      },
    });
  });
  after(async () => env?.cleanup());

  const mainTables = async () =>
    (await call(env.emulator, "GET", `${branchesPath()}/main/schema`)).body.data.map(
      (t: { name: string }) => t.name,
    );

  test("up opens the deploy request next to the pull request's branch", async () => {
    const result = await env.stack.up();
    assert.equal(result.outputs["deploymentState"]?.value, "no_changes");
    const [request] = await env.resourcesOfType(DR);
    assert.ok(request, "the deploy request is in the state");
    const open = await call(env.emulator, "GET", `${D}/${result.outputs["number"]?.value}`);
    assert.deepEqual([open.body.branch, open.body.into_branch, open.body.state], ["pr-7", "main", "open"]);
  });

  test("the migration on the branch shows in refresh: its DDL, and that it can drop data", async () => {
    env.emulator.applySchema({ organization: "acme", database: "app", branch: "pr-7" }, [
      "CREATE TABLE orders (id bigint PRIMARY KEY, total int NOT NULL)",
      "ALTER TABLE users DROP COLUMN email",
    ]);
    // Refresh reads the deploy request again; up (no change) carries its outputs to the stack's.
    const result = await env.stack.up({ refresh: true });
    assert.deepEqual(Object.keys(result.summary.resourceChanges ?? {}), ["same"]);
    const outputs = result.outputs;
    assert.deepEqual(outputs["ddl"]?.value, [
      "CREATE TABLE `orders` (\n  `id` bigint NOT NULL,\n  `total` int NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
      "ALTER TABLE `users` DROP COLUMN `email`",
    ]);
    assert.equal(outputs["canDropData"]?.value, true);
  });

  test("preview of the deploy prints its DDL and refuses the data loss, deploying nothing", async () => {
    settings = { deploy: true };
    const from = env.output().length;
    await assert.rejects(env.stack.preview(), /allowDataLoss/);
    const printed = env.output().slice(from);
    assert.match(printed, /will deploy:/);
    assert.match(printed, /ALTER TABLE `users` DROP COLUMN `email`/);
    assert.match(printed, /can drop data .*set allowDataLoss: true/);
    assert.deepEqual(await mainTables(), ["users"]);
  });

  test("up with allowDataLoss deploys it, printing its progress, and returns once it is live", async () => {
    settings = { deploy: true, allowDataLoss: true };
    const from = env.output().length;
    const result = await env.stack.up();
    assert.equal(result.summary.resourceChanges?.["update"], 1);
    assert.equal(result.outputs["deploymentState"]?.value, "complete_pending_revert");
    const printed = env.output().slice(from);
    assert.match(printed, /deploying 2 operation\(s\)/);
    assert.match(printed, /is live \(revertible/);
    assert.deepEqual(await mainTables(), ["orders", "users"]);
    const users = (await call(env.emulator, "GET", `${branchesPath()}/main/schema`)).body.data[1].raw;
    assert.ok(!users.includes("email"), "main has the branch's schema");
    await env.stack.preview({ expectNoChanges: true });
  });

  test("destroy deletes the branch and leaves the deployed request, and main's schema, alone", async () => {
    const number = (await env.stack.outputs())["number"]?.value as number;
    await env.stack.destroy();
    assert.equal((await call(env.emulator, "GET", `${branchesPath()}/pr-7`)).status, 404);
    const request = await call(env.emulator, "GET", `${D}/${number}`);
    assert.equal(request.body.deployment_state, "complete_pending_revert");
    assert.deepEqual(await mainTables(), ["orders", "users"]);
  });

  test("a deploy request of a Postgres database fails the preview, naming its kind", async () => {
    env.setProgram(async () => {
      new ps.DeployRequest("pg", { database: "pg-app", branch: "main" });
      return {};
    });
    await assert.rejects(env.stack.preview(), /'pg-app' is a Postgres database/);
  });
});
