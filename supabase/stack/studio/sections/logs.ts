/**
 * The gateway's request log: the last requests kept in memory from the kernel's event bus (the
 * console imports nothing of the gateway), filtered by status, role, method and path, and sent
 * live as server-sent events. Claims stay on the server: the page gets whether a request carried
 * them, and asks the tables section's "why" to explain one by id.
 */
import type { RequestEvent } from "../../http/events.ts";
import { streamed, type Section, type StudioContext } from "../section.ts";

export interface RequestFilter {
  status?: string;
  role?: string;
  method?: string;
  path?: string;
}

/** `status` is a code ("404") or a class ("4xx"); `path` a substring; the others exact. */
function matches(event: RequestEvent, filter: RequestFilter): boolean {
  if (filter.status) {
    const status = String(event.status);
    const wanted = filter.status.toLowerCase();
    if (/^[1-5]xx$/.test(wanted) ? status[0] !== wanted[0] : status !== wanted) return false;
  }
  if (filter.role && event.role !== filter.role) return false;
  if (filter.method && event.method !== filter.method.toUpperCase()) return false;
  if (filter.path && !event.path.includes(filter.path)) return false;
  return true;
}

/** What the page shows of a request: everything but its claims and planned SQL (with its values). */
function shown({ claims, planned: _planned, ...event }: RequestEvent) {
  return { ...event, explainable: claims !== undefined && event.target?.kind === "table" };
}

export function createLogsSection({ requestLog: log }: StudioContext): Section {
  const filterOf = (query: URLSearchParams): RequestFilter => ({
    status: query.get("status") ?? undefined,
    role: query.get("role") ?? undefined,
    method: query.get("method") ?? undefined,
    path: query.get("path") ?? undefined,
  });
  return {
    id: "logs",
    title: "Logs",
    routes: {
      "GET /requests"({ query }) {
        const filter = filterOf(query);
        return log.requests
          .filter((event) => matches(event, filter))
          .slice(-200)
          .reverse()
          .map(shown);
      },
      "GET /stream"({ query, stream, signal }) {
        const filter = filterOf(query);
        const send = stream();
        send("ready", {});
        const stop = log.listen((event) => {
          if (matches(event, filter)) send("request", shown(event));
        });
        signal.addEventListener("abort", stop, { once: true });
        return streamed;
      },
    },
  };
}
