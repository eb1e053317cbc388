import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { STACK_INPUT } from "../inputs/props";
import { RESOURCE_KINDS, typeToken } from "./kinds";
import type { ProviderShell } from "./provider-shell";
import type { ResourceKind } from "./runtime-contract";
import { checkStackConfig } from "./stack-config";

/** The input in which Pulumi's dynamic-provider host finds a dynamic resource's provider. */
export const PROVIDER_KEY = "__provider";

/**
 * What the resource classes register, as `pulumi.dynamic.Resource` would: the type
 * `pulumi-nodejs:dynamic/planetscale:<class>` of the provider's kind (served by Pulumi's dynamic-provider host) and the
 * props with the provider under {@link PROVIDER_KEY} and the stack's name under `STACK_INPUT`
 * (`inputs/props.ts`: the provider's ownership checks tell this stack from the others by it).
 *
 * `pulumi.dynamic.Resource` runs Pulumi's closure serializer for the first resource of each
 * provider, which costs ~0.45 s of every program before that resource can be registered: it loads
 * the serializer and searches every loaded module for the one exporting the provider. The provider
 * here *is* a module's exports (`providers/<kind>.ts`), so when the package is installed under
 * `node_modules` the serializer only writes a `require` of that module; {@link serializedProvider}
 * writes that same text itself.
 *
 * The first resource of a program run also checks the stack's configuration (see
 * {@link checkStackConfig}), which fails the program before anything is registered.
 */
export function dynamicResource(
  provider: ProviderShell,
  props: pulumi.Inputs,
): { type: string; props: pulumi.Inputs } {
  checkStackConfig();
  return {
    type: typeToken(provider.kind),
    props: { ...props, [STACK_INPUT]: pulumi.getStack(), [PROVIDER_KEY]: serializedProvider(provider) },
  };
}

const serialized = new Map<ResourceKind, pulumi.Input<string>>();

/**
 * The provider's text in state, once per kind and program. Installed: byte for byte what Pulumi's
 * closure serializer writes for a module it finds under `node_modules` (a test compares the two),
 * so the state of stacks deployed by earlier versions stays the same. Not installed (a linked
 * checkout, whose path has no `node_modules`): the serializer itself, which stores the shell by value.
 */
export function serializedProvider(provider: ProviderShell): pulumi.Input<string> {
  let text = serialized.get(provider.kind);
  if (text === undefined) {
    const specifier = installedSpecifier(provider.kind);
    text =
      specifier === undefined
        ? pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true }).then((f) => f.text)
        : requireText(specifier);
    serialized.set(provider.kind, text);
  }
  return text;
}

/**
 * `<package>/internal/providers/<module>` when this package lies under a `node_modules` directory
 * (the package's name as it is installed there, scoped or not); undefined otherwise.
 */
export function installedSpecifier(kind: ResourceKind, directory = __dirname): string | undefined {
  const parts = directory.split(path.sep);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const scoped = parts[at + 1]!.startsWith("@");
  const name = parts.slice(at + 1, at + (scoped ? 3 : 2)).join("/");
  return `${name}/internal/providers/${RESOURCE_KINDS[kind].providerModule}`;
}

/** Pulumi's closure serializer's text for `() => provider` where `provider` is a module's exports. */
function requireText(specifier: string): string {
  return (
    `exports.handler = __f0;\nconst provider = require(${JSON.stringify(specifier)});\n\n` +
    "function __f0() {\n  return (function() {\n    with({ this: undefined, arguments: undefined }) {\n\n" +
    "return () => provider;\n\n    }\n  }).apply(undefined, undefined).apply(this, arguments);\n}\n"
  );
}
