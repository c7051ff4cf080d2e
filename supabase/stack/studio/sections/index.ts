import type { SectionFactory } from "../section.ts";
import { authSection } from "./auth.ts";
import { functionsSection } from "./functions.ts";
import { createLogsSection } from "./logs.ts";
import { realtimeSection } from "./realtime.ts";
import { createSqlSection } from "./sql.ts";
import { storageSection } from "./storage.ts";
import { createTablesSection } from "./tables.ts";

/**
 * The console's sections in the order of its navigation. A section is a server module here plus
 * its page code registered in `ui/sections/index.ts`.
 */
export const sectionFactories: SectionFactory[] = [
  createTablesSection,
  createSqlSection,
  authSection,
  storageSection,
  realtimeSection,
  functionsSection,
  createLogsSection,
];
