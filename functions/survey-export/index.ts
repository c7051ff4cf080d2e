// Survey export to Storage: POST /survey-export {survey_id, format?: "csv" | "json", expires_in?,
// object_kind?, object_id?} → a signed URL to a file of the survey's responses (those about the
// object when given, an event's including its sessions' and registrations'). export_survey_responses runs as the caller
// (only the survey's managers may: 403/404 otherwise); the file goes to the private
// survey-exports bucket under <survey id>/, and is signed as the caller, so the bucket's policy
// (sql/ survey exports migration) decides who gets a link.
import { HttpError, json, serve } from "../_shared/http.ts";
import { readJson } from "../_shared/input.ts";
import { adminClient, callerClient, fromPostgrest } from "../_shared/supabase.ts";
// The body's schema is shared with the SDK.
import { SurveyExportBody as Input } from "../../clients/src/schemas/surveys.ts";

const contentTypes = { csv: "text/csv", json: "application/json" } as const;

serve(async (req) => {
  if (req.method !== "POST") throw new HttpError(405, "method_not_allowed", "use POST");
  const input = await readJson(req, Input);
  const caller = callerClient(req);
  const { data: exported, error } = await caller.rpc("export_survey_responses", {
    p_survey_id: input.survey_id,
    p_format: input.format,
    p_object_kind: input.object_kind,
    p_object_id: input.object_id,
  });
  if (error) throw fromPostgrest(error);
  // Time first, so a survey's exports list oldest to newest; the random part keeps two exports
  // in the same millisecond apart.
  const path = `${input.survey_id}/${new Date().toISOString().replace(/[:.]/g, "-")}-${crypto.randomUUID().slice(0, 8)}.${input.format}`;
  const { error: uploadError } = await adminClient()
    .storage.from("survey-exports")
    .upload(path, new Blob([exported ?? ""], { type: contentTypes[input.format] }), {
      contentType: contentTypes[input.format],
    });
  if (uploadError) throw new Error(`storing the export failed: ${uploadError.message}`);
  const { data: signed, error: signError } = await caller.storage
    .from("survey-exports")
    .createSignedUrl(path, input.expires_in);
  if (signError || !signed) throw new Error(`signing the export failed: ${signError?.message}`);
  return json({
    survey_id: input.survey_id,
    format: input.format,
    path,
    signed_url: signed.signedUrl,
    expires_in: input.expires_in,
  });
});
