-- Scheduled jobs with Supabase Cron (pg_cron). On hosted Supabase the extension is in the
-- dashboard's list; the local stack installs its own SQL-only pg_cron into the embedded
-- PostgreSQL and runs the jobs itself (supabase/stack/cron/).
--
--   expire-due-invoices  every minute: public.expire_due_invoices(), which first runs
--                        public.process_expired_registrations() (holds and waiting-list offers
--                        that ran out), then expires the unpaid invoices past their time.
--
-- The job runs as the role that scheduled it (postgres, which owns both functions). Unlike the
-- payments function's /expire it does not close the expired invoices' checkout sessions at the
-- providers: a payment that still arrives goes through apply_provider_event's late-payment rules.
-- cron.schedule() with a job name replaces a job of the same name, so this is safe to re-run.

create extension if not exists pg_cron with schema pg_catalog;

select cron.schedule('expire-due-invoices', '* * * * *', $$select public.expire_due_invoices()$$);
