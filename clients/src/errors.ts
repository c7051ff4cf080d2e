// One error for every service an app talks to. PostgREST, Auth, the edge functions, Realtime and
// the SDK's own input checks each word their failures differently; an app wants one shape to
// switch on: an HTTP-like `status` (what went wrong), a stable `code` (which refusal), and the
// server's `message` and `hint` in words it can show.
import type { AuthError, FunctionsError, PostgrestError } from "@supabase/supabase-js";
import type { z } from "zod";

export type PitlaneService = "rest" | "auth" | "functions" | "storage" | "realtime" | "input";

export class PitlaneError extends Error {
  override readonly name = "PitlaneError";

  constructor(
    /** The status the service answered with (0 when no answer arrived). */
    readonly status: number,
    /** PostgREST's SQLSTATE or PGRST code, Auth's error code, a function's `error.code`. */
    readonly code: string,
    message: string,
    readonly hint: string | null = null,
    readonly service: PitlaneService = "rest",
    readonly details: unknown = null,
  ) {
    super(message);
  }

  get notFound(): boolean {
    return this.status === 404;
  }
  get forbidden(): boolean {
    return this.status === 401 || this.status === 403;
  }
  get conflict(): boolean {
    return this.status === 409;
  }
}

/**
 * PostgREST's error with the status it answered. The stack and hosted PostgREST already turn the
 * SQLSTATE into a status (PTxyz → xyz, 42501 → 401/403…); a missing row asked for with
 * `.single()` (PGRST116, 406) is a plain "not found" to an app.
 */
export function fromPostgrest(error: PostgrestError, status: number): PitlaneError {
  const code = error.code ?? "";
  return new PitlaneError(
    code === "PGRST116" ? 404 : status,
    code,
    error.message,
    error.hint || null,
    "rest",
    error.details || null,
  );
}

/**
 * Storage's error. Storage answers a refusal by its bucket's policies with HTTP 400 and the status
 * it means in the body's `statusCode` ("403"), which is what an app switches on.
 */
export function fromStorage(error: {
  message: string;
  status?: number;
  statusCode?: string;
}): PitlaneError {
  const meant = /^[1-5][0-9]{2}$/.test(error.statusCode ?? "") ? Number(error.statusCode) : null;
  return new PitlaneError(
    meant ?? error.status ?? 0,
    error.statusCode ?? "storage_error",
    error.message,
    null,
    "storage",
  );
}

export function fromAuth(error: AuthError): PitlaneError {
  return new PitlaneError(error.status ?? 0, error.code ?? error.name, error.message, null, "auth");
}

/**
 * An edge function's `{ "error": { "code", "message" } }` answer, read from the Response that
 * supabase-js keeps in the error's context; a relay or network failure has no answer (status 0).
 */
export async function fromFunctions(error: FunctionsError): Promise<PitlaneError> {
  const response: unknown = error.context;
  if (!(response instanceof Response))
    return new PitlaneError(0, error.name, error.message, null, "functions");
  let body: { error?: { code?: string; message?: string } & Record<string, unknown> } = {};
  try {
    body = (await response.clone().json()) as typeof body;
  } catch {
    // not JSON (a gateway's HTML page): the status still says what happened
  }
  const { code, message, ...details } = body.error ?? {};
  return new PitlaneError(
    response.status,
    code ?? `http_${response.status}`,
    message ?? response.statusText,
    response.headers.get("retry-after"),
    "functions",
    Object.keys(details).length > 0 ? details : null,
  );
}

/** The SDK's own input check: a 400 naming the first problem, as the edge functions word it. */
export function fromZod(error: z.ZodError): PitlaneError {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return new PitlaneError(
    400,
    "invalid_request",
    `${where}${issue?.message ?? "invalid input"}`,
    null,
    "input",
    error.issues,
  );
}
