// Support chat: threads, messages (edited and deleted by their sender), read marks. Live messages, typing and presence are in
// `live.chatThread` (realtime.ts).
import { type PitlaneSupabase, rows, rpc, sorted } from "../call.ts";

export function chat(client: PitlaneSupabase) {
  return {
    threads: () => rpc(client, "my_chat_threads", {}),
    start: (subject: string, options: { organizationId?: string; body?: string } = {}) =>
      rpc(client, "start_chat_thread", {
        p_subject: subject,
        p_organization_id: options.organizationId,
        p_body: options.body,
      }),
    messages: (threadId: string, limit = 100) =>
      rows(
        sorted(client.from("chat_messages").select("*").eq("thread_id", threadId), {
          created_at: "asc",
        }).limit(limit),
      ),
    send: (threadId: string, body: string, attachments?: string[]) =>
      rows(
        client
          .from("chat_messages")
          .insert({ thread_id: threadId, body, attachments })
          .select()
          .single(),
      ),
    markRead: (threadId: string) => rpc(client, "mark_chat_read", { p_thread_id: threadId }),
    /** The sender, within the edit window of an open thread. */
    editMessage: (messageId: string, body: string) =>
      rpc(client, "edit_chat_message", { p_message_id: messageId, p_body: body }),
    /** The sender or a platform admin; the row stays, emptied, with `deleted_at` set. */
    deleteMessage: (messageId: string) =>
      rpc(client, "delete_chat_message", { p_message_id: messageId }),
    close: (threadId: string) => rpc(client, "close_chat_thread", { p_thread_id: threadId }),
  };
}
