// People and organizations: profiles, push devices, private files, organizations, members and
// invitations.
import { fromStorage } from "../errors.ts";
import {
  type Args,
  type PitlaneSupabase,
  rows,
  rpc,
  type Update,
  userId,
  sorted,
} from "../call.ts";

export function people(client: PitlaneSupabase) {
  return {
    /** The signed-in person's profile. */
    me: async () =>
      rows(
        client
          .from("profiles")
          .select("*")
          .eq("id", await userId(client))
          .single(),
      ),
    /** A profile by id; 404 when it does not exist (or the caller may not see it). */
    get: (id: string) => rows(client.from("profiles").select("*").eq("id", id).single()),
    /** Changes the signed-in person's own profile; protected columns answer 403. */
    update: async (changes: Update<"profiles">) =>
      rows(
        client
          .from("profiles")
          .update(changes)
          .eq("id", await userId(client))
          .select()
          .single(),
      ),
    /** This device's push token (one row per device; registering again replaces it). */
    registerPushDevice: (args: Args<"register_push_device">) =>
      rpc(client, "register_push_device", args),
    /**
     * A private file's row and a signed URL to upload it to (`storage.from("member-files")
     * .uploadToSignedUrl(file.storage_path, upload.token, blob)`).
     */
    presignFile: async (args: Args<"presign_member_file">) => {
      const file = await rpc(client, "presign_member_file", args);
      const { data, error } = await client.storage
        .from("member-files")
        .createSignedUploadUrl(file.storage_path);
      if (error) throw fromStorage(error);
      return { file, upload: data };
    },
  };
}

export function organizations(client: PitlaneSupabase) {
  return {
    list: () => rows(sorted(client.from("organizations").select("*"), { display_name: "asc" })),
    get: (id: string) => rows(client.from("organizations").select("*").eq("id", id).single()),
    members: (organizationId: string) =>
      rows(
        client
          .from("organization_members")
          .select("*, profile:profiles!user_id(display_name, avatar_url)")
          .eq("organization_id", organizationId),
      ),
    invite: (args: Args<"create_organization_invitation">) =>
      rpc(client, "create_organization_invitation", args),
    acceptInvitation: (code: string) =>
      rpc(client, "accept_organization_invitation", { p_code: code }),
    declineInvitation: (code: string) =>
      rpc(client, "decline_organization_invitation", { p_code: code }),
  };
}
