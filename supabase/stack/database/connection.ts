import pg from "pg";

/** The Supabase CLI's local credentials. */
export function superuserUrl(port: number, host = "127.0.0.1"): string {
  return `postgresql://postgres:postgres@${host}:${port}/postgres`;
}

/** The same server as `url`, logged in as another role (password `postgres`, as locally on Supabase). */
export function urlAs(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = "postgres";
  return parsed.toString();
}

/** Runs `work` on one connection and always closes it. */
export async function withClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** 1-based line of a character offset in `text`, for pointing at a failing SQL statement. */
export function lineAt(text: string, position: number): number {
  return text.slice(0, Math.max(0, position - 1)).split("\n").length;
}

/** A PostgreSQL error as one line: message, detail and where it happened in `sql`. */
export function describePgError(error: unknown, sql?: string): string {
  const e = error as pg.DatabaseError;
  const parts = [e.message];
  if (e.detail) parts.push(`detail: ${e.detail}`);
  if (e.hint) parts.push(`hint: ${e.hint}`);
  if (e.where) parts.push(`where: ${e.where}`);
  const location =
    sql !== undefined && e.position ? `line ${lineAt(sql, Number(e.position))}: ` : "";
  return location + parts.join("; ");
}
