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
  /** What a REST request on a table ran with, as REST planned it (absent when nobody observed). */
  planned?: PlannedTarget;
}

/** SQL with its parameters, numbered from $1. */
export interface PlannedSql {
  sql: string;
  params: unknown[];
}

/**
 * A REST request's planned target, for the console's "Why was it allowed?": the rows it addressed
 * as a condition on the table (columns qualified by the table's own name, as policy expressions
 * name them), and for an insert or update the write itself (without RETURNING), to replay in a
 * rolled-back transaction. It carries the request's values: it stays on this in-process bus.
 */
export interface PlannedTarget {
  operation: "select" | "insert" | "update" | "delete";
  rows?: PlannedSql;
  /** `alias`: the table's name in it, for RETURNING (an update's FROM adds the body's columns). */
  write?: PlannedSql & { alias: string };
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
