/**
 * Realtime: postgres_changes latency from commit to delivery (p50, p95, p99) and broadcast fan-out
 * in messages per second, with 1, 100 and 500 subscribers, each beside a bare `ws` relay carrying
 * the same messages to the same number of clients in the same run.
 *
 * Pitlane's subscribers are realtime-js clients (`RealtimeClient`, as supabase-js builds it, default
 * vsn 2.0.0), one socket each, each a different signed-in user, so every change is checked under RLS
 * for every one of them, as Supabase does. The baseline's clients are plain `ws` sockets; its
 * writer inserts the same rows and sends each one's change to the relay once COMMIT returns, so the
 * baseline is the floor any change feed pays: one more hop over loopback, one send per client. The
 * relay runs on a worker thread, as Pitlane's server runs in its own process, so neither server
 * shares a thread with the clients it serves.
 *
 * Commit → delivery runs from the moment the writer sends its INSERT (autocommit: the statement is
 * its own transaction, so the figure includes the statement and its commit, a fraction of a
 * millisecond) to the moment a subscriber's callback runs, both read from one clock in this
 * process. Not from when the INSERT returns: a client busy with deliveries reads that reply late,
 * and a delivery could even arrive before it, so latencies would read short (or negative) under
 * load. The baseline is timed from the same moment and sends once COMMIT returns, as a feed fed by
 * the writer would. Rows are inserted at a steady pace
 * (40 a second), not in a burst, so the figures are latency, not a backlog draining. Fan-out is the
 * opposite: one client sends a burst of broadcasts, timed until every subscriber has every one.
 */
import { once } from "node:events";
import { mkdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import { RealtimeClient, type RealtimeChannel } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import pg from "pg";
import WebSocket from "ws";
import { newDataDir, spawnStack, type SpawnedStack } from "../supabase/stack/spawn-stack.ts";
import { row, type BenchRow } from "./rows.ts";

const subscriberCounts = [1, 100, 500];
const inserts = 200;
const insertEveryMs = 25;
/** Broadcasts per fan-out run: about this many deliveries whatever the number of clients… */
const fanOutDeliveries = 50_000;
/** …but no more messages than this. */
const maxBroadcasts = 2000;
/** Every run must deliver everything within this, or the suite fails: nothing may be lost. */
const deliveryDeadlineMs = 20_000;
/** Clients connecting at once: enough to be quick, few enough not to time out joins. */
const connectBatch = 50;
const body = "a chat message of a typical length, some sixty characters...";
const topic = "bench";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Counts deliveries until `expected` arrived; `wait` rejects if they do not by the deadline. */
class Deliveries {
  private count = 0;
  last = 0;
  private resolve!: () => void;
  private readonly all = new Promise<void>((resolve) => (this.resolve = resolve));

  constructor(
    private readonly expected: number,
    private readonly what: string,
  ) {}

  arrived(): void {
    this.last = performance.now();
    if (++this.count === this.expected) this.resolve();
  }

  async wait(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.all,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, deliveryDeadlineMs))),
    ]);
    clearTimeout(timer);
    if (this.count < this.expected)
      throw new Error(
        `${this.what}: ${this.count} of ${this.expected} deliveries arrived within ${deliveryDeadlineMs} ms`,
      );
  }
}

/** What a latency run records: when each insert was sent and when each delivery of it arrived. */
class LatencyRun {
  readonly deliveries: Deliveries;
  private readonly sentAt = new Float64Array(inserts);
  private readonly arrivals: [seq: number, at: number][] = [];

  constructor(subscribers: number, what: string) {
    this.deliveries = new Deliveries(inserts * subscribers, what);
  }

  readonly arrived = (seq: number): void => {
    this.arrivals.push([seq, performance.now()]);
    this.deliveries.arrived();
  };

  /** Inserts the rows at a steady pace; `afterCommit` runs as each COMMIT returns. */
  async write(
    db: pg.Client,
    table: string,
    afterCommit: (row: Record<string, unknown>) => void = () => {},
  ): Promise<number[]> {
    const started = performance.now();
    for (let seq = 0; seq < inserts; seq++) {
      const due = started + seq * insertEveryMs - performance.now();
      if (due > 0) await sleep(due);
      this.sentAt[seq] = performance.now();
      const { rows } = await db.query(
        `insert into public.${table} (seq, body) values ($1, $2) returning *`,
        [seq, body],
      );
      afterCommit(rows[0]);
    }
    await this.deliveries.wait();
    return this.arrivals.map(([seq, at]) => at - this.sentAt[seq]!).sort((a, b) => a - b);
  }
}

/** The baseline server, on its own thread: relays every message a client sends to every other client. */
async function startRelay(): Promise<{ url: string; stop(): Promise<number> }> {
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const { WebSocketServer, WebSocket } = require(workerData.ws);
     const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 }, () => parentPort.postMessage(wss.address().port));
     wss.on("connection", (socket) => socket.on("message", (data, isBinary) => {
       for (const client of wss.clients) if (client !== socket && client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
     }));`,
    // Resolved here: an eval'd worker resolves modules from the working directory, not this file.
    { eval: true, workerData: { ws: createRequire(import.meta.url).resolve("ws") } },
  );
  const [port] = (await once(worker, "message")) as [number];
  return { url: `ws://127.0.0.1:${port}`, stop: () => worker.terminate() };
}

/** A token as Supabase Auth issues it, for a new user each time. */
function userToken(secret: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    sub: randomUUID(),
    role: "authenticated",
    aud: "authenticated",
    aal: "aal1",
    session_id: randomUUID(),
    iat: now,
    exp: now + 3600,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

function joined(channel: RealtimeChannel): Promise<RealtimeChannel> {
  return new Promise((resolve, reject) =>
    channel.subscribe((status, error) => {
      if (status === "SUBSCRIBED") resolve(channel);
      else
        reject(
          new Error(`channel ${channel.topic} did not join: ${status} ${error?.message ?? ""}`),
        );
    }),
  );
}

/** Handlers the current run installs; the subscribers' callbacks forward to them. */
interface Sinks {
  change(seq: number): void;
  broadcast(): void;
}

/** A realtime-js client signed in as `token`, set before any channel joins, as Supabase's docs ask. */
async function realtimeClient(stack: SpawnedStack, token: string): Promise<RealtimeClient> {
  const client = new RealtimeClient(`${stack.apiUrl.replace(/^http/, "ws")}/realtime/v1`, {
    params: { apikey: stack.anonKey },
    transport: WebSocket as never,
  });
  await client.setAuth(token);
  return client;
}

/** `count` realtime-js subscribers, each a signed-in user listening to inserts and broadcasts. */
async function pitlaneSubscribers(
  stack: SpawnedStack,
  table: string,
  count: number,
  sinks: Sinks,
): Promise<RealtimeClient[]> {
  const clients: RealtimeClient[] = [];
  for (let first = 0; first < count; first += connectBatch) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(connectBatch, count - first) }, async () => {
        const client = await realtimeClient(stack, await userToken(stack.jwtSecret));
        await joined(
          client
            .channel(`${topic}-changes`)
            .on("postgres_changes", { event: "INSERT", schema: "public", table }, (payload) =>
              sinks.change(payload.new.seq as number),
            ),
        );
        await joined(
          client
            .channel(`${topic}-fanout`)
            .on("broadcast", { event: "m" }, () => sinks.broadcast()),
        );
        return client;
      }),
    );
    clients.push(...batch);
  }
  return clients;
}

/** `count` plain sockets on the relay, reading the same JSON frames a vsn 1.0.0 client would. */
async function relaySubscribers(url: string, count: number, sinks: Sinks): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = new WebSocket(url);
    socket.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString()) as {
        event: string;
        payload: { data: { record: { seq: number } } };
      };
      if (message.event === "postgres_changes") sinks.change(message.payload.data.record.seq);
      else sinks.broadcast();
    });
    sockets.push(socket);
  }
  await Promise.all(sockets.map((socket) => once(socket, "open")));
  return sockets;
}

/** The message Pitlane sends for an insert, as a vsn 1.0.0 frame, for the relay to carry. */
function changeFrame(table: string, record: Record<string, unknown>): string {
  const data = {
    schema: "public",
    table,
    commit_timestamp: new Date().toISOString(),
    type: "INSERT",
    columns: [
      { name: "id", type: "int8" },
      { name: "seq", type: "int4" },
      { name: "sent_at", type: "timestamptz" },
      { name: "body", type: "text" },
    ],
    record,
    errors: null,
  };
  return JSON.stringify({
    join_ref: "1",
    ref: null,
    topic: `realtime:${topic}-changes`,
    event: "postgres_changes",
    payload: { ids: [1], data },
  });
}

function broadcastFrame(n: number): string {
  return JSON.stringify({
    join_ref: "2",
    ref: null,
    topic: `realtime:${topic}-fanout`,
    event: "broadcast",
    payload: { type: "broadcast", event: "m", payload: { n } },
  });
}

/** Sends `messages` broadcasts at once and times them until every client has every one. */
async function fanOut(
  receivers: number,
  messages: number,
  sinks: Sinks,
  what: string,
  send: (n: number) => void,
): Promise<number> {
  const deliveries = new Deliveries(messages * receivers, what);
  sinks.broadcast = () => deliveries.arrived();
  const started = performance.now();
  for (let n = 0; n < messages; n++) send(n);
  await deliveries.wait();
  return (messages * receivers) / ((deliveries.last - started) / 1000);
}

interface Figures {
  latencies: number[];
  perSecond: number;
}

async function measurePitlane(
  stack: SpawnedStack,
  db: pg.Client,
  count: number,
  messages: number,
): Promise<Figures> {
  const sinks: Sinks = { change: () => {}, broadcast: () => {} };
  const clients = await pitlaneSubscribers(stack, "bench_changes", count, sinks);
  const sender = await realtimeClient(stack, stack.anonKey);
  try {
    const channel = await joined(sender.channel(`${topic}-fanout`));
    const run = new LatencyRun(count, `postgres_changes to ${count} subscribers`);
    sinks.change = run.arrived;
    const latencies = await run.write(db, "bench_changes");
    const perSecond = await fanOut(
      count,
      messages,
      sinks,
      `broadcast to ${count} subscribers`,
      (n) => void channel.send({ type: "broadcast", event: "m", payload: { n } }),
    );
    return { latencies, perSecond };
  } finally {
    await Promise.all([sender, ...clients].map((client) => client.disconnect()));
  }
}

async function measureRelay(db: pg.Client, count: number, messages: number): Promise<Figures> {
  const relay = await startRelay();
  const sinks: Sinks = { change: () => {}, broadcast: () => {} };
  const sockets = await relaySubscribers(relay.url, count, sinks);
  const sender = new WebSocket(relay.url);
  try {
    await once(sender, "open");
    const run = new LatencyRun(count, `relayed changes to ${count} clients`);
    sinks.change = run.arrived;
    const latencies = await run.write(db, "bench_relayed", (record) =>
      sender.send(changeFrame("bench_changes", record)),
    );
    const perSecond = await fanOut(
      count,
      messages,
      sinks,
      `relayed broadcast to ${count} clients`,
      (n) => sender.send(broadcastFrame(n)),
    );
    return { latencies, perSecond };
  } finally {
    for (const socket of [sender, ...sockets]) socket.terminate();
    await relay.stop();
  }
}

export async function benchRealtime(): Promise<BenchRow[]> {
  // No project migrations or seed: the suite measures Realtime on its own table.
  const project = await newDataDir();
  await Promise.all([mkdir(path.join(project, "migrations")), mkdir(path.join(project, "seed"))]);
  const stack = await spawnStack({
    args: ["--migrations", path.join(project, "migrations"), "--seed", path.join(project, "seed")],
  });
  const db = new pg.Client({ connectionString: stack.dbUrl });
  try {
    await db.connect();
    // Pitlane's table as an app would have it: RLS with a policy that reads the user's claims. The
    // baseline's twin is not published, so the change feed does no work for it.
    await db.query(`
      create table public.bench_changes (id bigint generated always as identity primary key, seq int not null, sent_at timestamptz not null default now(), body text not null);
      alter table public.bench_changes enable row level security;
      create policy signed_in on public.bench_changes for select to authenticated using ((select auth.uid()) is not null);
      grant select on public.bench_changes to authenticated;
      alter publication supabase_realtime add table public.bench_changes;
      create table public.bench_relayed (like public.bench_changes including all);`);

    const rows: BenchRow[] = [];
    for (const count of subscriberCounts) {
      const messages = Math.min(maxBroadcasts, Math.ceil(fanOutDeliveries / count));
      const pitlane = await measurePitlane(stack, db, count, messages);
      const relay = await measureRelay(db, count, messages);
      const who = count === 1 ? "1 subscriber" : `${count} subscribers`;
      for (const p of [50, 95, 99]) {
        rows.push(
          row(
            `postgres_changes commit→delivery p${p}, ${who}`,
            percentile(pitlane.latencies, p),
            `ws relay after commit`,
            percentile(relay.latencies, p),
            "ms",
          ),
        );
      }
      rows.push(
        row(`broadcast fan-out, ${who}`, pitlane.perSecond, "ws relay", relay.perSecond, "msg/s"),
      );
    }
    return rows;
  } finally {
    await db.end().catch(() => undefined);
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
    await rm(project, { recursive: true, force: true });
  }
}
