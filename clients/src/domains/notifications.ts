// Notifications: the bell (list, unread counts, mark read) and per-type preferences.
import { type Args, type PitlaneSupabase, rows, rpc, sorted } from "../call.ts";

export function notifications(client: PitlaneSupabase) {
  return {
    list: (limit = 50) =>
      rows(sorted(client.from("notifications").select("*"), { created_at: "desc" }).limit(limit)),
    unreadCounts: () => rpc(client, "unread_notification_counts", {}),
    /** Marks the given notifications read, or all of them; answers how many changed. */
    markRead: (ids?: string[]) => rpc(client, "mark_notifications_read", { p_ids: ids }),
    preferences: () => rpc(client, "get_notification_preferences", {}),
    setPreference: (args: Args<"set_notification_preference">) =>
      rpc(client, "set_notification_preference", args),
  };
}
