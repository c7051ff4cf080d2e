// Memberships, offers and referrals (the service-membership seed's rewards side).
import { type Args, type PitlaneSupabase, rows, rpc, sorted } from "../call.ts";

export function memberships(client: PitlaneSupabase) {
  return {
    plans: () =>
      rows(
        sorted(client.from("membership_plans").select("*").eq("is_active", true), {
          tier_rank: "asc",
        }),
      ),
    /** The caller's membership, tier and rewards balance (a JSON document). */
    mine: () => rpc(client, "my_membership", {}),
    /** An invoice for the plan, less the reward points spent. */
    checkout: (planId: string, rewardPoints?: number) =>
      rpc(client, "checkout_membership", { p_plan_id: planId, p_reward_points: rewardPoints }),
  };
}

export function offers(client: PitlaneSupabase) {
  return {
    available: (args: Args<"available_offers"> = {}) => rpc(client, "available_offers", args),
    redeem: (args: Args<"redeem_offer">) => rpc(client, "redeem_offer", args),
  };
}

export function referrals(client: PitlaneSupabase) {
  return {
    /** The caller's code, the people they referred and the rewards (a JSON document). */
    mine: () => rpc(client, "my_referrals", {}),
    apply: (code: string) => rpc(client, "apply_referral_code", { p_code: code }),
  };
}
