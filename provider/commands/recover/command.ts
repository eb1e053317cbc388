import * as path from "node:path";
import { parseArgs } from "node:util";
import { PulumiCli } from "../../internal/backend/pulumi-cli";
import { closeAllClients, getClient } from "../../internal/client/registry";
import { resolveSettings } from "../../internal/client/settings";
import { messageWithCauses } from "../../internal/error-message";
import { recover, recoverSummary } from "./recover";
import { PulumiStack } from "./stack";

/** Help text of `pulumi-planetscale recover`. */
export const RECOVER_USAGE = `Usage: pulumi-planetscale recover --stack STACK [--cwd DIR] [--backend-url URL] [--force-unlock]

Repairs a stack whose \`pulumi up\` was killed (the pulumi CLI or its provider host), so that the
next \`pulumi up\` converges. For every create that was under way (the checkpoint's pending
operations, and the records the provider host writes before each create), it finds what that
create made in PlanetScale and deletes it when it provably is this stack's: its name, created by
this stack's credential after the run started, and held or being created by no stack of the
backend (every stack is read through the pulumi CLI). A create whose requests never reached
PlanetScale deletes nothing. Then it clears the pending operations and releases the dead run's
lock (\`pulumi cancel\`). Every check comes before any change; anything it cannot prove stops it with
the ids and the command that resolves them, and a stack held by a running process is never touched.

Flags:
  --stack STACK        the stack (required)
  --cwd DIR            the Pulumi project directory (default: the current directory)
  --backend-url URL    the state backend (default: the one \`pulumi\` is logged in to, or PULUMI_BACKEND_URL)
  --force-unlock       take over a lock whose holder cannot be checked from here (a run on another
                       machine, e.g. a lost CI runner); never a lock of a running process here
  --pulumi PATH        the pulumi CLI to run (default: pulumi on PATH)
  --help               show this help

Runs \`pulumi\` with this environment (passphrase, Pulumi home); the PlanetScale credential comes
from the stack config, or PLANETSCALE_SERVICE_TOKEN_ID / PLANETSCALE_SERVICE_TOKEN.
The last line of stdout is a summary: recover: interrupted=N deleted=N untouched=N … refused=N
Exit codes: 0 recovered (run \`pulumi up\` next), 1 something needs a person (listed), 2 bad usage.
`;

const OPTIONS = {
  stack: { type: "string" },
  cwd: { type: "string" },
  "backend-url": { type: "string" },
  "force-unlock": { type: "boolean" },
  pulumi: { type: "string" },
  help: { type: "boolean" },
} as const;

/** Runs `pulumi-planetscale recover`; resolves with the exit code. */
export async function runRecover(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let values: {
    stack?: string | undefined;
    cwd?: string | undefined;
    "backend-url"?: string | undefined;
    "force-unlock"?: boolean;
    pulumi?: string | undefined;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    err(`pulumi-planetscale recover: ${(error as Error).message}\n\n${RECOVER_USAGE}`);
    return 2;
  }
  if (values.help) {
    out(RECOVER_USAGE);
    return 0;
  }
  if (!values.stack) {
    err(`pulumi-planetscale recover: --stack is required\n\n${RECOVER_USAGE}`);
    return 2;
  }
  const cwd = path.resolve(values.cwd ?? ".");
  const cli = new PulumiCli({ command: values.pulumi, cwd, env, backendUrl: values["backend-url"] });
  const stack = new PulumiStack(values.stack, cwd, cli);
  try {
    const client = getClient(resolveSettings(await stack.config(out), env));
    const result = await recover(stack, client, {
      forceUnlock: values["force-unlock"] === true,
      env,
      report: out,
    });
    for (const line of result.refused) err(`REFUSED  ${line}`);
    if (result.refused.length > 0) out("nothing was changed; resolve the above, then run recover again");
    else out(`recovered: run \`pulumi up --stack ${values.stack}\` next`);
    out(recoverSummary(result));
    return result.refused.length > 0 ? 1 : 0;
  } catch (error) {
    err(`pulumi-planetscale recover: ${messageWithCauses(error)}`);
    out("recover: error");
    return 1;
  } finally {
    await closeAllClients();
  }
}
