import { randomUUID } from "node:crypto";
import { createClient, type RealtimeChannel, type SupabaseClient } from "@supabase/supabase-js";
import { afterEach } from "vitest";
import WebSocket from "ws";
import { sql, stack } from "../helpers/db.ts";

/** Both serializers realtime-js speaks: 2.0.0 is its default, 1.0.0 plain Phoenix JSON. */
export const serializers = ["2.0.0", "1.0.0"] as const;
export type Vsn = (typeof serializers)[number];

const clients: SupabaseClient[] = [];

/** Every client a test made disconnects after it, so sockets never leak into the next test. */
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.removeAllChannels()));
});

/**
 * A supabase-js client as an app builds it for Realtime: `ws` as the transport (Node 20 has no
 * WebSocket), the serializer under test and, for a signed-in user, their access token, set with
 * `realtime.setAuth()` before any channel joins, as Supabase's docs ask.
 */
export async function realtimeClient(
  options: { vsn?: Vsn; token?: string; apiUrl?: string; reconnectAfterMs?: number } = {},
): Promise<SupabaseClient> {
  const client = createClient(options.apiUrl ?? stack().apiUrl, stack().anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: {
      transport: WebSocket as never,
      vsn: options.vsn ?? "2.0.0",
      ...(options.reconnectAfterMs ? { reconnectAfterMs: () => options.reconnectAfterMs! } : {}),
    },
  });
  clients.push(client);
  if (options.token) await client.realtime.setAuth(options.token);
  return client;
}

export interface SubscribeResult {
  status: string;
  error?: Error;
}

/** The first status `subscribe()` reports: SUBSCRIBED, or why not. */
export function subscribe(channel: RealtimeChannel): Promise<SubscribeResult> {
  return new Promise((resolve) => channel.subscribe((status, error) => resolve({ status, error })));
}

/** Subscribes and fails the test unless the channel joins. */
export async function joined(channel: RealtimeChannel): Promise<RealtimeChannel> {
  const result = await subscribe(channel);
  if (result.status !== "SUBSCRIBED")
    throw new Error(`channel did not join: ${result.status} ${result.error?.message ?? ""}`);
  return channel;
}

/** Collects what a listener receives and waits (with a deadline) until enough has arrived. */
export class Inbox<T = any> {
  readonly items: T[] = [];
  private waiters: (() => void)[] = [];

  readonly push = (item: T): void => {
    this.items.push(item);
    for (const wake of this.waiters.splice(0)) wake();
  };

  async until(
    done: (items: T[]) => boolean,
    what = "the expected messages",
    timeoutMs = 10_000,
  ): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.items)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out waiting for ${what}; received ${JSON.stringify(this.items).slice(0, 2000)}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.items;
  }

  count(n: number, what?: string): Promise<T[]> {
    return this.until((items) => items.length >= n, what ?? `${n} messages`);
  }
}

/** A new table in `public`, published for Realtime; its name is unique to the test. */
export async function publishedTable(
  columns: string,
  setup: (table: string) => string = () => "",
): Promise<string> {
  const table = `rt_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await sql(
    `create table public.${table} (${columns}); ${setup(table)} alter publication supabase_realtime add table public.${table};`,
  );
  return table;
}
