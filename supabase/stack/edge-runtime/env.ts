import { readFile } from "node:fs/promises";
import path from "node:path";
import type { FunctionSpec } from "./catalog.ts";

/**
 * A dotenv file as the Supabase CLI reads `functions/.env` (`supabase secrets set --env-file`):
 * NAME=value lines, `export` allowed, values optionally quoted, `#` comments. A missing file is
 * no secrets.
 */
export async function readEnvFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quoted = /^(["'`])(.*)\1$/.exec(value);
    if (quoted)
      value =
        quoted[1] === '"' ? quoted[2]!.replace(/\\n/g, "\n").replace(/\\"/g, '"') : quoted[2]!;
    else value = value.replace(/\s+#.*$/, "");
    env[match[1]!] = value;
  }
  return env;
}

/** What Supabase gives every function, plus the project's secrets. */
export interface FunctionEnvironment {
  apiUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  publishableKey: string;
  secretKey: string;
  dbUrl: string;
  /** `[edge_runtime.secrets]` of config.toml, then functions/.env (which wins, as in the CLI). */
  secrets: Record<string, string>;
}

/**
 * The function's environment. Supabase's own variables cannot be overridden by secrets (the
 * platform refuses secrets named SUPABASE_*), so they are set last.
 */
export function functionEnv(environment: FunctionEnvironment): Record<string, string> {
  const secrets = Object.fromEntries(
    Object.entries(environment.secrets).filter(([name]) => !name.startsWith("SUPABASE_")),
  );
  return {
    ...secrets,
    SUPABASE_URL: environment.apiUrl,
    SUPABASE_ANON_KEY: environment.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: environment.serviceRoleKey,
    SUPABASE_DB_URL: environment.dbUrl,
    // The opaque keys by name, as the CLI's edge runtime passes them (`{"default": key}`).
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: environment.publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: environment.secretKey }),
  };
}

/**
 * What each function lacks of the secrets it declares in `secrets.json` beside its entry point
 * (`{ "NAME": "what needs it" }`), given the environment it gets: unset or empty, by function.
 */
export async function missingSecrets(
  specs: FunctionSpec[],
  env: Record<string, string>,
): Promise<Array<{ name: string; missing: string[] }>> {
  const report = [];
  for (const spec of specs) {
    const file = path.join(path.dirname(spec.entrypoint), "secrets.json");
    let declared: Record<string, string>;
    try {
      declared = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new Error(`${file} is not a JSON object of secret names: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const missing = Object.keys(declared).filter((name) => !env[name]);
    if (missing.length > 0) report.push({ name: spec.name, missing });
  }
  return report;
}
