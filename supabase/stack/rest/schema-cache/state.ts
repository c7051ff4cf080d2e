/**
 * The schema cache and configuration the REST service answers from, loaded at start and again on
 * `NOTIFY pgrst, 'reload schema'` (or an empty payload) and `NOTIFY pgrst, 'reload config'`, which a
 * dedicated connection listens for, as PostgREST does. A dropped listener reconnects and reloads.
 */
import pg from "pg";
import { configFromProject, loadDatabaseConfig, type RestConfig } from "../config.ts";
import { loadSchemaCache } from "./load.ts";
import type { SchemaCache } from "./types.ts";

export class RestState {
  config: RestConfig;
  cache: SchemaCache | undefined;
  private listener: pg.Client | undefined;
  private closed = false;
  /** Reloads run one after another, never concurrently. */
  private reloading: Promise<void> = Promise.resolve();
  /** A reload is queued and not started: a burst of notifications (one per DDL statement) joins it. */
  private queued: { promise: Promise<void>; config: boolean } | undefined;

  constructor(
    private readonly url: string,
    private readonly base: RestConfig,
    private readonly log: (line: string) => void,
  ) {
    this.config = base;
  }

  static async start(
    url: string,
    project: Parameters<typeof configFromProject>[0],
    log: (line: string) => void,
  ): Promise<RestState> {
    const state = new RestState(url, configFromProject(project), log);
    await state.listen();
    return state;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on("error", () => undefined);
    await client.connect();
    this.listener = client;
    client.on("notification", (message) => {
      if (message.channel !== "pgrst") return;
      const payload = (message.payload ?? "").trim();
      if (payload === "reload config") void this.reload(true);
      else if (payload === "reload schema" || payload === "") void this.reload(false);
    });
    client.on("end", () => {
      if (this.closed) return;
      this.log("rest: lost the schema cache listener; reconnecting");
      void this.reconnect();
    });
    await client.query("LISTEN pgrst");
    await this.reload(true);
  }

  private async reconnect(): Promise<void> {
    for (let delay = 100; !this.closed; delay = Math.min(delay * 2, 5_000)) {
      try {
        await this.listen();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Re-reads the configuration (when asked) and the schema cache; resolves when both are in place. */
  reload(config: boolean): Promise<void> {
    if (this.queued) {
      this.queued.config ||= config;
      return this.queued.promise;
    }
    const queued = { promise: Promise.resolve(), config };
    const next = this.reloading.then(async () => {
      this.queued = undefined;
      config = queued.config;
      const client = this.listener;
      if (!client || this.closed) return;
      try {
        if (config) this.config = await loadDatabaseConfig(client, this.base);
        await client.query("set search_path = ''");
        this.cache = await loadSchemaCache(client, this.config.schemas);
      } catch (error) {
        this.log(`rest: could not load the schema cache: ${(error as Error).message}`);
      }
    });
    queued.promise = next;
    this.queued = queued;
    this.reloading = next;
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
  }
}
