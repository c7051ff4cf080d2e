import type { SectionFactory } from "../section.ts";
import { authSection } from "./auth.ts";
import { functionsSection } from "./functions.ts";
import { realtimeSection } from "./realtime.ts";
import { storageSection } from "./storage.ts";

/**
 * The console's sections in the order of its navigation. A section is a server module here plus
 * `ui/sections/<id>.ts` registered in `ui/sections/index.ts`.
 */
export const sectionFactories: SectionFactory[] = [
  authSection,
  storageSection,
  realtimeSection,
  functionsSection,
];
