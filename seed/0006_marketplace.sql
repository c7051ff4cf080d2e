-- Demo data for the marketplace (sql/0034-0036): a parts store, a category tree, car and part
-- listings in every status, compatibility rows, comments with a reply and likes, reviews (one a
-- verified purchase made through the same checkout and payment calls as the apps) with the
-- seller's response, a wishlist and price alerts.
--   budi@nusantara-club.test   owner of Sunter Auto Parts (a store); answers its reviews
--   dewi@nusantara-club.test   staff of Sunter Auto Parts: manages its listings
--   eko@nusantara-club.test    sells a Toyota Avanza (active); his 2020 Honda Civic (seed 0004)
--                              fits the store's brake pads ("parts that fit my car")
--   member01@example.test      bought brake pads from the store and reviewed it (verified)
--   member02@example.test      asked about the Avanza; reviewed eko (unverified)
--   member03@example.test      sells a featured Honda Jazz; member04 a pending Suzuki Ertiga;
--                              member05 a sold Mitsubishi Xpander
--   member07@example.test      saved the Jazz, watches Toyotas under IDR 200,000,000
-- Prices are in minor units of IDR (sen): IDR 185,000,000 is 18500000000.

create or replace function pg_temp.act_as(p_user_id uuid)
returns void
language sql
as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_user_id, 'role', 'authenticated')::text, true);
$$;

insert into public.organizations (id, kind, slug, display_name, description, address, city, country_code, contact_name, contact_phone, email, is_verified, created_by)
values ('e0000000-0000-4000-8000-000000000006', 'store', 'sunter-auto-parts', 'Sunter Auto Parts',
  'Genuine and aftermarket parts for Japanese cars, shipped across Java.', 'Jl. Danau Sunter Utara Blok G7', 'Jakarta', 'ID',
  'Budi Santoso', '+62 21 5550 3000', 'sales@sunter-parts.test', true, 'b0000000-0000-4000-8000-000000000001');

insert into public.organization_members (organization_id, user_id, role, invited_by)
values ('e0000000-0000-4000-8000-000000000006', 'b0000000-0000-4000-8000-000000000003', 'staff', 'b0000000-0000-4000-8000-000000000001');

insert into public.store_profiles (organization_id, tagline, contact_email, contact_phone, city, country_code, latitude, longitude)
values ('e0000000-0000-4000-8000-000000000006', 'Parts for every Japanese car', 'sales@sunter-parts.test', '+62 21 5550 3000',
  'Jakarta', 'ID', -6.1396, 106.8745);

insert into public.part_categories (id, parent_id, slug, name, description, icon, position) values
  ('f1000000-0000-4000-8000-000000000001', null, 'brakes', 'Brakes', 'Pads, rotors, calipers and fluid.', 'disc', 1),
  ('f1000000-0000-4000-8000-000000000002', 'f1000000-0000-4000-8000-000000000001', 'brake-pads', 'Brake pads', null, 'disc', 1),
  ('f1000000-0000-4000-8000-000000000003', 'f1000000-0000-4000-8000-000000000001', 'brake-rotors', 'Rotors', null, 'disc', 2),
  ('f1000000-0000-4000-8000-000000000004', null, 'engine', 'Engine', 'Filters, ignition, belts.', 'engine', 2),
  ('f1000000-0000-4000-8000-000000000005', 'f1000000-0000-4000-8000-000000000004', 'filters', 'Filters', 'Oil, air and cabin filters.', 'filter', 1),
  ('f1000000-0000-4000-8000-000000000006', null, 'lighting', 'Lighting', 'Headlights, tail lights and bulbs.', 'bulb', 3);

insert into public.car_listings (id, seller_id, title, make, model, year, mileage_km, transmission, fuel_type, condition, price_amount, currency, city, country_code, latitude, longitude, description, status, featured_until, created_at) values
  ('f2000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000004', '2019 Toyota Avanza 1.3 G', 'Toyota', 'Avanza', 2019, 48000, 'manual', 'gasoline', 'used',
   18500000000, 'IDR', 'Jakarta', 'ID', -6.2088, 106.8456, 'One owner, serviced at the dealer, new tyres.', 'active', null, now() - interval '20 days'),
  ('f2000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000003', '2016 Honda Jazz RS', 'Honda', 'Jazz', 2016, 72000, 'cvt', 'gasoline', 'used',
   17900000000, 'IDR', 'Bandung', 'ID', -6.9175, 107.6191, 'Sporty hatchback, turbo-free and frugal.', 'active', now() + interval '14 days', now() - interval '10 days'),
  ('f2000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000004', '2021 Suzuki Ertiga GX', 'Suzuki', 'Ertiga', 2021, 21000, 'automatic', 'gasoline', 'used',
   21500000000, 'IDR', 'Surabaya', 'ID', -7.2575, 112.7521, 'Waiting for a moderator.', 'pending', null, now() - interval '1 day'),
  ('f2000000-0000-4000-8000-000000000004', 'd0000000-0000-4000-8000-000000000005', '2018 Mitsubishi Xpander Ultimate', 'Mitsubishi', 'Xpander', 2018, 65000, 'automatic', 'gasoline', 'used',
   19000000000, 'IDR', 'Jakarta', 'ID', -6.1751, 106.8650, 'Sold to a club member.', 'active', null, now() - interval '40 days');

-- The Xpander sold: its seller marks it so (a sold listing is frozen).
select pg_temp.act_as('d0000000-0000-4000-8000-000000000005');
update public.car_listings set status = 'sold' where id = 'f2000000-0000-4000-8000-000000000004';
select set_config('request.jwt.claims', '', true);

insert into public.car_specifications (car_listing_id, horsepower, torque_nm, acceleration_0_100_s, top_speed_kmh, fuel_consumption_l_100km, length_mm, width_mm, height_mm, wheelbase_mm, curb_weight_kg, seats, doors, warranty_months, has_full_service_history, previous_owners, service_history) values
  ('f2000000-0000-4000-8000-000000000001', 96, 121, 14.5, 165, 7.4, 4190, 1660, 1695, 2655, 1090, 7, 5, 0, true, 1, '10,000 km intervals at Auto2000 Sunter; timing chain, no belt.'),
  ('f2000000-0000-4000-8000-000000000002', 118, 145, 10.8, 185, 6.1, 4035, 1694, 1524, 2530, 1090, 5, 5, 0, false, 2, null);

insert into public.part_listings (id, seller_id, store_id, category_id, title, brand, part_number, condition, price_amount, currency, quantity, warranty_months, city, description, status) values
  ('f3000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000003', 'e0000000-0000-4000-8000-000000000006', 'f1000000-0000-4000-8000-000000000002',
   'Front brake pads, ceramic', 'Akebono', 'AN-8141WK', 'new', 65000000, 'IDR', 12, 12, 'Jakarta', 'Low dust ceramic pads for the 10th generation Civic.', 'active'),
  ('f3000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000003', 'e0000000-0000-4000-8000-000000000006', 'f1000000-0000-4000-8000-000000000005',
   'Oil filter', 'Toyota Genuine', '90915-YZZD4', 'new', 7500000, 'IDR', 40, 0, 'Jakarta', 'Genuine oil filter for most Toyota engines.', 'active'),
  ('f3000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000006', null, 'f1000000-0000-4000-8000-000000000006',
   'Left headlight assembly', 'Koito', null, 'used', 120000000, 'IDR', 1, 0, 'Bandung', 'Taken from a 2017 Jazz, no cracks.', 'active');

insert into public.part_compatibilities (part_listing_id, make, model, year_from, year_to, notes) values
  ('f3000000-0000-4000-8000-000000000001', 'Honda', 'Civic', 2016, 2021, 'Front axle, all trims'),
  ('f3000000-0000-4000-8000-000000000002', 'Toyota', null, 2010, 2024, 'Engines 1NR, 2NR and 1KR'),
  ('f3000000-0000-4000-8000-000000000003', 'Honda', 'Jazz', 2014, 2020, 'Halogen version');

-- member02 asks about the Avanza; eko answers; member02 and member07 like the answer.
insert into public.listing_comments (id, car_listing_id, author_id, body, created_at) values
  ('f4000000-0000-4000-8000-000000000001', 'f2000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000002', 'Any flood damage? Can I see it this weekend?', now() - interval '5 days');
insert into public.listing_comments (id, parent_id, car_listing_id, author_id, body, created_at) values
  ('f4000000-0000-4000-8000-000000000002', 'f4000000-0000-4000-8000-000000000001', 'f2000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000004', 'Never flooded. Saturday morning in Sunter works.', now() - interval '4 days');
insert into public.listing_comment_likes (comment_id, user_id) values
  ('f4000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000002'),
  ('f4000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000007');

-- member01 buys brake pads from the store through the checkout; an admin records the transfer.
select pg_temp.act_as('d0000000-0000-4000-8000-000000000001'), public.checkout_products(
  jsonb_build_array(jsonb_build_object('product_id', (select product_id from public.part_listings where id = 'f3000000-0000-4000-8000-000000000001'), 'quantity', 1))
);
select pg_temp.act_as('a0000000-0000-4000-8000-000000000001'), public.record_manual_payment(i.id, 'BCA transfer 0417')
from public.invoices i
join public.invoice_items it on it.invoice_id = i.id
join public.part_listings l on l.product_id = it.product_id
where i.user_id = 'd0000000-0000-4000-8000-000000000001' and l.id = 'f3000000-0000-4000-8000-000000000001' and i.status = 'open';
select set_config('request.jwt.claims', '', true);

insert into public.seller_reviews (id, reviewer_id, seller_id, invoice_item_id, verified_purchase, rating, communication_rating, accuracy_rating, shipping_rating, title, body)
select 'f5000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', l.seller_id, it.id, true, 5, 5, 5, 4,
  'Exactly as described', 'Pads fit my Civic perfectly; shipped in two days.'
from public.invoice_items it
join public.invoices i on i.id = it.invoice_id
join public.part_listings l on l.product_id = it.product_id
where i.user_id = 'd0000000-0000-4000-8000-000000000001' and l.id = 'f3000000-0000-4000-8000-000000000001' and i.status = 'paid';

-- budi answers for the store (the seed runs as the owner, so it names who answered and when).
update public.seller_reviews
set seller_response = 'Terima kasih! Enjoy the quiet braking.', responded_at = now() - interval '1 day',
  responded_by = 'b0000000-0000-4000-8000-000000000001'
where id = 'f5000000-0000-4000-8000-000000000001';

insert into public.seller_reviews (id, reviewer_id, seller_id, rating, communication_rating, title, body) values
  ('f5000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000004', 4, 5, 'Honest seller', 'Quick answers and an honest description of the Avanza.');
insert into public.seller_review_votes (review_id, user_id, is_helpful) values
  ('f5000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000003', true),
  ('f5000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000004', true);

insert into public.wishlist_items (user_id, car_listing_id, note) values
  ('d0000000-0000-4000-8000-000000000007', 'f2000000-0000-4000-8000-000000000002', 'Check the CVT');
insert into public.price_alerts (user_id, kind, car_listing_id, target_price_amount) values
  ('d0000000-0000-4000-8000-000000000007', 'listing', 'f2000000-0000-4000-8000-000000000002', 17000000000);
insert into public.price_alerts (user_id, kind, make, max_price_amount, currency) values
  ('d0000000-0000-4000-8000-000000000007', 'car_search', 'Toyota', 20000000000, 'IDR');
