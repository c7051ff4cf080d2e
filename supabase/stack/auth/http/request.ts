import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError, readBody } from "../../http/body.ts";
import { AuthError, badRequest } from "../errors.ts";
import type { Client } from "../sessions.ts";

/** GoTrue refuses bodies over 1 MB. */
const maxBodyBytes = 1 << 20;

/** One request to /auth/v1 as the handlers see it. */
export interface AuthRequest {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** Path below /auth/v1, without a trailing slash. */
  path: string;
  url: URL;
  client: Client;
  /**
   * The client address for rate limits: the first X-Forwarded-For entry, which a proxy in front of
   * Supabase sets. Requests without it are not rate limited by address, as under `supabase start`.
   */
  rateLimitKey: string | undefined;
  /** Parsed JSON (or form) body; {} when there is none. */
  body: Record<string, unknown>;
}

async function readText(req: IncomingMessage): Promise<string> {
  try {
    return (await readBody(req, maxBodyBytes)).toString("utf8");
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      throw new AuthError(413, "request_entity_too_large", "Request body too large");
    throw error;
  }
}

/** GoTrue reads JSON bodies, and form bodies on the token and callback endpoints (OAuth clients post forms). */
export async function parseBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readText(req);
  if (!text.trim()) return {};
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/x-www-form-urlencoded"))
    return Object.fromEntries(new URLSearchParams(text));
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch (error) {
    throw badRequest(
      "bad_json",
      `Could not parse request body as JSON: ${(error as Error).message}`,
    );
  }
  throw badRequest("bad_json", "Could not parse request body as JSON: expected an object");
}

export function clientOf(req: IncomingMessage): Client {
  const address = req.socket.remoteAddress ?? "";
  return { ip: address.replace(/^::ffff:/, ""), userAgent: req.headers["user-agent"] ?? null };
}

export function forwardedFor(req: IncomingMessage): string | undefined {
  const header = req.headers["x-forwarded-for"];
  const first = (Array.isArray(header) ? header[0] : header)?.split(",")[0]?.trim();
  return first || undefined;
}

/** A string field of the body; other types read as absent, as Go's JSON decoding into a string would fail loudly. */
export function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined || value === null) return "";
  if (typeof value !== "string")
    throw badRequest("bad_json", `Could not read body: "${name}" must be a string`);
  return value;
}

export function objectField(
  body: Record<string, unknown>,
  name: string,
): Record<string, unknown> | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value))
    throw badRequest("bad_json", `Could not read body: "${name}" must be an object`);
  return value as Record<string, unknown>;
}

/** `redirect_to` as GoTrue looks for it: a header, then the query string or form body. */
export function requestedRedirect(r: AuthRequest): string | undefined {
  const header = r.req.headers["redirect_to"];
  return (
    (typeof header === "string" && header) ||
    r.url.searchParams.get("redirect_to") ||
    stringField(r.body, "redirect_to") ||
    undefined
  );
}
