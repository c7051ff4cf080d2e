// Content: blog posts (search, slugs with redirects, related posts; writing them, their images,
// subscriptions), about pages, reference data.
import { fromStorage } from "../errors.ts";
import {
  type Insert,
  type PitlaneSupabase,
  rows,
  rpc,
  sorted,
  type Update,
  userId,
} from "../call.ts";

export function content(client: PitlaneSupabase) {
  return {
    /** Public posts, newest first; `search` is a web-search query over title and text. */
    posts: (options: { search?: string; tag?: string; limit?: number } = {}) => {
      let query = client
        .from("blog_posts")
        .select("*, blog_categories(name), blog_post_images(storage_path, caption)");
      if (options.search)
        query = query.textSearch("search_vector", options.search, {
          type: "websearch",
          config: "simple",
        });
      if (options.tag) query = query.contains("tags", [options.tag]);
      return rows(sorted(query, { publish_at: "desc" }).limit(options.limit ?? 20));
    },
    /** The post a slug leads to; `redirected` for a former slug. 404 for an unknown one. */
    resolveSlug: (slug: string) => rows(client.rpc("resolve_blog_slug", { p_slug: slug }).single()),
    related: (postId: string, limit = 5) =>
      rpc(client, "related_blog_posts", { p_post_id: postId, p_limit: limit }),
    /** Staff: a draft, scheduled or published post; its slug is made from the title. */
    writePost: (post: Omit<Insert<"blog_posts">, "slug"> & { slug?: string }) =>
      // The column is not null without a default, so the generated type requires it; the guard
      // trigger fills it from the title.
      rows(
        client
          .from("blog_posts")
          .insert(post as Insert<"blog_posts">)
          .select()
          .single(),
      ),
    updatePost: (id: string, changes: Update<"blog_posts">) =>
      rows(client.from("blog_posts").update(changes).eq("id", id).select().single()),
    /** 404 when the post does not exist or the caller may not delete it. */
    deletePost: (id: string) =>
      rows(client.from("blog_posts").delete().eq("id", id).select("id").single()),
    /** An image uploaded to the private `blog-media` bucket under the post, then listed on it. */
    addPostImage: async (
      postId: string,
      file: { name: string; body: Blob },
      image: { caption?: string; position?: number } = {},
    ) => {
      const storagePath = `${postId}/${file.name}`;
      const { error } = await client.storage.from("blog-media").upload(storagePath, file.body);
      if (error) throw fromStorage(error);
      return rows(
        client
          .from("blog_post_images")
          .insert({ ...image, post_id: postId, storage_path: storagePath })
          .select()
          .single(),
      );
    },
    /** New posts of an organization's blog (null: the club's) notify the subscriber. */
    subscribe: (organizationId: string | null = null) =>
      rows(
        client
          .from("blog_subscriptions")
          .insert({ organization_id: organizationId })
          .select()
          .single(),
      ),
    unsubscribe: async (organizationId: string | null = null) => {
      const query = client
        .from("blog_subscriptions")
        .delete()
        .eq("user_id", await userId(client));
      await rows(
        organizationId === null
          ? query.is("organization_id", null)
          : query.eq("organization_id", organizationId),
      );
    },
    /** The club's about pages (organizationId null) or an organization's. */
    aboutPages: (organizationId: string | null = null) => {
      const query = client
        .from("about_pages")
        .select("slug, title, about_sections(heading, body, image_path)");
      return rows(
        sorted(
          organizationId === null
            ? query.is("organization_id", null)
            : query.eq("organization_id", organizationId),
          { position: "asc" },
        ),
      );
    },
    /** `level`, `region`, `category` or `event_reference`. */
    reference: (kind: string) => rows(client.from("reference_items").select("*").eq("kind", kind)),
  };
}
