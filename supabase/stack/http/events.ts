/**
 * A small in-process event bus: parts of the stack publish what an observer (the local console)
 * shows live, such as the gateway's request log, and the observer subscribes. Publishers import
 * only this module, so the console depends on no service's internals and no service on the console.
 * With no subscriber a publish costs one map lookup; `observed` lets a publisher skip building an
 * event nobody reads.
 */

/** One request through the gateway, as its log line shows it, plus what REST learnt of it. */
export interface RequestEvent {
  /** Increasing within the process. */
  id: number;
  /** When the request arrived (ISO 8601). */
  at: string;
  status: number;
  milliseconds: number;
  /** The role its token claims ("-" without one). */
  role: string;
  method: string;
  /** Path and query string, as requested. */
  path: string;
  /** The verified claims REST acted as (absent for other services and refused tokens). */
  claims?: Record<string, unknown>;
  /** The table or function a REST request reached. */
  target?: { schema: string; name: string; kind: "table" | "function" };
}

/** One call of an edge function, once answered (or abandoned by its caller). */
export interface FunctionInvocationEvent {
  /** When it arrived (ISO 8601). */
  at: string;
  function: string;
  method: string;
  /** Below /functions/v1/<name>, with the query string. */
  path: string;
  status: number;
  milliseconds: number;
}

/** A line a function's worker wrote to stdout or stderr. */
export interface FunctionLogEvent {
  at: string;
  function: string;
  line: string;
}

/** Every kind of event and its shape; a part of the stack that publishes a new kind adds it here. */
export interface StackEvents {
  request: RequestEvent;
  "function-invocation": FunctionInvocationEvent;
  "function-log": FunctionLogEvent;
}

type Listener<K extends keyof StackEvents> = (event: StackEvents[K]) => void;

const listeners = new Map<keyof StackEvents, Set<Listener<never>>>();

export function observed(kind: keyof StackEvents): boolean {
  return (listeners.get(kind)?.size ?? 0) > 0;
}

export function publish<K extends keyof StackEvents>(kind: K, event: StackEvents[K]): void {
  const set = listeners.get(kind);
  if (!set) return;
  for (const listener of set) (listener as Listener<K>)(event);
}

/** Calls `listener` with every event of `kind` from now on; returns the unsubscribe. */
export function subscribe<K extends keyof StackEvents>(kind: K, listener: Listener<K>): () => void {
  let set = listeners.get(kind);
  if (!set) listeners.set(kind, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}
