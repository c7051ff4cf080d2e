-- Demo data for payments: products of the catalogue, and invoices that went through the same RPCs
-- and webhook hook as the apps and edge functions do (apply_provider_event with the action the
-- webhook functions derive from Stripe's and Faspay's events).
--   - member11's held masterclass seat has an open invoice to pay into Faspay virtual account
--     8985310040000011 (it expires with the hold; the seed of 0001 keeps that seat held);
--   - eko buys two products with Stripe; member12 has an open cart invoice.

create or replace function pg_temp.act_as(p_user_id uuid)
returns void
language sql
as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_user_id, 'role', 'authenticated')::text, true);
$$;

-- Members may cancel a paid masterclass seat for a refund until three days before it starts.
update public.events set refund_cutoff_hours = 72 where id = 'e1000000-0000-4000-8000-000000000003';

insert into public.products (id, sku, name, description, price_amount, currency, is_active, stock, created_by) values
  ('e9000000-0000-4000-8000-000000000001', 'CLUB-CAP-01', 'Club cap', 'Embroidered Nusantara Motor cap.', 15000000, 'IDR', true, 40, 'a0000000-0000-4000-8000-000000000001'),
  ('e9000000-0000-4000-8000-000000000002', 'CLUB-TEE-01', 'Club T-shirt', 'Cotton tee with the club crest.', 22500000, 'IDR', true, 25, 'a0000000-0000-4000-8000-000000000001'),
  ('e9000000-0000-4000-8000-000000000003', 'OBD-DONGLE-01', 'OBD-II dongle', 'Bluetooth OBD-II reader for the diagnostics bootcamp.', 4900, 'USD', true, null, 'a0000000-0000-4000-8000-000000000001'),
  ('e9000000-0000-4000-8000-000000000004', 'TORQUE-GUIDE', 'Torque specification guide', 'Printed guide (out of print).', 1900, 'USD', false, 0, 'a0000000-0000-4000-8000-000000000001');

insert into public.product_images (product_id, storage_path, alt_text, is_primary, position) values
  ('e9000000-0000-4000-8000-000000000001', 'e9000000-0000-4000-8000-000000000001/front.jpg', 'Club cap, front', true, 1),
  ('e9000000-0000-4000-8000-000000000002', 'e9000000-0000-4000-8000-000000000002/front.jpg', 'Club T-shirt, front', true, 1),
  ('e9000000-0000-4000-8000-000000000003', 'e9000000-0000-4000-8000-000000000003/dongle.jpg', 'OBD-II dongle', true, 1);

-- member11's held masterclass seat: an invoice with a Faspay virtual account, not paid yet.
select pg_temp.act_as('d0000000-0000-4000-8000-000000000011'), public.checkout_event_registration(id)
from public.event_registrations
where event_id = 'e1000000-0000-4000-8000-000000000003'
  and user_id = 'd0000000-0000-4000-8000-000000000011'
  and status = 'pending_payment';
select set_config('request.jwt.claims', '', true);
select public.attach_invoice_checkout(i.id, 'faspay', '8985310040000011', 'https://xpress-sandbox.faspay.co.id/v4/8985310040000011', '402', 'Virtual account', '8985310040000011')
from public.invoices i
where i.user_id = 'd0000000-0000-4000-8000-000000000011' and i.status = 'open';

-- eko buys a cap and a T-shirt with Stripe.
select pg_temp.act_as('b0000000-0000-4000-8000-000000000004'), public.checkout_products(
  '[{"product_id": "e9000000-0000-4000-8000-000000000001", "quantity": 1}, {"product_id": "e9000000-0000-4000-8000-000000000002", "quantity": 1}]'
);
select set_config('request.jwt.claims', '', true);
select public.attach_invoice_checkout(i.id, 'stripe', 'cs_test_seed_eko', 'https://checkout.stripe.com/c/pay/cs_test_seed_eko', 'card', 'Stripe Checkout')
from public.invoices i
where i.user_id = 'b0000000-0000-4000-8000-000000000004' and i.status = 'open' and i.organization_id is null;
select public.apply_provider_event(
  'stripe', 'evt_seed_eko_checkout', 'checkout.session.completed',
  jsonb_build_object('id', 'evt_seed_eko_checkout', 'type', 'checkout.session.completed'),
  jsonb_build_object('kind', 'payment', 'invoice_id', i.id, 'provider_reference', 'cs_test_seed_eko',
    'provider_payment_id', 'pi_seed_eko', 'amount', i.total_amount, 'currency', 'idr', 'channel', 'card')
)
from public.invoices i
where i.user_id = 'b0000000-0000-4000-8000-000000000004' and i.status = 'open' and i.organization_id is null;

-- member12 has a cart invoice waiting for payment.
select pg_temp.act_as('d0000000-0000-4000-8000-000000000012'), public.checkout_products(
  '[{"product_id": "e9000000-0000-4000-8000-000000000003", "quantity": 2}]'
);
select set_config('request.jwt.claims', '', true);
