/**
 * Calls to Supabase's APIs on the stack's gateway with the service key, for sections that work as
 * the dashboard does (auth admin, storage). The key stays on this side: the answer a section
 * returns is the API's body, and a refusal becomes a StudioError with the API's status and words.
 */
import { StudioError, type StudioContext } from "./section.ts";

export interface GatewayCall {
  method?: string;
  /** A JSON body, or raw bytes with their content type. */
  body?: unknown;
  bytes?: { data: Uint8Array<ArrayBuffer>; type: string };
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The message of an error body of auth (`msg`), storage (`message`/`error`) or REST (`message`). */
function messageOf(body: unknown, fallback: string): string {
  if (body && typeof body === "object") {
    const fields = body as Record<string, unknown>;
    for (const name of ["msg", "message", "error_description", "error"])
      if (typeof fields[name] === "string" && fields[name] !== "") return fields[name];
  }
  return fallback;
}

/**
 * The status the console answers: storage-api answers 400 for every client error and puts the
 * real one in the body's `statusCode` (a string), which the page should see (404, 409, 413…).
 */
function statusOf(status: number, body: unknown): number {
  const real = Number((body as { statusCode?: unknown } | null)?.statusCode);
  return status === 400 && Number.isInteger(real) && real >= 400 && real < 500 ? real : status;
}

/** Sends the request and returns the raw response when it succeeded. */
export async function gatewayResponse(
  ctx: StudioContext,
  path: string,
  call: GatewayCall = {},
): Promise<Response> {
  const key = ctx.keys.serviceRoleKey;
  const headers: Record<string, string> = {
    apikey: key,
    authorization: `Bearer ${key}`,
    ...call.headers,
  };
  let body: BodyInit | undefined;
  if (call.bytes) {
    headers["content-type"] = call.bytes.type;
    body = call.bytes.data;
  } else if (call.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(call.body);
  }
  const response = await fetch(`${ctx.apiUrl}${path}`, {
    method: call.method ?? "GET",
    headers,
    body,
    signal: call.signal,
  });
  if (response.ok) return response;
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a plain-text error: its text is the message
  }
  throw new StudioError(
    statusOf(response.status, parsed),
    messageOf(parsed, text || `${response.status} ${response.statusText}`),
  );
}

/** A JSON API call; an empty answer is null. */
export async function gateway<T = unknown>(
  ctx: StudioContext,
  path: string,
  call: GatewayCall = {},
): Promise<T> {
  const text = await (await gatewayResponse(ctx, path, call)).text();
  return (text === "" ? null : JSON.parse(text)) as T;
}
