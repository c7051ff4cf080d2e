// Server-side rendering with @supabase/ssr, on the Web-standard Request and Response (Next.js App
// Router route handlers and middleware, SvelteKit, Remix, Hono, Deno, Bun all hand these over).
// The session lives in cookies: the server client reads them from the request and writes the
// refreshed ones as Set-Cookie headers on the response the app sends.
import {
  createBrowserClient,
  createServerClient,
  parseCookieHeader,
  serializeCookieHeader,
} from "@supabase/ssr";
import type { SupabaseClientOptions } from "@supabase/supabase-js";
import type { Database } from "../database.types.ts";
import { fromAuth } from "./errors.ts";
import type { PitlaneSupabase } from "./call.ts";
import { type PitlaneClient, withDomains } from "./index.ts";

/**
 * @supabase/ssr's types name supabase-js's CommonJS declarations, this package its ES module ones:
 * the same class, which TypeScript counts as two (its protected members differ in origin).
 */
const asClient = (client: unknown) => client as PitlaneSupabase;

type Options = Omit<SupabaseClientOptions<"public">, "auth"> & {
  auth?: Omit<NonNullable<SupabaseClientOptions<"public">["auth"]>, "flowType" | "storage">;
};

/** In the browser: the session in cookies the server can read, PKCE for sign-in redirects. */
export function createBrowserPitlaneClient(
  url: string,
  key: string,
  options: Options = {},
): PitlaneClient {
  return withDomains(asClient(createBrowserClient<Database>(url, key, options)));
}

/** Cookies as @supabase/ssr reads and writes them. */
interface CookieJar {
  getAll(): { name: string; value: string }[];
  setAll(
    cookies: {
      name: string;
      value: string;
      options: Parameters<typeof serializeCookieHeader>[2];
    }[],
    headers: Record<string, string>,
  ): void;
}

/** The request's cookies, with what the client sets appended to `responseHeaders` too. */
function jarFor(
  request: Request,
  responseHeaders: Headers,
): CookieJar & { current: Map<string, string> } {
  const current = new Map(
    parseCookieHeader(request.headers.get("cookie") ?? "").map(({ name, value }) => [name, value]),
  );
  return {
    current,
    getAll: () => [...current].map(([name, value]) => ({ name, value })),
    setAll: (cookies, headers) => {
      for (const { name, value, options } of cookies) {
        if (value) current.set(name, value);
        else current.delete(name);
        responseHeaders.append("set-cookie", serializeCookieHeader(name, value, options));
      }
      // Cache-Control: private and friends, so that no shared cache keeps a session cookie.
      for (const [name, value] of Object.entries(headers ?? {})) responseHeaders.set(name, value);
    },
  };
}

/**
 * On the server, for one request: reads the session from `request`'s cookies; cookies the client
 * sets (a refreshed session, a sign-in, a sign-out) are appended to `responseHeaders` as
 * Set-Cookie, with the cache headers @supabase/ssr asks for.
 */
export function createServerPitlaneClient(
  request: Request,
  responseHeaders: Headers,
  url: string,
  key: string,
  options: Options = {},
): PitlaneClient {
  return serverClient(jarFor(request, responseHeaders), url, key, options);
}

function serverClient(
  cookies: CookieJar,
  url: string,
  key: string,
  options: Options,
): PitlaneClient {
  return withDomains(asClient(createServerClient<Database>(url, key, { ...options, cookies })));
}

/**
 * Middleware: refreshes the session of a request if its access token is due, before any page
 * reads it. Answers the headers to add to the response (the refreshed cookies), the signed-in user
 * or null, and `request` with the refreshed cookies, for the handlers after it: a handler given the
 * original request would refresh again with a refresh token already used.
 */
export async function updateSession(
  request: Request,
  url: string,
  key: string,
  options: Options = {},
) {
  const headers = new Headers();
  const jar = jarFor(request, headers);
  // getUser asks Auth, so a forged or revoked cookie is not taken at its word (getSession would).
  const { data } = await serverClient(jar, url, key, options).auth.getUser();
  const forward = new Headers(request.headers);
  forward.set(
    "cookie",
    [...jar.current].map(([name, value]) => serializeCookieHeader(name, value, {})).join("; "),
  );
  return { headers, user: data.user, request: new Request(request, { headers: forward }) };
}

/**
 * The route Google sign-in and email links come back to (`/auth/callback?code=…&next=/…`): trades
 * the PKCE code for a session in cookies and redirects to `next` (a path on this site only). A
 * missing or refused code redirects to `errorPath` with the reason in `?error=`.
 */
export async function exchangeCodeRoute(
  request: Request,
  url: string,
  key: string,
  { errorPath = "/auth/error", ...options }: Options & { errorPath?: string } = {},
): Promise<Response> {
  const requestUrl = new URL(request.url);
  const code = requestUrl.searchParams.get("code");
  const next = requestUrl.searchParams.get("next") ?? "/";
  // Only a path on this origin: `next=https://evil.example` or `//evil.example` is an open redirect.
  const target = next.startsWith("/") && !next.startsWith("//") ? next : "/";
  const headers = new Headers();
  const fail = (reason: string) => {
    headers.set(
      "location",
      new URL(`${errorPath}?error=${encodeURIComponent(reason)}`, requestUrl).href,
    );
    return new Response(null, { status: 303, headers });
  };
  if (!code) return fail(requestUrl.searchParams.get("error_description") ?? "no code in the link");
  const client = createServerPitlaneClient(request, headers, url, key, options);
  const { error } = await client.auth.exchangeCodeForSession(code);
  if (error) return fail(fromAuth(error).message);
  headers.set("location", new URL(target, requestUrl).href);
  return new Response(null, { status: 303, headers });
}
