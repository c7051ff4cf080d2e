// The SDK's SSR helpers (issue 21, item 4) through a tiny server built on the Web-standard Request
// and Response, as Next.js route handlers, SvelteKit, Remix and Hono hand them over: a sign-in
// that sets the session cookies, middleware that refreshes an expired session, the PKCE callback
// for email links (and Google), sign-out, and the admin client refusing to load in a browser.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { createServerPitlaneClient, exchangeCodeRoute, updateSession } from "@pitlane/sdk/ssr";
import { followLink, latestEmailTo } from "../helpers/auth.ts";
import { createUser, stack, type TestUser } from "../helpers/db.ts";

const json = (body: unknown, status: number, headers = new Headers()) => {
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { status, headers });
};

// Node 20 has no WebSocket, and supabase-js wants one at creation even when realtime is unused.
const options = { realtime: { transport: WebSocket as never } };

/** The app: each route gets a Request and answers a Response. */
async function app(request: Request): Promise<Response> {
  const { apiUrl, anonKey } = stack();
  const { pathname } = new URL(request.url);
  if (pathname === "/auth/callback") return exchangeCodeRoute(request, apiUrl, anonKey, options);
  const headers = new Headers();
  if (pathname === "/login" && request.method === "POST") {
    const form = await request.formData();
    const client = createServerPitlaneClient(request, headers, apiUrl, anonKey, options);
    const { error } = await client.auth.signInWithPassword({
      email: String(form.get("email")),
      password: String(form.get("password")),
    });
    if (error) return json({ error: error.message }, 400, headers);
    headers.set("location", "/me");
    return new Response(null, { status: 303, headers });
  }
  if (pathname === "/magic-link" && request.method === "POST") {
    const form = await request.formData();
    const client = createServerPitlaneClient(request, headers, apiUrl, anonKey, options);
    const { error } = await client.auth.signInWithOtp({
      email: String(form.get("email")),
      options: { emailRedirectTo: "http://127.0.0.1:3000/auth/callback?next=/me" },
    });
    return error
      ? json({ error: error.message }, 400, headers)
      : json({ sent: true }, 200, headers);
  }
  if (pathname === "/logout" && request.method === "POST") {
    await createServerPitlaneClient(request, headers, apiUrl, anonKey, options).auth.signOut();
    return new Response(null, { status: 204, headers });
  }
  if (pathname === "/me") {
    // Middleware first, as Next.js middleware would run before the page.
    const session = await updateSession(request, apiUrl, anonKey, options);
    if (!session.user) return json({ error: "not signed in" }, 401, session.headers);
    const profile = await createServerPitlaneClient(
      session.request,
      session.headers,
      apiUrl,
      anonKey,
      options,
    ).people.get(session.user.id);
    return json({ email: session.user.email, name: profile.display_name }, 200, session.headers);
  }
  return json({ error: "not found" }, 404);
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const request = new Request(new URL(req.url!, base), {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body:
        req.method === "GET" || req.method === "HEAD" ? undefined : (Readable.toWeb(req) as never),
      duplex: "half",
    } as RequestInit);
    void app(request)
      .catch((error: unknown) => json({ error: String(error) }, 500))
      .then(async (response) => {
        res.writeHead(response.status, [...response.headers].flat());
        res.end(Buffer.from(await response.arrayBuffer()));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A browser's cookie jar for the tiny server: what Set-Cookie sets, sent back as Cookie. */
function browser() {
  const jar = new Map<string, string>();
  return {
    jar,
    async fetch(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers);
      if (jar.size > 0)
        headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
      const response = await fetch(new URL(path, base), { ...init, headers, redirect: "manual" });
      for (const line of response.headers.getSetCookie()) {
        const [pair, ...attributes] = line.split(";");
        const name = pair!.slice(0, pair!.indexOf("="));
        const value = pair!.slice(pair!.indexOf("=") + 1);
        const expired = attributes.some((a) => /^\s*max-age=0$/i.test(a)) || value === "";
        if (expired) jar.delete(name);
        else jar.set(name, value);
      }
      return response;
    },
  };
}

const authCookie = (jar: Map<string, string>) =>
  [...jar.keys()].find((name) => /^sb-.+-auth-token(\.0)?$/.test(name));

let user: TestUser;
beforeAll(async () => {
  user = await createUser({ full_name: "Cookie Person" });
});

const login = (client: ReturnType<typeof browser>, password = user.password) =>
  client.fetch("/login", {
    method: "POST",
    body: new URLSearchParams({ email: user.email, password }),
  });

describe("the session in cookies", () => {
  it("is set by a sign-in, read by the next request, and ended by sign-out", async () => {
    const client = browser();
    expect((await client.fetch("/me")).status).toBe(401);
    const signedIn = await login(client);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("cache-control")).toMatch(/private|no-store/);
    expect(authCookie(client.jar)).toBeDefined();
    const me = await client.fetch("/me");
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ email: user.email, name: "Cookie Person" });

    expect((await client.fetch("/logout", { method: "POST" })).status).toBe(204);
    expect(authCookie(client.jar)).toBeUndefined();
    expect((await client.fetch("/me")).status).toBe(401);
  });

  it("a wrong password sets no cookie", async () => {
    const client = browser();
    expect((await login(client, "wrong-password")).status).toBe(400);
    expect(authCookie(client.jar)).toBeUndefined();
  });

  it("is refreshed by the middleware once its access token has expired", async () => {
    const client = browser();
    await login(client);
    const name = authCookie(client.jar)!;
    const stored = client.jar.get(name)!;
    const session = JSON.parse(
      Buffer.from(decodeURIComponent(stored).replace(/^base64-/, ""), "base64url").toString(),
    );
    // The cookie says the access token ran out a minute ago.
    session.expires_at = Math.floor(Date.now() / 1000) - 60;
    client.jar.set(name, `base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}`);
    const me = await client.fetch("/me");
    expect(me.status).toBe(200);
    const refreshed = JSON.parse(
      Buffer.from(client.jar.get(name)!.replace(/^base64-/, ""), "base64url").toString(),
    );
    // The refresh token rotates; the access token may match when issued in the same second.
    expect(refreshed.refresh_token).not.toBe(session.refresh_token);
    expect(refreshed.expires_at).toBeGreaterThan(Date.now() / 1000);
  });

  it("a forged cookie is not taken at its word", async () => {
    const client = browser();
    const forged = {
      access_token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
      refresh_token: "nope",
      expires_at: Math.floor(Date.now() / 1000) + 3600,
      token_type: "bearer",
      user: { id: user.id, email: user.email },
    };
    const ref = new URL(stack().apiUrl).hostname.split(".")[0];
    client.jar.set(
      `sb-${ref}-auth-token`,
      `base64-${Buffer.from(JSON.stringify(forged)).toString("base64url")}`,
    );
    expect((await client.fetch("/me")).status).toBe(401);
  });
});

describe("the PKCE callback", () => {
  it("trades an email link's code for a session and goes on to `next`", async () => {
    const client = browser();
    const sent = await client.fetch("/magic-link", {
      method: "POST",
      body: new URLSearchParams({ email: user.email }),
    });
    expect(sent.status).toBe(200);
    expect([...client.jar.keys()].some((name) => name.endsWith("-code-verifier"))).toBe(true);
    const { link } = await latestEmailTo(user.email);
    const { location } = await followLink(link);
    // The link comes back to the site's /auth/callback: the same route on this server.
    const back = await client.fetch(`/auth/callback${location.search}`);
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toBe(`${base}/me`);
    expect((await client.fetch("/me")).status).toBe(200);
  });

  it("sends a missing or refused code to the error page, and never off the site", async () => {
    const client = browser();
    const none = await client.fetch("/auth/callback");
    expect(none.headers.get("location")).toMatch(/\/auth\/error\?error=/);
    const refused = await client.fetch("/auth/callback?code=11111111-1111-4111-8111-111111111111");
    expect(refused.status).toBe(303);
    expect(refused.headers.get("location")).toMatch(/\/auth\/error\?error=/);
    expect(authCookie(client.jar)).toBeUndefined();
  });
});

describe("the admin client", () => {
  it("refuses to load where there is a DOM, and acts as the service role elsewhere", async () => {
    vi.resetModules();
    vi.stubGlobal("document", {});
    await expect(import("@pitlane/sdk/admin")).rejects.toThrow(/only in server code/);
    vi.unstubAllGlobals();
    vi.resetModules();
    const { createAdminPitlaneClient } = await import("@pitlane/sdk/admin");
    const admin = createAdminPitlaneClient(stack().apiUrl, stack().serviceRoleKey, options);
    // profile_suspensions is the person's own and platform admins'; the service role reads all.
    expect(await admin.people.get(user.id)).toMatchObject({ display_name: "Cookie Person" });
    const { error } = await admin.from("profile_suspensions").select("*").limit(1);
    expect(error).toBeNull();
  });
});
