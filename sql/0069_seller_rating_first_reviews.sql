-- A seller's first reviews, written at the same moment, no longer fail with 409 (issue 24).
-- add_to_seller_rating made the seller_ratings row with `on conflict (subject_id) do nothing`.
-- The row has two more unique keys (seller_id, store_id), and PostgreSQL only forgives a conflict
-- on the named key: when two transactions both found no row and inserted, the second one's
-- seller_id entry met the first's and failed with 23505 (PostgREST: 409) instead of doing nothing.
-- Reproduced with 10 first reviews at once of each of 40 new sellers: about 1 seller in 50 lost a
-- review. Without a conflict target every unique key is an arbiter, so that insert does nothing
-- too and the increment below adds the review to the row the other transaction made.

-- As in 0035, with `on conflict do nothing` instead of `on conflict (subject_id) do nothing`.
create or replace function private.add_to_seller_rating(p_review public.seller_reviews, p_sign integer)
returns void
language sql
security definer
set search_path = ''
as $$
  insert into public.seller_ratings (subject_id, seller_id, store_id)
  values (
    coalesce(p_review.store_id, p_review.seller_id),
    case when p_review.store_id is null then p_review.seller_id end,
    p_review.store_id
  )
  on conflict do nothing;

  update public.seller_ratings set
    review_count = review_count + p_sign,
    rating_sum = rating_sum + p_sign * p_review.rating,
    rating_1_count = rating_1_count + p_sign * (p_review.rating = 1)::integer,
    rating_2_count = rating_2_count + p_sign * (p_review.rating = 2)::integer,
    rating_3_count = rating_3_count + p_sign * (p_review.rating = 3)::integer,
    rating_4_count = rating_4_count + p_sign * (p_review.rating = 4)::integer,
    rating_5_count = rating_5_count + p_sign * (p_review.rating = 5)::integer,
    communication_sum = communication_sum + p_sign * coalesce(p_review.communication_rating, 0),
    communication_count = communication_count + p_sign * (p_review.communication_rating is not null)::integer,
    accuracy_sum = accuracy_sum + p_sign * coalesce(p_review.accuracy_rating, 0),
    accuracy_count = accuracy_count + p_sign * (p_review.accuracy_rating is not null)::integer,
    shipping_sum = shipping_sum + p_sign * coalesce(p_review.shipping_rating, 0),
    shipping_count = shipping_count + p_sign * (p_review.shipping_rating is not null)::integer,
    updated_at = now()
  where subject_id = coalesce(p_review.store_id, p_review.seller_id);

  update public.part_listings set
    review_count = review_count + p_sign,
    rating_sum = rating_sum + p_sign * p_review.rating
  where id = p_review.part_listing_id;
$$;

comment on function private.add_to_seller_rating(public.seller_reviews, integer) is
  'Adds a review to its seller''s aggregate in seller_ratings and to its part listing''s review_count and rating_sum (p_sign 1), or takes it out (-1), by increments under the rows'' locks. The first reviews of a seller at the same moment make its row once (a conflict on any of its keys does nothing).';
