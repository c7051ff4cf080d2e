/**
 * The realtime inspector: the page joins a channel on the stack's realtime websocket as a chosen
 * user (or anon) and shows postgres_changes, broadcast and presence traffic live. The server's
 * part is the user's access token, minted here with the project's signing key as Auth would sign
 * it, so the page sees exactly what that user's app sees; the key itself never leaves.
 */
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { z } from "zod";
import { parse } from "../input.ts";
import { StudioError, type Section, type StudioContext } from "../section.ts";

/** An hour, as Auth's default `jwt_expiry`. */
const tokenSeconds = 3600;

const subject = z.union([
  z.object({ as: z.literal("anon") }),
  z.object({ as: z.literal("user"), userId: z.uuid({ error: "is not a user id" }) }),
]);

interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  phone: string | null;
  is_anonymous: boolean;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
}

/** Signs claims as Auth does: the current asymmetric key when config.toml lists some, else HS256. */
async function sign(ctx: StudioContext, claims: Record<string, unknown>): Promise<string> {
  const jwt = new SignJWT(claims);
  const key = ctx.keys.currentKey;
  if (key)
    return jwt.setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" }).sign(key.privateKey);
  return jwt
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(ctx.keys.jwtSecret));
}

/** The claims of an access token Auth would issue to this user for a password sign-in. */
function userClaims(ctx: StudioContext, user: UserRow, now: number): Record<string, unknown> {
  return {
    aud: user.aud || "authenticated",
    exp: now + tokenSeconds,
    iat: now,
    iss: `${ctx.apiUrl}/auth/v1`,
    sub: user.id,
    email: user.email ?? "",
    phone: user.phone ?? "",
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role || "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: now }],
    session_id: randomUUID(),
    is_anonymous: user.is_anonymous,
  };
}

export function realtimeSection(ctx: StudioContext): Section {
  const socketUrl = `${ctx.apiUrl.replace(/^http/, "ws")}/realtime/v1/websocket`;
  return {
    id: "realtime",
    title: "Realtime",
    routes: {
      /** Users to join as, by email or name. */
      async "GET /users"({ query }) {
        const q = query.get("q") ?? "";
        const { rows } = await ctx.db.query(
          `select id, email, raw_user_meta_data ->> 'full_name' as name from auth.users
            where deleted_at is null
              and ($1 = '' or email ilike '%' || $1 || '%' or raw_user_meta_data ->> 'full_name' ilike '%' || $1 || '%')
            order by email nulls last limit 20`,
          [q],
        );
        return rows;
      },

      /**
       * Where and with what the page connects: the socket URL with the anon key as apikey (public
       * by design), and the access token of the subject it joins as.
       */
      async "POST /token"({ body }) {
        const who = parse(subject, body);
        const connect = { url: socketUrl, apikey: ctx.keys.anonKey };
        if (who.as === "anon") return { ...connect, token: ctx.keys.anonKey, role: "anon" };
        const { rows } = await ctx.db.query<UserRow>(
          `select id, aud, role, email, phone, is_anonymous, raw_app_meta_data, raw_user_meta_data
             from auth.users where id = $1 and deleted_at is null`,
          [who.userId],
        );
        const user = rows[0];
        if (!user) throw new StudioError(404, "no such user");
        const claims = userClaims(ctx, user, Math.floor(Date.now() / 1000));
        return { ...connect, token: await sign(ctx, claims), role: claims.role, email: user.email };
      },
    },
  };
}
