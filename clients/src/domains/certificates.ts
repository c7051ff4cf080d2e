// Certificates: earning one, one's own, public verification by code, the PDF and the signed Open Badge from the
// `certificates` edge function.
import { invoke, type PitlaneSupabase, type Row, rows, rpc, userId, sorted } from "../call.ts";

/** `GET certificates/<id>/pdf`: the certificate and a fresh signed URL to its PDF. */
export interface CertificatePdf {
  certificate: Row<"certificates">;
  pdf: { path: string; signed_url: string; expires_in: number };
}

export function certificates(client: PitlaneSupabase) {
  return {
    mine: async () =>
      rows(
        sorted(
          client
            .from("certificates")
            .select("*")
            .eq("holder_id", await userId(client)),
          { issued_at: "desc" },
        ),
      ),
    /**
     * Earns the certificate of an attended registration or a completed enrollment (the holder, or
     * the organization's staff for anyone's), with its PDF; the one already issued if there is one.
     */
    issue: (source: { registration_id: string } | { enrollment_id: string }, cpdCycle?: string) =>
      invoke<CertificatePdf>(client, "certificates/issue", { ...source, cpd_cycle: cpdCycle }),
    /** Anyone with the anon key: the certificate's public facts, or 404 for an unknown code. */
    verify: (code: string) => rpc(client, "verify_certificate", { p_code: code }),
    /** A signed URL to the PDF (made and stored on first request), for the holder and staff. */
    pdf: (certificateId: string) =>
      invoke<CertificatePdf>(
        client,
        `certificates/${encodeURIComponent(certificateId)}/pdf`,
        undefined,
        {
          method: "GET",
        },
      ),
  };
}
