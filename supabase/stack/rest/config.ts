/**
 * The REST service's configuration: `[api]` in supabase/config.toml, overridden by PostgREST's
 * in-database configuration (`alter role authenticator set pgrst.db_max_rows = '100'`), which
 * `NOTIFY pgrst, 'reload config'` re-reads.
 */
import type pg from "pg";
import type { ProjectConfig } from "../config/project-config.ts";

export type TxEnd = "commit" | "commit-allow-override" | "rollback" | "rollback-allow-override";

export interface RestConfig {
  /** Exposed schemas; the first is the default. */
  schemas: string[];
  extraSearchPath: string[];
  maxRows: number | undefined;
  aggregatesEnabled: boolean;
  planEnabled: boolean;
  txEnd: TxEnd;
  /** A function called at the start of every request, `schema.name`. */
  preRequest: string | undefined;
  openApiMode: "follow-privileges" | "ignore-privileges" | "disabled";
  /** The largest request body accepted, in bytes. */
  maxBodyBytes: number;
}

/** Supabase's API gateway refuses request bodies above this; PostgREST itself has no limit. */
const defaultMaxBodyBytes = 10 * 1024 * 1024;

export function configFromProject(project: ProjectConfig): RestConfig {
  const api = project.api as ProjectConfig["api"] & { max_body_bytes?: number };
  return {
    schemas: api.schemas,
    extraSearchPath: api.extra_search_path,
    maxRows: api.max_rows,
    aggregatesEnabled: false,
    planEnabled: false,
    txEnd: "commit",
    preRequest: undefined,
    openApiMode: "follow-privileges",
    maxBodyBytes: typeof api.max_body_bytes === "number" ? api.max_body_bytes : defaultMaxBodyBytes,
  };
}

const list = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** The `pgrst.*` settings of the role the service logs in as (PostgREST's db-config). */
export async function loadDatabaseConfig(
  client: pg.ClientBase,
  base: RestConfig,
): Promise<RestConfig> {
  const { rows } = await client.query<{ setting: string }>(`
    select unnest(s.setconfig) as setting
    from pg_db_role_setting s
    where s.setrole in (0, (select oid from pg_roles where rolname = current_user))
      and s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
    order by s.setrole = 0 desc, s.setdatabase = 0 desc`);
  const config = { ...base };
  for (const { setting } of rows) {
    const eq = setting.indexOf("=");
    const key = setting.slice(0, eq);
    const value = setting.slice(eq + 1);
    switch (key) {
      case "pgrst.db_schemas":
        config.schemas = list(value);
        break;
      case "pgrst.db_extra_search_path":
        config.extraSearchPath = list(value);
        break;
      case "pgrst.db_max_rows": {
        const n = Number(value);
        config.maxRows = Number.isInteger(n) && n > 0 ? n : undefined;
        break;
      }
      case "pgrst.db_aggregates_enabled":
        config.aggregatesEnabled = value === "true";
        break;
      case "pgrst.db_plan_enabled":
        config.planEnabled = value === "true";
        break;
      case "pgrst.db_tx_end":
        if (
          ["commit", "commit-allow-override", "rollback", "rollback-allow-override"].includes(value)
        )
          config.txEnd = value as TxEnd;
        break;
      case "pgrst.db_pre_request":
        config.preRequest = value || undefined;
        break;
      case "pgrst.openapi_mode":
        if (["follow-privileges", "ignore-privileges", "disabled"].includes(value))
          config.openApiMode = value as RestConfig["openApiMode"];
        break;
    }
  }
  return config;
}
