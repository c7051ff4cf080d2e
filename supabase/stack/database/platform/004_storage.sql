-- The storage schema as Supabase Storage leaves it after its migrations: tables owned by
-- supabase_storage_admin with row level security on and no policies (a new project denies every
-- request until the developer adds policies), and the helper functions policies and the Storage
-- API call.

set local client_min_messages = warning;

create schema if not exists storage authorization supabase_admin;

grant usage on schema storage to postgres with grant option;
grant usage on schema storage to anon, authenticated, service_role;
grant all on schema storage to supabase_storage_admin with grant option;
grant all on schema storage to dashboard_user;

alter default privileges for role supabase_storage_admin in schema storage
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on sequences to postgres, anon, authenticated, service_role;

alter default privileges for role postgres in schema storage
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema storage
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema storage
  grant all on sequences to postgres, anon, authenticated, service_role;

set local role supabase_storage_admin;

do $$
begin
  if not exists (
    select
    from pg_type
    where typname = 'buckettype'
      and typnamespace = 'storage'::regnamespace
  ) then
    create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');
  end if;
end
$$;

create table if not exists storage.migrations (
  id integer not null,
  name varchar(100) not null,
  hash varchar(40) not null,
  executed_at timestamp default current_timestamp,
  constraint migrations_pkey primary key (id),
  constraint migrations_name_key unique (name)
);

create table if not exists storage.buckets (
  id text not null,
  name text not null,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text,
  type storage.buckettype not null default 'STANDARD',
  versioning_status text not null default 'DISABLED',
  constraint buckets_pkey primary key (id),
  constraint buckets_versioning_status_check check (versioning_status in ('DISABLED', 'ENABLED', 'SUSPENDED')),
  constraint buckets_versioning_standard_only_check check (type = 'STANDARD' or versioning_status = 'DISABLED'),
  constraint buckets_versioning_dark_check check (versioning_status = 'DISABLED')
);

comment on column storage.buckets.owner is 'Field is deprecated, use owner_id instead';

create unique index if not exists bname on storage.buckets (name);

create table if not exists storage.objects (
  id uuid not null default gen_random_uuid(),
  bucket_id text,
  name text,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  owner_id text,
  user_metadata jsonb,
  archived_at timestamptz,
  is_delete_marker boolean not null default false,
  is_versioned boolean not null default false,
  constraint objects_pkey primary key (id),
  constraint "objects_bucketId_fkey" foreign key (bucket_id) references storage.buckets (id)
);

comment on column storage.objects.owner is 'Field is deprecated, use owner_id instead';

create unique index if not exists bucketid_objname on storage.objects (bucket_id, name);
create index if not exists name_prefix_search on storage.objects (name text_pattern_ops);
create index if not exists idx_objects_bucket_id_name on storage.objects (bucket_id, name collate "C");
create index if not exists idx_objects_bucket_id_name_lower on storage.objects (bucket_id, lower(name) collate "C");

create table if not exists storage.s3_multipart_uploads (
  id text not null,
  in_progress_size bigint not null default 0,
  upload_signature text not null,
  bucket_id text not null,
  key text collate "C" not null,
  version text not null,
  owner_id text,
  created_at timestamptz not null default now(),
  user_metadata jsonb,
  metadata jsonb,
  constraint s3_multipart_uploads_pkey primary key (id),
  constraint s3_multipart_uploads_bucket_id_fkey foreign key (bucket_id) references storage.buckets (id)
);

create index if not exists idx_multipart_uploads_list on storage.s3_multipart_uploads (bucket_id, key, created_at);

create table if not exists storage.s3_multipart_uploads_parts (
  id uuid not null default gen_random_uuid(),
  upload_id text not null,
  size bigint not null default 0,
  part_number integer not null,
  bucket_id text not null,
  key text collate "C" not null,
  etag text not null,
  owner_id text,
  version text not null,
  created_at timestamptz not null default now(),
  constraint s3_multipart_uploads_parts_pkey primary key (id),
  constraint s3_multipart_uploads_parts_upload_id_fkey
    foreign key (upload_id) references storage.s3_multipart_uploads (id) on delete cascade,
  constraint s3_multipart_uploads_parts_bucket_id_fkey foreign key (bucket_id) references storage.buckets (id)
);

create table if not exists storage.buckets_analytics (
  name text not null,
  type storage.buckettype not null default 'ANALYTICS',
  format text not null default 'ICEBERG',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  id uuid not null default gen_random_uuid(),
  deleted_at timestamptz,
  constraint buckets_analytics_pkey primary key (id)
);

create unique index if not exists buckets_analytics_unique_name_idx on storage.buckets_analytics (name)
  where deleted_at is null;

create table if not exists storage.buckets_vectors (
  id text not null,
  type storage.buckettype not null default 'VECTOR',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint buckets_vectors_pkey primary key (id)
);

create table if not exists storage.vector_indexes (
  id text not null default gen_random_uuid(),
  name text collate "C" not null,
  bucket_id text not null,
  data_type text not null,
  dimension integer not null,
  distance_metric text not null,
  metadata_configuration jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint vector_indexes_pkey primary key (id),
  constraint vector_indexes_bucket_id_fkey foreign key (bucket_id) references storage.buckets_vectors (id)
);

create unique index if not exists vector_indexes_name_bucket_id_idx on storage.vector_indexes (name, bucket_id);

alter table storage.migrations enable row level security;
alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
alter table storage.s3_multipart_uploads enable row level security;
alter table storage.s3_multipart_uploads_parts enable row level security;
alter table storage.buckets_analytics enable row level security;
alter table storage.buckets_vectors enable row level security;
alter table storage.vector_indexes enable row level security;

-- Path helpers used in storage policies, e.g. (storage.foldername(name))[1] = auth.uid()::text.
create or replace function storage.foldername(name text)
returns text[]
language sql
immutable
as $$
  select (string_to_array(name, '/'))[1 : array_length(string_to_array(name, '/'), 1) - 1]
$$;

create or replace function storage.filename(name text)
returns text
language sql
immutable
as $$
  select (string_to_array(name, '/'))[array_length(string_to_array(name, '/'), 1)]
$$;

-- Everything after the last dot of the file name; a name without a dot is returned whole.
create or replace function storage.extension(name text)
returns text
language sql
immutable
as $$
  select reverse(split_part(reverse(storage.filename(name)), '.', 1))
$$;

-- The key up to and including the first delimiter after the prefix: the "folder" a listing
-- shows for it, or null when the key is a file directly under the prefix.
create or replace function storage.get_common_prefix(p_key text, p_prefix text, p_delimiter text)
returns text
language sql
immutable
as $$
  select case
    when p_delimiter <> '' and strpos(substr(p_key, length(p_prefix) + 1), p_delimiter) > 0 then
      left(p_key, length(p_prefix) + strpos(substr(p_key, length(p_prefix) + 1), p_delimiter) + length(p_delimiter) - 1)
  end
$$;

create or replace function storage.operation()
returns text
language sql
stable
as $$
  select current_setting('storage.operation', true)
$$;

-- The Storage API names the operation it performs (e.g. "storage.object.upload"); policies may
-- compare with or without the "storage." prefix.
create or replace function storage.allow_only_operation(expected_operation text)
returns boolean
language sql
stable
as $$
  select case
    when coalesce(expected_operation, '') = '' then false
    else coalesce(
      regexp_replace(storage.operation(), '^storage\.', '') = regexp_replace(expected_operation, '^storage\.', ''),
      false
    )
  end
$$;

create or replace function storage.allow_any_operation(expected_operations text[])
returns boolean
language sql
stable
as $$
  select exists (
    select
    from unnest(expected_operations) as expected
    where coalesce(expected, '') <> ''
      and regexp_replace(storage.operation(), '^storage\.', '') = regexp_replace(expected, '^storage\.', '')
  )
$$;

create or replace function storage.get_size_by_bucket()
returns table (size bigint, bucket_id text)
language sql
stable
as $$
  select sum((o.metadata ->> 'size')::bigint)::bigint, o.bucket_id
  from storage.objects o
  group by o.bucket_id
$$;

-- The Storage API asks whether RLS would let the caller insert this object: the insert runs
-- under the caller's role and is then undone by the PT200 error the API expects.
create or replace function storage.can_insert_object(bucketid text, name text, owner uuid, metadata jsonb)
returns void
language plpgsql
as $$
begin
  insert into storage.objects (bucket_id, name, owner, metadata)
  values (bucketid, name, owner, metadata);

  raise sqlstate 'PT200' using message = 'ROLLBACK', detail = 'rollback successful insert';
end;
$$;

create or replace function storage.update_updated_at_column()
returns trigger
language plpgsql
as $$
begin
  new.updated_at = now();
  return new;
end;
$$;

create or replace function storage.enforce_bucket_name_length()
returns trigger
language plpgsql
as $$
begin
  if length(new.name) > 100 then
    raise exception 'bucket name "%" is too long (% characters). Max is 100.', new.name, length(new.name);
  end if;
  return new;
end;
$$;

-- Deleting rows directly would orphan the stored files, so only a session that sets
-- storage.allow_delete_query to 'true' (the Storage API) may delete buckets or objects.
create or replace function storage.protect_delete()
returns trigger
language plpgsql
as $$
begin
  if coalesce(current_setting('storage.allow_delete_query', true), 'false') <> 'true' then
    raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
      using hint = 'This prevents accidental data loss from orphaned objects.', errcode = '42501';
  end if;
  return null;
end;
$$;

do $$
begin
  if not exists (
    select
    from pg_trigger
    where tgname = 'update_objects_updated_at'
      and tgrelid = 'storage.objects'::regclass
  ) then
    create trigger update_objects_updated_at
      before update on storage.objects
      for each row execute function storage.update_updated_at_column();
  end if;

  if not exists (
    select
    from pg_trigger
    where tgname = 'protect_objects_delete'
      and tgrelid = 'storage.objects'::regclass
  ) then
    create trigger protect_objects_delete
      before delete on storage.objects
      for each statement execute function storage.protect_delete();
  end if;

  if not exists (
    select
    from pg_trigger
    where tgname = 'protect_buckets_delete'
      and tgrelid = 'storage.buckets'::regclass
  ) then
    create trigger protect_buckets_delete
      before delete on storage.buckets
      for each statement execute function storage.protect_delete();
  end if;

  if not exists (
    select
    from pg_trigger
    where tgname = 'enforce_bucket_name_length_trigger'
      and tgrelid = 'storage.buckets'::regclass
  ) then
    create trigger enforce_bucket_name_length_trigger
      before insert or update of name on storage.buckets
      for each row execute function storage.enforce_bucket_name_length();
  end if;
end
$$;

-- One level of a bucket, S3 style: the files directly under the prefix and one row per "folder"
-- (name without the trailing delimiter, all other columns null), ordered bytewise by key.
-- The cursor is the last name returned; a cursor naming a folder skips the whole folder.
create or replace function storage.list_objects_with_delimiter(
  _bucket_id text,
  prefix_param text,
  delimiter_param text,
  max_keys integer default 100,
  start_after text default '',
  next_token text default '',
  sort_order text default 'asc'
)
returns table (
  name text,
  id uuid,
  metadata jsonb,
  updated_at timestamptz,
  created_at timestamptz,
  last_accessed_at timestamptz
)
language sql
stable
as $$
  with params as (
    select
      coalesce(prefix_param, '') as prefix,
      case when coalesce(next_token, '') <> '' then next_token else coalesce(start_after, '') end as cursor,
      lower(coalesce(sort_order, 'asc')) = 'asc' as ascending
  ),
  cursor_key as (
    select
      p.*,
      case
        when p.cursor = '' then ''
        when exists (
          select
          from storage.objects o
          where o.bucket_id = _bucket_id
            and left(o.name, length(p.cursor) + length(delimiter_param)) = p.cursor || delimiter_param
        ) then p.cursor || delimiter_param
        else p.cursor
      end as after
    from params p
  ),
  matches as (
    select o.*, storage.get_common_prefix(o.name, p.prefix, delimiter_param) as folder
    from storage.objects o, params p
    where o.bucket_id = _bucket_id
      and o.name collate "C" >= p.prefix
      and left(o.name, length(p.prefix)) = p.prefix
  ),
  entries as (
    select distinct
      m.folder as sort_key,
      rtrim(m.folder, delimiter_param) as name,
      null::uuid as id,
      null::jsonb as metadata,
      null::timestamptz as updated_at,
      null::timestamptz as created_at,
      null::timestamptz as last_accessed_at
    from matches m
    where m.folder is not null
    union all
    select m.name, m.name, m.id, m.metadata, m.updated_at, m.created_at, m.last_accessed_at
    from matches m
    where m.folder is null
  )
  select e.name, e.id, e.metadata, e.updated_at, e.created_at, e.last_accessed_at
  from entries e, cursor_key c
  where c.after = ''
    or (c.ascending and e.sort_key collate "C" > c.after)
    or (not c.ascending and e.sort_key collate "C" < c.after)
  order by
    case when c.ascending then e.sort_key end collate "C" asc,
    case when not c.ascending then e.sort_key end collate "C" desc
  limit max_keys
$$;

-- The listing behind the Storage API's list endpoint (and supabase-js storage.list()): names are
-- relative to the prefix, the prefix and search term match case-insensitively. Sorted by name,
-- folders and files interleave; sorted by a timestamp, folders come first, by name.
create or replace function storage.search(
  prefix text,
  bucketname text,
  limits integer default 100,
  levels integer default 1,
  offsets integer default 0,
  search text default '',
  sortcolumn text default 'name',
  sortorder text default 'asc'
)
returns table (
  name text,
  id uuid,
  updated_at timestamptz,
  created_at timestamptz,
  last_accessed_at timestamptz,
  metadata jsonb
)
language sql
stable
as $$
  with params as (
    select
      coalesce(prefix, '') || coalesce(search, '') as full_prefix,
      length(coalesce(prefix, '')) as prefix_length,
      coalesce(array_length(string_to_array(coalesce(prefix, ''), '/'), 1), 1) as first_level,
      coalesce(array_length(string_to_array(coalesce(prefix, '') || coalesce(search, ''), '/'), 1), 1) as last_level,
      lower(coalesce(sortorder, 'asc')) = 'asc' as ascending,
      case lower(coalesce(sortcolumn, 'name'))
        when 'updated_at' then 'updated_at'
        when 'created_at' then 'created_at'
        when 'last_accessed_at' then 'last_accessed_at'
        else 'name'
      end as sort_column
  ),
  matches as (
    select
      o.*,
      storage.get_common_prefix(lower(o.name), lower(p.full_prefix), '/') as folder,
      storage.get_common_prefix(o.name, p.full_prefix, '/') as original_folder
    from storage.objects o, params p
    where o.bucket_id = bucketname
      and lower(left(o.name, length(p.full_prefix))) = lower(p.full_prefix)
  ),
  entries as (
    select
      0 as grp,
      m.folder as sort_text,
      null::timestamptz as sort_time,
      substr(
        rtrim((array_agg(m.original_folder order by lower(m.name) collate "C", m.name collate "C"))[1], '/'),
        p.prefix_length + 1
      ) as name,
      null::uuid as id,
      null::timestamptz as updated_at,
      null::timestamptz as created_at,
      null::timestamptz as last_accessed_at,
      null::jsonb as metadata
    from matches m, params p
    where p.sort_column = 'name'
      and m.folder is not null
    group by m.folder, p.prefix_length
    union all
    select 0, lower(m.name), null, substr(m.name, p.prefix_length + 1), m.id, m.updated_at, m.created_at,
      m.last_accessed_at, m.metadata
    from matches m, params p
    where p.sort_column = 'name'
      and m.folder is null
    union all
    select distinct 0, array_to_string(m.path_tokens[p.first_level : p.last_level], '/'), null::timestamptz,
      array_to_string(m.path_tokens[p.first_level : p.last_level], '/'), null::uuid, null::timestamptz,
      null::timestamptz, null::timestamptz, null::jsonb
    from matches m, params p
    where p.sort_column <> 'name'
      and array_length(m.path_tokens, 1) <> p.last_level
    union all
    select
      1,
      null,
      case p.sort_column
        when 'updated_at' then m.updated_at
        when 'created_at' then m.created_at
        else m.last_accessed_at
      end,
      array_to_string(m.path_tokens[p.first_level : p.last_level], '/'), m.id, m.updated_at, m.created_at,
      m.last_accessed_at, m.metadata
    from matches m, params p
    where p.sort_column <> 'name'
      and array_length(m.path_tokens, 1) = p.last_level
  )
  select e.name, e.id, e.updated_at, e.created_at, e.last_accessed_at, e.metadata
  from entries e, params p
  order by
    e.grp,
    case when p.ascending then e.sort_text end collate "C" asc,
    case when not p.ascending then e.sort_text end collate "C" desc,
    case when p.ascending then e.sort_time end asc,
    case when not p.ascending then e.sort_time end desc,
    e.name collate "C"
  offset greatest(coalesce(offsets, 0), 0)
  limit least(coalesce(limits, 100), 1500)
$$;

-- One level of a bucket sorted by a timestamp; folders carry the oldest created_at of their
-- contents. Paging continues after (sort_column_after, start_after).
create or replace function storage.search_by_timestamp(
  p_prefix text,
  p_bucket_id text,
  p_limit integer,
  p_level integer,
  p_start_after text,
  p_sort_order text,
  p_sort_column text,
  p_sort_column_after text
)
returns table (
  key text,
  name text,
  id uuid,
  updated_at timestamptz,
  created_at timestamptz,
  last_accessed_at timestamptz,
  metadata jsonb
)
language sql
stable
as $$
  with params as (
    select
      coalesce(p_prefix, '') as prefix,
      lower(coalesce(p_sort_order, 'asc')) = 'asc' as ascending,
      coalesce(nullif(p_sort_column_after, '')::timestamptz, 'epoch'::timestamptz) as after_time
  ),
  matches as (
    select o.*, storage.get_common_prefix(o.name, p.prefix, '/') as folder
    from storage.objects o, params p
    where o.bucket_id = p_bucket_id
      and left(o.name, length(p.prefix)) = p.prefix
  ),
  entries as (
    select
      rtrim(m.folder, '/') as name,
      null::uuid as id,
      min(m.created_at) as updated_at,
      min(m.created_at) as created_at,
      null::timestamptz as last_accessed_at,
      null::jsonb as metadata
    from matches m
    where m.folder is not null
    group by m.folder
    union all
    select m.name, m.id, m.updated_at, m.created_at, m.last_accessed_at, m.metadata
    from matches m
    where m.folder is null
  ),
  keyed as (
    select
      e.*,
      date_trunc('milliseconds', case p_sort_column when 'created_at' then e.created_at else e.updated_at end) as sort_time
    from entries e
  )
  select split_part(k.name, '/', p_level), k.name, k.id, k.updated_at, k.created_at, k.last_accessed_at, k.metadata
  from keyed k, params p
  where coalesce(p_start_after, '') = ''
    or (p.ascending and (k.sort_time, k.name collate "C") > (p.after_time, p_start_after))
    or (not p.ascending and (k.sort_time, k.name collate "C") < (p.after_time, p_start_after))
  order by
    case when p.ascending then coalesce(k.sort_time, 'epoch') end asc,
    case when p.ascending then k.name end collate "C" asc,
    case when not p.ascending then coalesce(k.sort_time, 'epoch') end desc,
    case when not p.ascending then k.name end collate "C" desc
  limit p_limit
$$;

create or replace function storage.search_v2(
  prefix text,
  bucket_name text,
  limits integer default 100,
  levels integer default 1,
  start_after text default '',
  sort_order text default 'asc',
  sort_column text default 'name',
  sort_column_after text default ''
)
returns table (
  key text,
  name text,
  id uuid,
  updated_at timestamptz,
  created_at timestamptz,
  last_accessed_at timestamptz,
  metadata jsonb
)
language plpgsql
stable
as $$
declare
  v_limit integer := least(coalesce(limits, 100), 1500);
  v_order text := case when lower(coalesce(sort_order, 'asc')) = 'desc' then 'desc' else 'asc' end;
  v_column text := lower(coalesce(sort_column, 'name'));
begin
  if v_column in ('updated_at', 'created_at') then
    return query
    select *
    from storage.search_by_timestamp(
      prefix, bucket_name, v_limit, levels, start_after, v_order, v_column, sort_column_after
    );
  else
    return query
    select split_part(l.name, '/', levels), l.name, l.id, l.updated_at, l.created_at, l.last_accessed_at, l.metadata
    from storage.list_objects_with_delimiter(bucket_name, coalesce(prefix, ''), '/', v_limit, start_after, '', v_order) l;
  end if;
end;
$$;

-- S3 ListMultipartUploads: in-progress uploads under the prefix, one row per common prefix,
-- paged by key marker and upload id marker.
create or replace function storage.list_multipart_uploads_with_delimiter(
  bucket_id text,
  prefix_param text,
  delimiter_param text,
  max_keys integer default 100,
  next_key_token text default '',
  next_upload_token text default ''
)
returns table (key text, id text, created_at timestamptz)
language sql
stable
as $$
  select distinct on (e.key collate "C") e.key, e.id, e.created_at
  from (
    select
      coalesce(storage.get_common_prefix(u.key, prefix_param, delimiter_param), u.key) as key,
      u.id,
      u.created_at
    from storage.s3_multipart_uploads u
    where u.bucket_id = list_multipart_uploads_with_delimiter.bucket_id
      and u.key ilike prefix_param || '%'
      and (
        next_key_token = ''
        or next_upload_token <> ''
        or coalesce(storage.get_common_prefix(u.key, prefix_param, delimiter_param), u.key) collate "C" > next_key_token
      )
      and (next_upload_token = '' or u.id collate "C" > next_upload_token)
  ) e
  order by e.key collate "C", e.created_at
  limit max_keys
$$;

grant all on storage.buckets, storage.objects to postgres with grant option;

-- Clients may read upload progress; only the service role may change it.
revoke all on storage.s3_multipart_uploads, storage.s3_multipart_uploads_parts from anon, authenticated;
grant select on storage.s3_multipart_uploads, storage.s3_multipart_uploads_parts to anon, authenticated;

revoke all on storage.buckets_vectors, storage.vector_indexes from anon, authenticated, service_role;
grant select on storage.buckets_vectors, storage.vector_indexes to anon, authenticated, service_role;

revoke all on storage.migrations from anon, authenticated, service_role, postgres;

reset role;
