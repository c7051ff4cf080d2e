/**
 * The gateway's requests as the console keeps them: the last ones in memory, from the kernel's
 * event bus (the console imports nothing of the gateway). The logs section shows them live; the
 * tables section explains a logged REST request's policies from its claims and table.
 */
import { subscribe, type RequestEvent } from "../http/events.ts";
import { StudioError } from "./section.ts";

const kept = 1000;

/** The log, shared with the tables section, which explains a logged request's policies. */
export class RequestLog {
  readonly requests: RequestEvent[] = [];
  private readonly listeners = new Set<(event: RequestEvent) => void>();
  private readonly unsubscribe = subscribe("request", (event) => {
    this.requests.push(event);
    if (this.requests.length > kept) this.requests.shift();
    for (const listener of this.listeners) listener(event);
  });

  find(id: number): RequestEvent {
    const event = this.requests.find((request) => request.id === id);
    if (!event) throw new StudioError(404, `request ${id} is no longer in the log`);
    return event;
  }

  listen(listener: (event: RequestEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe();
  }
}
