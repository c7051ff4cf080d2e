-- Invoices in the supabase_realtime publication, so that an app sees a payment's status change as
-- the provider's webhook applies it (issue 21: the SDK's `live.invoice` and the example app's
-- Stripe journey). RLS decides who hears a change, as for reads: the invoice's owner, the seller
-- organization's admins and platform admins.
alter publication supabase_realtime add table public.invoices;
