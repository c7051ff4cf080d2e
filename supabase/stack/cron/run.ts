import pg from "pg";

/** A row of cron.job, as the scheduler reads it. */
export interface Job {
  /** bigint, kept as node-pg gives it. */
  jobid: string;
  schedule: string;
  command: string;
  database: string;
  username: string;
  active: boolean;
}

/** A run in progress: its backend, so that closing the stack can cancel it. */
export interface Run {
  pid?: number;
  done: Promise<void>;
}

/** libpq's PQresultErrorMessage, which pg_cron stores as a failed run's return_message. */
function errorMessage(error: unknown): string {
  const e = error as pg.DatabaseError;
  if (!e.severity) return String((error as Error).message ?? error);
  let text = `${e.severity}:  ${e.message}\n`;
  if (e.detail) text += `DETAIL:  ${e.detail}\n`;
  if (e.hint) text += `HINT:  ${e.hint}\n`;
  if (e.where) text += `CONTEXT:  ${e.where}\n`;
  return text;
}

/**
 * What pg_cron stores for a run that succeeded, from the last statement's result: "N rows" for
 * one that returned rows (even none), else its command tag ("INSERT 0 1", "CREATE TABLE").
 * node-pg keeps only the tag's first word, so the tag is read from the protocol messages.
 */
function watchOutcome(client: pg.Client): () => string {
  let returnsRows = false;
  let outcome = "0 rows";
  client.connection.on("rowDescription", () => (returnsRows = true));
  client.connection.on("emptyQuery", () => (outcome = "0 rows"));
  client.connection.on("commandComplete", (message: { text: string }) => {
    if (returnsRows) {
      const rows = Number(/(\d+)$/.exec(message.text)?.[1] ?? 0);
      outcome = `${rows} ${rows === 1 ? "row" : "rows"}`;
    } else {
      outcome = message.text;
    }
    returnsRows = false;
  });
  return () => outcome;
}

/**
 * Runs one job as pg_cron does: its own connection to the job's database, as the job's user, the
 * command sent as one simple query (several statements allowed), and the run recorded in
 * cron.job_run_details (starting → running → succeeded or failed) through `bookkeeping`, the
 * stack database's superuser pool. The connection logs in as the superuser and takes the job's
 * identity with SET SESSION AUTHORIZATION, so session_user and current_user are both the job's
 * user as when pg_cron logs in as it; a role that cannot log in fails as it would under pg_cron.
 */
export function startRun(job: Job, serverUrl: string, bookkeeping: pg.Pool, startedAt: Date): Run {
  const run: Run = { done: Promise.resolve() };
  run.done = (async () => {
    const { rows } = await bookkeeping.query<{ runid: string }>(
      "insert into cron.job_run_details (jobid, database, username, command, status) values ($1, $2, $3, $4, 'starting') returning runid",
      [job.jobid, job.database, job.username, job.command],
    );
    const runid = rows[0]!.runid;
    const finish = (status: "succeeded" | "failed", message: string) =>
      bookkeeping.query(
        "update cron.job_run_details set status = $2, return_message = $3, start_time = coalesce(start_time, $4), end_time = $5 where runid = $1",
        [runid, status, message, startedAt, new Date()],
      );

    const url = new URL(serverUrl);
    url.pathname = `/${encodeURIComponent(job.database)}`;
    const client = new pg.Client({ connectionString: url.toString(), application_name: "pg_cron" });
    // A connection the server ends (cancellation at shutdown, a dropped database) surfaces as the query's error.
    client.on("error", () => undefined);
    try {
      try {
        await client.connect();
        const {
          rows: [role],
        } = await client.query<{ can_login: boolean; pid: number }>(
          "select rolcanlogin as can_login, pg_backend_pid() as pid from pg_roles where rolname = $1",
          [job.username],
        );
        if (!role?.can_login) throw new Error("the job's role cannot log in");
        await client.query(`set session authorization ${client.escapeIdentifier(job.username)}`);
        run.pid = role.pid;
      } catch {
        await finish("failed", "connection failed");
        return;
      }
      await bookkeeping.query(
        "update cron.job_run_details set status = 'running', job_pid = $2, start_time = $3 where runid = $1",
        [runid, run.pid, startedAt],
      );
      const outcome = watchOutcome(client);
      try {
        await client.query(job.command);
        await finish("succeeded", outcome());
      } catch (error) {
        await finish("failed", errorMessage(error));
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return run;
}
