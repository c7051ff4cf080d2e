// Request bodies of the `payments` and `receipts` edge functions, parsed there and checked by the
// SDK before it calls them.
import { z } from "zod";
import { amount, text, uuid } from "./primitives.ts";

/** Where a provider sends the payer back: an http(s) URL of a sensible length. */
const returnTo = text(2048).pipe(
  z.url({ protocol: /^https?$/, message: "must be an http or https URL" }),
);

export const CheckoutBody = z.object({
  invoice_id: uuid,
  provider: z.enum(["stripe", "faspay"]),
  success_url: returnTo.optional(),
  cancel_url: returnTo.optional(),
  payment_channel: z
    .string()
    .regex(/^[0-9]{3}$/)
    .optional(),
});

export const RefundBody = z.object({
  invoice_id: uuid,
  amount: amount.optional(),
  reason: text(500).optional(),
  invoice_item_id: uuid.optional(),
});

export const CancelRegistrationBody = z.object({
  registration_id: uuid,
  reason: text(500).optional(),
});

export const CancelEnrollmentBody = z.object({
  enrollment_id: uuid,
  reason: text(500).optional(),
});

export const ReceiptBody = z.object({
  invoice_id: uuid,
  expires_in: z.number().int().min(10).max(86400).optional(),
});

export type CheckoutBody = z.infer<typeof CheckoutBody>;
export type RefundBody = z.infer<typeof RefundBody>;
export type CancelRegistrationBody = z.infer<typeof CancelRegistrationBody>;
export type CancelEnrollmentBody = z.infer<typeof CancelEnrollmentBody>;
export type ReceiptBody = z.infer<typeof ReceiptBody>;
