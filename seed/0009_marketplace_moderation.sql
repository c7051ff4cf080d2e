-- Demo data for marketplace moderation, car deposits and seller verification (the migrations
-- marketplace_moderation, car_deposits and seller_verification), made through the same RPCs the
-- apps call:
--   member06@example.test   sells a 2015 Daihatsu Xenia with an IDR 5,000,000 deposit; sold to
--   member08@example.test   who paid the deposit through the checkout and reviewed member06
--                           (a verified purchase of a car)
--   member03@example.test   asked to be verified as a seller and was approved by the platform admin
--   eko@nusantara-club.test asked to be verified; the request waits in the platform admins' queue
--   member10@example.test   posted a spam comment on the Jazz; member09 and member11 flagged it, so
--                           it waits in the moderation queue (visible: the flags weigh 2 of 3)

create or replace function pg_temp.act_as(p_user_id uuid)
returns void
language sql
as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_user_id, 'role', 'authenticated')::text, true);
$$;

insert into public.car_listings (id, seller_id, title, make, model, year, mileage_km, transmission, fuel_type, condition, price_amount, currency, deposit_amount, city, country_code, latitude, longitude, description, status, created_at) values
  ('f2000000-0000-4000-8000-000000000005', 'd0000000-0000-4000-8000-000000000006', '2015 Daihatsu Xenia 1.3 R', 'Daihatsu', 'Xenia', 2015, 98000, 'manual', 'gasoline', 'used',
   11500000000, 'IDR', 500000000, 'Semarang', 'ID', -6.9667, 110.4167, 'Family MPV, reserve it with a deposit and pay the rest on pickup.', 'active', now() - interval '12 days');

-- member08 pays the deposit: the car is sold to them.
select pg_temp.act_as('d0000000-0000-4000-8000-000000000008'), public.checkout_products(
  jsonb_build_array(jsonb_build_object('product_id', (select product_id from public.car_listings where id = 'f2000000-0000-4000-8000-000000000005'), 'quantity', 1))
);
select pg_temp.act_as('a0000000-0000-4000-8000-000000000001'), public.record_manual_payment(i.id, 'Mandiri transfer 1102')
from public.invoices i
join public.invoice_items it on it.invoice_id = i.id
join public.car_listings c on c.product_id = it.product_id
where i.user_id = 'd0000000-0000-4000-8000-000000000008' and c.id = 'f2000000-0000-4000-8000-000000000005' and i.status = 'open';

select pg_temp.act_as('d0000000-0000-4000-8000-000000000008');
insert into public.seller_reviews (id, reviewer_id, seller_id, invoice_item_id, rating, communication_rating, accuracy_rating, title, body)
select 'f5000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000008', 'd0000000-0000-4000-8000-000000000006', it.id, 4, 5, 4,
  'Smooth handover', 'The Xenia was as described; the deposit held it for me for a week.'
from public.invoice_items it
join public.invoices i on i.id = it.invoice_id
join public.car_listings c on c.product_id = it.product_id
where i.user_id = 'd0000000-0000-4000-8000-000000000008' and c.id = 'f2000000-0000-4000-8000-000000000005' and i.status = 'paid';

-- Seller verification: member03 verified, eko waiting.
select pg_temp.act_as('d0000000-0000-4000-8000-000000000003'),
  public.request_seller_verification('KTP 3273-0000-0000-0003; the Jazz''s BPKB is in my name.');
select pg_temp.act_as('a0000000-0000-4000-8000-000000000001'), public.decide_seller_verification(r.id, true)
from public.seller_verification_requests r
where r.profile_id = 'd0000000-0000-4000-8000-000000000003' and r.status = 'pending';
select pg_temp.act_as('b0000000-0000-4000-8000-000000000004'),
  public.request_seller_verification('KTP 3175-0000-0000-0004; dealer invoice for the Avanza attached to my profile files.');

-- A spam comment on the Jazz, flagged twice.
select pg_temp.act_as('d0000000-0000-4000-8000-000000000010');
insert into public.listing_comments (id, car_listing_id, author_id, body) values
  ('f4000000-0000-4000-8000-000000000003', 'f2000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000010',
   'Need cash fast? Loans approved in 5 minutes, DM me.');
select pg_temp.act_as('d0000000-0000-4000-8000-000000000009'),
  public.flag_content('comment', 'f4000000-0000-4000-8000-000000000003', 'spam', null);
select pg_temp.act_as('d0000000-0000-4000-8000-000000000011'),
  public.flag_content('comment', 'f4000000-0000-4000-8000-000000000003', 'other', 'Loan scam, not about the car.');

select set_config('request.jwt.claims', '', true);
