/** Typed PlanetScale operations and their response schemas. */
export * from "./branches";
export * from "./organizations";
export * from "./paths";
export * from "./schemas";
export * from "./service-tokens";
