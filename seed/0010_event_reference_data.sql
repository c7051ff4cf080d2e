-- The demo events' categories and regions (reference_items of seed/0008_content.sql), and the
-- diagnostics bootcamp's reading citing the OBD-II reference item.

update public.events e
set category_id = c.id, region_id = r.id
from (values
  ('e1000000-0000-4000-8000-000000000001'::uuid, 'safety', 'west-java'),
  ('e1000000-0000-4000-8000-000000000002'::uuid, 'management', 'jakarta'),
  ('e1000000-0000-4000-8000-000000000003'::uuid, 'technical', 'west-java'),
  ('e1000000-0000-4000-8000-000000000004'::uuid, 'safety', 'west-java'),
  ('e1000000-0000-4000-8000-000000000005'::uuid, 'technical', 'west-java')
) as v (event_id, category, region)
join public.reference_items c on c.kind = 'category' and c.code = v.category
join public.reference_items r on r.kind = 'region' and r.code = v.region
where e.id = v.event_id;

update public.event_references
set reference_item_id = (select id from public.reference_items where kind = 'event_reference' and code = 'obd-ii')
where event_id = 'e1000000-0000-4000-8000-000000000005' and title = 'OBD-II PID reference';
