import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createUser, sql, stack } from "../helpers/db.ts";
import { accessTokenFor, signJwt } from "../helpers/supabase.ts";
import {
  Inbox,
  joined,
  publishedTable,
  realtimeClient,
  serializers,
  subscribe,
  type Vsn,
} from "./helpers.ts";

/** A bare websocket, to see the frames themselves. */
async function rawSocket(vsn: Vsn, apikey = stack().anonKey) {
  const url = `${stack().apiUrl.replace("http", "ws")}/realtime/v1/websocket?apikey=${apikey}&vsn=${vsn}`;
  const ws = new WebSocket(url);
  const frames = new Inbox<unknown>();
  ws.on("message", (data, isBinary) => frames.push(isBinary ? data : JSON.parse(String(data))));
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  const send = (
    joinRef: string | null,
    ref: string,
    topic: string,
    event: string,
    payload: unknown,
  ) =>
    ws.send(
      JSON.stringify(
        vsn === "2.0.0"
          ? [joinRef, ref, topic, event, payload]
          : { join_ref: joinRef, ref, topic, event, payload },
      ),
    );
  return { ws, frames, send };
}

/** The same frame in either serializer's shape, as a V2 array. */
function asArray(frame: any): unknown[] {
  return Array.isArray(frame)
    ? frame
    : [frame.join_ref, frame.ref, frame.topic, frame.event, frame.payload];
}

describe.each(serializers)("the Phoenix protocol over vsn %s", (vsn) => {
  it("answers heartbeats, joins with the postgres_changes ids, refuses unjoined topics and leaves", async () => {
    const table = await publishedTable("id int primary key");
    const { ws, frames, send } = await rawSocket(vsn);
    try {
      send(null, "1", "phoenix", "heartbeat", {});
      send("2", "2", "realtime:wire", "phx_join", {
        config: {
          broadcast: { self: false, ack: false },
          presence: { key: "", enabled: false },
          private: false,
          postgres_changes: [{ event: "INSERT", schema: "public", table, filter: "id=eq.1" }],
        },
      });
      send(null, "3", "realtime:elsewhere", "broadcast", {
        type: "broadcast",
        event: "x",
        payload: {},
      });
      send("2", "4", "realtime:wire", "phx_leave", {});
      await frames.until((items) => items.some((f) => asArray(f)[3] === "phx_close"), "phx_close");
      const byRef = (ref: string) =>
        frames.items.map(asArray).find((f) => f[1] === ref && f[3] === "phx_reply");

      expect(byRef("1")).toEqual([
        null,
        "1",
        "phoenix",
        "phx_reply",
        { status: "ok", response: {} },
      ]);
      const join = byRef("2") as [string, string, string, string, any];
      expect(join.slice(0, 4)).toEqual(["2", "2", "realtime:wire", "phx_reply"]);
      expect(join[4]).toEqual({
        status: "ok",
        response: {
          postgres_changes: [
            { event: "INSERT", schema: "public", table, filter: "id=eq.1", id: expect.any(Number) },
          ],
        },
      });
      expect(byRef("3")?.[4]).toEqual({ status: "error", response: { reason: "unmatched topic" } });
      expect(byRef("4")?.[4]).toEqual({ status: "ok", response: {} });
      expect(frames.items.map(asArray).find((f) => f[3] === "system")?.[4]).toEqual({
        extension: "postgres_changes",
        status: "ok",
        message: "Subscribed to PostgreSQL",
        channel: "wire",
      });
      expect(frames.items.map(asArray).at(-1)).toEqual([
        "2",
        "2",
        "realtime:wire",
        "phx_close",
        {},
      ]);
    } finally {
      ws.close();
    }
  });

  it("frames a change for each subscriber's own listener ids and columns, however many share its topic and join ref", async () => {
    const table = await publishedTable(
      "id int primary key, body text, secret text",
      (t) =>
        `revoke select on public.${t} from anon; grant select (id, body) on public.${t} to anon;`,
    );
    const user = await createUser();
    const inserts = { event: "INSERT", schema: "public", table };
    const everything = { event: "*", schema: "public", table };
    // Every socket joins the same topic with the same join ref, as apps built alike do; listeners
    // with the same parameters get the same id, as on Supabase (a hash of the parameters).
    const subscribers = await Promise.all(
      [
        { listener: inserts, token: undefined },
        { listener: everything, token: undefined },
        { listener: inserts, token: undefined },
        { listener: inserts, token: await accessTokenFor(user) },
      ].map(async ({ listener, token }) => {
        const socket = await rawSocket(vsn);
        socket.send("1", "1", "realtime:shared", "phx_join", {
          config: { postgres_changes: [listener] },
          ...(token ? { access_token: token } : {}),
        });
        const [reply] = await socket.frames.until(
          (items) => items.some((f) => asArray(f)[3] === "phx_reply"),
          "the join reply",
        );
        const id = (asArray(reply)[4] as any).response.postgres_changes[0].id as number;
        await socket.frames.until(
          (items) => items.some((f) => asArray(f)[3] === "system"),
          "the subscription's system message",
        );
        return { ...socket, id };
      }),
    );
    try {
      const [anonInserts, anonEverything, anonInsertsAgain, userInserts] = subscribers;
      expect(anonInsertsAgain!.id).toBe(anonInserts!.id);
      expect(userInserts!.id).toBe(anonInserts!.id);
      expect(anonEverything!.id).not.toBe(anonInserts!.id);

      await sql(`insert into public.${table} values (1, 'hello', 'only for users')`);
      const change = async (socket: (typeof subscribers)[number]) => {
        const items = await socket.frames.until(
          (frames) => frames.some((f) => asArray(f)[3] === "postgres_changes"),
          "the change",
        );
        const payload = asArray(items.find((f) => asArray(f)[3] === "postgres_changes"))[4] as any;
        return { ids: payload.ids, record: payload.data.record };
      };
      const anonRecord = { id: 1, body: "hello" };
      expect(await change(anonInserts!)).toEqual({ ids: [anonInserts!.id], record: anonRecord });
      expect(await change(anonEverything!)).toEqual({
        ids: [anonEverything!.id],
        record: anonRecord,
      });
      expect(await change(anonInsertsAgain!)).toEqual({
        ids: [anonInserts!.id],
        record: anonRecord,
      });
      expect(await change(userInserts!)).toEqual({
        ids: [anonInserts!.id],
        record: { ...anonRecord, secret: "only for users" },
      });
    } finally {
      for (const { ws } of subscribers) ws.close();
    }
  });

  it("closes the channel with a system message when the user's token expires", async () => {
    const user = await createUser();
    const client = await realtimeClient({ vsn, token: await accessTokenFor(user, 2) });
    const system = new Inbox();
    const statuses = new Inbox<string>();
    const channel = client
      .channel(`expiring-${randomUUID().slice(0, 8)}`)
      .on("system", {}, system.push);
    channel.subscribe((status) => statuses.push(status));
    await statuses.until((s) => s.includes("SUBSCRIBED"));
    await statuses.until((s) => s.includes("CLOSED"), "the channel to close", 15_000);
    expect(system.items).toEqual([
      {
        extension: "system",
        status: "error",
        message: expect.stringMatching(/^Token has expired \d+ seconds ago$/),
        channel: channel.subTopic,
      },
    ]);
  });

  it("refuses a join with an expired or forged token, saying which", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await subscribe(
      (
        await realtimeClient({
          vsn,
          token: await signJwt({ role: "authenticated", sub: randomUUID(), exp: now - 60 }),
        })
      ).channel("expired"),
    );
    expect(expired.status).toBe("CHANNEL_ERROR");
    expect(expired.error?.message).toMatch(/^InvalidJWTToken: Token has expired \d+ seconds ago$/);
    const forged = await subscribe(
      (
        await realtimeClient({
          vsn,
          token: await signJwt({ role: "service_role", exp: now + 60 }, "x".repeat(40)),
        })
      ).channel("forged"),
    );
    expect(forged.error?.message).toBe("JwtSignatureError: Failed to validate JWT signature");
    const incomplete = await subscribe(
      (await realtimeClient({ vsn, token: await signJwt({ role: "authenticated" }) })).channel(
        "incomplete",
      ),
    );
    expect(incomplete.error?.message).toBe(
      "InvalidJWTToken: Fields `role` and `exp` are required in JWT",
    );
  });
});

describe("the websocket handshake", () => {
  async function handshake(query: string): Promise<{ status: number; body: unknown }> {
    const ws = new WebSocket(
      `${stack().apiUrl.replace("http", "ws")}/realtime/v1/websocket?${query}`,
    );
    return new Promise((resolve, reject) => {
      ws.once("open", () => reject(new Error("the handshake was accepted")));
      ws.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
      });
    });
  }

  it("needs a valid apikey", async () => {
    expect(await handshake("vsn=2.0.0")).toEqual({
      status: 401,
      body: { error: "API key is missing" },
    });
    expect(await handshake("vsn=2.0.0&apikey=nonsense")).toEqual({
      status: 401,
      body: { error: "The token provided is not a valid JWT" },
    });
  });

  it("lets realtime-js join with the default serializer and no options", async () => {
    const inbox = new Inbox();
    const channel = (await realtimeClient()).channel(`plain-${randomUUID().slice(0, 8)}`, {
      config: { broadcast: { self: true } },
    });
    await joined(channel.on("broadcast", { event: "hello" }, inbox.push));
    await channel.send({ type: "broadcast", event: "hello", payload: {} });
    expect(await inbox.count(1)).toEqual([{ type: "broadcast", event: "hello", payload: {} }]);
  });
});
