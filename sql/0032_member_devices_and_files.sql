-- Service membership: the member's push devices (the seed's login `deviceId`, "for push
-- notifications") and files (the seed's presign endpoint, below).
--
-- The app registers its push token after signing in (register_push_device): one row per person and
-- device, replaced when the device registers again, tied to the auth session that registered it,
-- so signing out of that device (GoTrue deletes its session) removes the row. A token is one
-- device's: registering it for someone else (another person signs in on the phone) moves it.
-- The notification system reads a person's devices through private.push_devices_of(); sending push
-- (APNs, FCM) is out of scope here.

create type public.push_platform as enum ('ios', 'android', 'web');

create table public.push_devices (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  device_id text not null,
  platform public.push_platform not null,
  push_token text not null,
  session_id uuid,
  app_version text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint push_devices_device_key unique (user_id, device_id),
  constraint push_devices_token_key unique (push_token),
  constraint push_devices_device_id_length check (char_length(device_id) between 1 and 200),
  constraint push_devices_token_length check (char_length(push_token) between 1 and 4096),
  constraint push_devices_app_version_length check (char_length(app_version) <= 50)
);

comment on table public.push_devices is
  'Push tokens per person and device (the seed''s deviceId): written by register_push_device, removed at sign-out of the session that registered them. The person reads and removes their own; the notification system reads them through private.push_devices_of().';
comment on column public.push_devices.device_id is 'The app''s stable id for the device (the seed''s deviceId).';
comment on column public.push_devices.push_token is 'The APNs/FCM/Web Push token; one device''s only, so it moves when another person registers it.';
comment on column public.push_devices.session_id is 'The auth session (auth.sessions.id, the JWT''s session_id) that registered the token: signing out of it removes the row.';

create index push_devices_session_id_idx on public.push_devices (session_id);

create trigger push_devices_updated_at
  before update on public.push_devices
  for each row execute function extensions.moddatetime(updated_at);

create function public.register_push_device(
  p_device_id text,
  p_platform public.push_platform,
  p_push_token text,
  p_app_version text default null
)
returns public.push_devices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_session_id uuid := private.try_uuid((select auth.jwt()) ->> 'session_id');
  v_device public.push_devices;
begin
  if coalesce(pg_catalog.btrim(p_device_id), '') = '' or char_length(p_device_id) > 200 then
    raise exception using errcode = '22023', message = 'give the device id (up to 200 characters)';
  end if;
  if coalesce(pg_catalog.btrim(p_push_token), '') = '' or char_length(p_push_token) > 4096 then
    raise exception using errcode = '22023', message = 'give the push token (up to 4096 characters)';
  end if;
  if p_platform is null then
    raise exception using errcode = '22023', message = 'give the platform: ios, android or web';
  end if;
  if char_length(p_app_version) > 50 then
    raise exception using errcode = '22023', message = 'the app version is up to 50 characters';
  end if;
  -- The token moves from whichever row had it (this person's other device id, or someone else).
  delete from public.push_devices where push_token = p_push_token and not (user_id = v_user_id and device_id = p_device_id);
  insert into public.push_devices (user_id, device_id, platform, push_token, session_id, app_version)
  values (v_user_id, p_device_id, p_platform, p_push_token, v_session_id, p_app_version)
  on conflict (user_id, device_id) do update
  set platform = excluded.platform, push_token = excluded.push_token, session_id = excluded.session_id,
    app_version = excluded.app_version
  returning * into v_device;
  return v_device;
end;
$$;

comment on function public.register_push_device(text, public.push_platform, text, text) is
  'After sign-in: the caller''s push token for a device (replacing that device''s earlier one), tied to the current session so that signing out of it removes the row.';

revoke all on function public.register_push_device(text, public.push_platform, text, text) from public, anon;
grant execute on function public.register_push_device(text, public.push_platform, text, text) to authenticated, service_role;

-- Signing out deletes the session (GoTrue, and the local stack): its devices go with it.
create function private.remove_session_push_devices()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.push_devices where session_id = old.id;
  return null;
end;
$$;

revoke all on function private.remove_session_push_devices() from public;

comment on function private.remove_session_push_devices() is 'Trigger on auth.sessions: a session that ends (sign-out) takes the push devices it registered.';

create trigger on_auth_session_deleted_push_devices
  after delete on auth.sessions
  for each row execute function private.remove_session_push_devices();

-- What a push sender would read: the person's devices, newest first.
create function private.push_devices_of(p_user_id uuid)
returns setof public.push_devices
language sql
stable
security definer
set search_path = ''
as $$
  select * from public.push_devices where user_id = p_user_id order by updated_at desc
$$;

revoke all on function private.push_devices_of(uuid) from public;
grant execute on function private.push_devices_of(uuid) to service_role;

comment on function private.push_devices_of(uuid) is 'The person''s push devices, for the notification system (sending push is not built yet).';

revoke all on public.push_devices from anon, authenticated;
grant all on public.push_devices to service_role;
grant select, delete on public.push_devices to authenticated;

alter table public.push_devices enable row level security;

create policy "push_devices: the person reads their own"
  on public.push_devices for select to authenticated
  using (user_id = (select auth.uid()));

create policy "push_devices: the person removes their own"
  on public.push_devices for delete to authenticated
  using (user_id = (select auth.uid()));

-- ---------------------------------------------------------------------------------------------
-- Member files (the seed's POST /api/files/presign/ {filename, contentType} → url, fileId)
-- ---------------------------------------------------------------------------------------------
-- presign_member_file describes the file (purpose, name, type and size within the limits) and
-- answers its path, <user id>/<file id>/<file name> in the private member-files bucket; the app
-- then asks Storage for a signed upload URL for that path (createSignedUploadUrl), which Storage
-- issues only when the insert policy below lets the caller write there: their own folder, and a
-- file they described. Deleting the object (Storage API) deletes its row; other members never
-- read either.

create type public.member_file_purpose as enum ('receipt', 'photo', 'document', 'other');

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('member-files', 'member-files', false, 10485760,
  array['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'])
on conflict (id) do update
set public = excluded.public, file_size_limit = excluded.file_size_limit, allowed_mime_types = excluded.allowed_mime_types;

create table public.member_files (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.profiles (id) on delete cascade,
  purpose public.member_file_purpose not null default 'other',
  file_name text not null,
  content_type text not null,
  size_bytes integer not null,
  storage_path text not null,
  created_at timestamptz not null default now(),
  constraint member_files_storage_path_key unique (storage_path),
  constraint member_files_file_name check (file_name ~ '^[A-Za-z0-9][A-Za-z0-9._ -]{0,199}$' and file_name !~ '\.\.'),
  constraint member_files_size check (size_bytes between 1 and 10485760),
  constraint member_files_storage_path check (storage_path = user_id::text || '/' || id::text || '/' || file_name)
);

comment on table public.member_files is
  'Files a member uploads (receipts, photos, documents) to the private member-files bucket: described by presign_member_file, uploaded with a signed upload URL to storage_path. The member reads and deletes their own.';
comment on column public.member_files.storage_path is 'Path in the member-files bucket: <user id>/<file id>/<file name>.';
comment on column public.member_files.size_bytes is 'Declared size; the bucket refuses uploads over its 10 MB limit.';

create index member_files_user_id_idx on public.member_files (user_id, created_at desc);

create function public.presign_member_file(
  p_file_name text,
  p_content_type text,
  p_size_bytes integer,
  p_purpose public.member_file_purpose default 'other'
)
returns public.member_files
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_bucket storage.buckets;
  v_id uuid := gen_random_uuid();
  v_file public.member_files;
begin
  select * into v_bucket from storage.buckets where id = 'member-files';
  if p_file_name is null or p_file_name !~ '^[A-Za-z0-9][A-Za-z0-9._ -]{0,199}$' or p_file_name ~ '\.\.' then
    raise exception using errcode = '22023', message = 'a file name is 1 to 200 letters, digits, spaces, dots, dashes and underscores';
  end if;
  if p_content_type is null or not (p_content_type = any (v_bucket.allowed_mime_types)) then
    raise exception using errcode = '22023', message = 'this type of file is not accepted',
      hint = 'accepted: ' || pg_catalog.array_to_string(v_bucket.allowed_mime_types, ', ');
  end if;
  if p_size_bytes is null or p_size_bytes < 1 or p_size_bytes > v_bucket.file_size_limit then
    raise exception using errcode = '22023', message = format('a file is 1 byte to %s MB', v_bucket.file_size_limit / 1048576);
  end if;
  insert into public.member_files (id, user_id, purpose, file_name, content_type, size_bytes, storage_path)
  values (v_id, v_user_id, coalesce(p_purpose, 'other'), p_file_name, p_content_type, p_size_bytes,
    v_user_id::text || '/' || v_id::text || '/' || p_file_name)
  returning * into v_file;
  return v_file;
end;
$$;

comment on function public.presign_member_file(text, text, integer, public.member_file_purpose) is
  'The seed''s POST /api/files/presign/: describes a file the caller will upload and answers its row (id = fileId, storage_path); then createSignedUploadUrl(storage_path) on the member-files bucket gives the upload URL.';

revoke all on function public.presign_member_file(text, text, integer, public.member_file_purpose) from public, anon;
grant execute on function public.presign_member_file(text, text, integer, public.member_file_purpose) to authenticated, service_role;

-- Whether the caller described a file at this path (the upload policy's check).
create function private.owns_member_file_path(p_path text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.member_files where storage_path = p_path and user_id = (select auth.uid()))
$$;

revoke all on function private.owns_member_file_path(text) from public;
grant execute on function private.owns_member_file_path(text) to authenticated, service_role;

comment on function private.owns_member_file_path(text) is
  'Whether the caller described (presign_member_file) the file at this member-files path. Granted to authenticated because the bucket''s insert policy calls it.';

-- A deleted object takes its row with it.
create function private.forget_member_file()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.member_files where storage_path = old.name;
  return null;
end;
$$;

revoke all on function private.forget_member_file() from public;

comment on function private.forget_member_file() is 'Trigger on storage.objects: deleting a member file''s object deletes its member_files row.';

create trigger member_files_forget
  after delete on storage.objects
  for each row when (old.bucket_id = 'member-files')
  execute function private.forget_member_file();

revoke all on public.member_files from anon, authenticated;
grant all on public.member_files to service_role;
grant select, delete on public.member_files to authenticated;

alter table public.member_files enable row level security;

create policy "member_files: the member reads their own"
  on public.member_files for select to authenticated
  using (user_id = (select auth.uid()));

create policy "member_files: the member removes their own"
  on public.member_files for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "member-files: the member reads their own folder"
  on storage.objects for select to authenticated
  using (bucket_id = 'member-files' and (storage.foldername(name))[1] = (select auth.uid())::text);

create policy "member-files: the member uploads files they described"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'member-files' and (storage.foldername(name))[1] = (select auth.uid())::text
    and private.owns_member_file_path(name));

create policy "member-files: the member deletes their own"
  on storage.objects for delete to authenticated
  using (bucket_id = 'member-files' and (storage.foldername(name))[1] = (select auth.uid())::text);
