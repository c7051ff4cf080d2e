import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db, sql, stack } from "../helpers/db.ts";
import { spawnStack } from "../../supabase/stack/spawn-stack.ts";

/** A schedule that never comes (31 February), for jobs that must not run. */
const never = "0 0 31 2 *";

const unique = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 10)}`;

async function pgError(
  promise: Promise<unknown>,
): Promise<{ code?: string; message: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as pg.DatabaseError;
  }
  throw new Error("expected an error");
}

/** Runs statements as `role` on one connection of the global stack (SET ROLE, as PostgREST and the SQL editor do). */
async function asRole<T extends pg.QueryResultRow>(
  role: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack().dbUrl });
  await client.connect();
  try {
    await client.query(`set role ${client.escapeIdentifier(role)}`);
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

interface RunRow {
  runid: string;
  status: string;
  return_message: string;
  username: string;
  database: string;
  command: string;
  job_pid: number | null;
  start_time: Date | null;
  end_time: Date | null;
}

/** Waits (up to `timeoutMs`) for a finished run of `jobid` in cron.job_run_details. */
async function finishedRun(jobid: string, timeoutMs = 30_000): Promise<RunRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [run] = await sql<RunRow>(
      "select * from cron.job_run_details where jobid = $1 and status in ('succeeded', 'failed') order by runid limit 1",
      [jobid],
    );
    if (run) return run;
    if (Date.now() > deadline) throw new Error(`job ${jobid} has not run in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("pg_cron's API", () => {
  const role = unique("cron_user");
  const jobs: string[] = [];

  beforeAll(async () => {
    await sql(`create role ${role} login`);
    await sql(`grant usage on schema cron to ${role}`);
  });

  afterAll(async () => {
    await sql("delete from cron.job where jobid = any($1::bigint[])", [jobs]);
    await sql(`drop owned by ${role}`);
    await sql(`drop role ${role}`);
  });

  const schedule = async (...args: string[]) => {
    const placeholders = args.map((_, i) => `$${i + 1}`).join(", ");
    const [{ id }] = (await sql<{ id: string }>(
      `select cron.schedule(${placeholders}) as id`,
      args,
    )) as [{ id: string }];
    jobs.push(id);
    return id;
  };

  it("schedules a named job once per name and owner, replacing its schedule and command", async () => {
    const name = unique("job");
    const id = await schedule(name, never, "select 1");
    expect(await schedule(name, "0 0 30 2 *", "select 2")).toBe(id);
    const [job] = await sql("select * from cron.job where jobid = $1", [id]);
    expect(job).toEqual({
      jobid: id,
      schedule: "0 0 30 2 *",
      command: "select 2",
      nodename: "localhost",
      nodeport: Number(new URL(stack().dbUrl).port),
      database: "postgres",
      username: "postgres",
      active: true,
      jobname: name,
    });
    // Unnamed jobs are never merged.
    const a = await schedule(never, "select 3");
    const b = await schedule(never, "select 3");
    expect(a).not.toBe(b);
  });

  it("refuses an invalid schedule with pg_cron's message and changes nothing", async () => {
    const name = unique("job");
    const error = await pgError(sql("select cron.schedule($1, '61 * * * *', 'select 1')", [name]));
    expect(error).toMatchObject({
      code: "22023",
      message: "invalid schedule: 61 * * * *",
      hint: "Use cron format (e.g. 5 4 * * *), or interval format '[1-59] seconds'",
    });
    expect(await sql("select 1 from cron.job where jobname = $1", [name])).toEqual([]);
    expect(
      (await pgError(sql("select cron.schedule(null, '* * * * *', 'select 1')"))).message,
    ).toBe("job_name can not be NULL");
  });

  it("unschedules by name (the caller's own job) and by id", async () => {
    const name = unique("job");
    const id = await schedule(name, never, "select 1");
    expect(await sql("select cron.unschedule($1::text) as ok", [name])).toEqual([{ ok: true }]);
    expect((await pgError(sql("select cron.unschedule($1::text)", [name]))).message).toBe(
      `could not find valid entry for job '${name}'`,
    );
    expect((await pgError(sql("select cron.unschedule($1::bigint)", [id]))).message).toBe(
      `could not find valid entry for job ${id}`,
    );
    const other = await schedule(unique("job"), never, "select 1");
    expect(await sql("select cron.unschedule($1::bigint) as ok", [other])).toEqual([{ ok: true }]);
  });

  it("alters only what it is given", async () => {
    const id = await schedule(unique("job"), never, "select 1");
    await sql("select cron.alter_job($1, active := false)", [id]);
    await sql("select cron.alter_job($1, command := 'select 2')", [id]);
    expect(
      await sql("select schedule, command, active from cron.job where jobid = $1", [id]),
    ).toEqual([{ schedule: never, command: "select 2", active: false }]);
    expect(await pgError(sql("select cron.alter_job($1)", [id]))).toMatchObject({
      message: "no updates specified",
    });
    expect(
      await pgError(sql("select cron.alter_job($1, schedule := 'often')", [id])),
    ).toMatchObject({ code: "22023", message: "invalid schedule: often" });
    expect(await pgError(sql("select cron.alter_job(-1, active := true)"))).toMatchObject({
      message: "Job -1 does not exist or you don't own it",
    });
    expect(
      await pgError(sql("select cron.alter_job($1, username := 'no_such_role')", [id])),
    ).toMatchObject({ message: 'role "no_such_role" does not exist' });
    await sql("select cron.alter_job($1, username := $2)", [id, role]);
    expect(await sql("select username from cron.job where jobid = $1", [id])).toEqual([
      { username: role },
    ]);
  });

  it("schedules in another database or for another role only for superusers, and only for roles that can log in", async () => {
    const id = (
      await sql<{ id: string }>(
        "select cron.schedule_in_database($1, $2, 'select 1', 'template1', $3, false) as id",
        [unique("job"), never, role],
      )
    )[0]!.id;
    jobs.push(id);
    expect(
      await sql("select database, username, active from cron.job where jobid = $1", [id]),
    ).toEqual([{ database: "template1", username: role, active: false }]);
    expect(
      await pgError(
        sql("select cron.schedule_in_database('x', $1, 'select 1', 'no_such_database')", [never]),
      ),
    ).toMatchObject({
      code: "3D000",
      message: 'database "no_such_database" does not exist',
    });
    expect(
      await pgError(
        sql("select cron.schedule_in_database('x', $1, 'select 1', 'postgres', 'anon')", [never]),
      ),
    ).toMatchObject({ message: 'role "anon" can not log in' });
  });

  it("keeps an ordinary role to its own jobs, as pg_cron's grants and row security do", async () => {
    const mine = (
      await asRole<{ id: string }>(role, "select cron.schedule($1, $2, 'select 1') as id", [
        unique("job"),
        never,
      ])
    )[0]!.id;
    jobs.push(mine);
    const theirs = await schedule(unique("job"), never, "select 1");
    // Only its own rows are visible, and its jobs are its own.
    expect(
      await asRole(role, "select jobid, username from cron.job where jobid = any($1::bigint[])", [
        [mine, theirs],
      ]),
    ).toEqual([{ jobid: mine, username: role }]);
    expect(
      await pgError(asRole(role, "select cron.unschedule($1::bigint)", [theirs])),
    ).toMatchObject({ code: "42501", message: "permission denied for table job" });
    // alter_job and schedule_in_database are the admin's to grant.
    expect(
      await pgError(asRole(role, "select cron.alter_job($1, active := false)", [mine])),
    ).toMatchObject({ code: "42501" });
    expect(
      await pgError(
        asRole(role, "select cron.schedule_in_database('x', $1, 'select 1', 'postgres')", [never]),
      ),
    ).toMatchObject({ code: "42501" });
    expect(
      await pgError(
        asRole(role, "insert into cron.job (schedule, command) values ('* * * * *', 'select 1')"),
      ),
    ).toMatchObject({ code: "42501" });
    expect(await asRole(role, "select cron.unschedule($1::bigint) as ok", [mine])).toEqual([
      { ok: true },
    ]);
  });

  it("has the invoice-expiry job scheduled by the migrations", async () => {
    // (The test run's setup pauses it, see pauseExpiryJob; the migrations leave it active.)
    expect(
      await sql(
        "select schedule, command, database, username from cron.job where jobname = 'expire-due-invoices'",
      ),
    ).toEqual([
      {
        schedule: "* * * * *",
        command: "select public.expire_due_invoices()",
        database: "postgres",
        username: "postgres",
      },
    ]);
  });
});

describe("the stack's scheduler", () => {
  const role = unique("cron_runner");
  const schema = unique("cron_probe");
  const jobs: string[] = [];

  beforeAll(async () => {
    await sql(`create role ${role} login`);
    await sql(`grant usage on schema cron to ${role}`);
    await sql(`create schema ${schema}`);
    await sql(
      `create table ${schema}.runs (who text, session_who text, at timestamptz default now())`,
    );
    await sql(`create table ${schema}.secrets (secret text)`);
    await sql(`grant usage on schema ${schema} to ${role}`);
    await sql(`grant insert on ${schema}.runs to ${role}`);
  });

  afterAll(async () => {
    await sql("delete from cron.job where jobid = any($1::bigint[])", [jobs]);
    await sql(`drop schema ${schema} cascade`);
    await sql(`drop owned by ${role}`);
    await sql(`drop role ${role}`);
  });

  const unschedule = (id: string) => sql("select cron.unschedule($1::bigint)", [id]);

  const scheduleAs = async (username: string, schedule: string, command: string) => {
    const [{ id }] = (await sql<{ id: string }>(
      "select cron.schedule_in_database($1, $2, $3, current_database(), $4) as id",
      [unique("job"), schedule, command, username],
    )) as [{ id: string }];
    jobs.push(id);
    return id;
  };

  it("runs an interval job as its user and records the run", async () => {
    const command = `insert into ${schema}.runs (who, session_who) select current_user, session_user`;
    const id = await scheduleAs(role, "1 seconds", command);
    const run = await finishedRun(id);
    expect(run).toMatchObject({
      status: "succeeded",
      return_message: "INSERT 0 1",
      username: role,
      database: "postgres",
      command,
    });
    expect(run.job_pid).toEqual(expect.any(Number));
    expect(run.end_time!.getTime()).toBeGreaterThanOrEqual(run.start_time!.getTime());
    const [row] = await sql(`select who, session_who from ${schema}.runs limit 1`);
    expect(row).toEqual({ who: role, session_who: role });
    // Its user sees its run; others' runs stay hidden from it.
    const visible = await asRole<{ jobid: string }>(
      role,
      "select distinct jobid from cron.job_run_details",
    );
    expect(visible).toEqual([{ jobid: id }]);
    await unschedule(id);
  });

  it("records a failing job with PostgreSQL's error, and a job cannot do what its user cannot", async () => {
    const forbidden = await scheduleAs(role, "2 seconds", `select * from ${schema}.secrets`);
    const broken = await scheduleAs("postgres", "2 seconds", "select 1 / 0");
    expect(await finishedRun(forbidden)).toMatchObject({
      status: "failed",
      return_message: `ERROR:  permission denied for table secrets\n`,
    });
    expect(await finishedRun(broken)).toMatchObject({
      status: "failed",
      return_message: "ERROR:  division by zero\n",
    });
    await unschedule(forbidden);
    await unschedule(broken);
  });

  it("reports rows for a query, as pg_cron does, and runs several statements in one go", async () => {
    const id = await scheduleAs("postgres", "1 seconds", "select 1; select generate_series(1, 3)");
    expect(await finishedRun(id)).toMatchObject({ status: "succeeded", return_message: "3 rows" });
    await unschedule(id);
  });
});

describe("stopping the stack", () => {
  const args = [
    "--migrations",
    "tests/cron/fixtures/migrations",
    "--seed",
    "tests/fixtures/no-seed",
  ];

  it("cancels a run in progress and records it as failed", async () => {
    const started = await spawnStack({ args });
    try {
      const db = new Db(started.dbUrl, 2);
      const [{ id }] = (await db.sql<{ id: string }>(
        "select cron.schedule('sleeper', '1 seconds', 'select pg_sleep(600)') as id",
      )) as [{ id: string }];
      const deadline = Date.now() + 30_000;
      while (
        (
          await db.sql(
            "select 1 from cron.job_run_details where jobid = $1 and status = 'running'",
            [id],
          )
        ).length === 0
      ) {
        if (Date.now() > deadline) throw new Error("the job never started");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await db.end();
      expect(await started.stop()).toBe(0);

      const again = await spawnStack({ dataDir: started.dataDir, args });
      const reopened = new Db(again.dbUrl, 2);
      try {
        await reopened.sql("select cron.unschedule('sleeper')");
        const [run] = await reopened.sql(
          "select status, return_message from cron.job_run_details where jobid = $1 order by runid limit 1",
          [id],
        );
        expect(run).toEqual({
          status: "failed",
          return_message: "ERROR:  canceling statement due to user request\n",
        });
      } finally {
        await reopened.end();
        await again.stop();
      }
    } finally {
      await started.stop();
      await rm(started.dataDir, { recursive: true, force: true });
    }
  });
});
