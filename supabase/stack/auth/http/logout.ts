import { audit } from "../audit.ts";
import type { AuthContext } from "../context.ts";
import { badRequest } from "../errors.ts";
import { endSessions } from "../sessions.ts";
import { requireUser } from "./guard.ts";
import type { AuthRequest } from "./request.ts";

const scopes = ["global", "local", "others"] as const;

/** POST /logout?scope=global|local|others: ends sessions, whose refresh tokens go with them. */
export async function logout(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const requested = r.url.searchParams.get("scope") || "global";
  const scope = scopes.find((candidate) => candidate === requested);
  if (!scope) throw badRequest("validation_failed", `Unsupported logout scope "${requested}"`);
  const { user, session } = await requireUser(ctx, r);
  await ctx.db.transaction(async (tx) => {
    await audit(tx, user, "logout", r.client.ip);
    await endSessions(tx, user.id, scope, session?.id);
  });
  r.res.writeHead(204);
  r.res.end();
}
