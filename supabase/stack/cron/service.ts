import type pg from "pg";
import { openPool } from "../database/session.ts";
import type { Service, ServiceDeps } from "../http/service.ts";
import { startRun, type Job, type Run } from "./run.ts";
import { firesAt, parseSchedule } from "./schedule.ts";

/** pg_cron's default cron.max_running_jobs: further due runs wait for a free slot. */
const MAX_RUNNING = 32;
/**
 * Minutes a late tick still catches up one by one (a busy event loop, a short suspend), as Vixie
 * cron does for small clock jumps; after a longer gap only the current minute's jobs run.
 */
const CATCH_UP_MINUTES = 5;

interface JobState {
  /** Runs due but not started: pg_cron runs one instance of a job at a time and queues the rest. */
  pending: number;
  running?: Run;
  /** When the last run started (ms), for interval schedules. */
  lastStart: number;
}

type Extension = "absent" | "ours" | "real";

/** Which pg_cron the stack's database has: none, the stack's SQL-only one, or the real one (C) with its own worker. */
async function extensionIn(pool: pg.Pool): Promise<Extension> {
  const { rows } = await pool.query<{ language: string }>(
    `select l.lanname as language from pg_catalog.pg_proc p join pg_catalog.pg_language l on l.oid = p.prolang
     where p.oid = pg_catalog.to_regprocedure('cron.schedule(text,text)')`,
  );
  if (rows.length === 0) return "absent";
  return rows[0]!.language === "c" ? "real" : "ours";
}

/**
 * pg_cron's background worker, for the stack's SQL-only pg_cron: every second it reads cron.job
 * from the stack's database and starts the runs that are due (interval schedules by the second,
 * cron schedules at each new minute, in UTC), each on its own connection as the job's user
 * (see run.ts). It serves no HTTP; the stack only closes it, which cancels the runs in progress.
 */
export async function createCronService(deps: ServiceDeps): Promise<Service> {
  const log = deps.log.info;
  const pool = openPool("cron", deps.log, { connectionString: deps.dbUrl, max: 4 });

  if (deps.options.databaseUrl) {
    const { rows } = await pool.query<{ available: boolean }>(
      "select exists (select from pg_catalog.pg_available_extensions where name = 'pg_cron') as available",
    );
    if (!rows[0]!.available) {
      log(
        "cron: the DATABASE_URL server has no pg_cron extension, so `create extension pg_cron` (Supabase Cron) fails there; " +
          "install pg_cron on that server (the stack installs its own only into its embedded PostgreSQL)",
      );
    }
  }

  const states = new Map<string, JobState>();
  /** Each run in progress, with a promise that settles once it is recorded and forgotten. */
  const runs = new Map<Run, Promise<void>>();
  let extension: Extension = "absent";
  let lastMinute = Math.floor(Date.now() / 60_000);
  let lastError = "";
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> = Promise.resolve();
  let lastTick = 0;

  function start(job: Job, state: JobState, now: number): void {
    state.pending -= 1;
    state.lastStart = now;
    const run = startRun(job, deps.dbUrl, pool, new Date(now));
    state.running = run;
    runs.set(
      run,
      run.done
        .catch((error: unknown) =>
          log(`cron: job ${job.jobid}: could not record its run: ${(error as Error).message}`),
        )
        .finally(() => {
          runs.delete(run);
          state.running = undefined;
        }),
    );
  }

  async function tick(now: number): Promise<void> {
    const found = await extensionIn(pool);
    if (found !== extension) {
      if (found === "real")
        log(
          "cron: this database has the real pg_cron, whose own worker runs the jobs; the stack leaves them to it",
        );
      // As pg_cron's worker does when it starts: runs cut short by the last stop are marked failed.
      if (found === "ours") {
        await pool.query(
          "update cron.job_run_details set status = 'failed', return_message = 'server restarted' where status in ('starting', 'running')",
        );
      }
    }
    const firstLoad = found === "ours" && extension !== "ours";
    extension = found;
    if (found !== "ours") {
      states.clear();
      return;
    }

    const minute = Math.floor(now / 60_000);
    const newMinutes: number[] = [];
    if (minute > lastMinute) {
      for (let m = Math.max(lastMinute + 1, minute - CATCH_UP_MINUTES + 1); m <= minute; m++)
        newMinutes.push(m);
    }
    // The clock going back fires nothing until it reaches a new minute again.
    lastMinute = minute;

    const { rows: jobs } = await pool.query<Job>(
      "select jobid, schedule, command, database, username, active from cron.job order by jobid",
    );
    const present = new Set(jobs.map((job) => job.jobid));
    for (const [jobid, state] of states)
      if (!present.has(jobid) && !state.running) states.delete(jobid);

    for (const job of jobs) {
      let state = states.get(job.jobid);
      if (!state) states.set(job.jobid, (state = { pending: 0, lastStart: -Infinity }));
      const schedule = parseSchedule(job.schedule);
      // pg_cron never runs an inactive job nor one whose schedule it cannot parse.
      if (!job.active || !schedule) {
        state.pending = 0;
        continue;
      }
      if (schedule.kind === "interval") {
        // A run longer than the interval queues one more, then the cadence resumes, as in pg_cron.
        if (state.pending === 0 && now - state.lastStart >= schedule.seconds * 1000)
          state.pending += 1;
      } else if (schedule.kind === "reboot") {
        if (firstLoad) state.pending += 1;
      } else {
        for (const m of newMinutes) if (firesAt(schedule, new Date(m * 60_000))) state.pending += 1;
      }
      if (state.pending > 0 && !state.running && runs.size < MAX_RUNNING) start(job, state, now);
    }
  }

  /**
   * Ticks on whole seconds; `now` is the second's nominal time, so a 1-second interval never slips
   * to 2. A timer that fires a little early does not tick the same second twice.
   */
  function schedule(): void {
    if (stopped) return;
    const next = Math.max(Math.floor(Date.now() / 1000) + 1, lastTick / 1000 + 1) * 1000;
    lastTick = next;
    timer = setTimeout(() => {
      ticking = tick(next).then(
        () => {
          lastError = "";
        },
        (error: unknown) => {
          // Logged once until it changes, not every second.
          const message = (error as Error).message;
          if (message !== lastError) log(`cron: cannot read cron.job: ${message}`);
          lastError = message;
        },
      );
      void ticking.then(schedule);
    }, next - Date.now());
  }
  schedule();

  return {
    async close() {
      stopped = true;
      clearTimeout(timer);
      await ticking;
      // Runs in progress are cancelled (and recorded as failed) rather than holding the stop up.
      while (runs.size > 0) {
        await Promise.all(
          [...runs.keys()]
            .filter((run) => run.pid)
            .map((run) =>
              pool.query("select pg_cancel_backend($1)", [run.pid]).catch(() => undefined),
            ),
        );
        // Again after a moment for a run that was still connecting, and so had no backend to cancel.
        await Promise.race([
          Promise.all(runs.values()),
          new Promise((resolve) => setTimeout(resolve, 100)),
        ]);
      }
      await pool.end();
    },
  };
}
