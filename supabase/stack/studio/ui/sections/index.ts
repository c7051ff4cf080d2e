import type { SectionView } from "../studio.ts";
import { logsView } from "./logs.ts";
import { sqlView } from "./sql.ts";
import { tablesView } from "./tables.ts";

/** Each section's page code by its id (the server's `sections/<id>.ts` gives its title and API). */
export const sectionViews: Record<string, SectionView> = {
  tables: tablesView,
  sql: sqlView,
  logs: logsView,
};
