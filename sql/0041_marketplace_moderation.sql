-- One moderation system for the forum and the marketplace (issues 17 and 18): listing comments,
-- their replies and seller reviews join private.moderation_targets (0038), so members flag them
-- with flag_content, the flags weigh and hide them the same way, moderators decide them with
-- moderate_content and every step lands in moderation_actions. The marketplace's own flags
-- (listing_comment_flags, listing_comments.flag_count) and its platform-admin-only hide switch
-- (listing_comments.is_hidden) are migrated into content_flags / moderation_items /
-- moderation_state and dropped.
--
-- Also here:
--   * a review that is hidden or removed leaves its seller's aggregate until it is shown again, so
--     seller_ratings matches the reviews people can read;
--   * suspension covers the remaining marketplace writes (images and their uploads,
--     specifications, compatibility rows, changing a review vote);
--   * a top-level comment on a listing notifies its seller (for a store: its staff).

-- ---------------------------------------------------------------------------------------------
-- The registry learns row conditions: a comment and a reply are rows of one table
-- ---------------------------------------------------------------------------------------------

alter table private.moderation_targets add column condition text;
comment on column private.moderation_targets.condition is
  'An SQL condition on the row that the kind also requires (a reply is a listing comment with a parent); null for none.';

insert into private.moderation_targets (kind, relation, author_column, label, condition) values
  ('comment', 'public.listing_comments', 'author_id', 'comment', 'parent_id is null'),
  ('comment_reply', 'public.listing_comments', 'author_id', 'reply', 'parent_id is not null'),
  ('review', 'public.seller_reviews', 'reviewer_id', 'review', null);

create or replace function private.moderation_target(p_kind text, p_id uuid, out author_id uuid, out state public.forum_moderation_state)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target private.moderation_targets;
begin
  select * into v_target from private.moderation_targets where kind = p_kind;
  if not found then
    raise exception using errcode = '22023', message = pg_catalog.format('%s cannot be flagged', coalesce(p_kind, 'nothing')),
      hint = (select 'flag one of: ' || pg_catalog.string_agg(kind, ', ' order by kind) from private.moderation_targets);
  end if;
  execute pg_catalog.format('select %I, moderation_state from %s where id = $1 and (%s) for update',
    v_target.author_column, v_target.relation, coalesce(v_target.condition, 'true'))
    into author_id, state using p_id;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- moderation_state on comments and reviews
-- ---------------------------------------------------------------------------------------------

alter table public.listing_comments
  add column moderation_state public.forum_moderation_state not null default 'visible';
alter table public.seller_reviews
  add column moderation_state public.forum_moderation_state not null default 'visible';

comment on column public.listing_comments.moderation_state is
  'Set by the moderation queue (flag_content, moderate_content): hidden and removed comments are seen by their author and moderators only.';
comment on column public.seller_reviews.moderation_state is
  'Set by the moderation queue (flag_content, moderate_content): hidden and removed reviews are seen by their reviewer, the seller and moderators only, and leave the seller''s aggregate.';

create index listing_comments_moderation_idx on public.listing_comments (moderation_state) where moderation_state <> 'visible';
create index seller_reviews_moderation_idx on public.seller_reviews (moderation_state) where moderation_state <> 'visible';

-- Comments platform admins had hidden are removed items decided before the queue knew them.
update public.listing_comments set moderation_state = 'removed' where is_hidden;

-- The old flags become content flags (their free text as details of reason "other"): open, or
-- upheld when the comment was already hidden.
insert into public.content_flags (target_kind, target_id, flagged_by, reason, details, weight, created_at, resolved_at, resolution)
select case when c.parent_id is null then 'comment' else 'comment_reply' end, f.comment_id, f.user_id,
  'other', pg_catalog.left(pg_catalog.btrim(f.reason), 1000), private.flag_weight(f.user_id), f.created_at,
  case when c.moderation_state = 'removed' then now() end,
  case when c.moderation_state = 'removed' then 'upheld'::public.content_flag_resolution end
from public.listing_comment_flags f
join public.listing_comments c on c.id = f.comment_id
where c.author_id <> f.user_id;

insert into public.moderation_items (target_kind, target_id, author_id, state, open_flags, open_weight, first_flagged_at, last_flagged_at, decided_at, decision_reason)
select case when c.parent_id is null then 'comment' else 'comment_reply' end, c.id, c.author_id, c.moderation_state,
  count(f.flagged_by) filter (where f.resolved_at is null), coalesce(sum(f.weight) filter (where f.resolved_at is null), 0),
  min(f.created_at), max(f.created_at),
  case when c.moderation_state = 'removed' then now() end,
  case when c.moderation_state = 'removed' then 'Hidden by a platform admin before marketplace moderation joined the queue.' end
from public.listing_comments c
left join public.content_flags f on f.target_id = c.id and f.target_kind in ('comment', 'comment_reply')
where c.moderation_state <> 'visible' or f.flagged_by is not null
group by c.id;

drop policy "listing_comments: listing readers read; hidden: author, admins" on public.listing_comments;
drop policy "listing_comments: the author and moderators update" on public.listing_comments;
drop policy "listing_comments: the author and moderators delete" on public.listing_comments;
drop table public.listing_comment_flags;
drop function private.count_listing_comment_flags();
alter table public.listing_comments drop column is_hidden, drop column flag_count;
alter table public.listing_comments
  add constraint listing_comments_counts check (reply_count >= 0 and like_count >= 0);

comment on table public.listing_comments is
  'Comments on car and part listings (the seed''s /api/comments/ and /api/comment-replies/): a row with parent_id is a reply to that top-level comment. Readable with the listing; the author edits or deletes their own; members flag them with flag_content (kinds comment and comment_reply) and moderators decide them with moderate_content.';

-- Only the moderation queue (security definer code) moves moderation_state; a new row is visible.
create function private.guard_moderation_state()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if private.is_trusted() then
    return new;
  end if;
  if tg_op = 'INSERT' then
    new.moderation_state := 'visible';
  elsif new.moderation_state is distinct from old.moderation_state then
    raise exception using errcode = '42501', message = 'moderation decides whether this is shown',
      hint = 'flag it with flag_content; moderators decide with moderate_content';
  end if;
  return new;
end;
$$;

revoke all on function private.guard_moderation_state() from public;
grant execute on function private.guard_moderation_state() to authenticated, service_role;
comment on function private.guard_moderation_state() is
  'Keeps moderation_state of listing comments and seller reviews to the moderation queue: visible on insert, unchanged by members'' updates. Granted to authenticated because it runs as the caller''s own insert or update.';

create trigger listing_comments_moderation_state
  before insert or update on public.listing_comments
  for each row execute function private.guard_moderation_state();
create trigger seller_reviews_moderation_state
  before insert or update on public.seller_reviews
  for each row execute function private.guard_moderation_state();

-- As in 0035, without the dropped flag counter and hide switch.
create or replace function private.guard_listing_comment()
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
    new.edited_at := null;
    new.created_at := now();
    return new;
  end if;

  if (new.car_listing_id, new.part_listing_id, new.parent_id, new.author_id, new.created_at)
    is distinct from (old.car_listing_id, old.part_listing_id, old.parent_id, old.author_id, old.created_at) then
    raise exception using errcode = '22023', message = 'only the text of a comment changes';
  end if;
  if (new.reply_count, new.like_count) <> (old.reply_count, old.like_count) then
    raise exception using errcode = '42501', message = 'counts are kept by the database';
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
  'Checks a new comment or reply (visible listing, reply to a top-level comment of the same listing, not suspended) and what may change (the author''s text). Granted to authenticated because it runs as the caller''s own insert or update.';

create policy "listing_comments: listing readers read visible; the author and moderators all"
  on public.listing_comments for select to anon, authenticated
  using (
    (select private.is_moderator())
    or author_id = (select auth.uid())
    or (moderation_state = 'visible' and (private.is_listing_public(listing_id) or private.can_manage_listing(listing_id)))
  );

create policy "listing_comments: the author edits"
  on public.listing_comments for update to authenticated
  using (author_id = (select auth.uid()))
  with check (author_id = (select auth.uid()));

create policy "listing_comments: the author and moderators delete"
  on public.listing_comments for delete to authenticated
  using (author_id = (select auth.uid()) or (select private.is_moderator()));

-- Reviews: hidden and removed ones are for the reviewer, the seller (a store's admins) and moderators.
drop policy "seller_reviews: everyone reads" on public.seller_reviews;
create policy "seller_reviews: anon reads visible"
  on public.seller_reviews for select to anon
  using (moderation_state = 'visible');
create policy "seller_reviews: members read visible; the reviewer, seller and moderators all"
  on public.seller_reviews for select to authenticated
  using (
    moderation_state = 'visible'
    or reviewer_id = (select auth.uid())
    or seller_id = (select auth.uid())
    or store_id in (select private.organization_ids_with_role('admin'))
    or (select private.is_moderator())
  );

alter policy "seller_reviews: the reviewer and moderators delete" on public.seller_reviews
  using (reviewer_id = (select auth.uid()) or (select private.is_moderator()));

-- A review counts in its seller's aggregate while it is visible.
create or replace function private.keep_seller_rating()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and (new.rating, new.communication_rating, new.accuracy_rating, new.shipping_rating, new.moderation_state = 'visible')
    is not distinct from (old.rating, old.communication_rating, old.accuracy_rating, old.shipping_rating, old.moderation_state = 'visible') then
    return null;
  end if;
  if tg_op in ('UPDATE', 'DELETE') and old.moderation_state = 'visible' then
    perform private.add_to_seller_rating(old, -1);
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.moderation_state = 'visible' then
    perform private.add_to_seller_rating(new, 1);
  end if;
  return null;
end;
$$;

comment on function private.keep_seller_rating() is
  'Keeps seller_ratings and the part listing''s review counts exact as reviews are written, edited, deleted, hidden and shown again: only visible reviews count.';

drop trigger seller_reviews_keep_rating on public.seller_reviews;
create trigger seller_reviews_keep_rating
  after insert or update or delete on public.seller_reviews
  for each row execute function private.keep_seller_rating();

-- ---------------------------------------------------------------------------------------------
-- Suspension on the remaining marketplace writes
-- ---------------------------------------------------------------------------------------------

-- Images, specifications and compatibility rows change a listing as much as its own columns, which
-- guard_listing already closes to a suspended seller.
create function private.require_active_listing_manager()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not private.is_trusted() and not private.is_platform_admin() and not private.is_active_user() then
    raise exception using errcode = '42501', message = 'your account is suspended',
      hint = 'a suspended account cannot change its listings until the suspension ends';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;

revoke all on function private.require_active_listing_manager() from public;
grant execute on function private.require_active_listing_manager() to authenticated, service_role;
comment on function private.require_active_listing_manager() is
  'Refuses a suspended seller''s (or store member''s) writes to listing images, specifications and compatibility rows. Granted to authenticated because it runs as the caller''s own write.';

create trigger listing_images_require_active
  before insert or update or delete on public.listing_images
  for each row execute function private.require_active_listing_manager();
create trigger car_specifications_require_active
  before insert or update or delete on public.car_specifications
  for each row execute function private.require_active_listing_manager();
create trigger part_compatibilities_require_active
  before insert or update or delete on public.part_compatibilities
  for each row execute function private.require_active_listing_manager();

-- Nor does a suspended seller upload listing images (replacing and deleting files stays open: the
-- rows that show them are closed above).
alter policy "listing-images: listing managers upload" on storage.objects
  with check (
    bucket_id = 'listing-images'
    and private.can_manage_listing(private.try_uuid((storage.foldername(name))[1]))
    and (select private.is_active_user())
  );

alter policy "seller_review_votes: voters change their vote" on public.seller_review_votes
  using (user_id = (select auth.uid()) and (select private.is_active_user()))
  with check (user_id = (select auth.uid()) and (select private.is_active_user()));

-- ---------------------------------------------------------------------------------------------
-- A comment on one's listing
-- ---------------------------------------------------------------------------------------------

insert into public.notification_types (type, description, default_email) values
  ('listing_comment', 'Someone commented on your listing', false);

create function private.notify_listing_comment()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_listing record;
  v_recipients uuid[];
begin
  select seller_id, store_id, title into v_listing from public.car_listings where id = new.car_listing_id;
  if not found then
    select seller_id, store_id, title into v_listing from public.part_listings where id = new.part_listing_id;
  end if;
  if v_listing.store_id is null then
    v_recipients := array[v_listing.seller_id];
  else
    select pg_catalog.array_agg(user_id) into v_recipients
    from public.organization_members where organization_id = v_listing.store_id and role >= 'staff';
  end if;
  v_recipients := pg_catalog.array_remove(v_recipients, new.author_id);
  if pg_catalog.cardinality(v_recipients) > 0 then
    perform private.notify(
      'listing_comment', v_recipients,
      coalesce((select display_name from public.profiles where id = new.author_id), 'Someone') || ' commented on ' || v_listing.title,
      pg_catalog.left(new.body, 280),
      pg_catalog.jsonb_build_object('comment_id', new.id, 'listing_id', new.listing_id),
      'listing_comment', new.id, '/listings/' || new.listing_id);
  end if;
  return null;
end;
$$;

revoke all on function private.notify_listing_comment() from public;
comment on function private.notify_listing_comment() is
  'A top-level comment on a listing notifies its seller, or the staff of its store (not the commenter).';

create trigger listing_comments_notify_seller
  after insert on public.listing_comments
  for each row when (new.parent_id is null)
  execute function private.notify_listing_comment();
