import type { SectionView } from "../studio.ts";

/** Each section's page code by its id (the server's `sections/<id>.ts` gives its title and API). */
export const sectionViews: Record<string, SectionView> = {};
