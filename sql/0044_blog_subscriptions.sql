-- Blog subscriptions: people follow the club's blog or an organization's blog and are notified
-- (blog_post_published) when a post goes live, once per post.
--
--   blog_subscriptions   who follows which blog: organization_id null is the club's blog
--   blog_posts.notified_at   when its subscribers were told; set once by the job
--
-- Visibility still needs no job (the select policy compares publish_at with now()); the job
-- publish-due-blog-posts, which already moved due posts to published every minute, now also
-- notifies. Its update takes only rows whose notified_at is null, and a concurrent run rechecks
-- that condition after the row lock, so a post is announced exactly once, however often the job
-- runs or overlaps. Posts already public when this migration runs count as announced.

create table public.blog_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  organization_id uuid references public.organizations (id) on delete cascade,
  created_at timestamptz not null default now(),
  constraint blog_subscriptions_unique unique nulls not distinct (user_id, organization_id)
);

comment on table public.blog_subscriptions is
  'Who follows which blog (organization_id null: the club''s blog); they get a blog_post_published notification when one of its posts goes live. Each person reads, adds and removes their own.';

create index blog_subscriptions_organization_id_idx on public.blog_subscriptions (organization_id);

alter table public.blog_posts add column notified_at timestamptz;

comment on column public.blog_posts.notified_at is
  'When the blog''s subscribers were notified that the post went live; set once, by the database.';

update public.blog_posts set notified_at = publish_at
where status in ('scheduled', 'published') and publish_at <= now();

create index blog_posts_unannounced_idx on public.blog_posts (publish_at) where notified_at is null;

-- Only the job marks a post announced; an editor's write keeps the stored value.
create function private.keep_blog_post_notified_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not private.is_trusted() then
    new.notified_at := case when tg_op = 'UPDATE' then old.notified_at end;
  end if;
  return new;
end;
$$;

revoke all on function private.keep_blog_post_notified_at() from public;

create trigger blog_posts_notified_at
  before insert or update on public.blog_posts
  for each row execute function private.keep_blog_post_notified_at();

insert into public.notification_types (type, description, essential, default_email, required_data) values
  ('blog_post_published', 'A blog you follow published a post', false, false, '{post_id,slug}');

-- Moves due scheduled posts to published and announces each live post not yet announced to the
-- subscribers of its blog (not its author). Returns how many posts were announced.
create or replace function private.publish_due_blog_posts()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_post record;
  v_count integer := 0;
  v_recipients uuid[];
begin
  update public.blog_posts set status = 'published'
  where status = 'scheduled' and publish_at <= now();

  for v_post in
    update public.blog_posts set notified_at = now()
    where notified_at is null and status = 'published' and publish_at <= now()
    returning id, organization_id, author_id, title, summary, slug
  loop
    select pg_catalog.array_agg(s.user_id) into v_recipients
    from public.blog_subscriptions s
    where s.organization_id is not distinct from v_post.organization_id
      and s.user_id is distinct from v_post.author_id;
    if v_recipients is not null then
      perform private.notify('blog_post_published', v_recipients, pg_catalog.left('New post: ' || v_post.title, 200),
        v_post.summary,
        pg_catalog.jsonb_build_object('post_id', v_post.id, 'slug', v_post.slug, 'title', v_post.title,
          'organization_id', v_post.organization_id),
        'blog_post', v_post.id, '/blog/' || v_post.slug);
    end if;
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;

revoke all on function private.publish_due_blog_posts() from public;

alter table public.blog_subscriptions enable row level security;
revoke all on public.blog_subscriptions from anon, authenticated;
grant select, delete on public.blog_subscriptions to authenticated;
grant insert (organization_id) on public.blog_subscriptions to authenticated;
grant all on public.blog_subscriptions to service_role;

create policy "blog_subscriptions: the person reads their own"
  on public.blog_subscriptions for select to authenticated using (user_id = (select auth.uid()));
create policy "blog_subscriptions: the person follows a blog"
  on public.blog_subscriptions for insert to authenticated with check (user_id = (select auth.uid()));
create policy "blog_subscriptions: the person unfollows"
  on public.blog_subscriptions for delete to authenticated using (user_id = (select auth.uid()));
