// A stand-in for Pulumi's Node.js language host (`pulumi-language-nodejs`), for the real Pulumi CLI,
// which connects to it with `--client=127.0.0.1:PORT`. We need it because the Go language host is
// not obtainable on machines without access to Pulumi's downloads (the module proxy refuses its
// pseudo-versions). A standard Pulumi install does not need this.
//
// It runs programs the way the real host does (sdk/nodejs/cmd/pulumi-language-nodejs/main.go): for
// every `Run` (one `pulumi up` sends two: the preview, then the update) it starts a child `node` on
// the SDK's own entry point, `@pulumi/pulumi/cmd/run`, resolved from the program's directory, with
// the same arguments and environment. So `main` from Pulumi.yaml or package.json, TypeScript through
// the SDK's own loader, `runtime.options` (typescript, tsconfig, nodeargs: read from the project
// file, as the CLI does not pass them to a `--client` host) and exit codes behave as they do for
// users of a standard install. The one difference: the child talks to the engine's
// resource monitor directly instead of through the host's forwarding proxy (which forwards
// messages untouched), and gets no `--sync` directory (only the long-deprecated synchronous invokes
// use it).
"use strict";
const { spawn } = require("node:child_process");
const { readFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { join } = require("node:path");
const yaml = require("js-yaml");

/** Exit code with which `cmd/run` says it has already shown the user an actionable message. */
const EXITED_AFTER_USER_ACTIONABLE_MESSAGE = 32;

/**
 * Resolves `@pulumi/pulumi/cmd/run` from the program's directory, as the real host's
 * `locateModule` does, so the program runs with the SDK it installed. The real host asks a child
 * `node -e 'require.resolve(…)'` started there; resolving here from that directory follows the
 * same lookup (its `node_modules`, then each parent's, then NODE_PATH) without a process per run.
 */
function locateRunModule(programDirectory) {
  try {
    return createRequire(join(programDirectory, "[eval]")).resolve("@pulumi/pulumi/cmd/run");
  } catch {
    throw new Error(
      `It looks like the Pulumi SDK has not been installed in ${programDirectory}. Have you run npm install?`,
    );
  }
}

/**
 * `runtime.options` of the project file in `rootDirectory` (Pulumi.yaml or Pulumi.yml), or none.
 * The real host gets them in the request; in `--client` mode the CLI replaces the project's runtime
 * by `{ name: client, options: { address } }` (pkg/cmd/pulumi/operations/io.go, v3.248.0), so they
 * must be read from the file for `typescript: false` (and tsconfig, nodeargs) to take effect.
 */
function projectRuntimeOptions(rootDirectory) {
  for (const name of ["Pulumi.yaml", "Pulumi.yml"]) {
    let text;
    try {
      text = readFileSync(join(rootDirectory, name), "utf8");
    } catch {
      continue;
    }
    const runtime = yaml.load(text)?.runtime;
    return (typeof runtime === "object" && runtime?.options) || {};
  }
  return {};
}

/**
 * The project's `runtime.options` (from its project file under `--client`, see
 * {@link projectRuntimeOptions}, then the request's), with the real host's defaults (typescript: true).
 */
function nodeOptions(info, projectDir = "") {
  const { address: _client, ...given } = info?.getOptions()?.toJavaScript() ?? {};
  const root = info?.getRootDirectory() || projectDir;
  const options = { ...(root ? projectRuntimeOptions(root) : {}), ...given };
  const result = { typescript: true, tsconfig: "", nodeargs: "" };
  if (options.typescript !== undefined) {
    if (typeof options.typescript !== "boolean") throw new Error("typescript option must be a boolean");
    result.typescript = options.typescript;
  }
  if (options.tsconfig !== undefined) {
    if (typeof options.tsconfig !== "string") throw new Error("tsconfigpath option must be a string");
    result.tsconfig = options.tsconfig;
  }
  if (options.nodeargs !== undefined) {
    if (typeof options.nodeargs !== "string") throw new Error("nodeargs option must be a string");
    result.nodeargs = options.nodeargs;
  }
  return result;
}

/** Splits `nodeargs` like a POSIX shell would split plain words and quoted strings. */
function splitWords(text) {
  const words = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3]));
  }
  return words;
}

/** `PULUMI_CONFIG` as the real host writes it: keys in the old `<namespace>:config:<name>` form. */
function configJson(req) {
  const config = {};
  for (const [key, value] of req.getConfigMap().entries()) {
    const colon = key.indexOf(":");
    config[colon < 0 ? key : `${key.slice(0, colon)}:config:${key.slice(colon + 1)}`] = value;
  }
  return JSON.stringify(config);
}

/** The command line of `cmd/run`, in the order the real host's `constructArguments` builds it. */
function runArguments(req, runPath, engineAddress) {
  const info = req.getInfo();
  const args = [runPath];
  const add = (flag, value) => {
    if (value !== undefined && value !== "") args.push(`--${flag}`, String(value));
  };
  add("monitor", req.getMonitorAddress());
  add("engine", engineAddress);
  add("organization", req.getOrganization());
  add("project", req.getProject());
  add("stack", req.getStack());
  add("pwd", info?.getProgramDirectory() || req.getPwd());
  add("root-directory", info?.getRootDirectory());
  if (req.getDryrun()) args.push("--dry-run");
  add("query-mode", String(req.getQuerymode()));
  add("parallel", String(req.getParallel()));
  args.push(info?.getEntryPoint() || req.getProgram() || ".");
  return args;
}

/**
 * Starts the language runtime for the CLI. Returns the `--client` address and a `close` function
 * to call once the CLI has exited. `env` is the environment the CLI itself runs with; each program
 * child gets it, as the real host's children inherit the host's environment.
 */
async function startProgramHost(projectDir, env = process.env) {
  // gRPC and the protobuf classes come from this repository's SDK; the program's own SDK is the
  // one `cmd/run` is resolved from.
  const hostRequire = createRequire(__filename);
  const grpc = hostRequire("@grpc/grpc-js");
  const langproto = hostRequire("@pulumi/pulumi/proto/language_pb");
  const langrpc = hostRequire("@pulumi/pulumi/proto/language_grpc_pb");
  const plugproto = hostRequire("@pulumi/pulumi/proto/plugin_pb");
  const { grpcChannelOptions } = hostRequire("@pulumi/pulumi/runtime/settings");

  let engineAddress = "";
  const children = new Set();

  async function run(req) {
    const info = req.getInfo();
    const programDirectory = info?.getProgramDirectory() || req.getPwd() || projectDir;
    const options = nodeOptions(info, projectDir);
    // In `--client` mode the CLI passes the engine's address as the first program argument.
    const programArgs = req.getArgsList();
    const engine = engineAddress || programArgs[0] || "";
    const runPath = locateRunModule(programDirectory);
    const childEnv = {
      ...env,
      PULUMI_CONFIG: configJson(req),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList() ?? []),
    };
    if (options.typescript) childEnv.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (options.tsconfig) childEnv.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
    const argv = [...splitWords(options.nodeargs), ...runArguments(req, runPath, engine)];
    const child = spawn(process.execPath, argv, {
      cwd: programDirectory,
      env: childEnv,
      stdio: ["ignore", "inherit", "inherit"],
    });
    children.add(child);
    const code = await new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    }).finally(() => children.delete(child));
    if (code === 0) return { error: "" };
    if (code === EXITED_AFTER_USER_ACTIONABLE_MESSAGE) return { error: "", bail: true };
    return { error: `Program exited with non-zero exit code: ${code}` };
  }

  const service = {
    handshake(call, callback) {
      engineAddress = call.request.getEngineAddress();
      callback(null, new langproto.LanguageHandshakeResponse());
    },
    getRequiredPlugins(_call, callback) {
      callback(null, new langproto.GetRequiredPluginsResponse().setPluginsList([]));
    },
    getPluginInfo(_call, callback) {
      callback(null, new plugproto.PluginInfo().setVersion("1.0.0"));
    },
    run(call, callback) {
      run(call.request).then(
        ({ error, bail }) => {
          const resp = new langproto.RunResponse().setError(error);
          if (bail) resp.setBail(true);
          callback(null, resp);
        },
        (err) =>
          callback(
            null,
            new langproto.RunResponse().setError(
              `Problem executing program (could not run language executor): ${err.message}`,
            ),
          ),
      );
    },
  };

  const server = new grpc.Server({ ...grpcChannelOptions });
  server.addService(langrpc.LanguageRuntimeService, service);
  const port = await new Promise((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    close() {
      for (const child of children) child.kill("SIGTERM");
      server.forceShutdown();
    },
  };
}

/** CLI commands that run the program (and so need a language runtime). */
const PROGRAM_COMMANDS = new Set(["up", "update", "preview", "pre", "refresh", "destroy", "down", "watch"]);

module.exports = { startProgramHost, runArguments, nodeOptions, PROGRAM_COMMANDS };
