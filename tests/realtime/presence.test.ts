import { randomUUID } from "node:crypto";
import type { RealtimeChannel } from "@supabase/supabase-js";
import { describe, expect, it } from "vitest";
import { Inbox, joined, realtimeClient, serializers } from "./helpers.ts";

/** A channel that records every presence join and leave, keyed by presence key. */
function watch(channel: RealtimeChannel) {
  const events = new Inbox<{ event: string; key: string; metas: Record<string, unknown>[] }>();
  channel
    .on("presence", { event: "join" }, ({ key, newPresences }) =>
      events.push({ event: "join", key, metas: newPresences }),
    )
    .on("presence", { event: "leave" }, ({ key, leftPresences }) =>
      events.push({ event: "leave", key, metas: leftPresences }),
    );
  return events;
}

describe.each(serializers)("presence over vsn %s", (vsn) => {
  it("tracks, sends the state on join, diffs on change and cleans up when a socket drops", async () => {
    const room = `presence-${randomUUID().slice(0, 8)}`;
    const aliceClient = await realtimeClient({ vsn });
    const alice = aliceClient.channel(room, { config: { presence: { key: "alice" } } });
    await joined(alice);
    expect(await alice.track({ status: "online" })).toBe("ok");

    // Bob joins after Alice tracked: the presence_state of his join already has her.
    const bob = (await realtimeClient({ vsn })).channel(room, {
      config: { presence: { key: "bob" } },
    });
    const seen = watch(bob);
    await joined(bob);
    await seen.count(1);
    expect(seen.items[0]).toMatchObject({
      event: "join",
      key: "alice",
      metas: [{ status: "online" }],
    });
    expect(bob.presenceState().alice).toEqual([
      expect.objectContaining({ status: "online", presence_ref: expect.any(String) }),
    ]);

    // A second track replaces the meta: a leave of the old one and a join of the new.
    expect(await alice.track({ status: "away" })).toBe("ok");
    await seen.until((items) =>
      items.some((e) => e.event === "join" && e.metas[0]?.status === "away"),
    );
    expect(bob.presenceState<{ status: string }>().alice?.map((m) => m.status)).toEqual(["away"]);

    expect(await alice.untrack()).toBe("ok");
    await seen.until((items) => items.filter((e) => e.event === "leave").length >= 2);
    expect(bob.presenceState()).toEqual({});

    expect(await alice.track({ status: "back" })).toBe("ok");
    await seen.until((items) => items.some((e) => e.metas[0]?.status === "back"));
    await aliceClient.realtime.disconnect();
    await seen.until(
      (items) => items.at(-1)?.event === "leave" && items.at(-1)?.metas[0]?.status === "back",
      "the leave of a dropped socket",
    );
    expect(bob.presenceState()).toEqual({});
  });
});
