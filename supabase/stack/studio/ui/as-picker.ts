/**
 * "View as": postgres, anon, authenticated, service_role or a chosen user, as the server's `as`
 * value ("user:<id>"). The user field suggests users by email as the admin types.
 */
import { api, h } from "./studio.ts";

export interface AsPicker {
  element: HTMLElement;
  value(): string;
}

export function asPicker(onChange: () => void, initial = "postgres"): AsPicker {
  const select = h(
    "select",
    { id: "as", onchange: () => changed() },
    ["postgres", "anon", "authenticated", "service_role", "user"].map((role) =>
      h("option", { value: role }, role === "user" ? "a user…" : role),
    ),
  );
  const users = h("datalist", { id: "as-users" });
  const user = h("input", {
    id: "as-user",
    list: "as-users",
    placeholder: "user id or email",
    size: 38,
    hidden: true,
    oninput: () => void suggest(),
    onchange: () => onChange(),
  });
  select.value = initial.startsWith("user:") ? "user" : initial;
  if (initial.startsWith("user:")) user.value = initial.slice(5);
  user.hidden = select.value !== "user";
  function changed() {
    user.hidden = select.value !== "user";
    if (select.value !== "user" || user.value) onChange();
  }
  async function suggest() {
    const found = await api.get<{ id: string; email: string }[]>(
      `/tables/users?q=${encodeURIComponent(user.value)}`,
    );
    users.replaceChildren(...found.map((one) => h("option", { value: one.id }, one.email)));
  }
  return {
    element: h("label", {}, "View as ", select, user, users),
    value: () => (select.value === "user" ? `user:${user.value.trim()}` : select.value),
  };
}
