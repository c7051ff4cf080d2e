/**
 * `npm run gen:types`: the `Database` types of a database's exposed schemas, as
 * `supabase gen types typescript --db-url` prints them. The Supabase CLI pinned here (2.117, the
 * newest release with a build for every platform on npm) runs that command in a Docker container;
 * this runs the same engine, `@supabase/postgrest-typegen` (which the CLI and postgres-meta use),
 * in Node, and leaves its output unformatted as the CLI does.
 *
 *   node --import tsx clients/generate-types.ts <database url> > clients/database.types.ts
 */
import { generateTypescript, sortGeneratorMetadata } from "@supabase/postgrest-typegen/generation";
import { introspect } from "@supabase/postgrest-typegen/introspection";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";

/** config.toml's `[api] schemas`: what REST exposes, and what the CLI generates types for. */
const exposedSchemas = ["public", "graphql_public"];

export async function generateDatabaseTypes(url: string): Promise<string> {
  // A pool: the introspection runs its queries concurrently.
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    const metadata = await introspect(pool, { includedSchemas: exposedSchemas });
    return await generateTypescript(sortGeneratorMetadata(metadata), {
      detectOneToOneRelationships: true,
      format: (code: string) => Promise.resolve(code),
    });
  } finally {
    await pool.end();
  }
}

// Run as a script (not imported): Node 20 has no import.meta.main.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = process.argv[2];
  if (!url) {
    console.error("usage: generate-types.ts <database url>");
    process.exit(2);
  }
  process.stdout.write(await generateDatabaseTypes(url));
}
