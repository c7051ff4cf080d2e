// The email templates of the service-membership notification types (functions/email-delivery),
// rendered from the data the database puts in each notification (private.appointment_data,
// private.membership_data, the service_due and new_message notices), in English and Indonesian.
// Without a template of its own a type's email is just its English in-app title and body.
import { describe, expect, it } from "vitest";
import { render } from "../../functions/email-delivery/templates.ts";

const links = { site: "https://app.pitlane.test", unsubscribe: "https://app.pitlane.test/u/1" };
const appointment = {
  title: "Service appointment tomorrow",
  body: "Oil change",
  appointment_id: "6f1c0d0e-1111-4aaa-8bbb-000000000001",
  location_name: "Pitlane Garage Kemang",
  starts_at: "2026-03-08T02:00:00+00:00",
  time_zone: "Asia/Jakarta",
  local_starts_at: "2026-03-08 09:00",
  action_url: "/appointments/6f1c0d0e",
};
const membership = {
  title: "Membership",
  plan_name: "Plus",
  starts_at: "2026-01-01T00:00:00+00:00",
  ends_at: "2027-01-01T00:00:00+00:00",
};

const cases: [type: string, data: Record<string, unknown>, en: string, id: string, text: string][] =
  [
    [
      "service_due",
      {
        title: "Oil change is due for your Honda Civic",
        vehicle_id: "v1",
        service_code: "oil_change",
        service_name: "Oil change",
        due_on: "2026-04-01",
        due_odometer: 25000,
        odometer_unit: "km",
      },
      "Service due: Oil change",
      "Servis jatuh tempo: Oil change",
      "Due on 2026-04-01 or at 25000 km, whichever comes first.",
    ],
    [
      "appointment_reminder",
      appointment,
      "Reminder: your service appointment at Pitlane Garage Kemang is tomorrow",
      "Pengingat: janji servis Anda di Pitlane Garage Kemang besok",
      "It starts at 2026-03-08 09:00 (Asia/Jakarta).",
    ],
    [
      "appointment_booked",
      appointment,
      "Appointment booked at Pitlane Garage Kemang",
      "Janji servis dipesan di Pitlane Garage Kemang",
      "See you on 2026-03-08 09:00 (Asia/Jakarta).",
    ],
    [
      "appointment_rescheduled",
      appointment,
      "Appointment moved: Pitlane Garage Kemang",
      "Janji servis dipindahkan: Pitlane Garage Kemang",
      "It now starts at 2026-03-08 09:00 (Asia/Jakarta).",
    ],
    [
      "appointment_cancelled",
      appointment,
      "Appointment cancelled: Pitlane Garage Kemang",
      "Janji servis dibatalkan: Pitlane Garage Kemang",
      "The appointment on 2026-03-08 09:00 (Asia/Jakarta) is cancelled.",
    ],
    [
      "membership_activated",
      membership,
      "Your Plus membership is active",
      "Keanggotaan Plus Anda aktif",
      "It runs until 1 January 2027 at 00:00 UTC.",
    ],
    [
      "membership_renewal_due",
      membership,
      "Your Plus membership ends soon",
      "Keanggotaan Plus Anda segera berakhir",
      "Renew it to keep your benefits.",
    ],
    [
      "membership_lapsed",
      membership,
      "Your Plus membership has ended",
      "Keanggotaan Plus Anda telah berakhir",
      "You can renew it at any time.",
    ],
    [
      "new_message",
      {
        title: "New message from Garage staff",
        body: "Your car is ready",
        thread_id: "t1",
        message_id: "m1",
        subject: "Noise at 50 km/h",
      },
      "New message: Noise at 50 km/h",
      "Pesan baru: Noise at 50 km/h",
      "Your car is ready",
    ],
  ];

describe("service-membership email templates", () => {
  it.each(cases)(
    "%s has its own subject and text in English and Indonesian",
    (type, data, en, id, text) => {
      const english = render(type, "en", data, links);
      expect(english.subject).toBe(en);
      expect(english.text).toContain(text);
      expect(english.html).toContain('lang="en"');
      expect(english.text).toContain(links.unsubscribe);
      expect(render(type, "id", data, links).subject).toBe(id);
    },
  );

  it("an appointment without its location's clock is given in UTC", () => {
    const { text } = render(
      "appointment_booked",
      "en",
      { ...appointment, time_zone: null, local_starts_at: null },
      links,
    );
    expect(text).toContain("See you on 8 March 2026 at 02:00 UTC.");
  });

  it("a new_message from a domain without a thread subject keeps its title", () => {
    expect(render("new_message", "en", { title: "New message from Rina" }, links).subject).toBe(
      "New message from Rina",
    );
  });

  it("data without what the template needs is refused", () => {
    expect(() => render("appointment_reminder", "en", { title: "x" }, links)).toThrow(
      /malformed template data for appointment_reminder: location_name/,
    );
    expect(() =>
      render("membership_lapsed", "en", { title: "x", ends_at: "2027-01-01" }, links),
    ).toThrow(/plan_name/);
  });
});
