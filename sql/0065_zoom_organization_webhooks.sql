-- Webhooks from an organization's own Zoom app. Such an app signs with its own secret token, which
-- the organization holds, so a verified event proves only that it came from that organization's
-- app: it may record attendance for that organization's meetings and no one else's. The
-- zoom-webhook function verifies the signature with the organization's token and records through
-- this function, which checks the meeting's owner before anything is written.

create function public.record_organization_zoom_participant_event(p_organization_id uuid, p_event jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  if p_organization_id is null then
    raise exception using errcode = '22023', message = 'an organization is required';
  end if;
  -- Zoom's meeting ids are unique across accounts: another organization's meeting (or one Pitlane
  -- did not make) is reported as unknown, so the webhook acknowledges it and records nothing.
  if not exists (
    select 1 from public.zoom_meetings
    where zoom_meeting_id = p_event #>> '{payload,object,id}' and organization_id = p_organization_id
  ) then
    raise exception using errcode = 'PT404', message = 'no event of this organization has this Zoom meeting';
  end if;
  return public.record_zoom_participant_event(p_event);
end;
$$;

comment on function public.record_organization_zoom_participant_event(uuid, jsonb) is
  'Service role (the zoom-webhook function, after verifying the signature with the organization''s own Zoom app''s secret token): record_zoom_participant_event() for a meeting of this organization only; 404 for a meeting of another organization or an unknown one, so an organization''s app cannot record attendance elsewhere.';

revoke all on function public.record_organization_zoom_participant_event(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.record_organization_zoom_participant_event(uuid, jsonb) to service_role;
