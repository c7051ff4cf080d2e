import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { decodeJwt } from "jose";
import type { ApiKeys } from "../config/keys.ts";
import { discardRestOfBody } from "../http/body.ts";
import {
  apikeyOf,
  bearerToken,
  forwardApikeyAsBearer,
  mapOpaqueBearer,
} from "../http/credentials.ts";
import { observed, publish } from "../http/events.ts";
import { sendJson } from "../http/json.ts";
import type { HttpService, RequestContext, Service } from "../http/service.ts";
import type { Logger } from "../logger.ts";
import { logRequest } from "./request-log.ts";

export class PortInUseError extends Error {}

let requestIds = 0;

/**
 * Roles already read from tokens: a client sends the same token with every request, and decoding
 * it (base64 and JSON) was a cost of every request. Bounded, the oldest entry making room.
 */
const claimedRoles = new Map<string, string>();
const claimedRolesLimit = 1000;

/** The role a request claims, for the log only: services verify the token before trusting it. */
function claimedRole(req: IncomingMessage, url: URL): string {
  const token = bearerToken(req) || apikeyOf(req, url);
  if (!token) return "-";
  let role = claimedRoles.get(token);
  if (role === undefined) {
    role = decodedRole(token);
    if (claimedRoles.size >= claimedRolesLimit)
      claimedRoles.delete(claimedRoles.keys().next().value!);
    claimedRoles.set(token, role);
  }
  return role;
}

function decodedRole(token: string): string {
  try {
    const role = decodeJwt(token).role;
    return typeof role === "string" ? role : "-";
  } catch {
    return "-";
  }
}

const corsHeaders = {
  "access-control-allow-origin": "*",
  "access-control-allow-credentials": "true",
  "access-control-expose-headers":
    "Content-Range, Content-Location, Location, Preference-Applied, X-Client-Info, X-Supabase-Api-Version",
};
const corsEntries = Object.entries(corsHeaders);

function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    ...corsHeaders,
    "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
    "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
    "access-control-max-age": "3600",
    "content-length": 0,
  });
  res.end();
}

function route(
  services: Service[],
  keys: ApiKeys,
  req: IncomingMessage,
): { service: HttpService; ctx: RequestContext } | undefined {
  const url = new URL(req.url ?? "/", "http://localhost");
  for (const service of services) {
    if (service.prefix === undefined) continue;
    if (url.pathname === service.prefix || url.pathname.startsWith(`${service.prefix}/`)) {
      const path = url.pathname.slice(service.prefix.length) || "/";
      if (service.apikeyAsBearer) forwardApikeyAsBearer(req, url, keys);
      else mapOpaqueBearer(req, keys);
      return { service, ctx: { path, url, role: claimedRole(req, url) } };
    }
  }
  return undefined;
}

/** One HTTP server with Supabase's paths, as Kong serves them on port 54321. */
export async function startGateway(options: {
  port: number;
  services: Service[];
  keys: ApiKeys;
  log: Logger;
}): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const startedAt = performance.now();
    const match = route(options.services, options.keys, req);
    const role = match?.ctx.role ?? claimedRole(req, new URL(req.url ?? "/", "http://localhost"));
    res.on("finish", () => {
      // A service may answer before it has read the whole body (a refused upload).
      discardRestOfBody(req);
      const milliseconds = performance.now() - startedAt;
      const finalRole = match?.ctx.role ?? role;
      logRequest(req, res.statusCode, milliseconds, finalRole);
      if (observed("request"))
        publish("request", {
          id: ++requestIds,
          at: new Date(Date.now() - milliseconds).toISOString(),
          status: res.statusCode,
          milliseconds,
          role: finalRole,
          method: req.method ?? "GET",
          path: req.url ?? "/",
          claims: match?.ctx.claims,
          target: match?.ctx.target,
          planned: match?.ctx.planned,
        });
    });
    if (!match) {
      sendJson(res, 404, { message: "no Route matched with those values" }, corsHeaders);
      return;
    }
    if (req.method === "OPTIONS" && !match.service.ownsPreflight) {
      answerPreflight(req, res);
      return;
    }
    if (!match.service.ownsPreflight) {
      for (const [name, value] of corsEntries) res.setHeader(name, value);
    }
    match.service.handle(req, res, match.ctx).catch((error: unknown) => {
      options.log.error(`${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent)
        sendJson(res, 500, {
          message: "internal error in the local stack",
          details: String(error),
        });
      else res.destroy();
    });
  });
  // Supabase's gateway (nginx in Kong) keeps an idle client connection 75 s; Node's 5 s closed
  // keep-alive sockets that clients pausing between requests, as people do, then reused: the
  // 1,000-member load bench saw ECONNRESET. The header timeout must outlast it.
  server.keepAliveTimeout = 75_000;
  server.headersTimeout = 76_000;
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const match = route(options.services, options.keys, req);
    if (!match?.service.upgrade) {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    match.service.upgrade(req, socket, head, match.ctx);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new PortInUseError(
              `port ${options.port} is in use: the API gateway cannot listen on it (change it with --api-port)`,
            )
          : error,
      );
    });
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  return server;
}
