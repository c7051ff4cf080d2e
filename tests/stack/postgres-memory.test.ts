import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stack } from "../helpers/db.ts";
import { processInfo } from "../helpers/processes.ts";
import { sharedBuffersMb } from "../../supabase/stack/database/embedded-postgres.ts";

/** Minor page faults so far of a process. */
const minorFaults = async (pid: number) => (await processInfo(pid))!.minorFaults;

describe("the stack's PostgreSQL memory", () => {
  let client: pg.Client;
  let backend: number;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: stack().dbUrl });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
    backend = rows[0]!.pid;
  });
  afterAll(() => client.end());

  // REST's shape for a page of rows (json_agg(…)::text), here about 100 kB: the body is copied in
  // blocks of 128 kB and more, freed together at the statement's end. The stack's PostgreSQL keeps
  // that memory (embedded-postgres.ts, keepFreedMemory); with glibc's defaults it went back to the
  // kernel after each statement and every statement faulted some 130 pages in again.
  it("reuse the memory of the previous statement instead of faulting it in again", async () => {
    const page = `select coalesce(json_agg(t), '[]')::text as body
      from (select g as id, repeat('x', 500) as filler from generate_series(1, 200) g) t`;
    for (let warmUp = 0; warmUp < 5; warmUp++) await client.query(page);
    const before = await minorFaults(backend);
    const repeats = 20;
    for (let i = 0; i < repeats; i++) await client.query(page);
    const perStatement = ((await minorFaults(backend)) - before) / repeats;
    expect(perStatement).toBeLessThan(5);
  });

  it("caches a quarter of the machine's memory in shared buffers, at least 128 MB, at most 1 GB", async () => {
    const gb = 1024 ** 3;
    expect([0.25, 1, 4, 24].map((size) => sharedBuffersMb(size * gb))).toEqual([
      128, 256, 1024, 1024,
    ]);
    const { rows } = await client.query<{ shared_buffers: string }>("show shared_buffers");
    const mb = sharedBuffersMb();
    expect(rows[0]!.shared_buffers).toBe(mb % 1024 === 0 ? `${mb / 1024}GB` : `${mb}MB`);
  });
});
