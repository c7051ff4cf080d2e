// CPD credits: the ledger, totals per period and the CSV export.
import { type Args, type PitlaneSupabase, rows, rpc, sorted } from "../call.ts";

export function cpd(client: PitlaneSupabase) {
  return {
    entries: () =>
      rows(sorted(client.from("cpd_credit_entries").select("*"), { earned_at: "desc" })),
    totals: (args: Args<"cpd_credit_totals"> = {}) => rpc(client, "cpd_credit_totals", args),
    exportCsv: (from?: string, to?: string) =>
      rpc(client, "export_cpd_credits_csv", { p_from: from, p_to: to }),
  };
}
