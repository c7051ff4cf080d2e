import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { urlAs } from "../database/connection.ts";
import { openPool } from "../database/session.ts";
import { tokenForKey } from "../http/credentials.ts";
import { sendJson } from "../http/json.ts";
import type { RequestContext, Service, ServiceDeps } from "../http/service.ts";
import { Connection } from "./connection.ts";
import type { RealtimeContext } from "./context.ts";
import { walDelivery } from "./delivery.ts";
import { handleBroadcastApi } from "./http.ts";
import { Hub } from "./hub.ts";
import { WalCapture } from "./postgres-changes/capture.ts";
import { serializerFor } from "./protocol/serializers.ts";
import { checkToken } from "./tokens.ts";

function rejectUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Supabase Realtime at `/realtime/v1`: the Phoenix websocket realtime-js speaks, the broadcast REST
 * API, and delivery of database changes and database broadcasts read from the WAL.
 */
export async function createRealtimeService(deps: ServiceDeps): Promise<Service> {
  const log = deps.log.info;
  const adminUrl = urlAs(deps.dbUrl, "supabase_admin");
  const pool = openPool("realtime", deps.log, {
    connectionString: adminUrl,
    max: 8,
    options: "-c TimeZone=UTC",
  });
  const hub = new Hub();
  const ctx: RealtimeContext = { pool, hub, jwtKeys: deps.keys, log };

  const capture = new WalCapture({
    url: adminUrl,
    deliver: walDelivery(pool, hub),
    log,
  });
  const wss = new WebSocketServer({ noServer: true });
  await capture.start();

  return {
    prefix: "/realtime/v1",
    apikeyAsBearer: true,

    async handle(
      req: IncomingMessage,
      res: ServerResponse,
      request: RequestContext,
    ): Promise<void> {
      if (request.path.startsWith("/api/broadcast")) {
        await handleBroadcastApi(ctx, req, res, request);
        return;
      }
      sendJson(res, 404, { message: "not found" });
    },

    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, request: RequestContext): void {
      if (request.path !== "/websocket" && request.path !== "/websocket/websocket") {
        rejectUpgrade(socket, 404, "Not Found", "not found");
        return;
      }
      const serializer = serializerFor(request.url.searchParams.get("vsn"));
      if (!serializer) {
        rejectUpgrade(
          socket,
          400,
          "Bad Request",
          `unsupported serializer version ${request.url.searchParams.get("vsn")}`,
        );
        return;
      }
      // Realtime reads a socket's token from its own places, not from Authorization: the `apikey`
      // parameter realtime-js puts in the socket URL, or an `x-api-key` header.
      // The CLI's gateway maps an opaque key in the socket URL to its JWT (kong.yml `QueryToken`).
      const given =
        request.url.searchParams.get("apikey") ?? (req.headers["x-api-key"] as string | undefined);
      const apiKey = given === undefined ? undefined : tokenForKey(given, deps.keys);
      if (!apiKey) {
        rejectUpgrade(socket, 401, "Unauthorized", "API key is missing");
        return;
      }
      void checkToken(apiKey, ctx.jwtKeys).then((check) => {
        if (!check.ok) {
          rejectUpgrade(socket, 401, "Unauthorized", check.message);
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          new Connection(ws, serializer, apiKey, ctx, socket);
        });
      });
    },

    async close(): Promise<void> {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await capture.stop();
      await pool.end();
    },
  };
}
