// Forum: categories, threads and responses, views, accepted answers, votes, flags, follows,
// verified experts.
import type { Database } from "../../database.types.ts";
import {
  type Args,
  type Insert,
  type PitlaneSupabase,
  rows,
  rpc,
  sorted,
  userId,
} from "../call.ts";

export function forum(client: PitlaneSupabase) {
  return {
    categories: () =>
      rows(sorted(client.from("forum_categories").select("*"), { sort_order: "asc" })),
    /** A category's threads, pinned first, then by latest activity. */
    threads: (categoryId: string, limit = 20) =>
      rows(
        sorted(
          client
            .from("forum_threads")
            .select(
              "id, title, status, car_make, car_model, car_year, is_pinned, is_featured, view_count, response_count, last_activity_at, author:profiles!author_id(display_name)",
            )
            .eq("category_id", categoryId),
          { is_pinned: "desc", last_activity_at: "desc" },
        ).limit(limit),
      ),
    /** A thread with its responses, accepted and expert answers first. */
    thread: (id: string) =>
      rows(
        client
          .from("forum_threads")
          .select("*, forum_responses(*)")
          .eq("id", id)
          .order("is_accepted", { referencedTable: "forum_responses", ascending: false })
          .order("is_expert", { referencedTable: "forum_responses", ascending: false })
          .single(),
      ),
    startThread: (thread: Insert<"forum_threads">) =>
      rows(client.from("forum_threads").insert(thread).select().single()),
    respond: (threadId: string, body: string) =>
      rows(client.from("forum_responses").insert({ thread_id: threadId, body }).select().single()),
    recordView: (threadId: string) => rpc(client, "record_thread_view", { p_thread_id: threadId }),
    setStatus: (threadId: string, status: Database["public"]["Enums"]["forum_thread_status"]) =>
      rpc(client, "set_thread_status", { p_thread_id: threadId, p_status: status }),
    accept: (responseId: string, accepted = true) =>
      rpc(client, "accept_response", { p_response_id: responseId, p_accepted: accepted }),
    vote: (responseId: string, isHelpful: boolean) =>
      rows(
        client
          .from("forum_response_votes")
          .insert({ response_id: responseId, is_helpful: isHelpful })
          .select()
          .single(),
      ),
    flag: (args: Args<"flag_content">) => rpc(client, "flag_content", args),
    /** Moderators; a taken slug answers 409. */
    addCategory: (category: Insert<"forum_categories">) =>
      rows(client.from("forum_categories").insert(category).select().single()),
    /** New responses to the thread notify the follower. */
    follow: (threadId: string) =>
      rows(client.from("forum_thread_follows").insert({ thread_id: threadId }).select().single()),
    unfollow: async (threadId: string) => {
      await rows(
        client
          .from("forum_thread_follows")
          .delete()
          .eq("thread_id", threadId)
          .eq("user_id", await userId(client)),
      );
    },
    experts: () =>
      rows(client.from("forum_experts").select("*, profile:profiles!user_id(display_name)")),
    /** Documents go first to the private `expert-documents` bucket under one's own id. */
    applyAsExpert: (args: Args<"apply_for_expert_verification">) =>
      rpc(client, "apply_for_expert_verification", args),
    /** Moderators; a rejection needs a reason. */
    decideExpert: (args: Args<"decide_expert_verification">) =>
      rpc(client, "decide_expert_verification", args),
  };
}
