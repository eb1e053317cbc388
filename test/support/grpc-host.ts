/**
 * Drives Pulumi's real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC,
 * the way the engine does, without the CLI (DESIGN §5 level 3). It catches deserialization and
 * `require` resolution failures, config plumbing into `configure`, result mapping and error
 * details (partial creates), which calling provider methods directly cannot.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const repoRoot = join(__dirname, "..", "..");
const requireFromRepo = createRequire(join(repoRoot, "package.json"));
// Generated gRPC code shipped with the SDK; not typed for import.
const grpc = requireFromRepo("@grpc/grpc-js");
const provrpc = requireFromRepo("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = requireFromRepo("@pulumi/pulumi/proto/provider_pb");
const { Struct } = requireFromRepo("google-protobuf/google/protobuf/struct_pb");
const statusproto = requireFromRepo("@pulumi/pulumi/proto/status_pb");

/** The engine's wire form of a secret value (what `configure` receives for secret config). */
export function secretValue(value: string): Record<string, string> {
  return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

/** A failed RPC: the message, plus the partial-create details when the host sent them. */
export class HostRpcError extends Error {
  readonly initFailed?: { id: string; properties: Record<string, unknown>; reasons: string[] };
  constructor(message: string, initFailed?: HostRpcError["initFailed"]) {
    super(message);
    this.name = "HostRpcError";
    if (initFailed) this.initFailed = initFailed;
  }
}

type Props = Record<string, unknown>;

export interface DynamicProviderHost {
  configure(config: Props): Promise<void>;
  check(
    urn: string,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
  diff(
    urn: string,
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: number; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(urn: string, properties: Props): Promise<{ id: string; properties: Props }>;
  read(
    urn: string,
    id: string,
    properties: Props,
  ): Promise<{ id: string; properties: Props; inputs: Props | undefined }>;
  update(urn: string, id: string, olds: Props, news: Props): Promise<{ properties: Props }>;
  delete(urn: string, id: string, properties: Props): Promise<void>;
  /** Everything the host wrote to stderr so far (provider logs go there). */
  stderr(): string;
  /** Resolves with the exit code once the host process has ended (by itself or by `close`). */
  exited(): Promise<number | null>;
  /** The signal that ended the host, once it has ended by one. */
  exitSignal(): NodeJS.Signals | null;
  /** Kills the host at once (SIGKILL), as a crash or an OOM kill would. */
  kill(): Promise<void>;
  /** Ends the host as the engine does once the run's steps are saved: SIGINT. */
  close(): Promise<void>;
}

/**
 * A stand-in for the engine's gRPC endpoint, up while the host runs, as the engine is: the host's
 * engine watchdog (`engine-watchdog.ts`) stops the host once the address it was given refuses
 * connections after having answered. An address where nothing listens is not safe: on a loaded
 * machine a probe's 2 s timeout can fire before its refusal is read, counting as "answered", and
 * the next probe's refusal then stopped the host in the middle of a test.
 */
async function standInEngine(): Promise<{ address: string; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Starts the host with `cwd` as the Pulumi project directory (where `require` resolves from),
 * and connects to it. Without `engineAddress`, the host is given a stand-in engine that stays up
 * until the host has exited.
 */
export async function startDynamicProviderHost(
  options: { cwd?: string; env?: NodeJS.ProcessEnv; engineAddress?: string } = {},
): Promise<DynamicProviderHost> {
  const cwd = options.cwd ?? repoRoot;
  // Never the user's own journal: a host killed by a test leaves its records there.
  const ownJournal = options.env?.["PULUMI_PLANETSCALE_JOURNAL_DIR"] === undefined;
  const journalDir =
    options.env?.["PULUMI_PLANETSCALE_JOURNAL_DIR"] ??
    join(mkdtempSync(join(tmpdir(), "pps-host-")), "journal");
  const script = requireFromRepo.resolve("@pulumi/pulumi/cmd/dynamic-provider");
  const engine = options.engineAddress === undefined ? await standInEngine() : undefined;
  const child: ChildProcess = spawn(
    process.execPath,
    [script, options.engineAddress ?? (engine?.address as string)],
    {
      cwd,
      env: {
        ...process.env,
        PULUMI_NODEJS_PROJECT: "test",
        PULUMI_PROJECT: "test",
        PULUMI_PLANETSCALE_JOURNAL_DIR: journalDir,
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      void engine?.close();
      if (ownJournal) rmSync(dirname(journalDir), { recursive: true, force: true });
      resolve(code);
    }),
  );
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n")[0]?.trim();
      if (line && /^\d+$/.test(line)) resolve(line);
    });
    child.once("exit", (code) => reject(new Error(`dynamic-provider host exited (${code}): ${stderr}`)));
  });
  const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  function call<T>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      client[method](
        request,
        (err: { message: string; metadata?: { get(k: string): Buffer[] } } | null, res: T) => {
          if (err) reject(toRpcError(err));
          else resolve(res);
        },
      );
    });
  }

  const struct = (v: Props) => Struct.fromJavaScript(v);

  async function stop(signal: NodeJS.Signals): Promise<void> {
    client.close();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
  }

  return {
    async configure(config) {
      const req = new provproto.ConfigureRequest();
      req.setArgs(struct(config));
      await call("configure", req);
    },
    async check(urn, olds, news) {
      const req = new provproto.CheckRequest();
      req.setUrn(urn);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call<{
        getInputs(): { toJavaScript(): Props };
        getFailuresList(): { getProperty(): string; getReason(): string }[];
      }>("check", req);
      return {
        inputs: res.getInputs().toJavaScript(),
        failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(urn, id, olds, news) {
      const req = new provproto.DiffRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call<{
        getChanges(): number;
        getReplacesList(): string[];
        getDeletebeforereplace(): boolean;
      }>("diff", req);
      return {
        changes: res.getChanges(),
        replaces: res.getReplacesList(),
        deleteBeforeReplace: res.getDeletebeforereplace(),
      };
    },
    async create(urn, properties) {
      const req = new provproto.CreateRequest();
      req.setUrn(urn);
      req.setProperties(struct(properties));
      const res = await call<{ getId(): string; getProperties(): { toJavaScript(): Props } }>("create", req);
      return { id: res.getId(), properties: res.getProperties().toJavaScript() };
    },
    async read(urn, id, properties) {
      const req = new provproto.ReadRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(struct(properties));
      const res = await call<{
        getId(): string;
        getProperties(): { toJavaScript(): Props } | undefined;
        getInputs(): { toJavaScript(): Props } | undefined;
      }>("read", req);
      return {
        id: res.getId(),
        properties: res.getProperties()?.toJavaScript() ?? {},
        inputs: res.getInputs()?.toJavaScript(),
      };
    },
    async update(urn, id, olds, news) {
      const req = new provproto.UpdateRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(struct(olds));
      req.setNews(struct(news));
      const res = await call<{ getProperties(): { toJavaScript(): Props } }>("update", req);
      return { properties: res.getProperties().toJavaScript() };
    },
    async delete(urn, id, properties) {
      const req = new provproto.DeleteRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(struct(properties));
      await call("delete", req);
    },
    stderr: () => stderr,
    exited: () => exited,
    exitSignal: () => child.signalCode,
    kill: () => stop("SIGKILL"),
    close: () => stop("SIGINT"),
  };
}

/** Unpacks `grpc-status-details-bin` (ErrorResourceInitFailed) into a {@link HostRpcError}. */
function toRpcError(err: { message: string; metadata?: { get(k: string): Buffer[] } }): HostRpcError {
  const raw = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (!raw) return new HostRpcError(err.message);
  const status = statusproto.Status.deserializeBinary(new Uint8Array(raw));
  for (const any of status.getDetailsList()) {
    if (String(any.getTypeUrl()).endsWith("pulumirpc.ErrorResourceInitFailed")) {
      const detail = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
      return new HostRpcError(err.message, {
        id: detail.getId(),
        properties: detail.getProperties()?.toJavaScript() ?? {},
        reasons: detail.getReasonsList(),
      });
    }
  }
  return new HostRpcError(err.message);
}
