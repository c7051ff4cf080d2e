-- Marketplace comments and seller reviews (issue 17, items 5, 6 and 9): the comments and ratings
-- apps of the marketplace seed (002).
--
-- Comments: one model for comments and replies on any car or part listing a person can see (a
-- reply belongs to a top-level comment of the same listing); likes (one per person) and moderation
-- flags (one per person); platform admins hide a comment. Counts of comments (on the listing),
-- replies and likes (on the comment) and flags are kept by the database. Suspended accounts cannot
-- comment, like or flag. Replies and likes notify the author of what was replied to or liked.
--
-- Reviews: a buyer reviews a seller (a person, or a store when what was bought was the store's):
-- 1-5 stars, aspect ratings (communication, accuracy, shipping), text. verified_purchase is the
-- database's: true only with invoice_item_id, an item of the reviewer's paid invoice for one of the
-- seller's part listings; one review per purchase, and one unverified review per buyer and seller.
-- The seller (for a store: its admins) gives one public response; anyone signed in votes a review
-- helpful or unhelpful once. A seller cannot review themselves, nor a store member their store.
-- seller_ratings (the seed's /api/seller-ratings/) holds each seller's aggregate — count, average,
-- distribution 1-5 and aspect averages — kept exact by increments under row locks, whatever runs
-- concurrently (reviews, edits, deletions). review_received and seller_response notify.

-- ---------------------------------------------------------------------------------------------
-- Comments
-- ---------------------------------------------------------------------------------------------

create table public.listing_comments (
  id uuid primary key default gen_random_uuid(),
  car_listing_id uuid references public.car_listings (id) on delete cascade,
  part_listing_id uuid references public.part_listings (id) on delete cascade,
  listing_id uuid generated always as (coalesce(car_listing_id, part_listing_id)) stored,
  parent_id uuid references public.listing_comments (id) on delete cascade,
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  body text not null,
  reply_count integer not null default 0,
  like_count integer not null default 0,
  flag_count integer not null default 0,
  is_hidden boolean not null default false,
  edited_at timestamptz,
  created_at timestamptz not null default now(),
  constraint listing_comments_one_listing check (num_nonnulls(car_listing_id, part_listing_id) = 1),
  constraint listing_comments_body_length check (char_length(btrim(body)) between 1 and 5000),
  constraint listing_comments_counts check (reply_count >= 0 and like_count >= 0 and flag_count >= 0),
  constraint listing_comments_not_own_parent check (parent_id <> id)
);

comment on table public.listing_comments is
  'Comments on car and part listings (the seed''s /api/comments/ and /api/comment-replies/): a row with parent_id is a reply to that top-level comment. Readable with the listing; the author edits or deletes their own; platform admins hide (is_hidden) or delete.';
comment on column public.listing_comments.listing_id is 'The car or part listing (generated from the one that is set).';
comment on column public.listing_comments.parent_id is 'For a reply, the comment it answers (always a top-level comment of the same listing).';
comment on column public.listing_comments.reply_count is 'Replies to this comment; kept by the database.';
comment on column public.listing_comments.like_count is 'Likes; kept by the database.';
comment on column public.listing_comments.flag_count is 'Moderation flags raised; kept by the database.';
comment on column public.listing_comments.is_hidden is 'Hidden by a moderator (platform admin): only its author and platform admins still see it.';
comment on column public.listing_comments.edited_at is 'When the author last changed the text.';

create index listing_comments_listing_idx on public.listing_comments (listing_id, created_at);
create index listing_comments_car_idx on public.listing_comments (car_listing_id);
create index listing_comments_part_idx on public.listing_comments (part_listing_id);
create index listing_comments_parent_idx on public.listing_comments (parent_id, created_at);
create index listing_comments_author_idx on public.listing_comments (author_id);
create index listing_comments_created_at_idx on public.listing_comments (created_at);
create index listing_comments_flagged_idx on public.listing_comments (flag_count desc) where flag_count > 0;

create table public.listing_comment_likes (
  comment_id uuid not null references public.listing_comments (id) on delete cascade,
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (comment_id, user_id)
);

comment on table public.listing_comment_likes is
  'A like of a comment or reply: one per person (a second is 409). Everyone sees them; people add and remove their own.';

create index listing_comment_likes_user_idx on public.listing_comment_likes (user_id);

create table public.listing_comment_flags (
  comment_id uuid not null references public.listing_comments (id) on delete cascade,
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  reason text not null,
  created_at timestamptz not null default now(),
  primary key (comment_id, user_id),
  constraint listing_comment_flags_reason_length check (char_length(btrim(reason)) between 1 and 500)
);

comment on table public.listing_comment_flags is
  'A report of a comment to the moderators, one per person with a reason: the reporter and platform admins read it.';

create index listing_comment_flags_user_idx on public.listing_comment_flags (user_id);

-- The comment's listing must be visible to the author, a reply must answer a top-level comment of
-- the same listing, and only the text (by its author) and is_hidden (by moderators) change.
create function private.guard_listing_comment()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_parent public.listing_comments;
begin
  if private.is_trusted() then
    return new;
  end if;
  if tg_op = 'INSERT' then
    perform private.require_active_user();
    if new.parent_id is not null then
      select * into v_parent from public.listing_comments where id = new.parent_id;
      if not found then
        raise exception using errcode = 'PT404', message = 'the comment you reply to does not exist';
      end if;
      if v_parent.parent_id is not null then
        raise exception using errcode = '22023', message = 'reply to the comment itself, not to a reply';
      end if;
      if new.car_listing_id is null and new.part_listing_id is null then
        new.car_listing_id := v_parent.car_listing_id;
        new.part_listing_id := v_parent.part_listing_id;
      elsif (new.car_listing_id, new.part_listing_id) is distinct from (v_parent.car_listing_id, v_parent.part_listing_id) then
        raise exception using errcode = '22023', message = 'a reply belongs to the listing of its comment';
      end if;
    end if;
    if not (private.is_listing_public(coalesce(new.car_listing_id, new.part_listing_id))
      or private.can_manage_listing(coalesce(new.car_listing_id, new.part_listing_id))) then
      raise exception using errcode = 'PT404', message = 'listing not found';
    end if;
    new.reply_count := 0;
    new.like_count := 0;
    new.flag_count := 0;
    new.is_hidden := false;
    new.edited_at := null;
    new.created_at := now();
    return new;
  end if;

  if (new.car_listing_id, new.part_listing_id, new.parent_id, new.author_id, new.created_at)
    is distinct from (old.car_listing_id, old.part_listing_id, old.parent_id, old.author_id, old.created_at) then
    raise exception using errcode = '22023', message = 'only the text of a comment changes';
  end if;
  if (new.reply_count, new.like_count, new.flag_count) <> (old.reply_count, old.like_count, old.flag_count) then
    raise exception using errcode = '42501', message = 'counts are kept by the database';
  end if;
  if new.is_hidden <> old.is_hidden and not private.is_platform_admin() then
    raise exception using errcode = '42501', message = 'only moderators hide comments';
  end if;
  if new.body <> old.body then
    if old.author_id <> (select auth.uid()) then
      raise exception using errcode = '42501', message = 'only the author edits a comment';
    end if;
    perform private.require_active_user();
    new.edited_at := now();
  end if;
  return new;
end;
$$;

comment on function private.guard_listing_comment() is
  'Checks a new comment or reply (visible listing, reply to a top-level comment of the same listing, not suspended) and what may change (the author''s text, moderators'' is_hidden). Granted to authenticated because it runs as the caller''s own insert or update.';

revoke all on function private.guard_listing_comment() from public;
grant execute on function private.guard_listing_comment() to authenticated, service_role;

create trigger listing_comments_guard
  before insert or update on public.listing_comments
  for each row execute function private.guard_listing_comment();

-- Comment counts on the listing, reply counts on the comment; a reply notifies the comment's author.
create function private.count_listing_comments()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row public.listing_comments := coalesce(new, old);
  v_delta integer := case when tg_op = 'INSERT' then 1 else -1 end;
  v_parent public.listing_comments;
begin
  if v_row.parent_id is not null then
    update public.listing_comments set reply_count = reply_count + v_delta
    where id = v_row.parent_id
    returning * into v_parent;
    if tg_op = 'INSERT' and v_parent.author_id <> new.author_id then
      perform private.notify(
        'listing_comment_reply', array[v_parent.author_id], 'New reply to your comment',
        pg_catalog.left(new.body, 280),
        pg_catalog.jsonb_build_object('comment_id', v_parent.id, 'reply_id', new.id, 'listing_id', new.listing_id),
        'listing_comment', new.id, '/listings/' || new.listing_id);
    end if;
  elsif v_row.car_listing_id is not null then
    update public.car_listings set comment_count = comment_count + v_delta where id = v_row.car_listing_id;
  else
    update public.part_listings set comment_count = comment_count + v_delta where id = v_row.part_listing_id;
  end if;
  return null;
end;
$$;

revoke all on function private.count_listing_comments() from public;

create trigger listing_comments_count
  after insert or delete on public.listing_comments
  for each row execute function private.count_listing_comments();

-- Like counts; a like notifies the author (not of their own like).
create function private.count_listing_comment_likes()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_comment public.listing_comments;
begin
  if tg_op = 'INSERT' then
    update public.listing_comments set like_count = like_count + 1 where id = new.comment_id returning * into v_comment;
    if v_comment.author_id <> new.user_id then
      perform private.notify(
        'listing_comment_like', array[v_comment.author_id],
        coalesce((select display_name from public.profiles where id = new.user_id), 'Someone') || ' liked your comment',
        pg_catalog.left(v_comment.body, 280),
        pg_catalog.jsonb_build_object('comment_id', v_comment.id, 'listing_id', v_comment.listing_id),
        'listing_comment', v_comment.id, '/listings/' || v_comment.listing_id);
    end if;
  else
    update public.listing_comments set like_count = like_count - 1 where id = old.comment_id;
  end if;
  return null;
end;
$$;

revoke all on function private.count_listing_comment_likes() from public;

create trigger listing_comment_likes_count
  after insert or delete on public.listing_comment_likes
  for each row execute function private.count_listing_comment_likes();

create function private.count_listing_comment_flags()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.listing_comments
  set flag_count = flag_count + case when tg_op = 'INSERT' then 1 else -1 end
  where id = coalesce(new.comment_id, old.comment_id);
  return null;
end;
$$;

revoke all on function private.count_listing_comment_flags() from public;

create trigger listing_comment_flags_count
  after insert or delete on public.listing_comment_flags
  for each row execute function private.count_listing_comment_flags();

-- ---------------------------------------------------------------------------------------------
-- Reviews and seller ratings
-- ---------------------------------------------------------------------------------------------

create table public.seller_reviews (
  id uuid primary key default gen_random_uuid(),
  reviewer_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  seller_id uuid not null references public.profiles (id) on delete cascade,
  store_id uuid references public.organizations (id) on delete cascade,
  invoice_item_id uuid references public.invoice_items (id) on delete restrict,
  part_listing_id uuid references public.part_listings (id) on delete set null,
  verified_purchase boolean not null default false,
  rating smallint not null,
  communication_rating smallint,
  accuracy_rating smallint,
  shipping_rating smallint,
  title text,
  body text,
  seller_response text,
  responded_at timestamptz,
  responded_by uuid references public.profiles (id) on delete set null,
  helpful_count integer not null default 0,
  unhelpful_count integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint seller_reviews_purchase_key unique (invoice_item_id),
  constraint seller_reviews_not_self check (reviewer_id <> seller_id),
  constraint seller_reviews_rating check (rating between 1 and 5),
  constraint seller_reviews_aspects check (
    communication_rating between 1 and 5 and accuracy_rating between 1 and 5 and shipping_rating between 1 and 5
  ),
  constraint seller_reviews_verified check (verified_purchase = (invoice_item_id is not null)),
  constraint seller_reviews_title_length check (char_length(title) <= 200),
  constraint seller_reviews_body_length check (char_length(body) <= 10000),
  constraint seller_reviews_response_length check (char_length(btrim(seller_response)) between 1 and 5000),
  constraint seller_reviews_votes check (helpful_count >= 0 and unhelpful_count >= 0)
);

comment on table public.seller_reviews is
  'A buyer''s review of a seller (the seed''s /api/reviews/): of the store when store_id is set. Everyone signed in reads them; the reviewer writes and deletes their own; the seller (a store''s admins) answers once in seller_response. A seller cannot review themselves.';
comment on column public.seller_reviews.invoice_item_id is 'The purchase reviewed: an item of the reviewer''s paid invoice for one of the seller''s part listings. One review per purchase.';
comment on column public.seller_reviews.part_listing_id is 'The part listing bought, taken from the purchase.';
comment on column public.seller_reviews.verified_purchase is 'Set by the database: true exactly when invoice_item_id is a paid purchase from this seller. Claiming it without one is refused (400).';
comment on column public.seller_reviews.rating is 'Overall stars, 1 to 5.';
comment on column public.seller_reviews.seller_response is 'The seller''s one public answer; set once by the seller or the store''s admins.';
comment on column public.seller_reviews.helpful_count is 'People who found the review helpful; kept by the database.';
comment on column public.seller_reviews.unhelpful_count is 'People who did not; kept by the database.';

create index seller_reviews_seller_rating_idx on public.seller_reviews (seller_id, rating);
create index seller_reviews_store_rating_idx on public.seller_reviews (store_id, rating);
create index seller_reviews_reviewer_idx on public.seller_reviews (reviewer_id);
create index seller_reviews_created_at_idx on public.seller_reviews (created_at);
create index seller_reviews_part_listing_idx on public.seller_reviews (part_listing_id);
create index seller_reviews_responded_by_idx on public.seller_reviews (responded_by);
-- One review per buyer and seller without a purchase.
create unique index seller_reviews_one_unverified on public.seller_reviews (reviewer_id, seller_id, coalesce(store_id, '00000000-0000-0000-0000-000000000000'::uuid))
  where invoice_item_id is null;

create trigger seller_reviews_updated_at
  before update on public.seller_reviews
  for each row execute function extensions.moddatetime(updated_at);

create table public.seller_review_votes (
  review_id uuid not null references public.seller_reviews (id) on delete cascade,
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  is_helpful boolean not null,
  created_at timestamptz not null default now(),
  primary key (review_id, user_id)
);

comment on table public.seller_review_votes is
  'Helpful or unhelpful votes on a review, one per person (change it by updating is_helpful). Voters see their own.';

create index seller_review_votes_user_idx on public.seller_review_votes (user_id);

create table public.seller_ratings (
  subject_id uuid primary key,
  seller_id uuid references public.profiles (id) on delete cascade,
  store_id uuid references public.organizations (id) on delete cascade,
  review_count integer not null default 0,
  rating_sum integer not null default 0,
  rating_1_count integer not null default 0,
  rating_2_count integer not null default 0,
  rating_3_count integer not null default 0,
  rating_4_count integer not null default 0,
  rating_5_count integer not null default 0,
  communication_sum integer not null default 0,
  communication_count integer not null default 0,
  accuracy_sum integer not null default 0,
  accuracy_count integer not null default 0,
  shipping_sum integer not null default 0,
  shipping_count integer not null default 0,
  average_rating numeric(3, 2) generated always as (case when review_count > 0 then round(rating_sum::numeric / review_count, 2) end) stored,
  average_communication numeric(3, 2) generated always as (case when communication_count > 0 then round(communication_sum::numeric / communication_count, 2) end) stored,
  average_accuracy numeric(3, 2) generated always as (case when accuracy_count > 0 then round(accuracy_sum::numeric / accuracy_count, 2) end) stored,
  average_shipping numeric(3, 2) generated always as (case when shipping_count > 0 then round(shipping_sum::numeric / shipping_count, 2) end) stored,
  updated_at timestamptz not null default now(),
  constraint seller_ratings_one_subject check (num_nonnulls(seller_id, store_id) = 1 and subject_id = coalesce(store_id, seller_id)),
  constraint seller_ratings_seller_key unique (seller_id),
  constraint seller_ratings_store_key unique (store_id),
  constraint seller_ratings_counts check (
    review_count >= 0 and review_count = rating_1_count + rating_2_count + rating_3_count + rating_4_count + rating_5_count
    and rating_sum = rating_1_count + 2 * rating_2_count + 3 * rating_3_count + 4 * rating_4_count + 5 * rating_5_count
    and least(rating_1_count, rating_2_count, rating_3_count, rating_4_count, rating_5_count) >= 0
    and communication_count between 0 and review_count and accuracy_count between 0 and review_count
    and shipping_count between 0 and review_count
  )
);

comment on table public.seller_ratings is
  'Each seller''s (person''s or store''s) rating aggregate from its reviews (the seed''s /api/seller-ratings/): count, average, distribution and aspect averages, kept exact by the database. Everyone reads it; embed it from profiles or organizations.';
comment on column public.seller_ratings.subject_id is 'The store''s id for a store, else the person''s.';
comment on column public.seller_ratings.rating_sum is 'Sum of the overall stars, so that the average stays exact.';
comment on column public.seller_ratings.rating_1_count is 'Reviews with 1 star (rating_2_count … rating_5_count likewise).';
comment on column public.seller_ratings.communication_sum is 'Sum and count of the communication ratings given (aspects are optional); likewise accuracy and shipping.';
comment on column public.seller_ratings.average_rating is 'rating_sum / review_count to two places; null without reviews.';

-- Checks a review: who writes it, what the purchase says, and what may change on an edit.
create function private.guard_seller_review()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_purchase record;
  -- The service role, migrations, and the database's own counters (written from triggers).
  v_trusted boolean := current_setting('role', true) not in ('anon', 'authenticated') or pg_catalog.pg_trigger_depth() > 1;
begin
  if tg_op = 'INSERT' then
    if not v_trusted then
      perform private.require_active_user();
      new.helpful_count := 0;
      new.unhelpful_count := 0;
      new.seller_response := null;
      new.responded_at := null;
      new.responded_by := null;
    end if;
    if new.invoice_item_id is not null then
      select l.id as listing_id, l.seller_id, l.store_id into v_purchase
      from public.invoice_items i
      join public.invoices v on v.id = i.invoice_id
      join public.part_listings l on l.product_id = i.product_id
      where i.id = new.invoice_item_id
        and v.user_id = new.reviewer_id
        and v.status in ('paid', 'partially_refunded');
      if not found then
        raise exception using errcode = '22023', message = 'that purchase is not a paid purchase of yours from a marketplace seller',
          hint = 'invoice_item_id is an item of your paid invoice for a part listing';
      end if;
      new.seller_id := v_purchase.seller_id;
      new.store_id := v_purchase.store_id;
      new.part_listing_id := v_purchase.listing_id;
      new.verified_purchase := true;
    elsif new.verified_purchase then
      raise exception using errcode = '22023', message = 'a verified review needs the purchase',
        hint = 'give invoice_item_id, an item of your paid invoice from this seller; the database sets verified_purchase';
    else
      new.part_listing_id := null;
    end if;
    if new.reviewer_id = new.seller_id
      or (new.store_id is not null and exists (
        select 1 from public.organization_members where organization_id = new.store_id and user_id = new.reviewer_id)) then
      raise exception using errcode = '22023', message = 'you cannot review yourself or your own store';
    end if;
    if new.store_id is not null and not exists (select 1 from public.organizations where id = new.store_id and kind = 'store') then
      raise exception using errcode = '22023', message = 'reviews of a company are of its store (an organization of kind store)';
    end if;
    return new;
  end if;

  if (new.reviewer_id, new.seller_id, new.store_id, new.invoice_item_id, new.part_listing_id, new.verified_purchase, new.created_at)
    is distinct from (old.reviewer_id, old.seller_id, old.store_id, old.invoice_item_id, old.part_listing_id, old.verified_purchase, old.created_at) then
    raise exception using errcode = '22023', message = 'a review stays with its reviewer, seller and purchase';
  end if;
  if v_trusted then
    return new;
  end if;
  if (new.helpful_count, new.unhelpful_count) <> (old.helpful_count, old.unhelpful_count) then
    raise exception using errcode = '42501', message = 'votes are counted by the database';
  end if;
  if (new.seller_response, new.responded_at, new.responded_by) is distinct from (old.seller_response, old.responded_at, old.responded_by) then
    if not (v_user_id = old.seller_id and old.store_id is null)
      and not (old.store_id is not null and private.has_organization_role(old.store_id, 'admin')) then
      raise exception using errcode = '42501', message = 'only the seller answers a review';
    end if;
    if old.seller_response is not null then
      raise exception using errcode = 'PT409', message = 'this review already has the seller''s response';
    end if;
    if new.seller_response is null then
      raise exception using errcode = '22023', message = 'the response needs text';
    end if;
    perform private.require_active_user();
    new.responded_at := now();
    new.responded_by := v_user_id;
  end if;
  if (new.rating, new.communication_rating, new.accuracy_rating, new.shipping_rating, new.title, new.body)
    is distinct from (old.rating, old.communication_rating, old.accuracy_rating, old.shipping_rating, old.title, old.body) then
    if v_user_id <> old.reviewer_id then
      raise exception using errcode = '42501', message = 'only the reviewer changes a review';
    end if;
    perform private.require_active_user();
  end if;
  return new;
end;
$$;

comment on function private.guard_seller_review() is
  'Checks a review: verified_purchase from a paid purchase of the reviewer (the seller and store taken from it), no self-review, suspended accounts refused; on edits the reviewer changes the ratings and text, the seller answers once, counters are the database''s.';

revoke all on function private.guard_seller_review() from public;

create trigger seller_reviews_guard
  before insert or update on public.seller_reviews
  for each row execute function private.guard_seller_review();

-- Adds a review to (p_sign 1) or takes it from (p_sign -1) its seller's aggregate: the row is made
-- once, then changed by increments, so concurrent reviews queue on its row lock and none is lost.
create function private.add_to_seller_rating(p_review public.seller_reviews, p_sign integer)
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
  on conflict (subject_id) do nothing;

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

revoke all on function private.add_to_seller_rating(public.seller_reviews, integer) from public;

comment on function private.add_to_seller_rating(public.seller_reviews, integer) is
  'Adds a review to its seller''s aggregate in seller_ratings and to its part listing''s review_count and rating_sum (p_sign 1), or takes it out (-1), by increments under the rows'' locks.';

create function private.keep_seller_rating()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and (new.rating, new.communication_rating, new.accuracy_rating, new.shipping_rating)
    is not distinct from (old.rating, old.communication_rating, old.accuracy_rating, old.shipping_rating) then
    return null;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    perform private.add_to_seller_rating(old, -1);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    perform private.add_to_seller_rating(new, 1);
  end if;
  return null;
end;
$$;

revoke all on function private.keep_seller_rating() from public;

create trigger seller_reviews_keep_rating
  after insert or update or delete on public.seller_reviews
  for each row execute function private.keep_seller_rating();

-- A new review notifies the seller (a store's admins); a response notifies the reviewer.
create function private.notify_seller_review()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_recipients uuid[];
  v_data jsonb := pg_catalog.jsonb_build_object('review_id', new.id, 'rating', new.rating, 'verified_purchase', new.verified_purchase);
begin
  if tg_op = 'INSERT' then
    if new.store_id is null then
      v_recipients := array[new.seller_id];
    else
      select pg_catalog.array_agg(user_id) into v_recipients
      from public.organization_members where organization_id = new.store_id and role >= 'admin';
    end if;
    perform private.notify(
      'review_received', v_recipients,
      pg_catalog.format('New %s-star review', new.rating), pg_catalog.left(coalesce(new.title, new.body), 280),
      v_data, 'seller_review', new.id, '/reviews/' || new.id);
  elsif new.seller_response is not null and old.seller_response is null then
    perform private.notify(
      'seller_response', array[new.reviewer_id], 'The seller answered your review',
      pg_catalog.left(new.seller_response, 280), v_data, 'seller_review', new.id, '/reviews/' || new.id);
  end if;
  return null;
end;
$$;

revoke all on function private.notify_seller_review() from public;

create trigger seller_reviews_notify
  after insert or update of seller_response on public.seller_reviews
  for each row execute function private.notify_seller_review();

create function private.count_review_votes()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    update public.seller_reviews
    set helpful_count = helpful_count - old.is_helpful::integer, unhelpful_count = unhelpful_count - (not old.is_helpful)::integer
    where id = old.review_id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    update public.seller_reviews
    set helpful_count = helpful_count + new.is_helpful::integer, unhelpful_count = unhelpful_count + (not new.is_helpful)::integer
    where id = new.review_id;
  end if;
  return null;
end;
$$;

revoke all on function private.count_review_votes() from public;

create trigger seller_review_votes_count
  after insert or update or delete on public.seller_review_votes
  for each row execute function private.count_review_votes();

insert into public.notification_types (type, description, default_email) values
  ('listing_comment_reply', 'Someone replied to your comment on a listing', false),
  ('listing_comment_like', 'Someone liked your comment on a listing', false);

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.listing_comments, public.listing_comment_likes, public.listing_comment_flags,
  public.seller_reviews, public.seller_review_votes, public.seller_ratings from anon, authenticated;
grant all on public.listing_comments, public.listing_comment_likes, public.listing_comment_flags,
  public.seller_reviews, public.seller_review_votes, public.seller_ratings to service_role;
grant select on public.listing_comments, public.listing_comment_likes, public.seller_reviews, public.seller_ratings to anon;
grant select, insert, update, delete on public.listing_comments, public.seller_reviews, public.seller_review_votes to authenticated;
grant select, insert, delete on public.listing_comment_likes, public.listing_comment_flags to authenticated;
grant select on public.seller_ratings to authenticated;

alter table public.listing_comments enable row level security;
alter table public.listing_comment_likes enable row level security;
alter table public.listing_comment_flags enable row level security;
alter table public.seller_reviews enable row level security;
alter table public.seller_review_votes enable row level security;
alter table public.seller_ratings enable row level security;

create policy "listing_comments: listing readers read; hidden: author, admins"
  on public.listing_comments for select to anon, authenticated
  using (
    (select private.is_platform_admin())
    or author_id = (select auth.uid())
    or (not is_hidden and (private.is_listing_public(listing_id) or private.can_manage_listing(listing_id)))
  );

create policy "listing_comments: members comment as themselves"
  on public.listing_comments for insert to authenticated
  with check (author_id = (select auth.uid()));

create policy "listing_comments: the author and moderators update"
  on public.listing_comments for update to authenticated
  using (author_id = (select auth.uid()) or (select private.is_platform_admin()))
  with check (author_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "listing_comments: the author and moderators delete"
  on public.listing_comments for delete to authenticated
  using (author_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "listing_comment_likes: everyone reads"
  on public.listing_comment_likes for select to anon, authenticated
  using (true);

create policy "listing_comment_likes: active members like as themselves"
  on public.listing_comment_likes for insert to authenticated
  with check (user_id = (select auth.uid()) and (select private.is_active_user()));

create policy "listing_comment_likes: people take back their own"
  on public.listing_comment_likes for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "listing_comment_flags: the reporter and moderators read"
  on public.listing_comment_flags for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "listing_comment_flags: active members flag as themselves"
  on public.listing_comment_flags for insert to authenticated
  with check (user_id = (select auth.uid()) and (select private.is_active_user()));

create policy "listing_comment_flags: the reporter and moderators delete"
  on public.listing_comment_flags for delete to authenticated
  using (user_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "seller_reviews: everyone reads"
  on public.seller_reviews for select to anon, authenticated
  using (true);

create policy "seller_reviews: buyers review as themselves"
  on public.seller_reviews for insert to authenticated
  with check (reviewer_id = (select auth.uid()));

create policy "seller_reviews: the reviewer, the seller and moderators update"
  on public.seller_reviews for update to authenticated
  using (
    reviewer_id = (select auth.uid())
    or seller_id = (select auth.uid())
    or store_id in (select private.organization_ids_with_role('admin'))
    or (select private.is_platform_admin())
  )
  with check (
    reviewer_id = (select auth.uid())
    or seller_id = (select auth.uid())
    or store_id in (select private.organization_ids_with_role('admin'))
    or (select private.is_platform_admin())
  );

create policy "seller_reviews: the reviewer and moderators delete"
  on public.seller_reviews for delete to authenticated
  using (reviewer_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "seller_review_votes: voters read their own"
  on public.seller_review_votes for select to authenticated
  using (user_id = (select auth.uid()));

create policy "seller_review_votes: active members vote as themselves"
  on public.seller_review_votes for insert to authenticated
  with check (user_id = (select auth.uid()) and (select private.is_active_user()));

create policy "seller_review_votes: voters change their vote"
  on public.seller_review_votes for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "seller_review_votes: voters take back their vote"
  on public.seller_review_votes for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "seller_ratings: everyone reads"
  on public.seller_ratings for select to anon, authenticated
  using (true);
