/**
 * Whether this process is the dynamic-provider host the Pulumi engine starts
 * (`@pulumi/pulumi/cmd/dynamic-provider`, whose first argument is the engine's address). What only
 * that host may do depends on it: stop once the engine is gone (`dynamic/engine-watchdog.ts`), keep
 * settled creates' journal records until the engine ends it (`ownership/journal.ts`). Programs,
 * the operator commands and in-process tests are not the host.
 */
export function isDynamicProviderHost(argv: readonly string[] = process.argv): boolean {
  return /[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/.test(argv[1] ?? "");
}
