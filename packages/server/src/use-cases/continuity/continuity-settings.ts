import type { AppointmentKind } from '../../db/tables/continuity.tables.ts';
import type { Db } from '../../db/transaction.ts';
import { storedSectionOverDefaults } from '../settings/program-settings.service.ts';

/**
 * Program choices of the continuity area (none of them clinical numbers). They live in the program settings
 * document under `continuity`, merged over these defaults, so a clinic can change them without a code change.
 */
export interface ContinuitySettings {
  messaging: {
    /** Shown on every message screen: "The care team replies within N business hours". */
    replyWithinBusinessHours: number;
    /** The business hours the reply time counts: weekdays (0 = Sunday) between `start` and `end`, local time. */
    officeHours: { timeZone: string; weekdays: number[]; start: string; end: string };
  };
  appointments: {
    defaultDurationMinutes: Record<AppointmentKind, number>;
    /** A booking must start at least this long after it is made. */
    minLeadMinutes: number;
    /** And no further ahead than this. */
    horizonDays: number;
  };
}

export const defaultContinuitySettings: ContinuitySettings = {
  messaging: { replyWithinBusinessHours: 8, officeHours: { timeZone: 'America/New_York', weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' } },
  appointments: {
    defaultDurationMinutes: { initial_evaluation: 60, clinician_follow_up: 30, integration: 60, sitter_orientation: 30 },
    minLeadMinutes: 60,
    horizonDays: 365,
  },
};

export async function loadContinuitySettings(db: Db): Promise<ContinuitySettings> {
  const row = await db.selectFrom('program_settings').select('settings').where('id', '=', 1).executeTakeFirst();
  return storedSectionOverDefaults(defaultContinuitySettings, row?.settings['continuity'], 'continuity');
}

export interface ReplyExpectation {
  businessHours: number;
  text: string;
}

export function replyExpectation(settings: ContinuitySettings): ReplyExpectation {
  const n = settings.messaging.replyWithinBusinessHours;
  return {
    businessHours: n,
    text: `The care team replies within ${n} business hours; messages are not for emergencies — call 988 or 911.`,
  };
}
