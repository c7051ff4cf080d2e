// Marketplace: car and part search, listings, parts that fit a vehicle, the wishlist, part
// categories, stores and seller verification, listing comments, seller reviews and ratings.
import { type Args, type Insert, type PitlaneSupabase, rows, rpc, sorted } from "../call.ts";

/** Which listing a comment thread belongs to. */
export type ListingRef = { car_listing_id: string } | { part_listing_id: string };
/** A seller: a person or a store. */
export type SellerRef = { seller_id: string } | { store_id: string };

export function marketplace(client: PitlaneSupabase) {
  return {
    searchCars: (args: Args<"search_car_listings"> = {}) =>
      rpc(client, "search_car_listings", args),
    searchParts: (args: Args<"search_part_listings"> = {}) =>
      rpc(client, "search_part_listings", args),
    car: (id: string) =>
      rows(
        client
          .from("car_listings")
          .select("*, car_specifications(*), listing_images(storage_path, position, is_primary)")
          .eq("id", id)
          .single(),
      ),
    /** A car for sale: `pending` until a moderator makes it active. */
    listCar: (listing: Insert<"car_listings">) =>
      rows(client.from("car_listings").insert(listing).select().single()),
    partsThatFit: (args: Args<"parts_that_fit">) => rpc(client, "parts_that_fit", args),
    /** `{ car_listing_id }` or `{ part_listing_id }`. */
    wish: (listing: Insert<"wishlist_items">) =>
      rows(client.from("wishlist_items").insert(listing).select().single()),
    /** The top-level part categories, or a category's children. */
    partCategories: (parentId: string | null = null) => {
      const query = client.from("part_categories").select("*");
      return rows(
        sorted(parentId === null ? query.is("parent_id", null) : query.eq("parent_id", parentId), {
          position: "asc",
          name: "asc",
        }),
      );
    },
    /** Platform admins. */
    addPartCategory: (category: Insert<"part_categories">) =>
      rows(client.from("part_categories").insert(category).select().single()),
    /** Stores with their profiles and ratings. */
    stores: () =>
      rows(
        sorted(
          client
            .from("organizations")
            .select("*, store_profiles(*), seller_ratings(*)")
            .eq("kind", "store"),
          { display_name: "asc" },
        ),
      ),
    /** A new store organization (its creator becomes its admin), then its profile. */
    openStore: async (
      store: { slug: string; display_name: string },
      profile: Omit<Insert<"store_profiles">, "organization_id"> = {},
    ) => {
      const organization = await rows(
        client
          .from("organizations")
          .insert({ ...store, kind: "store" })
          .select()
          .single(),
      );
      const storeProfile = await rows(
        client
          .from("store_profiles")
          .insert({ ...profile, organization_id: organization.id })
          .select()
          .single(),
      );
      return { ...organization, store_profile: storeProfile };
    },
    /** For oneself, or with `p_store_id` for a store one administers. */
    requestVerification: (args: Args<"request_seller_verification">) =>
      rpc(client, "request_seller_verification", args),
    /** Platform admins: the requests waiting for a decision, oldest first. */
    pendingVerifications: () =>
      rows(
        sorted(client.from("seller_verification_requests").select("*").eq("status", "pending"), {
          created_at: "asc",
        }),
      ),
    decideVerification: (args: Args<"decide_seller_verification">) =>
      rpc(client, "decide_seller_verification", args),
    revokeVerification: (args: Args<"revoke_seller_verification">) =>
      rpc(client, "revoke_seller_verification", args),
    /** A comment on a listing (`car_listing_id` or `part_listing_id`), or a reply (`parent_id`). */
    comment: (comment: Insert<"listing_comments">) =>
      rows(client.from("listing_comments").insert(comment).select().single()),
    /** A listing's top-level comments with their replies, oldest first. */
    comments: (listing: ListingRef) => {
      const query = client
        .from("listing_comments")
        .select("*, replies:listing_comments(*)")
        .is("parent_id", null);
      return rows(
        sorted(
          "car_listing_id" in listing
            ? query.eq("car_listing_id", listing.car_listing_id)
            : query.eq("part_listing_id", listing.part_listing_id),
          { created_at: "asc" },
        ),
      );
    },
    likeComment: (commentId: string) =>
      rows(
        client.from("listing_comment_likes").insert({ comment_id: commentId }).select().single(),
      ),
    /** With `invoice_item_id` of one's paid purchase it is a verified-purchase review. */
    review: (review: Insert<"seller_reviews">) =>
      rows(client.from("seller_reviews").insert(review).select().single()),
    /** The seller's one answer to a review. */
    respondToReview: (reviewId: string, response: string) =>
      rows(
        client
          .from("seller_reviews")
          .update({ seller_response: response })
          .eq("id", reviewId)
          .select()
          .single(),
      ),
    voteReview: (reviewId: string, isHelpful: boolean) =>
      rows(
        client
          .from("seller_review_votes")
          .insert({ review_id: reviewId, is_helpful: isHelpful })
          .select()
          .single(),
      ),
    /** A seller's aggregate; 404 when they have no reviews yet. */
    sellerRating: (seller: SellerRef) => {
      const query = client.from("seller_ratings").select("*");
      return rows(
        ("seller_id" in seller
          ? query.eq("seller_id", seller.seller_id)
          : query.eq("store_id", seller.store_id)
        ).single(),
      );
    },
  };
}
