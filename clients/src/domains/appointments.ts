// Appointments: free slots at a service location, booking (no double booking, by constraint),
// rescheduling and cancelling.
import { type Args, type PitlaneSupabase, rows, rpc, sorted } from "../call.ts";

export function appointments(client: PitlaneSupabase) {
  return {
    locations: () => rows(sorted(client.from("service_locations").select("*"), { name: "asc" })),
    availability: (args: Args<"appointment_availability">) =>
      rpc(client, "appointment_availability", args),
    book: (args: Args<"book_appointment">) => rpc(client, "book_appointment", args),
    reschedule: (appointmentId: string, startsAt: string) =>
      rpc(client, "reschedule_appointment", {
        p_appointment_id: appointmentId,
        p_starts_at: startsAt,
      }),
    cancel: (appointmentId: string, reason?: string) =>
      rpc(client, "cancel_appointment", { p_appointment_id: appointmentId, p_reason: reason }),
    upcoming: () => rpc(client, "upcoming_appointments", {}),
  };
}
