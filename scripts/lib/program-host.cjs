// Runs a Pulumi program in this Node process for the real Pulumi CLI, which connects to it with
// `--client=127.0.0.1:PORT`. It serves the SDK's own LanguageRuntime implementation (the one
// Automation API uses for inline programs). We need it because the Go language host
// (`pulumi-language-nodejs`) is not obtainable on machines without access to Pulumi's downloads:
// the module proxy refuses its pseudo-versions. A standard Pulumi install does not need this.
"use strict";
const path = require("node:path");
const fs = require("node:fs");
const { createRequire } = require("node:module");

/**
 * Reads `main` from the project's Pulumi.yaml (default: the project directory itself) and returns
 * the absolute path of the program to load.
 */
function programPath(projectDir) {
  const yamlFile = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(projectDir, f)).find(fs.existsSync);
  if (!yamlFile) throw new Error(`no Pulumi.yaml in ${projectDir}`);
  const projectRequire = createRequire(path.join(projectDir, "package.json"));
  const yaml = projectRequire("js-yaml");
  const project = yaml.load(fs.readFileSync(yamlFile, "utf8")) ?? {};
  return path.resolve(projectDir, typeof project.main === "string" ? project.main : ".");
}

/**
 * Loads a program the way Pulumi's Node host does: its exports become the stack outputs. `pulumi up`
 * runs the program twice in one host (preview, then update), so the project's own modules are
 * evicted from the require cache first; packages under node_modules are kept.
 */
function loadProgram(file, projectRequire, projectDir) {
  const own = fs.realpathSync(projectDir) + path.sep;
  for (const key of Object.keys(require.cache)) {
    if (
      (key.startsWith(own) || key.startsWith(projectDir + path.sep)) &&
      !key.includes(`${path.sep}node_modules${path.sep}`)
    ) {
      delete require.cache[key];
    }
  }
  if (/\.[cm]?tsx?$/.test(file) || (!fs.existsSync(file) && fs.existsSync(`${file}.ts`))) {
    projectRequire("tsx/cjs/api").register();
  }
  const exported = projectRequire(file);
  const fn = typeof exported === "function" ? exported : exported?.__esModule ? exported.default : undefined;
  return typeof fn === "function" ? fn() : exported;
}

/**
 * Starts the language server for `projectDir`. Returns the `--client` address and a `close`
 * function to call once the CLI has exited.
 */
async function startProgramHost(projectDir) {
  const projectRequire = createRequire(path.join(projectDir, "package.json"));
  const grpc = projectRequire("@grpc/grpc-js");
  const { LanguageServer } = projectRequire("@pulumi/pulumi/automation/server");
  const langrpc = projectRequire("@pulumi/pulumi/proto/language_grpc_pb");
  const { grpcChannelOptions } = projectRequire("@pulumi/pulumi/runtime/settings");
  const file = programPath(projectDir);
  const languageServer = new LanguageServer(async () => loadProgram(file, projectRequire, projectDir));
  const server = new grpc.Server({ ...grpcChannelOptions });
  server.addService(langrpc.LanguageRuntimeService, languageServer);
  const port = await new Promise((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    close() {
      server.forceShutdown();
    },
  };
}

/** CLI commands that run the program (and so need a language runtime). */
const PROGRAM_COMMANDS = new Set(["up", "update", "preview", "pre", "refresh", "destroy", "down", "watch"]);

module.exports = { startProgramHost, programPath, PROGRAM_COMMANDS };
