-- Realtime for the people-and-events domain: apps subscribe with postgres_changes, and each
-- subscriber receives only the rows its RLS policies let it read.
--   event_registrations  a registrant sees their own registration change (a waiting-list seat
--                        offered, a payment confirmed, a transfer); staff watch their events'
--   event_check_ins      staff watch check-ins arrive at the door (their events' only)
--   certificates         a holder sees a certificate appear when it is issued or revoked
-- Notifications and chat join the publication in their own domain's migrations.

do $$
declare
  v_table text;
begin
  foreach v_table in array array['event_registrations', 'event_check_ins', 'certificates'] loop
    if not exists (
      select 1
      from pg_catalog.pg_publication_tables
      where pubname = 'supabase_realtime'
        and schemaname = 'public'
        and tablename = v_table
    ) then
      execute pg_catalog.format('alter publication supabase_realtime add table public.%I', v_table);
    end if;
  end loop;
end
$$;
