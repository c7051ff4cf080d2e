import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { defaultOptions } from "./cli/options.ts";
import { loadProjectConfig } from "./config/project-config.ts";
import { startEmbeddedPostgres } from "./database/embedded-postgres.ts";
import { prepareDatabase } from "./database/prepare.ts";
import { freePort, portAttempts } from "./spawn-stack.ts";

/**
 * A stopped cluster with the platform bootstrap, `sql/` and `seed/` applied, in a new data folder,
 * exactly as a stack's first start leaves its database (the stack's services never ran on it,
 * so it holds no replication slot or job run). A stack started on a copy still runs the
 * bootstrap, migration and seed checks, which find nothing to do, and writes its own config's
 * exposed schemas, so a test's config.toml is honoured.
 */
export async function buildTemplate(): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "pitlane-template-"));
  const config = await loadProjectConfig(defaultOptions.config);
  for (let attempt = 1; ; attempt++) {
    let postgres;
    try {
      postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: () => {} });
    } catch (error) {
      // The free port was taken before PostgreSQL bound it (see spawnStack): try another.
      if (!/is in use/.test((error as Error).message) || attempt >= portAttempts) throw error;
      continue;
    }
    try {
      await prepareDatabase(postgres.url, defaultOptions, config.api.schemas);
    } finally {
      await postgres.stop();
    }
    return dataDir;
  }
}
