import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { BodyTooLargeError, readBody } from "../http/body.ts";
import { bearerToken } from "../http/credentials.ts";
import { sendJson } from "../http/json.ts";
import type { RequestContext } from "../http/service.ts";
import { PolicyError, writePolicy } from "./authorization.ts";
import type { RealtimeContext } from "./context.ts";
import { Hub } from "./hub.ts";
import type { Identity } from "./identity.ts";
import type { UserBroadcast } from "./protocol/message.ts";
import { checkToken } from "./tokens.ts";

const MAX_BODY_BYTES = 3 * 1024 * 1024;

const batchSchema = z.object({
  messages: z
    .array(
      z.object({
        topic: z.string().min(1),
        event: z.string().min(1),
        payload: z.record(z.string(), z.unknown()),
        private: z.boolean().optional(),
        id: z.string().optional(),
      }),
    )
    .min(1),
});

async function mayWrite(
  ctx: RealtimeContext,
  identity: Identity,
  topic: string,
  cache: Map<string, boolean>,
): Promise<boolean> {
  let allowed = cache.get(topic);
  if (allowed === undefined) {
    try {
      allowed = await writePolicy(ctx.pool, identity, topic, "broadcast");
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      ctx.log(
        `realtime: RLS policy error on realtime.messages for topic ${topic}: ${error.message}`,
      );
      allowed = false;
    }
    cache.set(topic, allowed);
  }
  return allowed;
}

/**
 * Realtime's broadcast REST API: `POST /api/broadcast` with a batch of messages (what realtime-js
 * falls back to when a channel is not joined) and `POST /api/broadcast/:topic/events/:event` with one
 * payload, JSON or bytes (`channel.httpSend()`). Private messages need an INSERT policy on
 * realtime.messages for their topic; the batch skips those it may not send, as Realtime does.
 */
export async function handleBroadcastApi(
  ctx: RealtimeContext,
  req: IncomingMessage,
  res: ServerResponse,
  request: RequestContext,
): Promise<void> {
  const single = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(request.path);
  if (req.method !== "POST" || (request.path !== "/api/broadcast" && !single)) {
    sendJson(res, 404, { message: "not found" });
    return;
  }
  // The bearer token, or the apikey the router forwarded as one.
  const check = await checkToken(bearerToken(req), ctx.jwtKeys);
  if (!check.ok) {
    sendJson(res, 401, { message: "Unauthorized" });
    return;
  }
  const identity: Identity = { role: check.claims.role, claims: check.claims };
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    sendJson(res, 413, { message: "Payload size exceeds tenant limit" });
    return;
  }
  const cache = new Map<string, boolean>();

  if (single) {
    const [topic, event] = [decodeURIComponent(single[1]!), decodeURIComponent(single[2]!)];
    const isPrivate = request.url.searchParams.get("private") === "true";
    let payload: UserBroadcast["payload"];
    if ((req.headers["content-type"] ?? "").startsWith("application/octet-stream"))
      payload = { encoding: "binary", bytes: body };
    else {
      try {
        payload = { encoding: "json", json: JSON.parse(body.toString("utf8")) };
      } catch {
        sendJson(res, 422, { message: "The body is not valid JSON" });
        return;
      }
    }
    if (isPrivate && !(await mayWrite(ctx, identity, topic, cache))) {
      sendJson(res, 403, { message: "Unauthorized" });
      return;
    }
    ctx.hub.broadcast(Hub.scope(topic, isPrivate), { topic, event, payload });
    res.writeHead(202, { "content-length": 0 }).end();
    return;
  }

  let parsed: z.infer<typeof batchSchema>;
  try {
    parsed = batchSchema.parse(JSON.parse(body.toString("utf8")));
  } catch (error) {
    const errors =
      error instanceof z.ZodError
        ? Object.fromEntries(error.issues.map((issue) => [issue.path.join("."), [issue.message]]))
        : { body: ["is not valid JSON"] };
    sendJson(res, 422, { errors });
    return;
  }
  for (const message of parsed.messages) {
    const isPrivate = message.private === true;
    if (isPrivate && !(await mayWrite(ctx, identity, message.topic, cache))) continue;
    ctx.hub.broadcast(Hub.scope(message.topic, isPrivate), {
      topic: message.topic,
      event: message.event,
      payload: { encoding: "json", json: message.payload },
      ...(message.id ? { meta: { id: message.id } } : {}),
    });
  }
  res.writeHead(202, { "content-length": 0 }).end();
}
