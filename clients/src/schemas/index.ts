// Request bodies shared by the SDK and the edge functions (Deno imports these files by relative
// path, with `zod` from functions/import_map.json).
export * from "./events.ts";
export * from "./payments.ts";
export * from "./primitives.ts";
export * from "./surveys.ts";
export * from "./telemetry.ts";
