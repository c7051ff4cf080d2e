import type { SectionFactory } from "../section.ts";
import { createLogsSection } from "./logs.ts";
import { createSqlSection } from "./sql.ts";
import { createTablesSection } from "./tables.ts";

/**
 * The console's sections in the order of its navigation. A section is a server module here plus
 * its page code registered in `ui/sections/index.ts`.
 */
export const sectionFactories: SectionFactory[] = [
  createTablesSection,
  createSqlSection,
  createLogsSection,
];
