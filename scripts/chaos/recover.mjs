// The documented recovery after an interrupted `pulumi up`, as the chaos run performs it: the one
// place to change when the recovery's interface changes.

/**
 * Recovers the project's stack after a SIGKILL of the CLI or of its provider host:
 * `pulumi-planetscale recover --stack <stack>` (the package's own command, run as
 * `npx pulumi-planetscale` would run it), then `pulumi up`. Both must succeed, non-interactively.
 * Returns `{ ok, step, output }`: `step` names the command that failed, if one did.
 */
export async function recoverInterruptedRun(project) {
  const recover = await project.packageCommand(["recover", "--stack", project.stack]);
  if (recover.code !== 0)
    return { ok: false, step: `pulumi-planetscale recover (exit ${recover.code})`, output: recover.output };
  const up = await project.pulumi(["up", "--yes"]);
  if (up.code !== 0) return { ok: false, step: `pulumi up (exit ${up.code})`, output: up.output };
  return { ok: true, step: undefined, output: recover.output + up.output };
}
