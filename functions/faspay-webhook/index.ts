// Faspay payment notification (verify_jwt = false: Faspay signs with the merchant's credentials).
//
// Signature per Faspay: sha1(md5(user_id + password + bill_no + payment_status_code)); a bad one
// is a 400 and changes nothing. Faspay's status codes map to invoice actions; each notification
// is applied once by (trx_id, status code), since Faspay repeats a notification until it gets
// its expected answer: {response, trx_id, merchant_id, merchant, bill_no, response_code "00",
// response_desc, response_date}.
import { z } from "zod";
import { errorResponse, HttpError, json, serve } from "../_shared/http.ts";
import { MAX_INTEGER, parseInput, readText, text } from "../_shared/input.ts";
import {
  faspayConfig,
  faspayDate,
  faspaySignature,
  fromFaspayDate,
  ProviderAction,
  sameSignature,
} from "../_shared/payments.ts";
import { adminClient, fromPostgrest } from "../_shared/supabase.ts";

/** A field Faspay sends as a string or a number, kept as text. */
const field = (max: number) => z.union([text(max, 1), z.number().finite()]).transform(String);
/** An amount in rupiah (no minor unit), as Faspay writes it ("150000" or "150000.00"), that fits an integer. */
const rupiah = field(13).refine(
  (value) => /^\d{1,10}(\.0{1,2})?$/.test(value) && Number(value) <= MAX_INTEGER,
  {
    message: "must be an amount in rupiah",
  },
);

/**
 * "YYYY-MM-DD HH:MM:SS" naming a real moment: 2026-02-30 or 25:00 do not come back the same. A
 * payment is no older than Faspay itself, so a year before 2000 is refused too; year 0 would
 * otherwise reach PostgreSQL, which has no year 0.
 */
function isCalendarDate(value: string): boolean {
  const date = new Date(`${value.replace(" ", "T")}Z`);
  return (
    !Number.isNaN(date.getTime()) &&
    date.getUTCFullYear() >= 2000 &&
    date.toISOString().slice(0, 19) === value.replace(" ", "T")
  );
}

const Notification = z.object({
  request: text(200).optional(),
  trx_id: field(64),
  merchant_id: field(32),
  merchant: text(200).optional(),
  bill_no: text(64, 1),
  payment_reff: field(200).optional().nullable(),
  // Faspay's "YYYY-MM-DD HH:MM:SS" (Jakarta time), a real date.
  payment_date: text(19)
    .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    .refine(isCalendarDate, { message: "must be a date" })
    .optional()
    .nullable(),
  payment_status_code: field(4),
  payment_status_desc: text(500).optional().nullable(),
  bill_total: rupiah.optional(),
  payment_total: rupiah.optional(),
  payment_channel_uid: field(32).optional().nullable(),
  payment_channel: text(200).optional().nullable(),
  signature: text(128, 1),
});

type Notification = z.infer<typeof Notification>;

/** Faspay's status codes (0 unprocessed … 9 unknown) as what they mean for the invoice. */
function actionFor(n: Notification): Record<string, unknown> {
  const target = {
    invoice_number: n.bill_no,
    provider_reference: n.trx_id,
    status_desc: n.payment_status_desc ?? undefined,
  };
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

/** Faspay posts JSON or a form. */
async function readBody(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  const body = await readText(req);
  try {
    if (
      type.includes("application/x-www-form-urlencoded") ||
      type.includes("multipart/form-data")
    ) {
      return Object.fromEntries(
        (await new Response(body, { headers: { "content-type": type } }).formData()).entries(),
      );
    }
    return JSON.parse(body);
  } catch {
    throw new HttpError(400, "invalid_json", "the notification must be JSON or a form");
  }
}

serve(async (req) => {
  if (req.method !== "POST")
    throw new HttpError(405, "method_not_allowed", "Faspay POSTs notifications");
  const faspay = faspayConfig();
  const notification = parseInput(Notification, await readBody(req));
  const expected = faspaySignature(
    faspay.userId,
    faspay.password,
    notification.bill_no,
    notification.payment_status_code,
  );
  if (
    !sameSignature(expected, notification.signature) ||
    notification.merchant_id !== faspay.merchantId
  ) {
    return errorResponse(400, "invalid_signature", "the signature does not match");
  }

  const { data, error } = await adminClient().rpc("apply_provider_event", {
    p_provider: "faspay",
    p_event_id: `${notification.trx_id}:${notification.payment_status_code}`,
    p_event_type: `payment_notification.${notification.payment_status_code}`,
    p_payload: notification,
    p_action: parseInput(ProviderAction, actionFor(notification)),
  });
  if (error) throw fromPostgrest(error);
  const result = data as { status: string };
  if (result.status === "unmatched")
    console.warn(
      `faspay-webhook: bill ${notification.bill_no} (trx ${notification.trx_id}) matches no invoice`,
    );

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
