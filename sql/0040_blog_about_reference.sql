-- Content: the seed's Blog, About and Reference modules.
--
--   blog_categories    platform-managed categories
--   blog_posts         the club's (organization_id null) or an organization's posts, written by
--                      their staff: Markdown content with no raw HTML, a YouTube video by id (the
--                      embed URL is built from the validated id), a main image and an album in the
--                      blog-media bucket, tags, full-text search; draft → scheduled → published →
--                      archived. A scheduled post is public from publish_at on: the select policy
--                      compares publish_at with now(), so no job is needed for correctness; the
--                      job publish-due-blog-posts only moves the status along.
--   blog_post_slugs    former slugs of posts, so old links redirect (resolve_blog_slug)
--   blog_post_images   the album: ordered images with captions
--   about_pages        the club's and each organization's about pages, with about_sections
--   reference_items    the reference data events use (ReferenceEventModel): levels, regions,
--                      categories and event references; platform admins write, everyone reads
--
-- Slugs come from the title (lower case ASCII words joined by "-", a number added when taken)
-- while a post is a draft; from scheduling on the slug stays, and an editor's explicit change
-- keeps the old one as a redirect.

create type public.blog_post_status as enum ('draft', 'scheduled', 'published', 'archived');

create table public.blog_categories (
  id uuid primary key default gen_random_uuid(),
  slug text not null,
  name text not null,
  description text,
  position integer not null default 0,
  constraint blog_categories_slug_key unique (slug),
  constraint blog_categories_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 80),
  constraint blog_categories_name_length check (char_length(name) between 1 and 120)
);

comment on table public.blog_categories is 'Blog categories, managed by platform admins and readable by everyone.';

create table public.blog_posts (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid references public.organizations (id) on delete cascade,
  author_id uuid default auth.uid() references public.profiles (id) on delete set null,
  category_id uuid references public.blog_categories (id) on delete set null,
  title text not null,
  slug text not null,
  summary text,
  content text not null default '',
  main_image_path text,
  youtube_id text,
  youtube_embed_url text generated always as ('https://www.youtube-nocookie.com/embed/' || youtube_id) stored,
  tags text[] not null default '{}',
  status public.blog_post_status not null default 'draft',
  publish_at timestamptz,
  archived_at timestamptz,
  search_vector tsvector generated always as (
    setweight(to_tsvector('simple', coalesce(title, '')), 'A')
    || setweight(to_tsvector('simple', coalesce(summary, '')), 'B')
    || setweight(to_tsvector('simple', content), 'C')
  ) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint blog_posts_slug_key unique (slug),
  constraint blog_posts_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 120),
  constraint blog_posts_title_length check (char_length(title) between 1 and 200),
  constraint blog_posts_summary_length check (char_length(summary) <= 255),
  constraint blog_posts_content_length check (char_length(content) <= 200000),
  -- Markdown without raw HTML or script URLs: whatever renderer an app uses, nothing runs.
  constraint blog_posts_content_safe check (
    content !~ '</?[A-Za-z!?]' and content !~* '\]\s*[(:]\s*<?\s*(javascript|vbscript|data)\s*:'
  ),
  constraint blog_posts_youtube_id check (youtube_id ~ '^[A-Za-z0-9_-]{11}$'),
  constraint blog_posts_main_image check (main_image_path like id::text || '/%'),
  constraint blog_posts_tags check (
    cardinality(tags) <= 20 and array_to_string(tags, ',') ~ '^([a-z0-9]+(-[a-z0-9]+)*(,|$))*$'
  ),
  constraint blog_posts_publish_at check (status in ('draft', 'archived') or publish_at is not null),
  constraint blog_posts_archived_at check ((status = 'archived') = (archived_at is not null))
);

comment on table public.blog_posts is
  'Blog posts of the club (organization_id null) or an organization. Everyone reads scheduled and published posts from publish_at on; drafts, archived posts and posts not due yet only their managers (the organization''s staff, platform admins). Search with textSearch(''search_vector'', query, { type: ''websearch'', config: ''simple'' }).';
comment on column public.blog_posts.slug is 'Unique; generated from the title while a draft (a number added when taken). Former slugs are in blog_post_slugs.';
comment on column public.blog_posts.content is 'Markdown; raw HTML and script URLs are refused, so apps render it with HTML disabled and nothing can be injected.';
comment on column public.blog_posts.youtube_id is 'An 11-character YouTube video id; youtube_embed_url is built from it (no embed HTML is stored).';
comment on column public.blog_posts.main_image_path is 'An object in the blog-media bucket, under <post id>/.';
comment on column public.blog_posts.tags is 'Lower-case slugs; related_blog_posts() ranks posts by shared tags.';
comment on column public.blog_posts.publish_at is 'When the post becomes public (scheduled and published posts).';
comment on column public.blog_posts.search_vector is 'Full-text search over title, summary and content (filter tags with contains/overlaps on tags).';

create index blog_posts_organization_id_idx on public.blog_posts (organization_id, status);
create index blog_posts_author_id_idx on public.blog_posts (author_id);
create index blog_posts_category_id_idx on public.blog_posts (category_id);
create index blog_posts_publish_at_idx on public.blog_posts (status, publish_at desc);
create index blog_posts_tags_idx on public.blog_posts using gin (tags);
create index blog_posts_search_idx on public.blog_posts using gin (search_vector);

create trigger blog_posts_updated_at
  before update on public.blog_posts
  for each row execute function extensions.moddatetime(updated_at);

create table public.blog_post_slugs (
  slug text primary key,
  post_id uuid not null references public.blog_posts (id) on delete cascade,
  organization_id uuid,
  retired_at timestamptz not null default now()
);

comment on table public.blog_post_slugs is 'Former slugs of blog posts, kept by the database when a scheduled or published post''s slug changes, so old links redirect.';

create index blog_post_slugs_post_id_idx on public.blog_post_slugs (post_id);
create index blog_post_slugs_organization_id_idx on public.blog_post_slugs (organization_id);

create table public.blog_post_images (
  id uuid primary key default gen_random_uuid(),
  post_id uuid not null references public.blog_posts (id) on delete cascade,
  organization_id uuid,
  storage_path text not null,
  caption text,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  constraint blog_post_images_path check (storage_path like post_id::text || '/%'),
  constraint blog_post_images_path_key unique (storage_path),
  constraint blog_post_images_caption_length check (char_length(caption) <= 500)
);

comment on table public.blog_post_images is 'The album of a blog post: images in the blog-media bucket under <post id>/, in position order, with captions. Visible with the post.';

create index blog_post_images_post_id_idx on public.blog_post_images (post_id, position);
create index blog_post_images_organization_id_idx on public.blog_post_images (organization_id);

create trigger blog_post_images_organization
  before insert or update on public.blog_post_images
  for each row execute function private.inherit_organization_id('blog_posts', 'post_id');

-- ---------------------------------------------------------------------------------------------
-- Slugs, status and ownership
-- ---------------------------------------------------------------------------------------------

-- A free slug for a title: ASCII lower-case words joined by "-", with -2, -3 … when taken by a
-- post or a former slug (other than p_post_id's own).
create function private.free_blog_slug(p_title text, p_post_id uuid)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_base text := pg_catalog.left(pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.lower(
    pg_catalog.translate(p_title, 'áàâäãåéèêëíìîïóòôöõúùûüçñÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÇÑ', 'aaaaaaeeeeiiiiooooouuuucnaaaaaaeeeeiiiiooooouuuucn')),
    '[^a-z0-9]+', '-', 'g'), '-'), 100);
  v_slug text;
  v_n integer := 1;
begin
  v_base := pg_catalog.rtrim(coalesce(nullif(v_base, ''), 'post'), '-');
  v_slug := v_base;
  while exists (select 1 from public.blog_posts where slug = v_slug and id <> p_post_id)
     or exists (select 1 from public.blog_post_slugs where slug = v_slug and post_id <> p_post_id) loop
    v_n := v_n + 1;
    v_slug := v_base || '-' || v_n;
  end loop;
  return v_slug;
end;
$$;

revoke all on function private.free_blog_slug(text, uuid) from public;
grant execute on function private.free_blog_slug(text, uuid) to authenticated, service_role;

comment on function private.free_blog_slug(text, uuid) is
  'A free slug for a title. Granted to authenticated because the blog_posts guard trigger, which runs as the caller, asks it.';

-- Keeps a post's former slug as a redirect when an editor changes the slug of a scheduled or
-- published post; a slug that once led to another post is refused, and a post may take back its
-- own former slug.
create function private.retire_blog_slug(p_post_id uuid, p_old_slug text, p_new_slug text, p_organization_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.blog_post_slugs where slug = p_new_slug and post_id <> p_post_id) then
    raise exception using errcode = 'PT409', message = pg_catalog.format('the slug %s belonged to another post', p_new_slug),
      hint = 'its old links still lead there; choose another slug';
  end if;
  delete from public.blog_post_slugs where slug = p_new_slug;
  insert into public.blog_post_slugs (slug, post_id, organization_id) values (p_old_slug, p_post_id, p_organization_id);
end;
$$;

revoke all on function private.retire_blog_slug(uuid, text, text, uuid) from public;
grant execute on function private.retire_blog_slug(uuid, text, text, uuid) to authenticated, service_role;

comment on function private.retire_blog_slug(uuid, text, text, uuid) is
  'Records a post''s former slug as a redirect. Granted to authenticated because the blog_posts guard trigger, which runs as the editor, calls it; blog_post_slugs itself is not writable through the API.';

-- Slugs (generated while a draft, kept and redirected afterwards), the status workflow
-- draft → scheduled | published → archived (scheduled ⇄ draft while not due; archived → draft),
-- and the author and organization, which the API cannot change.
create function private.guard_blog_post()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if not private.is_trusted() then
      new.author_id := (select auth.uid());
    end if;
    if new.status = 'archived' then
      raise exception using errcode = '22023', message = 'a new post cannot be archived';
    end if;
  else
    if not private.is_trusted() and (
      new.organization_id is distinct from old.organization_id or new.author_id is distinct from old.author_id
    ) then
      raise exception using errcode = '42501', message = 'the author and organization of a post cannot be changed';
    end if;
    if new.status <> old.status and (old.status, new.status) not in (
      ('draft'::public.blog_post_status, 'scheduled'::public.blog_post_status), ('draft', 'published'),
      ('scheduled', 'published'), ('scheduled', 'draft'), ('scheduled', 'archived'),
      ('published', 'archived'), ('archived', 'draft')
    ) then
      raise exception using errcode = 'PT409', message = pg_catalog.format('a post cannot go from %s to %s', old.status, new.status),
        hint = 'draft → scheduled or published → archived; archive a published post rather than unpublishing it';
    end if;
  end if;

  if new.status = 'published' then
    new.publish_at := coalesce(new.publish_at, now());
    if new.publish_at > now() then
      if tg_op = 'UPDATE' and old.status = 'published' then
        raise exception using errcode = 'PT409', message = 'a published post cannot move its publication into the future',
          hint = 'archive it instead';
      end if;
      new.status := 'scheduled';
    end if;
  elsif new.status = 'scheduled' and new.publish_at is null then
    raise exception using errcode = '22023', message = 'a scheduled post needs publish_at', hint = 'the time it becomes public';
  end if;
  new.archived_at := case when new.status = 'archived' then coalesce(new.archived_at, now()) end;

  if new.status = 'draft' and (tg_op = 'INSERT' or old.status = 'draft') then
    if new.slug is null or (tg_op = 'UPDATE' and new.slug = old.slug and new.title <> old.title) then
      new.slug := private.free_blog_slug(new.title, new.id);
    end if;
  elsif tg_op = 'UPDATE' and new.slug is distinct from old.slug then
    perform private.retire_blog_slug(old.id, old.slug, new.slug, old.organization_id);
  end if;
  if new.slug is null then
    new.slug := private.free_blog_slug(new.title, new.id);
  end if;
  -- A slug given by the editor must be free of other posts' current and former slugs.
  if tg_op = 'INSERT' and private.free_blog_slug(new.slug, new.id) <> new.slug then
    raise exception using errcode = 'PT409', message = pg_catalog.format('the slug %s is taken', new.slug),
      hint = 'choose another slug, or leave it out to have one made from the title';
  end if;
  return new;
end;
$$;

revoke all on function private.guard_blog_post() from public;

create trigger blog_posts_guard
  before insert or update on public.blog_posts
  for each row execute function private.guard_blog_post();

-- Whether a post is public now: scheduled or published and due.
create function private.is_blog_post_public(p_post_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.blog_posts
    where id = p_post_id and status in ('scheduled', 'published') and publish_at <= now()
  )
$$;

revoke all on function private.is_blog_post_public(uuid) from public;
grant execute on function private.is_blog_post_public(uuid) to anon, authenticated, service_role;

comment on function private.is_blog_post_public(uuid) is
  'Whether a blog post is public now. Granted to anon and authenticated because the blog_post_images and blog-media policies call it.';

-- Whether the caller manages the post (its organization's staff; platform admins).
create function private.can_manage_blog_post(p_post_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.blog_posts where id = p_post_id and private.can_manage(organization_id))
$$;

revoke all on function private.can_manage_blog_post(uuid) from public;
grant execute on function private.can_manage_blog_post(uuid) to authenticated, service_role;

comment on function private.can_manage_blog_post(uuid) is
  'Whether the caller manages a blog post. Granted to authenticated because the blog_post_images and blog-media policies call it.';

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

create function public.resolve_blog_slug(p_slug text)
returns table (post_id uuid, slug text, redirected boolean)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  return query
    select p.id, p.slug, false from public.blog_posts p where p.slug = p_slug;
  if not found then
    return query
      select p.id, p.slug, true
      from public.blog_post_slugs s join public.blog_posts p on p.id = s.post_id
      where s.slug = p_slug;
  end if;
  if not found then
    raise exception using errcode = 'PT404', message = 'post not found';
  end if;
end;
$$;

comment on function public.resolve_blog_slug(text) is
  'The post a slug leads to, for a /blog/<slug> page: its current slug and whether the page should redirect (an old slug). 404 when no post the caller may see has it.';

create function public.related_blog_posts(p_post_id uuid, p_limit integer default 5)
returns setof public.blog_posts
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_tags text[];
begin
  if p_limit is null or p_limit not between 1 and 50 then
    raise exception using errcode = '22023', message = 'the limit is from 1 to 50';
  end if;
  select tags into v_tags from public.blog_posts where id = p_post_id;
  if not found then
    raise exception using errcode = 'PT404', message = 'post not found';
  end if;
  return query
    select p.* from public.blog_posts p
    where p.id <> p_post_id and p.tags && v_tags
      and p.status in ('scheduled', 'published') and p.publish_at <= now()
    order by (select pg_catalog.count(*) from pg_catalog.unnest(p.tags) t where t = any (v_tags)) desc, p.publish_at desc, p.id
    limit p_limit;
end;
$$;

comment on function public.related_blog_posts(uuid, integer) is
  'Public posts sharing tags with a post, most shared tags first, then newest.';

-- Moves due scheduled posts to published (the job publish-due-blog-posts, every minute). Their
-- visibility does not wait for it.
create function private.publish_due_blog_posts()
returns integer
language sql
security definer
set search_path = ''
as $$
  with due as (
    update public.blog_posts set status = 'published'
    where status = 'scheduled' and publish_at <= now()
    returning 1
  )
  select pg_catalog.count(*)::integer from due
$$;

revoke all on function private.publish_due_blog_posts() from public;

select cron.schedule('publish-due-blog-posts', '* * * * *', $$select private.publish_due_blog_posts()$$);

-- ---------------------------------------------------------------------------------------------
-- About pages and reference data
-- ---------------------------------------------------------------------------------------------

create table public.about_pages (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid references public.organizations (id) on delete cascade,
  slug text not null,
  title text not null,
  position integer not null default 0,
  is_published boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint about_pages_slug_key unique nulls not distinct (organization_id, slug),
  constraint about_pages_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 80),
  constraint about_pages_title_length check (char_length(title) between 1 and 200)
);

comment on table public.about_pages is
  'About pages of the club (organization_id null) and of each organization, slugged and ordered. Published ones are public; managers (organization staff, platform admins) edit.';

create index about_pages_organization_id_idx on public.about_pages (organization_id, position);

create trigger about_pages_updated_at
  before update on public.about_pages
  for each row execute function extensions.moddatetime(updated_at);

create table public.about_sections (
  id uuid primary key default gen_random_uuid(),
  page_id uuid not null references public.about_pages (id) on delete cascade,
  organization_id uuid,
  heading text,
  body text not null default '',
  image_path text,
  position integer not null default 0,
  constraint about_sections_heading_length check (char_length(heading) <= 200),
  constraint about_sections_body_length check (char_length(body) <= 50000),
  constraint about_sections_body_safe check (body !~ '</?[A-Za-z!?]' and body !~* '\]\s*[(:]\s*<?\s*(javascript|vbscript|data)\s*:'),
  constraint about_sections_image_path check (image_path like 'about/%')
);

comment on table public.about_sections is 'Ordered sections of an about page: a heading, Markdown without raw HTML, an image in the blog-media bucket under about/.';

create index about_sections_page_id_idx on public.about_sections (page_id, position);
create index about_sections_organization_id_idx on public.about_sections (organization_id);

create trigger about_sections_organization
  before insert or update on public.about_sections
  for each row execute function private.inherit_organization_id('about_pages', 'page_id');

create table public.reference_items (
  id uuid primary key default gen_random_uuid(),
  kind text not null,
  code text not null,
  label text not null,
  description text,
  url text,
  position integer not null default 0,
  is_active boolean not null default true,
  constraint reference_items_kind check (kind in ('level', 'region', 'category', 'event_reference')),
  constraint reference_items_code_key unique (kind, code),
  constraint reference_items_code_format check (code ~ '^[a-z0-9]+([_-][a-z0-9]+)*$' and char_length(code) <= 80),
  constraint reference_items_label_length check (char_length(label) between 1 and 200),
  constraint reference_items_url check (url ~ '^https?://')
);

comment on table public.reference_items is
  'Reference data the events use (the seed''s ReferenceEventModel): levels, regions, categories and event references, by kind and code. Platform admins write; everyone reads.';

-- ---------------------------------------------------------------------------------------------
-- Grants and row-level security
-- ---------------------------------------------------------------------------------------------

revoke all on function public.resolve_blog_slug(text) from public;
revoke all on function public.related_blog_posts(uuid, integer) from public;
grant execute on function public.resolve_blog_slug(text) to anon, authenticated, service_role;
grant execute on function public.related_blog_posts(uuid, integer) to anon, authenticated, service_role;

revoke all on public.blog_categories, public.blog_posts, public.blog_post_slugs, public.blog_post_images,
  public.about_pages, public.about_sections, public.reference_items from anon, authenticated;
grant all on public.blog_categories, public.blog_posts, public.blog_post_slugs, public.blog_post_images,
  public.about_pages, public.about_sections, public.reference_items to service_role;
grant select on public.blog_categories, public.blog_posts, public.blog_post_slugs, public.blog_post_images,
  public.about_pages, public.about_sections, public.reference_items to anon;
grant select, insert, update, delete on public.blog_categories, public.blog_posts, public.blog_post_images,
  public.about_pages, public.about_sections, public.reference_items to authenticated;
grant select on public.blog_post_slugs to authenticated;

alter table public.blog_categories enable row level security;
alter table public.blog_posts enable row level security;
alter table public.blog_post_slugs enable row level security;
alter table public.blog_post_images enable row level security;
alter table public.about_pages enable row level security;
alter table public.about_sections enable row level security;
alter table public.reference_items enable row level security;

create policy "blog_categories: anyone reads" on public.blog_categories for select to anon using (true);
create policy "blog_categories: signed-in users read" on public.blog_categories for select to authenticated using (true);
create policy "blog_categories: platform admins add" on public.blog_categories for insert to authenticated with check (private.is_platform_admin());
create policy "blog_categories: platform admins update" on public.blog_categories for update to authenticated
  using (private.is_platform_admin()) with check (private.is_platform_admin());
create policy "blog_categories: platform admins remove" on public.blog_categories for delete to authenticated using (private.is_platform_admin());

create policy "blog_posts: anyone reads public posts" on public.blog_posts
  for select to anon using (status in ('scheduled', 'published') and publish_at <= now());
create policy "blog_posts: members read public posts, managers all" on public.blog_posts
  for select to authenticated using ((status in ('scheduled', 'published') and publish_at <= now()) or private.can_manage(organization_id));
create policy "blog_posts: organization staff and platform admins write" on public.blog_posts
  for insert to authenticated with check (private.can_manage(organization_id) and private.is_active_user());
create policy "blog_posts: managers update" on public.blog_posts
  for update to authenticated using (private.can_manage(organization_id)) with check (private.can_manage(organization_id));
create policy "blog_posts: managers remove" on public.blog_posts
  for delete to authenticated using (private.can_manage(organization_id));

-- Former slugs are readable where their post is (redirects of hidden posts reveal nothing).
create policy "blog_post_slugs: anyone reads those of public posts" on public.blog_post_slugs
  for select to anon using (private.is_blog_post_public(post_id));
create policy "blog_post_slugs: members read those of posts they see" on public.blog_post_slugs
  for select to authenticated using (private.is_blog_post_public(post_id) or private.can_manage(organization_id));

create policy "blog_post_images: anyone reads those of public posts" on public.blog_post_images
  for select to anon using (private.is_blog_post_public(post_id));
create policy "blog_post_images: members read those of posts they see" on public.blog_post_images
  for select to authenticated using (private.is_blog_post_public(post_id) or private.can_manage(organization_id));
create policy "blog_post_images: managers add" on public.blog_post_images
  for insert to authenticated with check (private.can_manage_blog_post(post_id));
create policy "blog_post_images: managers update" on public.blog_post_images
  for update to authenticated using (private.can_manage(organization_id)) with check (private.can_manage_blog_post(post_id));
create policy "blog_post_images: managers remove" on public.blog_post_images
  for delete to authenticated using (private.can_manage(organization_id));

create policy "about_pages: anyone reads published pages" on public.about_pages
  for select to anon using (is_published);
create policy "about_pages: members read published pages, managers all" on public.about_pages
  for select to authenticated using (is_published or private.can_manage(organization_id));
create policy "about_pages: managers add" on public.about_pages
  for insert to authenticated with check (private.can_manage(organization_id));
create policy "about_pages: managers update" on public.about_pages
  for update to authenticated using (private.can_manage(organization_id)) with check (private.can_manage(organization_id));
create policy "about_pages: managers remove" on public.about_pages
  for delete to authenticated using (private.can_manage(organization_id));

create policy "about_sections: anyone reads those of published pages" on public.about_sections
  for select to anon using (page_id in (select id from public.about_pages));
create policy "about_sections: members read those of pages they see" on public.about_sections
  for select to authenticated using (page_id in (select id from public.about_pages));
create policy "about_sections: managers add" on public.about_sections
  for insert to authenticated with check (private.can_manage(organization_id));
create policy "about_sections: managers update" on public.about_sections
  for update to authenticated using (private.can_manage(organization_id)) with check (private.can_manage(organization_id));
create policy "about_sections: managers remove" on public.about_sections
  for delete to authenticated using (private.can_manage(organization_id));

create policy "reference_items: anyone reads" on public.reference_items for select to anon using (true);
create policy "reference_items: signed-in users read" on public.reference_items for select to authenticated using (true);
create policy "reference_items: platform admins add" on public.reference_items for insert to authenticated with check (private.is_platform_admin());
create policy "reference_items: platform admins update" on public.reference_items for update to authenticated
  using (private.is_platform_admin()) with check (private.is_platform_admin());
create policy "reference_items: platform admins remove" on public.reference_items for delete to authenticated using (private.is_platform_admin());

-- ---------------------------------------------------------------------------------------------
-- Storage: blog-media (post images under <post id>/, about images under about/<organization id
-- or club>/), private: read through the policies (signed URLs or the authenticated endpoint).
-- ---------------------------------------------------------------------------------------------

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('blog-media', 'blog-media', false, 10485760, array['image/png', 'image/jpeg', 'image/webp', 'image/gif'])
on conflict (id) do update
set public = excluded.public, file_size_limit = excluded.file_size_limit, allowed_mime_types = excluded.allowed_mime_types;

create policy "blog-media: anyone reads images of public posts and about pages" on storage.objects
  for select to anon using (
    bucket_id = 'blog-media'
    and ((storage.foldername(name))[1] = 'about' or private.is_blog_post_public(private.try_uuid((storage.foldername(name))[1]))));
create policy "blog-media: members read images of posts they see and about pages" on storage.objects
  for select to authenticated using (
    bucket_id = 'blog-media'
    and ((storage.foldername(name))[1] = 'about'
         or private.is_blog_post_public(private.try_uuid((storage.foldername(name))[1]))
         or private.can_manage_blog_post(private.try_uuid((storage.foldername(name))[1]))));
create policy "blog-media: managers upload" on storage.objects
  for insert to authenticated with check (
    bucket_id = 'blog-media'
    and (private.can_manage_blog_post(private.try_uuid((storage.foldername(name))[1]))
         or ((storage.foldername(name))[1] = 'about'
             and case when (storage.foldername(name))[2] = 'club' then private.is_platform_admin()
                      else private.try_uuid((storage.foldername(name))[2]) is not null
                           and private.can_manage(private.try_uuid((storage.foldername(name))[2])) end)));
create policy "blog-media: managers remove" on storage.objects
  for delete to authenticated using (
    bucket_id = 'blog-media' and private.can_manage_blog_post(private.try_uuid((storage.foldername(name))[1])));
