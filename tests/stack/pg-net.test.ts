// pg_net and Database Webhooks on the local stack: requests queued in a transaction are sent
// only after it commits (never after a rollback), responses are recorded in net._http_response
// with status, headers and body, timeouts and unreachable servers are recorded as pg_net records
// them, and a Database Webhook (supabase_functions.http_request) calls an edge function.

import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgError } from "../domain/helpers.ts";
import { Db } from "../helpers/db.ts";
import { copyFixture } from "../helpers/files.ts";
import { spawnStack, type SpawnedStack } from "../../supabase/stack/spawn-stack.ts";

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let stack: SpawnedStack;
let db: Db;
let server: http.Server;
let target: string;
const received: Received[] = [];

beforeAll(async () => {
  // The fixture functions (echo answers what it received) on a stack of this file's own.
  const functionsDir = await copyFixture("functions");
  stack = await spawnStack({
    args: ["--functions", functionsDir, "--config", path.join(functionsDir, "config.toml")],
  });
  db = new Db(stack.dbUrl);
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const delay = Number(new URL(req.url!, "http://x").searchParams.get("delay") ?? 0);
      setTimeout(() => {
        res.writeHead(201, { "content-type": "application/json", "x-answer": "42" });
        res.end(JSON.stringify({ ok: true }));
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await db?.end();
  await stack?.stop();
});

interface Response {
  id: string;
  status_code: number | null;
  content_type: string | null;
  headers: Record<string, string> | null;
  content: string | null;
  timed_out: boolean | null;
  error_msg: string | null;
}

/** The recorded response to a request, once the stack's worker has recorded it. */
async function responseTo(id: string | number): Promise<Response> {
  for (let tries = 0; tries < 100; tries++) {
    const [row] = await db.sql<Response>("select * from net._http_response where id = $1", [id]);
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no response recorded for request ${id}`);
}

const sentTo = (marker: string) => received.filter((request) => request.url.includes(marker));

describe("pg_net", () => {
  it("sends a request only after its transaction commits, and records status, headers and body", async () => {
    const client = await db.superuser.connect();
    try {
      await client.query("begin");
      const { id } = (
        await client.query<{ id: string }>(
          'select net.http_post($1, \'{"hello": "world"}\'::jsonb, \'{"q": "a b&c"}\'::jsonb) as id',
          [`${target}/commit`],
        )
      ).rows[0]!;
      // Queued, not sent: a second passes without the request arriving.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(sentTo("/commit")).toEqual([]);
      await client.query("commit");
      const response = await responseTo(id);
      expect(response).toMatchObject({
        status_code: 201,
        content_type: "application/json",
        content: '{"ok":true}',
        timed_out: false,
        error_msg: null,
      });
      expect(response.headers).toMatchObject({
        "x-answer": "42",
        "content-type": "application/json",
      });
      const [request] = sentTo("/commit");
      expect(request).toMatchObject({
        method: "POST",
        url: "/commit?q=a%20b%26c",
        body: '{"hello": "world"}',
      });
      expect(request!.headers["content-type"]).toBe("application/json");
      // Taken off the queue.
      expect(await db.sql("select 1 from net.http_request_queue where id = $1", [id])).toEqual([]);
    } finally {
      client.release();
    }
  });

  it("a rolled-back request is never sent", async () => {
    const client = await db.superuser.connect();
    try {
      await client.query("begin");
      const { id } = (
        await client.query<{ id: string }>("select net.http_get($1) as id", [
          `${target}/rolled-back`,
        ])
      ).rows[0]!;
      await client.query("rollback");
      // A committed request queued after it is answered; by then the first would have been too.
      const [{ later }] = (await db.sql<{ later: string }>("select net.http_get($1) as later", [
        `${target}/after-rollback`,
      ])) as [{ later: string }];
      await responseTo(later);
      expect(sentTo("/rolled-back")).toEqual([]);
      expect(await db.sql("select 1 from net._http_response where id = $1", [id])).toEqual([]);
    } finally {
      client.release();
    }
  });

  it("GET with params and headers, DELETE with a body", async () => {
    const [{ get, del }] = (await db.sql<{ get: string; del: string }>(
      'select net.http_get($1, \'{"a": "1", "é": "x/y"}\'::jsonb, \'{"x-key": "k"}\'::jsonb) as get, net.http_delete($2, body => \'{"gone": true}\'::jsonb) as del',
      [`${target}/get?z=0`, `${target}/delete`],
    )) as [{ get: string; del: string }];
    await responseTo(get);
    await responseTo(del);
    const [getRequest] = sentTo("/get");
    expect(getRequest).toMatchObject({ method: "GET", url: "/get?z=0&a=1&%C3%A9=x%2Fy", body: "" });
    expect(getRequest!.headers["x-key"]).toBe("k");
    expect(sentTo("/delete")).toMatchObject([{ method: "DELETE", body: '{"gone": true}' }]);
  });

  it("records timeouts and unreachable servers as pg_net does, and refuses a non-JSON POST", async () => {
    const [{ slow, refused }] = (await db.sql<{ slow: string; refused: string }>(
      "select net.http_get($1, timeout_milliseconds => 200) as slow, net.http_get('http://127.0.0.1:' || $2 || '/x') as refused",
      [`${target}/slow?delay=2000`, await closedPort()],
    )) as [{ slow: string; refused: string }];
    expect(await responseTo(slow)).toMatchObject({
      status_code: null,
      timed_out: true,
      error_msg: expect.stringMatching(/^Timeout of 200 ms reached\. Total time: [\d.]+ ms$/),
    });
    expect(await responseTo(refused)).toMatchObject({
      status_code: null,
      timed_out: false,
      error_msg: "Couldn't connect to server",
    });
    expect(
      await db.sql("select status, message from net._http_collect_response($1)", [refused]),
    ).toEqual([{ status: "ERROR", message: "Couldn't connect to server" }]);
    expect(
      await pgError(
        db.sql('select net.http_post($1, headers => \'{"Content-Type": "text/plain"}\'::jsonb)', [
          target,
        ]),
      ),
    ).toMatchObject({
      message: 'Content-Type header must be "application/json"',
    });
    // The stack's worker is connected, so pg_net's check passes.
    expect(await db.sql("select net.check_worker_is_up()::text as up")).toEqual([{ up: "" }]);
  });
});

describe("Database Webhooks", () => {
  it("a supabase_functions.http_request trigger calls an edge function after commit; the hook and its response are recorded", async () => {
    await db.sql(`
      create table public.webhook_orders (id bigint primary key, item text);
      create trigger order_placed after insert on public.webhook_orders
        for each row execute function supabase_functions.http_request(
          '${stack.apiUrl}/functions/v1/echo', 'POST',
          '{"Content-Type": "application/json", "Authorization": "Bearer ${stack.serviceRoleKey}"}', '{}', '5000');`);
    await db.sql("insert into public.webhook_orders values (7, 'brake pads')");
    const [hook] = await db.sql<{ hook_name: string; hook_table_id: number; request_id: string }>(
      "select * from supabase_functions.hooks order by id desc limit 1",
    );
    expect(hook).toMatchObject({
      hook_name: "order_placed",
      hook_table_id: (
        await db.sql<{ oid: number }>("select 'public.webhook_orders'::regclass::oid as oid")
      )[0]!.oid,
    });
    const response = await responseTo(hook!.request_id);
    expect(response.status_code).toBe(200);
    const echoed = JSON.parse(response.content!);
    expect(echoed).toMatchObject({
      method: "POST",
      path: "/echo",
      contentType: "application/json",
    });
    expect(JSON.parse(echoed.body)).toEqual({
      type: "INSERT",
      table: "webhook_orders",
      schema: "public",
      record: { id: 7, item: "brake pads" },
      old_record: null,
    });
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
