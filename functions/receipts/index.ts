// Receipts: POST /receipts {invoice_id} → a signed URL to the PDF receipt of the caller's paid
// invoice. The PDF (pdf-lib) is made once, stored privately in the receipts bucket at
// <owner id>/<invoice id>.pdf, and signed as the caller, so the bucket's policy decides.
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
// The body's schema is shared with the SDK.
import { ReceiptBody as Input } from "../../clients/src/schemas/payments.ts";
import { HttpError, json, serve } from "../_shared/http.ts";
import { readJson } from "../_shared/input.ts";
import { callersInvoice } from "../_shared/invoices.ts";
import { adminClient, fromPostgrest, type Row } from "../_shared/supabase.ts";

/** The invoice as a receipt prints it: the schema's columns, with its items embedded. */
type Invoice = Pick<
  Row<"invoices">,
  | "id"
  | "number"
  | "user_id"
  | "status"
  | "currency"
  | "total_amount"
  | "amount_paid"
  | "amount_refunded"
  | "provider"
  | "channel"
  | "channel_desc"
  | "provider_payment_id"
  | "va_number"
  | "paid_at"
  | "receipt_path"
> & {
  invoice_items: Array<
    Pick<Row<"invoice_items">, "description" | "quantity" | "unit_amount" | "amount">
  >;
};

function money(minor: number, currency: string): string {
  const format = new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    currencyDisplay: "code",
  });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits).replace(/\u00a0/g, " ");
}

/** Helvetica writes WinAnsi only: anything else becomes "?". */
const safe = (value: string) => value.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, "?");

async function receiptPdf(invoice: Invoice, billedTo: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Receipt ${invoice.number}`);
  pdf.setProducer("Pitlane");
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let y = 780;
  const line = (text: string, options: { size?: number; bold?: boolean; x?: number } = {}) => {
    page.drawText(safe(text), {
      x: options.x ?? 50,
      y,
      size: options.size ?? 11,
      font: options.bold ? bold : font,
      color: rgb(0.1, 0.1, 0.1),
    });
  };
  line("Pitlane", { size: 20, bold: true });
  y -= 30;
  line(`Receipt for invoice ${invoice.number}`, { size: 14, bold: true });
  y -= 24;
  line(`Billed to: ${billedTo}`);
  y -= 16;
  line(
    `Paid: ${invoice.paid_at ? new Date(invoice.paid_at).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "-"}`,
  );
  y -= 16;
  line(
    `Method: ${[invoice.provider, invoice.channel_desc ?? invoice.channel].filter(Boolean).join(" / ")}${invoice.va_number ? ` (VA ${invoice.va_number})` : ""}`,
  );
  y -= 16;
  line(`Payment reference: ${invoice.provider_payment_id ?? "-"}`);
  y -= 30;
  line("Item", { bold: true });
  line("Qty", { bold: true, x: 340 });
  line("Amount", { bold: true, x: 420 });
  y -= 18;
  for (const item of invoice.invoice_items) {
    line(item.description.slice(0, 60));
    line(String(item.quantity), { x: 340 });
    // amount is a stored generated column (quantity × unit_amount), which the types leave nullable.
    line(money(item.amount ?? item.quantity * item.unit_amount, invoice.currency), { x: 420 });
    y -= 16;
  }
  y -= 10;
  line("Total paid", { bold: true });
  line(money(invoice.amount_paid, invoice.currency), { bold: true, x: 420 });
  if (invoice.amount_refunded > 0) {
    y -= 16;
    line("Refunded");
    line(`-${money(invoice.amount_refunded, invoice.currency)}`, { x: 420 });
  }
  return pdf.save();
}

serve(async (req) => {
  if (req.method !== "POST") throw new HttpError(405, "method_not_allowed", "use POST");
  const input = await readJson(req, Input);
  const { caller, user, invoice } = await callersInvoice<Invoice>(
    req,
    input.invoice_id,
    "id, number, user_id, status, currency, total_amount, amount_paid, amount_refunded, provider, channel, channel_desc, provider_payment_id, va_number, paid_at, receipt_path, invoice_items(description, quantity, unit_amount, amount)",
  );
  if (!["paid", "partially_refunded", "refunded"].includes(invoice.status)) {
    throw new HttpError(
      400,
      "rejected",
      `only a paid invoice has a receipt: this one is ${invoice.status}`,
    );
  }

  let path = invoice.receipt_path;
  if (!path) {
    const admin = adminClient();
    const { data: profile } = await admin
      .from("profiles")
      .select("display_name")
      .eq("id", invoice.user_id)
      .single();
    path = `${invoice.user_id}/${invoice.id}.pdf`;
    const pdf = await receiptPdf(
      invoice,
      `${profile?.display_name ?? "Member"} <${user.email ?? ""}>`,
    );
    const { error: uploadError } = await admin.storage
      .from("receipts")
      .upload(path, pdf, { contentType: "application/pdf", upsert: true });
    if (uploadError) throw new Error(`storing the receipt failed: ${uploadError.message}`);
    const { error: attachError } = await admin.rpc("attach_invoice_receipt", {
      p_invoice_id: invoice.id,
      p_path: path,
    });
    if (attachError) throw fromPostgrest(attachError);
  }
  const { data: signed, error: signError } = await caller.storage
    .from("receipts")
    .createSignedUrl(path, input.expires_in ?? 600);
  if (signError || !signed) throw new Error(`signing the receipt failed: ${signError?.message}`);
  return json({ invoice_id: invoice.id, path, signed_url: signed.signedUrl });
});
