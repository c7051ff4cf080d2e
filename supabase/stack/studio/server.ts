/**
 * The local console (Studio): one HTTP server on 127.0.0.1 serving the page, its script (bundled
 * from `ui/` by esbuild on first request, so the stack starts no slower) and the sections' JSON
 * API under `/api/<section>/…`. It is a client of the stack like any other: the database as the
 * superuser, the gateway with the service key, live data from the kernel's event bus.
 *
 * Safety, for every section alike:
 * - it listens on 127.0.0.1 only, and answers only a Host of 127.0.0.1 or localhost on its port
 *   (a page on another site cannot reach it through DNS rebinding);
 * - `/api` refuses a request another site's page sends (its Origin, or Sec-Fetch-Site
 *   cross-site/same-site) with 403, and a request that changes something must carry the
 *   per-process token the page holds (`x-studio-csrf`), which another site cannot read;
 * - the service key, the secret key and the JWT secret never leave: every answer is filtered and
 *   each occurrence replaced by a placeholder, whatever a section or a query returned;
 * - the page may not be framed, and loads scripts from its own origin only.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import type { ApiKeys } from "../config/keys.ts";
import type { ProjectConfig } from "../config/project-config.ts";
import { BodyTooLargeError, readBody } from "../http/body.ts";
import { openPool } from "../database/session.ts";
import type { Logger } from "../logger.ts";
import {
  streamed,
  StudioError,
  type ApiRequest,
  type Handler,
  type Section,
  type StudioContext,
} from "./section.ts";
import { RequestLog } from "./request-log.ts";
import { sectionFactories } from "./sections/index.ts";

const uiDir = path.join(import.meta.dirname, "ui");
const bodyLimit = 16 * 2 ** 20;

export interface StudioOptions {
  port: number;
  dbUrl: string;
  apiUrl: string;
  keys: ApiKeys;
  config: ProjectConfig;
  inboxUrl: string;
  functionsDir: string;
  /** The stack's data folder; the console keeps its files in `studio/` below it. */
  dataDir: string;
  log: Logger;
}

export interface Studio {
  url: string;
  close(): Promise<void>;
}

interface CompiledRoute {
  method: string;
  segments: string[];
  handler: Handler;
}

function compile(section: Section): CompiledRoute[] {
  return Object.entries(section.routes).map(([key, handler]) => {
    const [method, pattern] = key.split(" ") as [string, string];
    return { method, segments: pattern.split("/").filter(Boolean), handler };
  });
}

function match(
  routes: CompiledRoute[],
  method: string,
  pathname: string,
): { handler: Handler; params: Record<string, string> } | "wrong method" | undefined {
  const parts = pathname.split("/").filter(Boolean);
  let pathMatched = false;
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const same = route.segments.every((segment, i) => {
      if (segment.startsWith(":")) {
        params[segment.slice(1)] = decodeURIComponent(parts[i]!);
        return true;
      }
      return segment === parts[i];
    });
    if (!same) continue;
    pathMatched = true;
    if (route.method === method) return { handler: route.handler, params };
  }
  return pathMatched ? "wrong method" : undefined;
}

/** Replaces every secret in an answer's text with a placeholder naming it. */
function secretFilter(keys: ApiKeys): (text: string) => string {
  const secrets: [string, string][] = [
    [keys.serviceRoleKey, "[service_role key withheld by the console]"],
    [keys.secretKey, "[secret key withheld by the console]"],
    [keys.jwtSecret, "[JWT secret withheld by the console]"],
  ];
  return (text) => {
    for (const [secret, placeholder] of secrets)
      if (text.includes(secret)) text = text.replaceAll(secret, placeholder);
    return text;
  };
}

const pageHeaders = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    // connect-src: the realtime inspector's websocket to the gateway (on another local port).
    "default-src 'self'; connect-src 'self' ws://127.0.0.1:*; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; frame-ancestors 'none'; form-action 'self'",
  "cache-control": "no-store",
};

export async function startStudio(options: StudioOptions): Promise<Studio> {
  const dataDir = path.join(options.dataDir, "studio");
  await mkdir(dataDir, { recursive: true });
  const db = openPool("studio", options.log, {
    connectionString: options.dbUrl,
    max: 8,
    application_name: "pitlane studio",
    // Timestamps print in UTC, as the page's inputs edit them.
    options: "-c TimeZone=UTC",
  });
  const ctx: StudioContext = {
    db,
    dbUrl: options.dbUrl,
    apiUrl: options.apiUrl,
    keys: options.keys,
    config: options.config,
    inboxUrl: options.inboxUrl,
    functionsDir: options.functionsDir,
    dataDir,
    log: options.log,
    requestLog: new RequestLog(),
  };
  const sections = await Promise.all(sectionFactories.map(async (factory) => factory(ctx)));
  const routes = new Map(sections.map((section) => [section.id, compile(section)]));
  const csrfToken = randomBytes(24).toString("base64url");
  const withoutSecrets = secretFilter(options.keys);
  const hosts = new Set([`127.0.0.1:${options.port}`, `localhost:${options.port}`]);

  let script: Promise<string> | undefined;
  const bundle = async () => {
    const { build } = await import("esbuild");
    const result = await build({
      entryPoints: [path.join(uiDir, "main.ts")],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      write: false,
    });
    return result.outputFiles[0]!.text;
  };
  let page: Promise<string> | undefined;

  function send(res: ServerResponse, status: number, type: string, text: string): void {
    const body = withoutSecrets(text);
    res.writeHead(status, {
      ...pageHeaders,
      "content-type": type,
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  }
  const sendJson = (res: ServerResponse, status: number, body: unknown) =>
    send(res, status, "application/json; charset=utf-8", JSON.stringify(body ?? null));

  /** Why a request to `/api` is refused, or undefined if it may go on. */
  function refusal(req: IncomingMessage): string | undefined {
    const host = req.headers.host ?? "";
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, "")))
      return `requests from ${origin} are refused: the console answers only its own pages`;
    const site = req.headers["sec-fetch-site"];
    if (site !== undefined && site !== "same-origin" && site !== "none")
      return `${site} requests are refused: the console answers only its own pages`;
    const safe = req.method === "GET" || req.method === "HEAD";
    if (!safe && req.headers["x-studio-csrf"] !== csrfToken)
      return `a ${req.method} needs the console's x-studio-csrf token (host ${host})`;
    return undefined;
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const refused = refusal(req);
    if (refused) return sendJson(res, 403, { message: refused });
    const [, , id = "", ...rest] = url.pathname.split("/");
    if (id === "session" && rest.length === 0)
      return sendJson(res, 200, {
        sections: sections.map(({ id, title }) => ({ id, title })),
      });
    const sectionRoutes = routes.get(id);
    const found = sectionRoutes && match(sectionRoutes, req.method ?? "GET", `/${rest.join("/")}`);
    if (!found) return sendJson(res, 404, { message: `no console API at ${url.pathname}` });
    if (found === "wrong method")
      return sendJson(res, 405, { message: `${req.method} is not allowed on ${url.pathname}` });
    let body: unknown;
    const raw = await readBody(req, bodyLimit);
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return sendJson(res, 400, { message: "the body is not JSON" });
      }
    }
    const aborted = new AbortController();
    res.on("close", () => aborted.abort());
    const request: ApiRequest = {
      method: req.method ?? "GET",
      path: `/${rest.join("/")}`,
      params: found.params,
      query: url.searchParams,
      body,
      req,
      res,
      signal: aborted.signal,
      stream: () => {
        res.writeHead(200, {
          ...pageHeaders,
          "content-type": "text/event-stream",
          connection: "keep-alive",
        });
        res.flushHeaders();
        return (event, data) =>
          res.write(withoutSecrets(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      },
    };
    const answer = await found.handler(request);
    if (answer !== streamed) sendJson(res, 200, answer);
  }

  function failed(res: ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof StudioError)
      return sendJson(res, error.status, { message: error.message });
    if (error instanceof BodyTooLargeError)
      return sendJson(res, 413, { message: "the body is too large" });
    const e = error as { code?: string; message: string; position?: string };
    // A PostgreSQL error (it has a SQLSTATE) is the user's query or data: show it as it is.
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) {
      const { detail, hint, where, position, line, column } = error as Record<string, unknown>;
      return sendJson(res, 400, {
        message: e.message,
        code: e.code,
        detail,
        hint,
        where,
        position: position === undefined ? undefined : Number(position),
        line,
        column,
      });
    }
    options.log.error(`studio: ${(error as Error).stack ?? String(error)}`);
    sendJson(res, 500, { message: `internal error in the console: ${e.message}` });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!hosts.has(req.headers.host ?? "")) {
      sendJson(res, 403, { message: "the console answers only 127.0.0.1 and localhost" });
      return;
    }
    const work = async () => {
      if (url.pathname.startsWith("/api/")) return api(req, res, url);
      if (req.method !== "GET" && req.method !== "HEAD")
        return sendJson(res, 405, { message: `${req.method} is not allowed here` });
      if (url.pathname === "/") {
        page ??= readFile(path.join(uiDir, "index.html"), "utf8");
        return send(
          res,
          200,
          "text/html; charset=utf-8",
          (await page).replace("%CSRF_TOKEN%", csrfToken),
        );
      }
      if (url.pathname === "/studio.js") {
        script ??= bundle().catch((error: unknown) => {
          script = undefined;
          throw error;
        });
        return send(res, 200, "text/javascript; charset=utf-8", await script);
      }
      sendJson(res, 404, { message: `nothing at ${url.pathname}` });
    };
    work().catch((error: unknown) => failed(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `port ${options.port} is in use: the console (Studio) cannot listen on it (change it with --studio-port)`,
            )
          : error,
      ),
    );
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${options.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(sections.map(async (section) => section.close?.()));
      ctx.requestLog.close();
      await db.end();
    },
  };
}
