// Marketplace: car and part search, listings, parts that fit a vehicle, the wishlist.
import { type Args, type Insert, type PitlaneSupabase, rows, rpc } from "../call.ts";

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
    partsThatFit: (args: Args<"parts_that_fit">) => rpc(client, "parts_that_fit", args),
    /** `{ car_listing_id }` or `{ part_listing_id }`. */
    wish: (listing: Insert<"wishlist_items">) =>
      rows(client.from("wishlist_items").insert(listing).select().single()),
  };
}
