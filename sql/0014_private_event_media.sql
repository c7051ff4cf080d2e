-- Event media stop being public (issue 12 item 7): `event-media` was a public bucket, so anyone
-- with a file's URL downloaded the media of a draft or cancelled event although the event was not
-- published. The bucket becomes private and its read policies decide by the event's status:
-- the media of published and completed events are readable by everyone, anonymous visitors
-- included; those of drafts and cancelled events only by the event's staff (and platform admins).
--
-- Serving: a private bucket has no public URL (`/object/public/event-media/…` answers "not
-- found"). Apps download with the anon key (`/object/authenticated/event-media/<event id>/<file>`,
-- which is what `storage.from('event-media').download()` calls: one indexed policy check a file),
-- or, for pages full of images, ask once for signed URLs of a whole gallery
-- (`createSignedUrls`, one policy check for the batch) that a browser and a CDN cache like public
-- ones until they expire. Unpublishing or cancelling an event hides its files at once; moving
-- objects between a public and a private bucket at each status change would not, and would copy
-- every file.

update storage.buckets set public = false where id = 'event-media';

-- Whether an event's media are for everyone: the event is published or completed.
create function private.is_event_media_public(p_event_id uuid)
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
      and status in ('published', 'completed')
  )
$$;

comment on function private.is_event_media_public(uuid) is
  'Whether the files under <event id>/ in the event-media bucket are readable by everyone: the event is published or completed. Security definer: anonymous callers cannot read events themselves inside a storage policy.';

revoke all on function private.is_event_media_public(uuid) from public;
grant execute on function private.is_event_media_public(uuid) to anon, authenticated, service_role;

drop policy "event-media: signed-in users read" on storage.objects;

create policy "event-media: anyone reads media of published events"
  on storage.objects for select to anon
  using (
    bucket_id = 'event-media'
    and private.is_event_media_public(private.try_uuid((storage.foldername(name))[1]))
  );

create policy "event-media: signed-in users read media of published events, staff all"
  on storage.objects for select to authenticated
  using (
    bucket_id = 'event-media'
    and (
      private.is_event_media_public(private.try_uuid((storage.foldername(name))[1]))
      or private.can_manage_event(private.try_uuid((storage.foldername(name))[1]))
    )
  );
