-- Storage for this domain: organization logos and event media (public buckets: anyone may
-- download by URL) and certificates (private: PDFs written by the certificates edge function with
-- the service role, template images by the organization's admins).
--
-- Paths:
--   organization-logos  <organization id>/<file>           written by the organization's admins
--   event-media         <event id>/<file>                  written by the event's staff
--   certificates        <organization id>/<certificate id>.pdf, platform/<certificate id>.pdf
--                                                          written by the service role; read by
--                                                          the holder and the organization's staff
--                       <organization id>/templates/<file> signatures and backgrounds, written by
--                                                          the organization's admins

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values
  ('organization-logos', 'organization-logos', true, 2097152, array['image/png', 'image/jpeg', 'image/webp', 'image/svg+xml']),
  ('event-media', 'event-media', true, 20971520, array['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'video/mp4', 'application/pdf']),
  ('certificates', 'certificates', false, 10485760, array['application/pdf', 'image/png', 'image/jpeg'])
on conflict (id) do update
set public = excluded.public,
  file_size_limit = excluded.file_size_limit,
  allowed_mime_types = excluded.allowed_mime_types;

-- Whether the current user manages the event whose id is the object's first folder.
create function private.can_manage_event(p_event_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.events
    where id = p_event_id
      and private.can_manage(organization_id)
  )
$$;

revoke all on function private.can_manage_event(uuid) from public;
grant execute on function private.can_manage_event(uuid) to authenticated, service_role;

-- organization-logos
create policy "organization-logos: signed-in users read"
  on storage.objects for select to authenticated
  using (bucket_id = 'organization-logos');

create policy "organization-logos: admins upload"
  on storage.objects for insert to authenticated
  with check (
    bucket_id = 'organization-logos'
    and private.can_manage(private.try_uuid((storage.foldername(name))[1]), 'admin')
  );

create policy "organization-logos: admins replace"
  on storage.objects for update to authenticated
  using (
    bucket_id = 'organization-logos'
    and private.can_manage(private.try_uuid((storage.foldername(name))[1]), 'admin')
  )
  with check (
    bucket_id = 'organization-logos'
    and private.can_manage(private.try_uuid((storage.foldername(name))[1]), 'admin')
  );

create policy "organization-logos: admins delete"
  on storage.objects for delete to authenticated
  using (
    bucket_id = 'organization-logos'
    and private.can_manage(private.try_uuid((storage.foldername(name))[1]), 'admin')
  );

-- event-media
create policy "event-media: signed-in users read"
  on storage.objects for select to authenticated
  using (bucket_id = 'event-media');

create policy "event-media: staff upload"
  on storage.objects for insert to authenticated
  with check (
    bucket_id = 'event-media'
    and private.can_manage_event(private.try_uuid((storage.foldername(name))[1]))
  );

create policy "event-media: staff replace"
  on storage.objects for update to authenticated
  using (
    bucket_id = 'event-media'
    and private.can_manage_event(private.try_uuid((storage.foldername(name))[1]))
  )
  with check (
    bucket_id = 'event-media'
    and private.can_manage_event(private.try_uuid((storage.foldername(name))[1]))
  );

create policy "event-media: staff delete"
  on storage.objects for delete to authenticated
  using (
    bucket_id = 'event-media'
    and private.can_manage_event(private.try_uuid((storage.foldername(name))[1]))
  );

-- certificates: a PDF is readable by whoever may read its certificate row (the subquery runs
-- under the caller's policies on public.certificates); template images by the organization's staff.
create policy "certificates: holders and staff read"
  on storage.objects for select to authenticated
  using (
    bucket_id = 'certificates'
    and (
      name in (select c.pdf_path from public.certificates c where c.pdf_path is not null)
      or ((storage.foldername(name))[2] = 'templates'
        and private.can_manage(private.try_uuid((storage.foldername(name))[1]), 'staff'))
    )
  );

create policy "certificates: admins upload template images"
  on storage.objects for insert to authenticated
  with check (
    bucket_id = 'certificates'
    and (storage.foldername(name))[2] = 'templates'
    and private.can_manage(private.try_uuid((storage.foldername(name))[1]), 'admin')
  );

create policy "certificates: admins replace template images"
  on storage.objects for update to authenticated
  using (
    bucket_id = 'certificates'
    and (storage.foldername(name))[2] = 'templates'
    and private.can_manage(private.try_uuid((storage.foldername(name))[1]), 'admin')
  )
  with check (
    bucket_id = 'certificates'
    and (storage.foldername(name))[2] = 'templates'
    and private.can_manage(private.try_uuid((storage.foldername(name))[1]), 'admin')
  );

create policy "certificates: admins delete template images"
  on storage.objects for delete to authenticated
  using (
    bucket_id = 'certificates'
    and (storage.foldername(name))[2] = 'templates'
    and private.can_manage(private.try_uuid((storage.foldername(name))[1]), 'admin')
  );
