import type { Serializer } from "./message.ts";
import { v1Serializer } from "./v1.ts";
import { v2Serializer } from "./v2.ts";

/** The serializer a client asked for with `?vsn=`; realtime-js sends 2.0.0, Phoenix's default is 1.0.0. */
export function serializerFor(vsn: string | null): Serializer | undefined {
  if (vsn === "2.0.0") return v2Serializer;
  if (vsn === null || vsn === "1.0.0") return v1Serializer;
  return undefined;
}
