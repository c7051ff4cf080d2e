-- Catalogue: admin-managed products (the product seed's "admin-only" product APIs) with images
-- in the private `product-images` bucket, served through signed URLs.
--
-- Paths: product-images  <product id>/<file>   written by platform admins; readable (so signable)
--                                               by anyone while the product is active.

create table public.products (
  id uuid primary key default gen_random_uuid(),
  sku text not null,
  name text not null,
  description text,
  price_amount integer not null,
  currency text not null,
  is_active boolean not null default false,
  stock integer,
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint products_sku_key unique (sku),
  constraint products_sku_format check (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  constraint products_name_length check (char_length(name) between 1 and 200),
  constraint products_description_length check (char_length(description) <= 10000),
  constraint products_price check (price_amount >= 0),
  constraint products_currency_format check (currency ~ '^[A-Z]{3}$'),
  constraint products_stock check (stock >= 0)
);

comment on table public.products is
  'A product sold through invoices. Written by platform admins only; active products are readable by everyone.';
comment on column public.products.price_amount is 'Current price in minor units of currency; invoices copy it at checkout.';
comment on column public.products.stock is 'Units left; null means not tracked. Decremented when an invoice is paid.';

create index products_active_idx on public.products (is_active, name);
create index products_created_by_idx on public.products (created_by);

create trigger products_updated_at
  before update on public.products
  for each row execute function extensions.moddatetime(updated_at);

create table public.product_images (
  id uuid primary key default gen_random_uuid(),
  product_id uuid not null references public.products (id) on delete cascade,
  storage_path text not null,
  alt_text text,
  is_primary boolean not null default false,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  constraint product_images_path check (storage_path like product_id::text || '/%'),
  constraint product_images_path_key unique (storage_path),
  constraint product_images_alt_length check (char_length(alt_text) <= 300)
);

comment on table public.product_images is
  'Images of a product: objects in the private product-images bucket under <product id>/, served through signed URLs. At most one primary.';

create index product_images_product_id_idx on public.product_images (product_id, position);
create unique index product_images_one_primary on public.product_images (product_id) where is_primary;

-- Whether the product exists and is active: the read rule of products, for policies elsewhere.
create function private.is_active_product(p_product_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.products where id = p_product_id and is_active)
$$;

revoke all on function private.is_active_product(uuid) from public;
grant execute on function private.is_active_product(uuid) to anon, authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.products, public.product_images from anon, authenticated;
grant all on public.products, public.product_images to service_role;
grant select on public.products, public.product_images to anon;
grant select, insert, update, delete on public.products, public.product_images to authenticated;

alter table public.products enable row level security;
alter table public.product_images enable row level security;

create policy "products: everyone reads active, platform admins all"
  on public.products for select to anon, authenticated
  using (is_active or (select private.is_platform_admin()));

create policy "products: platform admins insert"
  on public.products for insert to authenticated
  with check ((select private.is_platform_admin()));

create policy "products: platform admins update"
  on public.products for update to authenticated
  using ((select private.is_platform_admin()))
  with check ((select private.is_platform_admin()));

create policy "products: platform admins delete"
  on public.products for delete to authenticated
  using ((select private.is_platform_admin()));

create policy "product_images: everyone reads those of active products, platform admins all"
  on public.product_images for select to anon, authenticated
  using (private.is_active_product(product_id) or (select private.is_platform_admin()));

create policy "product_images: platform admins insert"
  on public.product_images for insert to authenticated
  with check ((select private.is_platform_admin()));

create policy "product_images: platform admins update"
  on public.product_images for update to authenticated
  using ((select private.is_platform_admin()))
  with check ((select private.is_platform_admin()));

create policy "product_images: platform admins delete"
  on public.product_images for delete to authenticated
  using ((select private.is_platform_admin()));

-- ---------------------------------------------------------------------------------------------
-- Storage: product-images (private; signed URLs)
-- ---------------------------------------------------------------------------------------------

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('product-images', 'product-images', false, 5242880, array['image/png', 'image/jpeg', 'image/webp'])
on conflict (id) do update
set public = excluded.public,
  file_size_limit = excluded.file_size_limit,
  allowed_mime_types = excluded.allowed_mime_types;

create policy "product-images: everyone reads images of active products"
  on storage.objects for select to anon, authenticated
  using (
    bucket_id = 'product-images'
    and (
      private.is_active_product(private.try_uuid((storage.foldername(name))[1]))
      or (select private.is_platform_admin())
    )
  );

create policy "product-images: platform admins upload"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'product-images' and (select private.is_platform_admin()));

create policy "product-images: platform admins replace"
  on storage.objects for update to authenticated
  using (bucket_id = 'product-images' and (select private.is_platform_admin()))
  with check (bucket_id = 'product-images' and (select private.is_platform_admin()));

create policy "product-images: platform admins delete"
  on storage.objects for delete to authenticated
  using (bucket_id = 'product-images' and (select private.is_platform_admin()));
