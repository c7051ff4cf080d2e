/**
 * What a section of the local console is on the server: an id (its place in the URL, `#/<id>` in
 * the page and `/api/<id>/…` for its API) and its JSON routes. The server applies the safety rules
 * (origin, CSRF token, secrets withheld) before and after every route, so a section only does its work.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import type { ApiKeys } from "../config/keys.ts";
import type { ProjectConfig } from "../config/project-config.ts";
import type { Logger } from "../logger.ts";
import type { RequestLog } from "./request-log.ts";

/** What every section is built from. */
export interface StudioContext {
  /** The superuser, as the dashboard connects; a section acting as a role switches inside a transaction. */
  db: pg.Pool;
  dbUrl: string;
  /** The gateway, for a section that works through Supabase's APIs (with `keys`, server-side only). */
  apiUrl: string;
  keys: ApiKeys;
  config: ProjectConfig;
  /** The stack's email inbox (Mailpit's API), which the Auth section shows beside the users. */
  inboxUrl: string;
  /** The functions folder the edge runtime serves (`--functions`). */
  functionsDir: string;
  /** A folder of the stack's data folder that belongs to the console (history, snippets). */
  dataDir: string;
  log: Logger;
  /** The gateway's recent requests, kept from the moment the console started. */
  requestLog: RequestLog;
}

export interface ApiRequest {
  method: string;
  /** The path below `/api/<section id>`, starting with "/". */
  path: string;
  /** `:name` segments of the route's pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body of a POST, PUT, PATCH or DELETE (undefined without one). */
  body: unknown;
  req: IncomingMessage;
  res: ServerResponse;
  /** Aborted when the browser goes away: a long query or a stream stops with it. */
  signal: AbortSignal;
  /**
   * Turns the answer into server-sent events; each `send` goes through the same secret filter as a
   * JSON answer. The handler then returns `streamed`.
   */
  stream: () => (event: string, data: unknown) => void;
}

/** A handler's answer: a JSON value, or `streamed` once it has answered through `stream()`. */
export const streamed = Symbol("streamed");
export type Handler = (request: ApiRequest) => unknown;

export interface Section {
  id: string;
  title: string;
  /** "METHOD /path/:param" → handler, matched against the path below `/api/<id>`. */
  routes: Record<string, Handler>;
  close?(): Promise<void>;
}

export type SectionFactory = (ctx: StudioContext) => Section | Promise<Section>;

/** An answer other than 200 with a message the page shows; PostgreSQL errors become 400 on their own. */
export class StudioError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
