/**
 * Storage: buckets and their settings, a bucket's folders to browse, upload, download, delete,
 * and a signed URL to copy.
 */
import { api, confirmAction, errorBox, grid, h, type SectionView } from "../studio.ts";

interface Bucket {
  id: string;
  public: boolean;
  file_size_limit: number | null;
  allowed_mime_types: string[] | null;
  created_at: string;
}

interface Entry {
  name: string;
  path: string;
  folder: boolean;
  size: number | null;
  type: string | null;
  updatedAt: string | null;
}

/** A file's bytes as base64, for the console's JSON API. */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export const storageView: SectionView = {
  render(root) {
    let bucket: Bucket | undefined;
    let prefix = "";
    const message = h("div", { id: "storage-message", role: "status" });
    const buckets = h("div", { id: "storage-buckets" });
    const settings = h("div", { id: "storage-settings" });
    const browser = h("div", { id: "storage-browser" });
    const report = (text: string) => message.replaceChildren(h("p", {}, text));
    const fail = (error: unknown) => message.replaceChildren(errorBox(error));
    const act = async (work: () => Promise<string>) => {
      try {
        report(await work());
      } catch (error) {
        fail(error);
      }
    };

    async function loadBuckets(): Promise<void> {
      const list = await api.get<Bucket[]>("/storage/buckets");
      buckets.replaceChildren(
        h(
          "ul",
          {},
          list.map((item) =>
            h(
              "li",
              { "data-bucket": item.id },
              h(
                "a",
                {
                  href: "#",
                  onclick: (event: Event) => (event.preventDefault(), void openBucket(item, "")),
                },
                item.id,
              ),
              h("span", { class: "muted" }, item.public ? " public" : " private"),
            ),
          ),
        ),
      );
      if (bucket) {
        const current = list.find((item) => item.id === bucket!.id);
        if (current) bucket = current;
        else {
          bucket = undefined;
          settings.replaceChildren();
          browser.replaceChildren();
        }
      }
    }

    function drawSettings(item: Bucket): void {
      const isPublic = h("input", { type: "checkbox", id: "bucket-public", checked: item.public });
      const limit = h("input", {
        id: "bucket-size-limit",
        type: "number",
        min: 1,
        placeholder: "no limit",
        value: item.file_size_limit ?? "",
      });
      const types = h("input", {
        id: "bucket-mime-types",
        placeholder: "any type (e.g. image/png, image/*)",
        value: (item.allowed_mime_types ?? []).join(", "),
      });
      settings.replaceChildren(
        h("h3", {}, `Bucket ${item.id}`),
        h(
          "form",
          {
            class: "toolbar",
            id: "bucket-settings",
            onsubmit: (event: Event) => {
              event.preventDefault();
              void act(async () => {
                await api.put(`/storage/buckets/${encodeURIComponent(item.id)}`, {
                  public: isPublic.checked,
                  fileSizeLimit: limit.value ? Number(limit.value) : null,
                  allowedMimeTypes: types.value
                    .split(",")
                    .map((type) => type.trim())
                    .filter(Boolean),
                });
                await loadBuckets();
                return `Saved the settings of ${item.id}`;
              });
            },
          },
          h("label", {}, isPublic, " public"),
          h("label", {}, "size limit (bytes) ", limit),
          h("label", {}, "allowed types ", types),
          h("button", { type: "submit" }, "Save"),
          h(
            "button",
            {
              type: "button",
              id: "bucket-delete",
              onclick: async () => {
                if (!(await confirmAction(`Delete the bucket ${item.id} and every file in it?`)))
                  return;
                await act(async () => {
                  await api.delete(`/storage/buckets/${encodeURIComponent(item.id)}`);
                  bucket = undefined;
                  settings.replaceChildren();
                  browser.replaceChildren();
                  await loadBuckets();
                  return `Deleted the bucket ${item.id}`;
                });
              },
            },
            "Delete bucket",
          ),
        ),
      );
    }

    async function openBucket(item: Bucket, at: string): Promise<void> {
      bucket = item;
      prefix = at;
      drawSettings(item);
      await loadObjects();
    }

    async function loadObjects(): Promise<void> {
      if (!bucket) return;
      const id = encodeURIComponent(bucket.id);
      let entries: Entry[];
      try {
        entries = await api.get<Entry[]>(
          `/storage/buckets/${id}/objects?prefix=${encodeURIComponent(prefix)}`,
        );
      } catch (error) {
        browser.replaceChildren(errorBox(error));
        return;
      }
      const crumbs = prefix.split("/").filter(Boolean);
      const signed = h("div", { id: "storage-signed" });
      const fileInput = h("input", { type: "file", id: "storage-file", multiple: true });
      const folderName = h("input", { id: "storage-folder-name", placeholder: "new folder" });
      const rows = entries.map((entry) => ({
        name: entry.folder ? `${entry.name}/` : entry.name,
        size: entry.size,
        type: entry.type,
        updated: entry.updatedAt,
      }));
      const table = grid(["name", "size", "type", "updated"], rows, (_row, i) => {
        const entry = entries[i]!;
        if (entry.folder)
          return [
            h(
              "button",
              { "data-action": "open", onclick: () => void openBucket(bucket!, `${entry.path}/`) },
              "Open",
            ),
            " ",
            h(
              "button",
              {
                "data-action": "delete",
                onclick: async () => {
                  const question = `Delete the folder ${entry.path} and everything in it from ${bucket!.id}?`;
                  if (!(await confirmAction(question))) return;
                  await act(async () => {
                    await api.delete(`/storage/buckets/${id}/objects`, { folders: [entry.path] });
                    await loadObjects();
                    return `Deleted the folder ${entry.path}`;
                  });
                },
              },
              "Delete",
            ),
          ];
        const query = `path=${encodeURIComponent(entry.path)}`;
        return [
          h(
            "a",
            {
              href: `/api/storage/buckets/${id}/download?${query}`,
              download: entry.name,
              "data-action": "download",
            },
            "Download",
          ),
          " ",
          h(
            "button",
            {
              "data-action": "sign",
              onclick: () =>
                act(async () => {
                  const { url } = await api.post<{ url: string }>(`/storage/buckets/${id}/sign`, {
                    path: entry.path,
                    expiresIn: 3600,
                  });
                  const field = h("input", {
                    id: "storage-signed-url",
                    readonly: true,
                    value: url,
                    size: 80,
                  });
                  signed.replaceChildren(
                    h("label", {}, `Signed URL of ${entry.path} (an hour) `, field),
                    h(
                      "button",
                      {
                        type: "button",
                        onclick: async () => {
                          field.select();
                          await navigator.clipboard?.writeText(url).catch(() => undefined);
                        },
                      },
                      "Copy",
                    ),
                  );
                  return `Signed ${entry.path}`;
                }),
            },
            "Signed URL",
          ),
          " ",
          h(
            "button",
            {
              "data-action": "delete",
              onclick: async () => {
                if (!(await confirmAction(`Delete ${entry.path} from ${bucket!.id}?`))) return;
                await act(async () => {
                  await api.delete(`/storage/buckets/${id}/objects`, { paths: [entry.path] });
                  await loadObjects();
                  return `Deleted ${entry.path}`;
                });
              },
            },
            "Delete",
          ),
        ];
      });
      table.querySelectorAll("tbody tr").forEach((row, i) => {
        (row as HTMLElement).dataset.path = entries[i]!.path;
      });
      browser.replaceChildren(
        h(
          "nav",
          { id: "storage-path", class: "toolbar" },
          h(
            "a",
            {
              href: "#",
              onclick: (event: Event) => (event.preventDefault(), void openBucket(bucket!, "")),
            },
            bucket.id,
          ),
          crumbs.flatMap((crumb, i) => [
            " / ",
            h(
              "a",
              {
                href: "#",
                onclick: (event: Event) => {
                  event.preventDefault();
                  void openBucket(bucket!, `${crumbs.slice(0, i + 1).join("/")}/`);
                },
              },
              crumb,
            ),
          ]),
        ),
        h(
          "form",
          {
            class: "toolbar",
            id: "storage-upload",
            onsubmit: (event: Event) => {
              event.preventDefault();
              void act(async () => {
                const files = [...(fileInput.files ?? [])];
                for (const file of files)
                  await api.post(`/storage/buckets/${id}/objects`, {
                    path: `${prefix}${file.name}`,
                    contentType: file.type || "application/octet-stream",
                    data: await base64Of(file),
                  });
                await loadObjects();
                return `Uploaded ${files.map((file) => file.name).join(", ")}`;
              });
            },
          },
          fileInput,
          h("button", { type: "submit" }, "Upload"),
        ),
        h(
          "form",
          {
            class: "toolbar",
            id: "storage-new-folder",
            onsubmit: (event: Event) => {
              event.preventDefault();
              const name = folderName.value.trim().replace(/^\/+|\/+$/g, "");
              void act(async () => {
                await api.post(`/storage/buckets/${id}/folders`, { path: `${prefix}${name}` });
                await loadObjects();
                return `Created the folder ${name}`;
              });
            },
          },
          folderName,
          h("button", { type: "submit" }, "Create folder"),
        ),
        table,
        entries.length === 0 ? h("p", { class: "muted" }, "This folder is empty.") : "",
        signed,
      );
    }

    const newId = h("input", { id: "bucket-new-id", placeholder: "bucket name" });
    const newPublic = h("input", { id: "bucket-new-public", type: "checkbox" });
    root.append(
      h(
        "form",
        {
          class: "toolbar",
          id: "bucket-create",
          onsubmit: (event: Event) => {
            event.preventDefault();
            const id = newId.value.trim();
            void act(async () => {
              await api.post("/storage/buckets", { id, public: newPublic.checked });
              newId.value = "";
              await loadBuckets();
              return `Created the bucket ${id}`;
            });
          },
        },
        "New bucket ",
        newId,
        h("label", {}, newPublic, " public"),
        h("button", { type: "submit" }, "Create bucket"),
      ),
      message,
      h(
        "div",
        { style: "display: grid; grid-template-columns: 12rem minmax(0, 1fr); gap: 1.5rem" },
        buckets,
        h("div", {}, settings, browser),
      ),
    );
    return loadBuckets();
  },
};
