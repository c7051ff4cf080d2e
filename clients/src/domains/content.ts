// Content: blog posts (search, slugs with redirects, related posts), about pages, reference data.
import { type PitlaneSupabase, rows, rpc, sorted } from "../call.ts";

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
