// Level 3: the real dynamic-provider host stops as soon as the engine that started it is gone
// (the Pulumi CLI was killed), instead of polling and creating for minutes with nobody listening.
import assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { waitFor } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { type DynamicProviderHost, secretValue, startDynamicProviderHost } from "../support/grpc-host";

const shellModule = require("../../dist/provider/internal/dynamic/provider-shell.js");
const URN = "urn:pulumi:test::test::pulumi-nodejs:dynamic/planetscale:Branch::watched";

let emu: Emulator;
let host: DynamicProviderHost | undefined;
before(async () => {
  emu = await emulator();
});
after(async () => {
  await host?.close();
  await emu?.stop();
});

test("a host whose engine is gone exits promptly and stops calling the API", {
  timeout: 60_000,
}, async () => {
  // Stands in for the engine's gRPC endpoint: all the watchdog needs is that it accepts connections.
  const engine = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
  const port = (engine.address() as net.AddressInfo).port;
  host = await startDynamicProviderHost({ engineAddress: `127.0.0.1:${port}` });
  await host.configure({
    "planetscale:serviceTokenId": emu.adminCredential.id,
    "planetscale:serviceToken": secretValue(emu.adminCredential.token),
    "planetscale:apiUrl": emu.apiUrl,
    "planetscale:organization": "acme",
  });
  const provider = new shellModule.ProviderShell("branch");
  const providerText = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
  const checked = await host.check(URN, {}, { __provider: providerText, database: "app", name: "watched-1" });

  // The branch stays pending for a minute: the create keeps polling it.
  emu.setReadyDelay(60_000);
  emu.clearRequests();
  const creating = host.create(URN, checked.inputs).catch((error: unknown) => error);
  const pollsById = () =>
    emu.requests().filter((r) => r.method === "GET" && /\/branches\/(?!watched-1)[a-z0-9]+$/.test(r.path));
  await waitFor("two polls of the branch", () => pollsById().length >= 2, {
    timeoutMs: 60_000,
    intervalMs: 20,
  });

  // The CLI is killed: its gRPC endpoint disappears.
  const goneAt = Date.now();
  await new Promise<void>((resolve) => engine.close(() => resolve()));
  const code = await host.exited();
  const stoppedAfter = Date.now() - goneAt;
  await creating;

  assert.notEqual(code, 0);
  assert.match(host.stderr(), /the Pulumi engine \(127\.0\.0\.1:\d+\) is gone; stopping this provider host/);
  assert.ok(stoppedAfter < 10_000, `stopped ${stoppedAfter} ms after the engine went away`);
  process.stderr.write(`# the host stopped ${stoppedAfter} ms after its engine went away\n`);
  emu.setReadyDelay(100);
});
