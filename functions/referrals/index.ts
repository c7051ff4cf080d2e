// Referral crediting: POST /referrals {referral_id} (service role only). The database calls it
// with pg_net when a referred person's first membership payment qualifies their referral (queued
// in the payment's transaction, so it is sent only if that commits), and pg_cron calls it again
// for referrals still qualified a minute later. credit_referral writes the rewards exactly once:
// repeated or concurrent calls for one referral answer `credited_now: false`.
import { z } from "zod";
import { HttpError, json, requireEnv, serve } from "../_shared/http.ts";
import { readJson, uuid } from "../_shared/input.ts";
import { adminClient, fromPostgrest } from "../_shared/supabase.ts";

const Input = z.object({ referral_id: uuid });

serve(async (req) => {
  if (req.method !== "POST")
    throw new HttpError(405, "method_not_allowed", "POST {referral_id} to credit a referral");
  if (req.headers.get("Authorization") !== `Bearer ${requireEnv("SUPABASE_SERVICE_ROLE_KEY")}`)
    throw new HttpError(403, "forbidden", "only the database credits referrals");
  const input = await readJson(req, Input);
  const { data, error } = await adminClient().rpc("credit_referral", {
    p_referral_id: input.referral_id,
  });
  if (error) throw fromPostgrest(error);
  return json(data);
});
