/** Browsers call functions directly; on Supabase the function itself answers CORS. */
export const corsHeaders: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers":
    "authorization, x-client-info, apikey, content-type, idempotency-key, x-dongle-token",
  "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
};

/** An error the caller caused or may see: becomes `{ "error": { code, message } }` with `status`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Secrets the function cannot work without. Any missing, the request answers 503 naming them all
 * (each function lists its secrets in its secrets.json, which the local stack reports at start).
 */
export function requireSecrets<Name extends string>(names: Name[]): Record<Name, string> {
  const missing = names.filter((name) => !Deno.env.get(name));
  if (missing.length > 0) {
    throw new HttpError(
      503,
      "not_configured",
      `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set: add ${missing.length === 1 ? "it" : "them"} to functions/.env locally, or with \`supabase secrets set\` on Supabase`,
    );
  }
  return Object.fromEntries(names.map((name) => [name, Deno.env.get(name)!])) as Record<
    Name,
    string
  >;
}

/** One secret the function cannot work without (see requireSecrets). */
export function requireEnv(name: string): string {
  return requireSecrets([name])[name];
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...corsHeaders, ...headers } });
}

export function errorResponse(status: number, code: string, message: string): Response {
  return json({ error: { code, message } }, status);
}

/**
 * Wraps a handler with what every function needs: CORS preflight, HttpError → its status, and
 * anything unexpected → a logged 500 that reveals nothing of the cause.
 */
export function serve(handler: (req: Request) => Promise<Response>): void {
  Deno.serve(async (req) => {
    if (req.method === "OPTIONS") return new Response("ok", { headers: corsHeaders });
    try {
      return await handler(req);
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error.status, error.code, error.message);
      console.error(error);
      return errorResponse(500, "internal_error", "the function failed; see its log");
    }
  });
}
