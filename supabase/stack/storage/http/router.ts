import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestScope } from "../db.ts";

/**
 * How a route learns who calls: `jwt` requires a valid token, `optional` falls back to anon (the
 * routes that also serve public buckets), `none` never looks (signed and public URLs).
 */
export type Auth = "jwt" | "optional" | "none";

export interface Params {
  /** `:bucket` or `:id` segments. */
  bucket: string;
  /** The object name: everything the trailing `*` matched. */
  name: string;
}

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Params;
  scope: RequestScope;
}

export interface Route {
  method: string;
  /** Segments: literals, `:bucket`, and a final `*` for the object name. */
  path: string;
  auth: Auth;
  /** storage-api's name for the operation, which policies read through storage.operation(). */
  operation: string;
  handle(call: Call): Promise<void>;
}

/**
 * The first route whose method and path match, as Fastify picks them: literal segments are
 * listed before parameters, so `/object/public/...` never reads as a bucket named "public".
 */
export function matchRoute(
  routes: Route[],
  method: string,
  pathname: string,
): { route: Route; params: Params } | undefined {
  const segments = pathname.split("/").filter((segment, index) => index > 0 || segment !== "");
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchPath(route.path.split("/").slice(1), segments);
    if (params) return { route, params };
  }
  return undefined;
}

function matchPath(pattern: string[], segments: string[]): Params | undefined {
  const params: Params = { bucket: "", name: "" };
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i]!;
    if (part === "*") {
      const rest = segments.slice(i);
      if (rest.length === 0 || rest.every((segment) => segment === "")) return undefined;
      params.name = decode(rest.join("/"));
      return params;
    }
    const segment = segments[i];
    if (segment === undefined || segment === "") return undefined;
    if (part.startsWith(":")) params.bucket = decode(segment);
    else if (part !== segment) return undefined;
  }
  return segments.length === pattern.length ? params : undefined;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
