import type { SectionView } from "../studio.ts";
import { authView } from "./auth.ts";
import { functionsView } from "./functions.ts";
import { realtimeView } from "./realtime.ts";
import { storageView } from "./storage.ts";

/** Each section's page code by its id (the server's `sections/<id>.ts` gives its title and API). */
export const sectionViews: Record<string, SectionView> = {
  auth: authView,
  storage: storageView,
  realtime: realtimeView,
  functions: functionsView,
};
