import type http from "node:http";
import type { StackOptions } from "./cli/options.ts";
import { apiKeys, loadSigningKeys, resolveSigningKeysPath, type ApiKeys } from "./config/keys.ts";
import { loadProjectConfig, type ProjectConfig } from "./config/project-config.ts";
import { withClient } from "./database/connection.ts";
import { startEmbeddedPostgres, type RunningPostgres } from "./database/embedded-postgres.ts";
import { prepareDatabase, type PreparedDatabase } from "./database/prepare.ts";
import { startGateway } from "./gateway/server.ts";
import type { Service, ServiceDeps } from "./http/service.ts";
import type { Logger } from "./logger.ts";
import { createAuthService } from "./auth/service.ts";
import { createCronService } from "./cron/service.ts";
import { createFunctionsService } from "./edge-runtime/service.ts";
import { createNetService } from "./net/service.ts";
import { createRealtimeService } from "./realtime/service.ts";
import { assertPortFree } from "./ports.ts";
import { createRestService } from "./rest/service.ts";
import { createStorageService } from "./storage/service.ts";
import { startStudio, type Studio } from "./studio/server.ts";

export interface Stack {
  apiUrl: string;
  dbUrl: string;
  inboxUrl: string;
  studioUrl: string;
  keys: ApiKeys;
  config: ProjectConfig;
  prepared: PreparedDatabase;
  stop(): Promise<void>;
}

async function connectExternal(url: string): Promise<RunningPostgres> {
  try {
    const version = await withClient(url, async (client) =>
      Number((await client.query("show server_version_num")).rows[0].server_version_num),
    );
    if (version < 150000)
      throw new Error(
        `it runs PostgreSQL ${Math.floor(version / 10000)}; the stack needs 15 or later`,
      );
  } catch (error) {
    const where = new URL(url);
    throw new Error(
      `cannot use DATABASE_URL (${where.hostname}:${where.port || 5432}${where.pathname}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  return { url, stop: async () => {} };
}

/** Starts PostgreSQL (or connects to DATABASE_URL), brings the database up to date and opens the gateway. */
export async function startStack(options: StackOptions, logger: Logger): Promise<Stack> {
  const config = await loadProjectConfig(options.config);
  const signingKeysPath = config.auth.signing_keys_path;
  const keys = await apiKeys(
    config.auth.jwt_secret,
    signingKeysPath
      ? await loadSigningKeys(resolveSigningKeysPath(options.config, signingKeysPath))
      : [],
  );
  await assertPortFree(options.apiPort, "--api-port", "the API gateway");
  await assertPortFree(options.inboxPort, "--inbox-port", "the email inbox");
  await assertPortFree(options.smtpPort, "--smtp-port", "the inbox's SMTP server");
  await assertPortFree(options.studioPort, "--studio-port", "the console (Studio)");

  const postgres = options.databaseUrl
    ? await connectExternal(options.databaseUrl)
    : await startEmbeddedPostgres({
        dataDir: options.data,
        port: options.dbPort,
        log: logger.info,
      });
  let gateway: http.Server | undefined;
  let services: Service[] = [];
  let studio: Studio | undefined;
  try {
    const prepared = await prepareDatabase(postgres.url, options, config.api.schemas);
    const deps: ServiceDeps = { dbUrl: postgres.url, keys, config, options, log: logger };
    services = [
      createRestService(deps),
      await createAuthService(deps),
      createStorageService(deps),
      await createFunctionsService(deps),
      await createRealtimeService(deps),
      await createCronService(deps),
      await createNetService(deps),
    ];
    gateway = await startGateway({ port: options.apiPort, services, keys, log: logger });
    const server = gateway;
    const apiUrl = `http://127.0.0.1:${options.apiPort}`;
    const inboxUrl = `http://127.0.0.1:${options.inboxPort}`;
    studio = await startStudio({
      port: options.studioPort,
      dbUrl: postgres.url,
      apiUrl,
      keys,
      config,
      inboxUrl,
      functionsDir: options.functions,
      dataDir: options.data,
      log: logger,
    });
    const runningStudio = studio;
    return {
      apiUrl,
      dbUrl: postgres.url,
      inboxUrl,
      studioUrl: studio.url,
      keys,
      config,
      prepared,
      async stop() {
        await runningStudio.close();
        server.closeAllConnections();
        // Upgraded sockets (realtime's websockets) hold server.close() open until their service ends them.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.all(services.map(async (service) => service.close?.()));
        await closed;
        await postgres.stop();
      },
    };
  } catch (error) {
    await studio?.close();
    gateway?.close();
    await Promise.all(services.map(async (service) => service.close?.()));
    await postgres.stop();
    throw error;
  }
}
