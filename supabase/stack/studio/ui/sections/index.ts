import type { SectionView } from "../studio.ts";
import { authView } from "./auth.ts";
import { functionsView } from "./functions.ts";
import { logsView } from "./logs.ts";
import { realtimeView } from "./realtime.ts";
import { sqlView } from "./sql.ts";
import { storageView } from "./storage.ts";
import { tablesView } from "./tables.ts";

/** Each section's page code by its id (the server's `sections/<id>.ts` gives its title and API). */
export const sectionViews: Record<string, SectionView> = {
  tables: tablesView,
  sql: sqlView,
  auth: authView,
  storage: storageView,
  realtime: realtimeView,
  functions: functionsView,
  logs: logsView,
};
