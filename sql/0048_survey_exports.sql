-- Survey exports as files: the survey-export edge function writes export_survey_responses() (CSV
-- or JSON) to the private survey-exports bucket at <survey id>/<time>-<random>.<csv|json> with the
-- service role, after the RPC has checked, as the caller, that they manage the survey; it then
-- signs the file as the caller, so this policy decides who gets a link. Nobody writes the bucket
-- through the API.

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('survey-exports', 'survey-exports', false, 104857600, array['text/csv', 'application/json'])
on conflict (id) do update
set public = excluded.public, file_size_limit = excluded.file_size_limit, allowed_mime_types = excluded.allowed_mime_types;

create policy "survey-exports: the survey's managers read" on storage.objects
  for select to authenticated
  using (
    bucket_id = 'survey-exports'
    and exists (
      select 1 from public.surveys s
      where s.id::text = (storage.foldername(name))[1] and private.can_manage(s.organization_id)
    )
  );
