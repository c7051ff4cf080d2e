import path from "node:path";
import { parseOptions, usage, UsageError } from "./cli/options.ts";
import { superuserUrl, withClient } from "./database/connection.ts";
import {
  livePostmaster,
  startEmbeddedPostgres,
  type RunningPostgres,
} from "./database/embedded-postgres.ts";
import { loadProjectConfig } from "./config/project-config.ts";
import { prepareDatabase, resetDatabase } from "./database/prepare.ts";

/**
 * `npm run db:reset`: drops the database and rebuilds it from the platform bootstrap, migrations
 * and seed. Works on a running stack (which then reloads its schema) and on a stopped one.
 */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    console.log(usage.replace("npm start", "npm run db:reset"));
    return;
  }
  const config = await loadProjectConfig(options.config);
  let postgres: RunningPostgres | undefined;
  let url = options.databaseUrl;
  if (!url) {
    const running = await livePostmaster(path.join(options.data, "postgres"));
    if (running) url = superuserUrl(running.port);
    else {
      postgres = await startEmbeddedPostgres({
        dataDir: options.data,
        port: options.dbPort,
        log: console.log,
      });
      url = postgres.url;
    }
  }
  try {
    await resetDatabase(url);
    const prepared = await prepareDatabase(url, options, config.api.schemas);
    await withClient(url, (client) => client.query("notify pgrst, 'reload schema'"));
    console.log(
      `database reset: ${prepared.migrations.length} migrations applied, seed ${prepared.seed.join(", ") || "(none)"}`,
    );
  } finally {
    await postgres?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
