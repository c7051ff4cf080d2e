-- A tracked click redirects only to a whole link of the campaign's body (issue 20 follow-up, found
-- by the edge-function fuzz): record_campaign_click took any substring of the body, so a prefix of
-- a link ("https://skills-academy.ex" of "https://skills-academy.example/…") was recorded as a
-- click and the campaign-tracking function redirected to it, another host. The links are found as
-- the campaign email finds them (functions/email-delivery/campaign.ts).

create or replace function public.record_campaign_click(p_recipient_id uuid, p_url text)
returns boolean
language sql
security definer
set search_path = ''
as $$
  update public.campaign_recipients r
  set click_count = r.click_count + 1, first_clicked_at = coalesce(r.first_clicked_at, now()),
    open_count = greatest(r.open_count, 1), first_opened_at = coalesce(r.first_opened_at, now())
  where r.id = p_recipient_id
    and exists (
      select 1 from public.email_campaigns c
      cross join lateral pg_catalog.regexp_matches(c.body, 'https?://[^[:space:]<>"'']+[^[:space:]<>"''.,;:!?)]', 'g') as link
      where c.id = r.campaign_id and c.track_clicks and link[1] = p_url)
  returning true
$$;

comment on function public.record_campaign_click(uuid, text) is
  'Service role (the campaign-tracking function): the recipient followed p_url, a whole link of the campaign''s body (a click counts as an open too). False otherwise: the function then refuses to redirect.';
