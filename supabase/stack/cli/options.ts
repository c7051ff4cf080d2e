import { parseArgs } from "node:util";
import path from "node:path";

/** Where the stack reads its project from and where it listens. */
export interface StackOptions {
  config: string;
  data: string;
  migrations: string;
  seed: string;
  functions: string;
  apiPort: number;
  dbPort: number;
  inboxPort: number;
  smtpPort: number;
  /** The local console (Studio), on 127.0.0.1 only. */
  studioPort: number;
  /** An external PostgreSQL 15+ to use instead of the embedded one. */
  databaseUrl: string | undefined;
}

export const projectRoot = path.resolve(import.meta.dirname, "../../..");

export const defaultOptions: StackOptions = {
  config: path.join(projectRoot, "supabase/config.toml"),
  data: path.join(projectRoot, ".pitlane/data"),
  migrations: path.join(projectRoot, "sql"),
  seed: path.join(projectRoot, "seed"),
  functions: path.join(projectRoot, "functions"),
  apiPort: 54321,
  dbPort: 54322,
  inboxPort: 54324,
  smtpPort: 54325,
  studioPort: 54323,
  databaseUrl: undefined,
};

export const usage = `Usage: npm start -- [options]

  --config <file>      Supabase CLI config.toml         (default supabase/config.toml)
  --data <dir>         data folder: database, storage   (default .pitlane/data)
  --migrations <dir>   numbered SQL migrations          (default sql/)
  --seed <dir>         seed SQL run on a new database    (default seed/)
  --functions <dir>    edge functions                   (default functions/)
  --api-port <n>       gateway: REST, auth, storage…    (default 54321)
  --db-port <n>        embedded PostgreSQL              (default 54322)
  --inbox-port <n>     local auth email inbox           (default 54324)
  --smtp-port <n>      SMTP into that inbox              (default 54325)
  --studio-port <n>    local console (Studio)            (default 54323)
  --help               this text

  DATABASE_URL=postgresql://…  use that PostgreSQL 15+ instead of the embedded one`;

export class UsageError extends Error {}

function port(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new UsageError(`${flag} must be a port number from 1 to 65535, not "${value}"`);
  }
  return n;
}

/** Parses the stack's command line; relative paths resolve against the working directory. */
export function parseOptions(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): StackOptions & { help: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        config: { type: "string" },
        data: { type: "string" },
        migrations: { type: "string" },
        seed: { type: "string" },
        functions: { type: "string" },
        "api-port": { type: "string" },
        "db-port": { type: "string" },
        "inbox-port": { type: "string" },
        "smtp-port": { type: "string" },
        "studio-port": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const resolve = (value: string | undefined, fallback: string) =>
    value ? path.resolve(value) : fallback;
  return {
    help: values.help ?? false,
    config: resolve(values.config, defaultOptions.config),
    data: resolve(values.data, defaultOptions.data),
    migrations: resolve(values.migrations, defaultOptions.migrations),
    seed: resolve(values.seed, defaultOptions.seed),
    functions: resolve(values.functions, defaultOptions.functions),
    apiPort: values["api-port"] ? port(values["api-port"], "--api-port") : defaultOptions.apiPort,
    dbPort: values["db-port"] ? port(values["db-port"], "--db-port") : defaultOptions.dbPort,
    inboxPort: values["inbox-port"]
      ? port(values["inbox-port"], "--inbox-port")
      : defaultOptions.inboxPort,
    smtpPort: values["smtp-port"]
      ? port(values["smtp-port"], "--smtp-port")
      : defaultOptions.smtpPort,
    studioPort: values["studio-port"]
      ? port(values["studio-port"], "--studio-port")
      : defaultOptions.studioPort,
    databaseUrl: env.DATABASE_URL || undefined,
  };
}
