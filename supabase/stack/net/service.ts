import pg from "pg";
import { openPool } from "../database/session.ts";
import type { Service, ServiceDeps } from "../http/service.ts";

/** pg_net.batch_size's default: requests taken from the queue at a time. */
const BATCH_SIZE = 200;
/** pg_net.ttl's default: responses older than this are deleted. */
const RESPONSE_TTL = "6 hours";
/** The queue is also read this often, for requests queued while the listener was reconnecting. */
const POLL_MS = 1000;

interface QueuedRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string> | null;
  body: Buffer | null;
  timeout_milliseconds: number;
}

interface Outcome {
  status_code: number | null;
  content_type: string | null;
  headers: Record<string, string> | null;
  content: string | null;
  timed_out: boolean | null;
  error_msg: string | null;
}

/** Does one request as pg_net's worker does with curl, and describes the outcome as it records it. */
async function perform(request: QueuedRequest): Promise<Outcome> {
  const started = performance.now();
  const signal = AbortSignal.timeout(request.timeout_milliseconds);
  try {
    const response = await fetch(request.url, {
      method: request.method.toUpperCase(),
      headers: Object.entries(request.headers ?? {}).map(([name, value]) => [name, String(value)]),
      body: request.body ? new Uint8Array(request.body) : undefined,
      redirect: "manual",
      signal,
    });
    const content = await response.text();
    return {
      status_code: response.status,
      content_type: response.headers.get("content-type"),
      headers: Object.fromEntries(response.headers),
      // pg_net leaves an empty body null.
      content: content === "" ? null : content,
      timed_out: false,
      error_msg: null,
    };
  } catch (error) {
    if (signal.aborted) {
      const total = (performance.now() - started).toFixed(3);
      return {
        ...failed,
        timed_out: true,
        error_msg: `Timeout of ${request.timeout_milliseconds} ms reached. Total time: ${total} ms`,
      };
    }
    return { ...failed, timed_out: false, error_msg: curlMessage(error) };
  }
}

const failed: Outcome = {
  status_code: null,
  content_type: null,
  headers: null,
  content: null,
  timed_out: null,
  error_msg: null,
};

/** curl_easy_strerror's words for the failures fetch reports, so SQL that matches them carries over. */
function curlMessage(error: unknown): string {
  const { name, message, cause } = error as Error & { cause?: { code?: string } };
  if (name === "TypeError" && /url/i.test(message))
    return "URL using bad/illegal format or missing URL";
  switch (cause?.code) {
    case "ECONNREFUSED":
    case "EHOSTUNREACH":
      return "Couldn't connect to server";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "Couldn't resolve host name";
    default:
      return "Failure when receiving data from the peer";
  }
}

/**
 * pg_net's background worker, for the stack's SQL-only pg_net: it listens for net.wake() (a
 * NOTIFY, so it hears of a request only once the transaction that queued it commits), takes up to
 * 200 requests from net.http_request_queue (deleting them, as pg_net does), sends them
 * concurrently, and records each response or error in net._http_response. It connects with the
 * application_name net.check_worker_is_up() looks for. It serves no HTTP.
 */
export async function createNetService(deps: ServiceDeps): Promise<Service> {
  const log = deps.log.info;
  const pool = openPool("net", deps.log, {
    connectionString: deps.dbUrl,
    max: 2,
    application_name: "pg_net worker",
  });
  let listener: pg.Client | undefined;
  let stopped = false;
  let draining: Promise<void> | undefined;
  let again = false;
  let lastError = "";
  const inFlight = new Set<Promise<void>>();

  async function hasExtension(): Promise<boolean> {
    const { rows } = await pool.query(
      "select 1 from pg_catalog.pg_extension where extname = 'pg_net'",
    );
    return rows.length > 0;
  }

  async function drainOnce(): Promise<number> {
    const { rows } = await pool.query<QueuedRequest>(
      `with rows as (select id from net.http_request_queue order by id limit $1 for update skip locked)
       delete from net.http_request_queue q using rows where q.id = rows.id
       returning q.id, q.method, q.url, q.headers, q.body, q.timeout_milliseconds`,
      [BATCH_SIZE],
    );
    for (const request of rows) {
      const done = perform(request)
        .then((outcome) =>
          pool.query(
            `insert into net._http_response (id, status_code, content_type, headers, content, timed_out, error_msg)
             values ($1, $2, $3, $4, $5, $6, $7)`,
            [
              request.id,
              outcome.status_code,
              outcome.content_type,
              outcome.headers,
              outcome.content,
              outcome.timed_out,
              outcome.error_msg,
            ],
          ),
        )
        .then(
          () => undefined,
          (error: unknown) =>
            log(
              `net: could not record the response to request ${request.id}: ${(error as Error).message}`,
            ),
        )
        .finally(() => inFlight.delete(done));
      inFlight.add(done);
    }
    return rows.length;
  }

  /** Reads the queue until it is empty; a wake-up during a drain reads it once more. */
  function drain(): Promise<void> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      try {
        do {
          again = false;
          if (!(await hasExtension())) return;
          while (!stopped && (await drainOnce()) === BATCH_SIZE);
        } while (again && !stopped);
        await pool.query(
          `delete from net._http_response where created < now() - interval '${RESPONSE_TTL}'`,
        );
        lastError = "";
      } catch (error) {
        const message = (error as Error).message;
        if (message !== lastError) log(`net: cannot read net.http_request_queue: ${message}`);
        lastError = message;
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  }

  async function listen(): Promise<void> {
    if (stopped) return;
    const client = new pg.Client({
      connectionString: deps.dbUrl,
      application_name: "pg_net worker",
    });
    client.on("error", () => undefined);
    client.on("notification", () => void drain());
    client.on("end", () => {
      if (listener === client) listener = undefined;
      // A listener the server dropped (db:reset) is replaced; the poll covers the gap.
      if (!stopped) setTimeout(() => void listen().catch(() => undefined), POLL_MS);
    });
    await client.connect();
    await client.query("listen pitlane_pg_net");
    listener = client;
  }

  await listen().catch((error: unknown) =>
    log(`net: cannot listen for pg_net requests: ${(error as Error).message}`),
  );
  const poll = setInterval(() => void drain(), POLL_MS);
  void drain();

  return {
    async close() {
      stopped = true;
      clearInterval(poll);
      await draining;
      await Promise.all(inFlight);
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
