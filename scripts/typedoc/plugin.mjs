// TypeDoc plugin of this repository (typedoc.json `plugin`): a resource's inputs are shown on the
// resource's own page. Every exported `…Args` interface gets TypeDoc's `@expand` modifier, so the
// constructor (or function) that takes it lists its properties in place; the interface keeps its
// own page for links. Done here rather than as a tag in each source file, so a new resource's args
// need nothing to be documented the same way.
import { Converter, ReflectionKind } from "typedoc";

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (_context, reflection) => {
    if (
      reflection.kind === ReflectionKind.Interface &&
      reflection.name.endsWith("Args") &&
      reflection.comment
    ) {
      reflection.comment.modifierTags.add("@expand");
    }
  });
}
