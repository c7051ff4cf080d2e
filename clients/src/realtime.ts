// Live subscriptions that stay live. realtime-js rejoins a channel after a short socket drop, but a
// channel the server closed (an expired token, a restart) stays closed, and an app cannot tell
// from `subscribe()` alone whether it is receiving. Each helper here owns one channel: it reports
// `live` (joined and receiving) through `onStatus`, and whenever the channel errs, times out or is
// closed by anything but `close()`, it replaces it with a new one after a growing pause. supabase-js
// already hands a refreshed access token to the socket; a channel that was refused meanwhile is
// rejoined at once when the token changes.
import type {
  RealtimeChannel,
  RealtimePostgresChangesPayload,
  RealtimePresenceState,
} from "@supabase/supabase-js";
import { PitlaneError } from "./errors.ts";
import type { PitlaneSupabase, Row } from "./call.ts";

export interface Live {
  /** True while the channel is joined. */
  readonly live: boolean;
  /**
   * `listener(true)` once joined, `listener(false, why)` when that ends and on each failed join;
   * returns an unsubscribe.
   */
  onStatus(listener: (live: boolean, error?: Error) => void): () => void;
  /** Resolves when the channel is next live (now, if it is). */
  ready(): Promise<void>;
  /** Leaves the channel for good. */
  close(): Promise<void>;
}

export interface LiveOptions {
  /** Pause before the n-th consecutive rejoin (from 0): 250 ms doubling to 10 s by default. */
  retryAfterMs?: (attempt: number) => number;
}

const defaultRetry = (attempt: number) => Math.min(10_000, 250 * 2 ** attempt);

/**
 * One self-healing channel on `topic`. `configure` adds the listeners to each new channel (the
 * same on every rejoin) before it subscribes.
 */
function liveChannel(
  client: PitlaneSupabase,
  topic: string,
  configure: (channel: RealtimeChannel) => void,
  options: LiveOptions & { private?: boolean; presenceKey?: string; onJoin?: () => void } = {},
): Live & { current(): RealtimeChannel } {
  const retryAfter = options.retryAfterMs ?? defaultRetry;
  const listeners = new Set<(live: boolean, error?: Error) => void>();
  let channel: RealtimeChannel;
  let live = false;
  let closed = false;
  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  // Every failure is reported, also while not yet live (a refused join), so an app can show why.
  const setLive = (value: boolean, error?: Error) => {
    if (value === live && !error) return;
    live = value;
    for (const listener of listeners) listener(value, error);
  };

  const join = () => {
    retry = undefined;
    const joining = client.channel(topic, {
      config: {
        private: options.private ?? false,
        ...(options.presenceKey ? { presence: { key: options.presenceKey } } : {}),
      },
    });
    channel = joining;
    configure(joining);
    joining.subscribe((status, error) => {
      // A replaced channel's last words (its CLOSED on removal) are not this subscription's.
      if (closed || joining !== channel) return;
      if (status === "SUBSCRIBED") {
        // realtime-js may have rejoined this channel by itself before the planned replacement.
        if (retry !== undefined) clearTimeout(retry);
        retry = undefined;
        attempt = 0;
        setLive(true);
        options.onJoin?.();
        return;
      }
      setLive(false, error ?? new Error(`${topic}: ${status}`));
      if (retry === undefined) {
        retry = setTimeout(() => void rejoin(), retryAfter(attempt++));
      }
    });
  };

  const rejoin = async () => {
    if (closed) return;
    const old = channel;
    // A fresh channel object: realtime-js reuses neither a closed channel nor its topic's slot.
    channel = undefined as never;
    await client.removeChannel(old);
    if (!closed) join();
  };

  const { data: auth } = client.auth.onAuthStateChange((event) => {
    if ((event === "TOKEN_REFRESHED" || event === "SIGNED_IN") && !live && !closed) {
      if (retry !== undefined) clearTimeout(retry);
      retry = setTimeout(() => void rejoin(), 0);
    }
  });

  join();

  return {
    get live() {
      return live;
    },
    current: () => channel,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready() {
      if (live) return Promise.resolve();
      return new Promise((resolve) => {
        const stop = this.onStatus((now) => {
          if (now) {
            stop();
            resolve();
          }
        });
      });
    },
    async close() {
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
      auth.subscription.unsubscribe();
      setLive(false);
      listeners.clear();
      if (channel) await client.removeChannel(channel);
    },
  };
}

type Change<
  Table extends "notifications" | "chat_messages" | "event_registrations" | "event_check_ins",
> = RealtimePostgresChangesPayload<Row<Table>>;

/** New notifications of the signed-in person (RLS lets each person see only their own). */
function liveNotifications(
  client: PitlaneSupabase,
  onNotification: (notification: Row<"notifications">) => void,
  options: LiveOptions = {},
): Live {
  return liveChannel(
    client,
    `pitlane:notifications:${crypto.randomUUID()}`,
    (channel) =>
      channel.on(
        "postgres_changes",
        { event: "INSERT", schema: "public", table: "notifications" },
        (change: Change<"notifications">) => onNotification(change.new as Row<"notifications">),
      ),
    options,
  );
}

export interface ChatThreadHandlers {
  onMessage?: (message: Row<"chat_messages">) => void;
  /** Someone else typing: their user id. */
  onTyping?: (userId: string) => void;
  /** Who is in the thread now, by user id. */
  onPresence?: (userIds: string[]) => void;
}

export interface LiveChatThread extends Live {
  /** Tells the others the caller is typing (a broadcast, not stored). */
  typing(): Promise<void>;
}

/**
 * A support chat thread: new messages (postgres_changes, RLS-checked), typing and presence on the
 * thread's private channel `chat:<thread id>`, which realtime.messages policies open to its
 * participants only. `userId` is the caller, as presence key and typing sender.
 */
function liveChatThread(
  client: PitlaneSupabase,
  threadId: string,
  userId: string,
  handlers: ChatThreadHandlers,
  options: LiveOptions = {},
): LiveChatThread {
  const live = liveChannel(
    client,
    `chat:${threadId}`,
    (channel) => {
      channel.on(
        "postgres_changes",
        {
          event: "INSERT",
          schema: "public",
          table: "chat_messages",
          filter: `thread_id=eq.${threadId}`,
        },
        (change: Change<"chat_messages">) =>
          handlers.onMessage?.(change.new as Row<"chat_messages">),
      );
      channel.on("broadcast", { event: "typing" }, ({ payload }) => {
        const from = (payload as { user_id?: string }).user_id;
        if (from && from !== userId) handlers.onTyping?.(from);
      });
      channel.on("presence", { event: "sync" }, () => {
        const state: RealtimePresenceState = channel.presenceState();
        handlers.onPresence?.(Object.keys(state));
      });
    },
    {
      ...options,
      private: true,
      presenceKey: userId,
      onJoin: () => void live.current().track({ online_at: new Date().toISOString() }),
    },
  );
  return Object.assign(live, {
    async typing() {
      const result = await live
        .current()
        .send({ type: "broadcast", event: "typing", payload: { user_id: userId } });
      if (result !== "ok")
        throw new PitlaneError(
          0,
          `typing_${result}`,
          "the typing signal was not sent",
          null,
          "realtime",
        );
    },
  });
}

/**
 * One registration's changes (status, offer, check-in) as the registrant or the event's staff see
 * them; `onChange` gets the new row.
 */
function liveRegistration(
  client: PitlaneSupabase,
  registrationId: string,
  onChange: (registration: Row<"event_registrations">) => void,
  options: LiveOptions = {},
): Live {
  return liveChannel(
    client,
    `pitlane:registration:${registrationId}`,
    (channel) =>
      channel.on(
        "postgres_changes",
        {
          event: "UPDATE",
          schema: "public",
          table: "event_registrations",
          filter: `id=eq.${registrationId}`,
        },
        (change: Change<"event_registrations">) =>
          onChange(change.new as Row<"event_registrations">),
      ),
    options,
  );
}

/**
 * A waitlisted registration's place, told now and whenever it may have moved: the registration
 * changed (offered, cancelled) or its event's counts did (someone ahead left). `null` once it is
 * no longer waiting. Each change asks the database again (`waitlist_position`).
 */
function liveWaitlistPosition(
  client: PitlaneSupabase,
  registration: { id: string; event_id: string },
  onPosition: (position: number | null) => void,
  options: LiveOptions = {},
): Live {
  let asked = 0;
  const refresh = async () => {
    const ask = ++asked;
    const { data, error } = await client.rpc("waitlist_position", {
      p_registration_id: registration.id,
    });
    // Answers can cross: only the latest question's answer is news.
    if (!error && ask === asked) onPosition(data);
  };
  return liveChannel(
    client,
    `pitlane:waitlist:${registration.id}`,
    (channel) => {
      channel.on(
        "postgres_changes",
        {
          event: "UPDATE",
          schema: "public",
          table: "event_registrations",
          filter: `id=eq.${registration.id}`,
        },
        () => void refresh(),
      );
      channel.on(
        "postgres_changes",
        {
          event: "UPDATE",
          schema: "public",
          table: "events",
          filter: `id=eq.${registration.event_id}`,
        },
        () => void refresh(),
      );
    },
    // Also on every (re)join: changes missed while not live are caught up.
    { ...options, onJoin: () => void refresh() },
  );
}

/**
 * An invoice's payment status, told now and whenever the provider's webhook (or an expiry, a void,
 * a refund) changes it: `onInvoice` gets the row each time its status or amounts differ from the
 * last one told. Each change asks for the row again (RLS: the owner, the seller's admins, platform
 * admins), so answers arrive in order and a rejoin catches up on what was missed meanwhile.
 */
function liveInvoice(
  client: PitlaneSupabase,
  invoiceId: string,
  onInvoice: (invoice: Row<"invoices">) => void,
  options: LiveOptions = {},
): Live {
  let asked = 0;
  let told = "";
  const refresh = async () => {
    const ask = ++asked;
    const { data } = await client.from("invoices").select("*").eq("id", invoiceId).maybeSingle();
    if (!data || ask !== asked) return;
    const state = `${data.status}/${data.amount_paid}/${data.amount_refunded}`;
    if (state === told) return;
    told = state;
    onInvoice(data);
  };
  return liveChannel(
    client,
    `pitlane:invoice:${invoiceId}`,
    (channel) =>
      channel.on(
        "postgres_changes",
        { event: "UPDATE", schema: "public", table: "invoices", filter: `id=eq.${invoiceId}` },
        () => void refresh(),
      ),
    { ...options, onJoin: () => void refresh() },
  );
}

/** Check-ins of an event as they are recorded (its staff; RLS hides them from anyone else). */
function liveCheckIns(
  client: PitlaneSupabase,
  eventId: string,
  onCheckIn: (checkIn: Row<"event_check_ins">) => void,
  options: LiveOptions = {},
): Live {
  return liveChannel(
    client,
    `pitlane:check-ins:${eventId}`,
    (channel) =>
      channel.on(
        "postgres_changes",
        {
          event: "INSERT",
          schema: "public",
          table: "event_check_ins",
          filter: `event_id=eq.${eventId}`,
        },
        (change: Change<"event_check_ins">) => onCheckIn(change.new as Row<"event_check_ins">),
      ),
    options,
  );
}

/** The helpers bound to one client: `pitlane.live.notifications(…)`. */
export function live(client: PitlaneSupabase) {
  return {
    notifications: (
      onNotification: Parameters<typeof liveNotifications>[1],
      options?: LiveOptions,
    ) => liveNotifications(client, onNotification, options),
    chatThread: (
      threadId: string,
      userId: string,
      handlers: ChatThreadHandlers,
      options?: LiveOptions,
    ) => liveChatThread(client, threadId, userId, handlers, options),
    registration: (
      registrationId: string,
      onChange: Parameters<typeof liveRegistration>[2],
      options?: LiveOptions,
    ) => liveRegistration(client, registrationId, onChange, options),
    waitlistPosition: (
      registration: { id: string; event_id: string },
      onPosition: (position: number | null) => void,
      options?: LiveOptions,
    ) => liveWaitlistPosition(client, registration, onPosition, options),
    invoice: (
      invoiceId: string,
      onInvoice: Parameters<typeof liveInvoice>[2],
      options?: LiveOptions,
    ) => liveInvoice(client, invoiceId, onInvoice, options),
    checkIns: (
      eventId: string,
      onCheckIn: Parameters<typeof liveCheckIns>[2],
      options?: LiveOptions,
    ) => liveCheckIns(client, eventId, onCheckIn, options),
  };
}
