-- The local stack's email-delivery function, at the default API port with the CLI's demo
-- service role key (npm start -- --api-port changes the port: update this row then).
insert into private.email_delivery_endpoint (function_url, service_role_key)
values (
  'http://127.0.0.1:54321/functions/v1/email-delivery',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU'
)
on conflict (one) do nothing;
