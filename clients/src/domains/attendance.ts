// Attendance: staff check people in by QR token or registration, offline scans synced once, and
// the per-session summary.
import type { Json } from "../../database.types.ts";
import { type PitlaneSupabase, rpc } from "../call.ts";

/** One scan as the offline scanner stored it (sync_offline_check_ins' element). */
export interface OfflineScan {
  token: string;
  scanned_at: string;
  event_id?: string;
  session_id?: string;
  /** Echoed as `client_ref` in the scan's answer, to match answers to queued scans. */
  ref?: string;
}

export function attendance(client: PitlaneSupabase) {
  return {
    checkInByToken: (token: string, eventId?: string, sessionId?: string) =>
      rpc(client, "check_in_by_token", {
        p_token: token,
        p_event_id: eventId,
        p_session_id: sessionId,
      }),
    checkIn: (registrationId: string, sessionId?: string) =>
      rpc(client, "check_in_registration", {
        p_registration_id: registrationId,
        p_session_id: sessionId,
      }),
    /** Scans made offline, applied once each (a scan synced twice changes nothing). */
    syncOffline: (scans: OfflineScan[], deviceId?: string) =>
      rpc(client, "sync_offline_check_ins", {
        p_scans: scans as unknown as Json,
        p_device_id: deviceId,
      }),
    summary: (eventId: string) => rpc(client, "event_attendance_summary", { p_event_id: eventId }),
  };
}
