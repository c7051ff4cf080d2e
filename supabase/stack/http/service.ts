import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { StackOptions } from "../cli/options.ts";
import type { ApiKeys } from "../config/keys.ts";
import type { ProjectConfig } from "../config/project-config.ts";
import type { Logger } from "../logger.ts";
import type { PlannedTarget } from "./events.ts";

/** What the router knows of a request; a service sets `role` once it has verified the JWT. */
export interface RequestContext {
  /** The path below the service's prefix, starting with "/". */
  path: string;
  url: URL;
  role: string;
  /**
   * What a service learnt of the request, for the request log's observers (the console's "why was
   * it allowed"): the verified claims it acted as, the table or function it reached, and for a
   * table the rows and write it planned.
   */
  claims?: Record<string, unknown>;
  target?: { schema: string; name: string; kind: "table" | "function" };
  planned?: PlannedTarget;
}

/** One of Supabase's APIs behind the gateway (REST, auth, storage, realtime, functions). */
export interface HttpService {
  /** Supabase's path for it, such as "/rest/v1". */
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void>;
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: RequestContext): void;
  /** Edge functions answer CORS preflight themselves, as on Supabase. */
  ownsPreflight?: boolean;
  /**
   * The router gives a request without a bearer token its apikey as one, as Supabase's gateway
   * does for the APIs that read a JWT. Auth does not ask for it: GoTrue reads only the
   * Authorization the client sent.
   */
  apikeyAsBearer?: boolean;
  /** Releases pools, sockets and child processes when the stack stops. */
  close?(): Promise<void>;
}

/** A part of the stack that serves no HTTP (the cron scheduler): the gateway skips it, the stack closes it. */
export interface BackgroundService {
  prefix?: undefined;
  close(): Promise<void>;
}

export type Service = HttpService | BackgroundService;

/** What every service is built from. */
export interface ServiceDeps {
  /** Superuser URL of the stack's database; services log in as their own roles with `urlAs`. */
  dbUrl: string;
  keys: ApiKeys;
  config: ProjectConfig;
  options: StackOptions;
  log: Logger;
}
