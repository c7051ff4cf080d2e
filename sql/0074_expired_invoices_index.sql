-- expire_due_invoices (pg_cron, every minute) returns the invoices it expired by reading back
-- `status = 'expired' and expired_at = now()`. No index served that, so each run read every
-- invoice: on the load seed (250,000 invoices, bench/load-seed.sql) a parallel sequential scan
-- with two workers, 218 ms a minute, growing with the table, whether or not anything expired.
-- A partial index on expired_at for expired invoices makes it an index lookup of this minute's
-- few. (invoices_expired_at already ties expired_at to the expired status.)

create index invoices_expired_at_idx on public.invoices (expired_at) where status = 'expired';

comment on index public.invoices_expired_at_idx is
  'Expired invoices by when they expired: expire_due_invoices reads back the ones it expired (expired_at = now()) without scanning every invoice.';
