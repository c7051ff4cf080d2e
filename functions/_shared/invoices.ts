// Shared by the payments and receipts functions: reading the caller's own invoice.
import type { User } from "@supabase/supabase-js";
import { HttpError } from "./http.ts";
import { callerClient, type Client, fromPostgrest, requireUser } from "./supabase.ts";

/**
 * The signed-in caller, their client and their own invoice with `columns` (which include user_id),
 * read under RLS. An invoice that does not exist, is hidden, or is someone else's is 404:
 * organization admins may read it, but checking out and receipts are for the payer.
 */
export async function callersInvoice<T extends { user_id: string }>(
  req: Request,
  invoiceId: string,
  columns: string,
): Promise<{ caller: Client; user: User; invoice: T }> {
  const caller = callerClient(req);
  const user = await requireUser(caller);
  const { data: invoice, error } = await caller
    .from("invoices")
    .select(columns)
    .eq("id", invoiceId)
    .maybeSingle<T>();
  if (error) throw fromPostgrest(error);
  if (!invoice || invoice.user_id !== user.id)
    throw new HttpError(404, "not_found", "invoice not found");
  return { caller, user, invoice };
}
