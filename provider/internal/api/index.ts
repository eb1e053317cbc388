/** Typed PlanetScale operations and their response schemas. */
export * from "./branches";
export * from "./gone";
export * from "./organizations";
export * from "./pagination";
export * from "./paths";
export * from "./schemas";
export * from "./service-tokens";
