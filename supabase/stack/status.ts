import { readdir, readFile } from "node:fs/promises";
import type { Stack } from "./stack.ts";

/** Resident memory of this process and every process below it (PostgreSQL's, Deno's), in bytes. */
export async function stackResidentMemory(root = process.pid): Promise<number> {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
    rss.set(pid, Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  let total = 0;
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    total += rss.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** The same fields `supabase status` prints, so app configuration can be copied from it. */
export function formatStatus(
  stack: Stack,
  figures: { startMs: number; memoryBytes: number; cold: boolean },
): string {
  const rows: [string, string][] = [
    ["API URL", stack.apiUrl],
    ["REST URL", `${stack.apiUrl}/rest/v1`],
    ["DB URL", stack.dbUrl],
    ["Studio URL", stack.studioUrl],
    ["Mailpit URL", stack.inboxUrl],
    ["JWT secret", stack.keys.jwtSecret],
    ["anon key", stack.keys.anonKey],
    ["service_role key", stack.keys.serviceRoleKey],
    ["Publishable key", stack.keys.publishableKey],
    ["Secret key", stack.keys.secretKey],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padStart(width)}: ${value}`);
  const start = `${(figures.startMs / 1000).toFixed(2)} s (${figures.cold ? "cold: new database" : "warm"})`;
  lines.push(
    `${"Started in".padStart(width)}: ${start}, ${(figures.memoryBytes / 2 ** 20).toFixed(0)} MB resident`,
  );
  return lines.join("\n");
}
