import type { IncomingMessage, ServerResponse } from "node:http";
import { urlAs } from "../database/connection.ts";
import { ApiKeyRejected, checkApiKey } from "../http/credentials.ts";
import { sendJson } from "../http/json.ts";
import type { RequestContext, Service, ServiceDeps } from "../http/service.ts";
import type { AuthContext } from "./context.ts";
import { openAuthDb } from "./db.ts";
import { AuthError, OAuthError, sendError } from "./errors.ts";
import { admin } from "./http/admin.ts";
import { otp, recover, resend } from "./http/email-requests.ts";
import { mfaRoute } from "./http/factors.ts";
import { logout } from "./http/logout.ts";
import { clientOf, forwardedFor, parseBody, type AuthRequest } from "./http/request.ts";
import { health, jwks, openIdConfiguration, settings } from "./http/settings.ts";
import { signup } from "./http/signup.ts";
import { token } from "./http/token.ts";
import { getUser, reauthenticate, updateUser } from "./http/user.ts";
import { unbuiltFeature, unbuiltFeatureWarnings } from "./http/unbuilt.ts";
import { verify } from "./http/verify.ts";
import { Inbox } from "./mail/inbox.ts";
import { startInboxServer } from "./mail/inbox-server.ts";
import { startSmtpServer } from "./mail/smtp-server.ts";
import { GoogleProvider } from "./oauth/google.ts";
import { authorize, callback } from "./oauth/redirect-flow.ts";
import { RateLimiter } from "./rate-limit.ts";
import { authSettings } from "./settings.ts";
import { tokenSigner } from "./tokens.ts";

type Handler = (ctx: AuthContext, r: AuthRequest) => Promise<void>;

/** GoTrue's routes the stack serves, by "METHOD /path" below /auth/v1. */
const routes: Record<string, Handler> = {
  "GET /health": health,
  "GET /settings": settings,
  "GET /.well-known/jwks.json": jwks,
  "GET /.well-known/openid-configuration": openIdConfiguration,
  "POST /signup": signup,
  "POST /token": token,
  "GET /user": getUser,
  "PUT /user": updateUser,
  "GET /reauthenticate": reauthenticate,
  "POST /logout": logout,
  "POST /recover": recover,
  "POST /otp": otp,
  "POST /magiclink": otp,
  "POST /resend": resend,
  "GET /verify": verify,
  "POST /verify": verify,
  "GET /authorize": authorize,
  "GET /callback": callback,
  "POST /callback": callback,
  "POST /invite": admin,
};

/** Kong lets these through without an API key: a browser reaches them from a link or a redirect. */
const openPaths = new Set([
  "/verify",
  "/callback",
  "/authorize",
  "/.well-known/jwks.json",
  "/.well-known/openid-configuration",
]);

function findHandler(method: string, path: string): Handler | undefined {
  return (
    routes[`${method} ${path}`] ??
    unbuiltFeature(method, path) ??
    mfaRoute(method, path) ??
    (path.startsWith("/admin/") ? admin : undefined)
  );
}

/** Supabase Auth at /auth/v1, with the local inbox on its own port. */
export async function createAuthService(deps: ServiceDeps): Promise<Service> {
  const settingsValue = authSettings(deps.config, `http://127.0.0.1:${deps.options.apiPort}`);
  for (const warning of unbuiltFeatureWarnings(settingsValue)) deps.log.info(warning);
  const inbox = new Inbox();
  const inboxServer = await startInboxServer(inbox, deps.options.inboxPort);
  const smtpServer = await startSmtpServer(inbox, deps.options.smtpPort);
  const db = openAuthDb(urlAs(deps.dbUrl, "supabase_auth_admin"), deps.log);
  const ctx: AuthContext = {
    db,
    settings: settingsValue,
    keys: deps.keys,
    signer: tokenSigner({
      keys: deps.keys,
      issuer: settingsValue.jwtIssuer,
      expirySeconds: settingsValue.jwtExpirySeconds,
    }),
    inbox,
    limiter: new RateLimiter(settingsValue.rateLimits),
    google: new GoogleProvider(settingsValue.google),
    log: deps.log,
  };

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    gateway: RequestContext,
  ): Promise<void> {
    const path = gateway.path.replace(/\/+$/, "") || "/";
    const method = req.method ?? "GET";
    const handler = findHandler(method, path);
    if (!handler) return sendJson(res, 404, { message: "no Route matched with those values" });
    if (!openPaths.has(path)) {
      try {
        await checkApiKey(req, gateway.url, deps.keys);
      } catch (error) {
        if (error instanceof ApiKeyRejected) return sendJson(res, error.status, error.body);
        throw error;
      }
    }
    try {
      const body = method === "GET" || method === "HEAD" ? {} : await parseBody(req);
      const r: AuthRequest = {
        req,
        res,
        method,
        path,
        url: gateway.url,
        client: clientOf(req),
        rateLimitKey: forwardedFor(req),
        body,
      };
      await handler(ctx, r);
    } catch (error) {
      if (error instanceof AuthError || error instanceof OAuthError)
        return sendError(req, res, error);
      deps.log.error(`auth: ${method} ${path}: ${(error as Error).stack ?? String(error)}`);
      sendError(
        req,
        res,
        new AuthError(
          500,
          "unexpected_failure",
          "Unexpected failure, please check server logs for more information",
        ),
      );
    }
  }

  return {
    prefix: "/auth/v1",
    handle,
    async close() {
      inboxServer.closeAllConnections();
      await new Promise<void>((resolve) => inboxServer.close(() => resolve()));
      await new Promise<void>((resolve) => smtpServer.close(() => resolve()));
      await db.close();
    },
  };
}
