/**
 * The console's shell: navigation from the server's list of sections, and `#/<section>/<rest…>`
 * routing. A section's root carries `data-section` and, once drawn, `data-ready` (what tests wait for).
 */
import { api, errorBox, h } from "./studio.ts";
import { sectionViews } from "./sections/index.ts";

interface Session {
  sections: { id: string; title: string }[];
}

const nav = document.getElementById("nav")!;
const main = document.getElementById("section")!;
let cleanup: (() => void) | void;

async function show(session: Session): Promise<void> {
  const [id = session.sections[0]?.id ?? "", ...route] = location.hash
    .replace(/^#\/?/, "")
    .split("/")
    .map(decodeURIComponent);
  for (const link of nav.querySelectorAll("a"))
    link.toggleAttribute("aria-current", link.dataset.id === id);
  for (const link of nav.querySelectorAll<HTMLAnchorElement>("a[aria-current]"))
    link.setAttribute("aria-current", "page");
  cleanup?.();
  cleanup = undefined;
  const root = h("div", { "data-section": id });
  main.replaceChildren(root);
  const view = sectionViews[id];
  if (!view) {
    root.append(h("p", {}, id ? `No section "${id}".` : "No sections."));
  } else {
    try {
      cleanup = await view.render(root, route);
    } catch (error) {
      root.append(errorBox(error));
    }
  }
  root.dataset.ready = "true";
}

const session = await api.get<Session>("/session");
nav.replaceChildren(
  ...session.sections.map((section) =>
    h("a", { href: `#/${section.id}`, "data-id": section.id }, section.title),
  ),
);
const currentId = () => location.hash.replace(/^#\/?/, "").split("/")[0] ?? "";
window.addEventListener("hashchange", () => {
  // A section that follows its own sub-route (#/tables/public/events) marks its root so.
  const root = main.firstElementChild as HTMLElement | null;
  if (root?.dataset.keepRoute !== undefined && root.dataset.section === currentId()) return;
  void show(session);
});
await show(session);
