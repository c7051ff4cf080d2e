// The certificates edge function: makes the PDF of a certificate the database issued, keeps it in
// the private `certificates` bucket and hands out signed URLs; serves public verification and the
// Open Badges 3.0 export.
//
// Every decision is the database's: the function calls the RPCs of sql/0007_certificates.sql as
// the caller (callerClient), so their checks apply. The service role is used only to read the
// template's images and write the PDF of a certificate the caller was just allowed to read
// (certificate_document() answered them), and to record it (attach_certificate_pdf()).
//
// Routes (POST bodies are JSON; GET routes also answer POST):
//   POST /certificates/issue          { registration_id | enrollment_id, cpd_cycle? }  → { certificate, pdf }
//        issuing twice returns the same certificate and the same PDF
//   POST /certificates/issue-event    { event_id, cpd_cycle? }  bulk for an event's attendees → { certificates: [{ certificate, pdf }] }
//   POST /certificates/reissue        { certificate_id, cpd_cycle }  a new certificate for a new CPD cycle → { certificate, pdf }
//   POST /certificates/revoke         { certificate_id, reason }  → { certificate }
//   POST /certificates/expiry         { certificate_id, expires_at | null }  → { certificate }
//   GET  /certificates/<id>/pdf       a fresh signed URL (the PDF is made if it is missing) → { certificate, pdf }
//   GET  /certificates/<id>/badge     the Open Badges 3.0 credential as JSON-LD; with ?format=jwt or
//        Accept: application/vc+jwt (or application/jwt) the same credential signed as a VC-JWT
//   GET  /certificates/.well-known/jwks.json   the issuer's public key (JWKS) the VC-JWT's kid points at
//   GET  /certificates/verify/<code>  public verification (the anon key will do) → { verification }
//
// `pdf` is { path, signed_url, expires_in }. Errors are { error: { code, message } }.

import { z } from "zod";
import { corsHeaders, HttpError, json, serve } from "../_shared/http.ts";
import {
  dateTime,
  parseInput,
  pathSegments,
  readJson,
  readQuery,
  text,
  uuid,
} from "../_shared/input.ts";
import {
  adminClient,
  callerClient,
  type Client,
  type Database,
  fromPostgrest,
  type Row,
} from "../_shared/supabase.ts";
import { type CertificateDocument, type CertificateImages, renderCertificatePdf } from "./pdf.ts";
import { issuerKey, JWKS_PATH, jwks, signCredential } from "./signing.ts";

const BUCKET = "certificates";
const LOGO_BUCKET = "organization-logos";
/** Seconds a signed URL of a PDF stays valid; CERTIFICATES_SIGNED_URL_SECONDS overrides. */
const SIGNED_URL_SECONDS = Number(Deno.env.get("CERTIFICATES_SIGNED_URL_SECONDS") ?? 3600) || 3600;
/** Bulk issue makes at most this many PDFs at once. */
const BULK_CONCURRENCY = 4;

type CertificateRow = Row<"certificates">;

/** The database's functions, their arguments and results, as the generated types describe them. */
type Functions = Database["public"]["Functions"];

interface PdfLink {
  path: string;
  signed_url: string;
  expires_in: number;
}

const cycle = text(40).trim().min(1).optional();

const issueInput = z
  .object({ registration_id: uuid.optional(), enrollment_id: uuid.optional(), cpd_cycle: cycle })
  .refine(
    (input) => (input.registration_id === undefined) !== (input.enrollment_id === undefined),
    {
      message: "pass exactly one of registration_id and enrollment_id",
    },
  );
const issueEventInput = z.object({ event_id: uuid, cpd_cycle: cycle });
const reissueInput = z.object({ certificate_id: uuid, cpd_cycle: text(40).trim().min(1) });
const revokeInput = z.object({ certificate_id: uuid, reason: text(500).trim().min(1) });
const expiryInput = z.object({ certificate_id: uuid, expires_at: dateTime.nullable() });
const idInput = z.object({ certificate_id: uuid });
const codeInput = z.object({ code: text(64).trim().min(1) });
const badgeFormat = z.object({
  format: z.enum(["json", "jwt"], { message: 'format must be "json" or "jwt"' }).optional(),
});

/** The badge's form: ?format= decides, then the Accept header; JSON-LD unless a JWT is asked for. */
function wantsJwt(req: Request): { jwt: boolean; contentType: string } {
  const { format } = readQuery(req, badgeFormat);
  const accept = (req.headers.get("Accept") ?? "").toLowerCase();
  const contentType = accept.includes("application/vc+jwt")
    ? "application/vc+jwt"
    : "application/jwt";
  if (format) return { jwt: format === "jwt", contentType };
  return { jwt: /application\/(vc\+)?jwt/.test(accept), contentType };
}

/** Runs an RPC, turning its refusals into the function's errors. */
async function rpc<Fn extends keyof Functions>(
  client: Client,
  fn: Fn,
  args: Functions[Fn]["Args"],
): Promise<Functions[Fn]["Returns"]> {
  // supabase-js cannot resolve its overloads for a name still generic here; the signature above is the check.
  const { data, error } = await client.rpc(fn as keyof Functions, args as never);
  if (error) throw fromPostgrest(error);
  return data as Functions[Fn]["Returns"];
}

/** Downloads an object of the template's organization; anything else is not ours to print. */
async function download(
  admin: Client,
  bucket: string,
  path: string | null,
  folder: string,
): Promise<Uint8Array | undefined> {
  if (!path) return undefined;
  if (!path.startsWith(`${folder}/`) || path.includes("..")) {
    console.warn(`certificates: ignored ${bucket}/${path}, which is outside ${folder}/`);
    return undefined;
  }
  const { data, error } = await admin.storage.from(bucket).download(path);
  if (error || !data) {
    console.warn(`certificates: could not read ${bucket}/${path}: ${error?.message ?? "no data"}`);
    return undefined;
  }
  return new Uint8Array(await data.arrayBuffer());
}

/**
 * Makes and stores the PDF of a certificate the caller may read, unless it exists already.
 * certificate_document() runs as the caller: it is the authorization for the writes that follow.
 */
async function ensurePdf(caller: Client, certificate: CertificateRow): Promise<string> {
  if (certificate.pdf_path) return certificate.pdf_path;
  // jsonb, which the generated types leave as Json: its shape is certificate_document()'s.
  const doc = (await rpc(caller, "certificate_document", {
    p_certificate_id: certificate.id,
  })) as unknown as CertificateDocument;
  const admin = adminClient();
  const folder = doc.issuer.id ?? "platform";
  const [signature, background, logo] = await Promise.all([
    download(admin, BUCKET, doc.template.signature_image_path, `${folder}/templates`),
    download(admin, BUCKET, doc.template.background_path, `${folder}/templates`),
    doc.issuer.id ? download(admin, LOGO_BUCKET, doc.issuer.logo_path, doc.issuer.id) : undefined,
  ]);
  const images: CertificateImages = { signature, background, logo };
  const bytes = await renderCertificatePdf(doc, images);
  const upload = await admin.storage
    .from(BUCKET)
    .upload(
      doc.pdf_path,
      new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/pdf" }),
      {
        contentType: "application/pdf",
        upsert: true,
      },
    );
  if (upload.error) throw new Error(`storing ${doc.pdf_path}: ${upload.error.message}`);
  const attached = await rpc(admin, "attach_certificate_pdf", {
    p_certificate_id: certificate.id,
    p_pdf_path: doc.pdf_path,
  });
  certificate.pdf_path = attached.pdf_path;
  certificate.pdf_generated_at = attached.pdf_generated_at;
  return doc.pdf_path;
}

/** A signed URL made as the caller: the bucket's policy (holder or staff) decides once more. */
async function signedLink(caller: Client, path: string): Promise<PdfLink> {
  const { data, error } = await caller.storage
    .from(BUCKET)
    .createSignedUrl(path, SIGNED_URL_SECONDS);
  if (error || !data) throw new Error(`signing ${path}: ${error?.message ?? "no URL"}`);
  return { path, signed_url: data.signedUrl, expires_in: SIGNED_URL_SECONDS };
}

async function withPdf(caller: Client, certificate: CertificateRow) {
  const path = await ensurePdf(caller, certificate);
  return { certificate, pdf: await signedLink(caller, path) };
}

/** Runs `work` over `items`, at most `limit` at a time, keeping their order. */
async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The certificate row as the caller sees it (RLS: holder, the organization's staff). */
async function readCertificate(caller: Client, id: string): Promise<CertificateRow> {
  const { data, error } = await caller.from("certificates").select("*").eq("id", id).maybeSingle();
  if (error) throw fromPostgrest(error);
  if (!data) throw new HttpError(404, "not_found", "certificate not found");
  return data;
}

/** POST routes read the JSON body; GET routes the query string. */
function input<T>(req: Request, schema: z.ZodType<T>): Promise<T> {
  return req.method === "GET" ? Promise.resolve(readQuery(req, schema)) : readJson(req, schema);
}

function requireMethod(req: Request, ...methods: string[]): void {
  if (!methods.includes(req.method)) {
    throw new HttpError(405, "method_not_allowed", `use ${methods.join(" or ")} for this route`);
  }
}

serve(async (req) => {
  // /certificates/<route...>, as Supabase passes the path (the function's name first).
  const segments = pathSegments(req);
  const [first, second] = segments;

  // The issuer's public key, for verifiers of the VC-JWT (its `kid` points here): public data, the
  // one route that needs no caller (verify_jwt is off for this function; the others check below).
  if (segments.join("/") === JWKS_PATH) {
    requireMethod(req, "GET");
    return json(jwks(await issuerKey()), 200, {
      "Content-Type": "application/jwk-set+json",
      "Cache-Control": "public, max-age=300",
    });
  }

  const caller = callerClient(req);

  if (first === "issue" && segments.length === 1) {
    requireMethod(req, "POST");
    const body = await input(req, issueInput);
    const certificate = await rpc(caller, "issue_certificate", {
      p_registration_id: body.registration_id,
      p_enrollment_id: body.enrollment_id,
      p_cpd_cycle: body.cpd_cycle,
    });
    return json(await withPdf(caller, certificate));
  }

  if (first === "issue-event" && segments.length === 1) {
    requireMethod(req, "POST");
    const body = await input(req, issueEventInput);
    const certificates = await rpc(caller, "issue_event_certificates", {
      p_event_id: body.event_id,
      p_cpd_cycle: body.cpd_cycle,
    });
    return json({
      certificates: await mapLimited(certificates, BULK_CONCURRENCY, (certificate) =>
        withPdf(caller, certificate),
      ),
    });
  }

  if (first === "reissue" && segments.length === 1) {
    requireMethod(req, "POST");
    const body = await input(req, reissueInput);
    const certificate = await rpc(caller, "reissue_certificate", {
      p_certificate_id: body.certificate_id,
      p_cpd_cycle: body.cpd_cycle,
    });
    return json(await withPdf(caller, certificate));
  }

  if (first === "revoke" && segments.length === 1) {
    requireMethod(req, "POST");
    const body = await input(req, revokeInput);
    const certificate = await rpc(caller, "revoke_certificate", {
      p_certificate_id: body.certificate_id,
      p_reason: body.reason,
    });
    return json({ certificate });
  }

  if (first === "expiry" && segments.length === 1) {
    requireMethod(req, "POST");
    const body = await input(req, expiryInput);
    const certificate = await rpc(caller, "set_certificate_expiry", {
      p_certificate_id: body.certificate_id,
      // null clears the expiry: the generated types cannot say that an argument takes null.
      p_expires_at: body.expires_at as string,
    });
    return json({ certificate });
  }

  if (first === "verify" && segments.length <= 2) {
    requireMethod(req, "GET", "POST");
    const { code } = second ? parseInput(codeInput, { code: second }) : await input(req, codeInput);
    const rows = await rpc(caller, "verify_certificate", { p_code: code });
    return json({ verification: rows[0] });
  }

  if (first && second === "pdf" && segments.length === 2) {
    requireMethod(req, "GET", "POST");
    const { certificate_id } = parseInput(idInput, { certificate_id: first });
    return json(await withPdf(caller, await readCertificate(caller, certificate_id)));
  }

  if (first && second === "badge" && segments.length === 2) {
    requireMethod(req, "GET", "POST");
    const { certificate_id } = parseInput(idInput, { certificate_id: first });
    const { jwt, contentType } = wantsJwt(req);
    // The key first: without it there is no verifiable form to hand out (503), whoever asks.
    const key = jwt ? await issuerKey() : undefined;
    // The OpenBadgeCredential as certificate_open_badge() builds it for the caller (holder or staff).
    // jsonb: the OpenBadgeCredential as certificate_open_badge() builds it.
    const credential = (await rpc(caller, "certificate_open_badge", {
      p_certificate_id: certificate_id,
    })) as Record<string, unknown>;
    if (!key) {
      // JSON-LD without an embedded proof: the VC-JWT form below is its proof (an external proof).
      return json(credential, 200, {
        "Content-Disposition": `inline; filename="certificate-${certificate_id}.json"`,
      });
    }
    return new Response(await signCredential(credential, key), {
      headers: {
        ...corsHeaders,
        "Content-Type": contentType,
        "Content-Disposition": `inline; filename="certificate-${certificate_id}.jwt"`,
      },
    });
  }

  throw new HttpError(
    404,
    "not_found",
    `no route ${req.method} /certificates/${segments.join("/")}`,
  );
});
