// Payments and invoices: one's invoices, checkout for a registration, enrollment, products or a
// membership (the database prices them), the provider checkout, refunds and receipts through the
// `payments` and `receipts` edge functions, whose request bodies are checked here with the same
// schemas the functions parse with.
import {
  invoke,
  type PitlaneSupabase,
  type Row,
  rows,
  rpc,
  sorted,
  userId,
  validate,
} from "../call.ts";
import {
  CancelRegistrationBody,
  CheckoutBody,
  ReceiptBody,
  RefundBody,
} from "../schemas/payments.ts";

/** `payments/checkout`'s answer: the invoice's checkout columns (a Stripe URL or a Faspay account). */
export type CheckoutAnswer = { invoice_id: string } & Pick<
  Row<"invoices">,
  "number" | "provider" | "checkout_url" | "va_number" | "expires_at" | "total_amount" | "currency"
>;

export function payments(client: PitlaneSupabase) {
  return {
    /**
     * The signed-in person's invoices, newest first. The user_id filter repeats what RLS allows:
     * a policy is a filter on every row, and only the query's own condition lets PostgreSQL read
     * the person's rows by index (a sequential scan of every invoice otherwise).
     */
    invoices: async () =>
      rows(
        sorted(
          client
            .from("invoices")
            .select("*, invoice_items(*)")
            .eq("user_id", await userId(client)),
          { created_at: "desc" },
        ),
      ),
    invoice: (id: string) =>
      rows(client.from("invoices").select("*, invoice_items(*)").eq("id", id).single()),
    /** The open invoice for a pending-payment registration. */
    checkoutRegistration: (registrationId: string) =>
      rpc(client, "checkout_event_registration", { p_registration_id: registrationId }),
    checkoutProducts: (items: { product_id: string; quantity: number }[]) =>
      rpc(client, "checkout_products", { p_items: items }),
    /** Part of an open invoice paid with reward points, before its checkout starts. */
    applyPoints: (invoiceId: string, points: number) =>
      rows(
        client.rpc("apply_reward_points", { p_invoice_id: invoiceId, p_points: points }).single(),
      ),
    /** Starts the provider's checkout for an open invoice of the caller's. */
    checkout: (body: CheckoutBody) =>
      invoke<CheckoutAnswer>(client, "payments/checkout", validate(CheckoutBody, body)),
    /** Organization or platform admins. */
    refund: (body: RefundBody) =>
      invoke<Record<string, unknown>>(client, "payments/refund", validate(RefundBody, body)),
    /** A paid seat cancelled under the event's refund policy. */
    cancelPaidRegistration: (body: CancelRegistrationBody) =>
      invoke<Record<string, unknown>>(
        client,
        "payments/cancel-registration",
        validate(CancelRegistrationBody, body),
      ),
    /** A signed URL to the PDF receipt of a paid invoice. */
    receipt: (body: ReceiptBody) =>
      invoke<{ invoice_id: string; path: string; signed_url: string }>(
        client,
        "receipts",
        validate(ReceiptBody, body),
      ),
  };
}
