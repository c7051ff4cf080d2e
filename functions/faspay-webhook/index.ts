// Faspay payment notification (verify_jwt = false: Faspay signs with the merchant's credentials).
//
// Signature per Faspay: sha1(md5(user_id + password + bill_no + payment_status_code)); a bad one
// is a 400 and changes nothing. Faspay's status codes map to invoice actions; each notification
// is applied once by (trx_id, status code), since Faspay repeats a notification until it gets
// its expected answer: {response, trx_id, merchant_id, merchant, bill_no, response_code "00",
// response_desc, response_date}.
import { z } from "zod";
import { errorResponse, HttpError, json, serve } from "../_shared/http.ts";
import { faspayConfig, faspayDate, faspaySignature, fromFaspayDate, sameSignature } from "../_shared/payments.ts";
import { adminClient, fromPostgrest } from "../_shared/supabase.ts";

const text = z.union([z.string(), z.number()]).transform(String);

const Notification = z.object({
  request: z.string().optional(),
  trx_id: text,
  merchant_id: text,
  merchant: z.string().optional(),
  bill_no: z.string().min(1),
  payment_reff: text.optional().nullable(),
  payment_date: z.string().optional().nullable(),
  payment_status_code: text,
  payment_status_desc: z.string().optional().nullable(),
  bill_total: text.optional(),
  payment_total: text.optional(),
  payment_channel_uid: text.optional().nullable(),
  payment_channel: z.string().optional().nullable(),
  signature: z.string().min(1),
});

type Notification = z.infer<typeof Notification>;

/** Faspay's status codes (0 unprocessed … 9 unknown) as what they mean for the invoice. */
function actionFor(n: Notification): Record<string, unknown> {
  const target = { invoice_number: n.bill_no, provider_reference: n.trx_id, status_desc: n.payment_status_desc ?? undefined };
  const amount = Number(n.payment_total ?? n.bill_total);
  switch (n.payment_status_code) {
    case "2":
      return {
        kind: "payment",
        ...target,
        provider_payment_id: n.trx_id,
        amount: Number.isFinite(amount) ? amount : undefined,
        currency: "IDR",
        channel: n.payment_channel_uid ?? undefined,
        channel_desc: n.payment_channel ?? undefined,
        va_number: /^[0-9]{4,32}$/.test(n.trx_id) && n.payment_channel_uid ? n.trx_id : undefined,
        paid_at: fromFaspayDate(n.payment_date ?? undefined),
      };
    case "4": // payment reversal: the money went back to the payer
      return {
        kind: "refund",
        ...target,
        provider_payment_id: n.trx_id,
        refunds: [{ provider_refund_id: `${n.trx_id}:reversal`, amount, status: "succeeded" }],
      };
    case "3":
      return { kind: "failed", ...target };
    case "7":
      return { kind: "expired", ...target };
    case "8":
      return { kind: "cancelled", ...target };
    case "0":
    case "1":
      return { kind: "pending", ...target };
    default: // 5 no bills found, 9 unknown
      return { kind: "ignore" };
  }
}

async function readBody(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    return Object.fromEntries((await req.formData()).entries());
  }
  return req.json().catch(() => {
    throw new HttpError(400, "invalid_json", "the notification must be JSON or a form");
  });
}

serve(async (req) => {
  if (req.method !== "POST") throw new HttpError(405, "method_not_allowed", "Faspay POSTs notifications");
  const parsed = Notification.safeParse(await readBody(req));
  if (!parsed.success) return errorResponse(400, "invalid_request", `not a Faspay payment notification: ${parsed.error.issues[0]?.path.join(".")}`);
  const notification = parsed.data;
  const faspay = faspayConfig();
  const expected = faspaySignature(faspay.userId, faspay.password, notification.bill_no, notification.payment_status_code);
  if (!sameSignature(expected, notification.signature) || notification.merchant_id !== faspay.merchantId) {
    return errorResponse(400, "invalid_signature", "the signature does not match");
  }

  const { data, error } = await adminClient().rpc("apply_provider_event", {
    p_provider: "faspay",
    p_event_id: `${notification.trx_id}:${notification.payment_status_code}`,
    p_event_type: `payment_notification.${notification.payment_status_code}`,
    p_payload: notification,
    p_action: actionFor(notification),
  });
  if (error) throw fromPostgrest(error);
  const result = data as { status: string };
  if (result.status === "unmatched") console.warn(`faspay-webhook: bill ${notification.bill_no} (trx ${notification.trx_id}) matches no invoice`);

  return json({
    response: "Payment Notification",
    trx_id: notification.trx_id,
    merchant_id: notification.merchant_id,
    merchant: faspay.merchantName,
    bill_no: notification.bill_no,
    response_code: "00",
    response_desc: "Success",
    response_date: faspayDate(new Date()),
  });
});
