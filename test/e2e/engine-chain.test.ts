// Proves the chain our resources rely on, with a minimal dynamic resource: the real CLI, the
// dynamic-provider host started by the engine, serialization of a provider into state, config
// secrets delivered to `configure`, additionalSecretOutputs encrypted in state, and replace order.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { createTestStack, skipWithoutCli, type TestStack } from "../support/engine";

interface EchoInputs {
  word: string;
}

// Written like our real provider: prototype methods, nothing captured but plain data.
class EchoProvider implements pulumi.dynamic.ResourceProvider {
  secretSeen = "";
  async configure(req: pulumi.dynamic.ConfigureRequest) {
    // Prove the secret arrived decrypted, without ever returning it.
    this.secretSeen = req.config.get("planetscale:serviceToken") ? "yes" : "no";
  }
  async create(inputs: EchoInputs) {
    return {
      id: `echo-${inputs.word}`,
      outs: {
        ...inputs,
        shout: inputs.word.toUpperCase(),
        hidden: `hidden-${inputs.word}`,
        secretSeen: this.secretSeen,
      },
    };
  }
  async diff(_id: string, olds: EchoInputs, news: EchoInputs) {
    return { changes: olds.word !== news.word, replaces: olds.word !== news.word ? ["word"] : [] };
  }
}
const echoProvider = new EchoProvider();

class Echo extends pulumi.dynamic.Resource {
  declare readonly shout: pulumi.Output<string>;
  declare readonly hidden: pulumi.Output<string>;
  declare readonly secretSeen: pulumi.Output<string>;
  constructor(name: string, args: { word: pulumi.Input<string> }) {
    super(
      echoProvider,
      name,
      { ...args, shout: undefined, hidden: undefined, secretSeen: undefined },
      { additionalSecretOutputs: ["hidden"] },
      "test",
      "Echo",
    );
  }
}

describe("the real Pulumi engine drives a dynamic provider", { skip: skipWithoutCli }, () => {
  let env: TestStack;
  let word = "hello";
  before(async () => {
    env = await createTestStack({
      program: async () => {
        const echo = new Echo("echo", { word });
        return { shout: echo.shout, hidden: echo.hidden, secretSeen: echo.secretSeen };
      },
    });
  });
  after(async () => env?.cleanup());

  test("up creates the resource and exports its outputs", async () => {
    const result = await env.stack.up();
    assert.equal(result.summary.result, "succeeded");
    assert.equal(result.outputs["shout"]?.value, "HELLO");
    assert.equal(result.outputs["secretSeen"]?.value, "yes", "configure received the secret config");
    assert.equal(result.outputs["hidden"]?.secret, true);
  });

  test("the state holds the provider and encrypts additionalSecretOutputs", async () => {
    const [echo] = await env.resourcesOfType("pulumi-nodejs:dynamic/test:Echo");
    assert.equal(echo?.id, "echo-hello");
    assert.equal(typeof echo?.outputs["__provider"], "string");
    const hidden = echo?.outputs["hidden"] as Record<string, unknown>;
    assert.equal(hidden["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
    assert.ok(!JSON.stringify(await env.exportState()).includes("hidden-hello"));
  });

  test("preview after up shows no changes", async () => {
    const preview = await env.stack.preview({ expectNoChanges: true });
    assert.equal(preview.changeSummary["same"], 2);
  });

  test("a replacing change creates the new resource and deletes the old one", async () => {
    word = "again";
    const result = await env.stack.up();
    assert.equal(result.summary.resourceChanges?.["replace"], 1);
    const [echo] = await env.resourcesOfType("pulumi-nodejs:dynamic/test:Echo");
    assert.equal(echo?.id, "echo-again");
  });

  test("destroy removes everything", async () => {
    const result = await env.stack.destroy();
    assert.equal(result.summary.result, "succeeded");
    assert.deepEqual(await env.resourcesOfType("pulumi-nodejs:dynamic/test:Echo"), []);
  });
});
