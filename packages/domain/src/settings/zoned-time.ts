// Wall-clock arithmetic in an IANA time zone with the platform's Intl APIs only (no tz database package). Pure: an
// instant in, a local date out, or a local date and minute in, the UTC instant out — daylight-saving changes
// included. Used for availability (local office hours) and for date-valued clinical rules (a credential valid
// "through" a date, the telemedicine flexibilities "through 31 December 2026") in the program's time zone.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone === '') return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export interface WallClock {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Minutes since local midnight. */
  minuteOfDay: number;
}

// formatToParts is slow (~10 µs) and a page of rules asks about the same few instants (the request's `now`, the
// end of the same dates) hundreds of times: the panel's compliance column evaluates 500 patients at one `now`
// (docs/perf.md). The answers are remembered, a bounded number of them; the result is the same either way.
const remembered = new Map<string, Readonly<Record<string, string>>>();
const REMEMBERED_MAX = 512;

function parts(instant: Date, timeZone: string): Readonly<Record<string, string>> {
  const key = `${timeZone}|${instant.getTime()}`;
  const known = remembered.get(key);
  if (known) return known;
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) out[p.type] = p.value;
  if (remembered.size >= REMEMBERED_MAX) remembered.clear();
  remembered.set(key, out);
  return out;
}

export function wallClock(instant: Date, timeZone: string): WallClock {
  const p = parts(instant, timeZone);
  return {
    date: `${p['year']}-${p['month']}-${p['day']}`,
    weekday: weekdays.indexOf(p['weekday'] ?? ''),
    minuteOfDay: Number(p['hour']) * 60 + Number(p['minute']),
  };
}

/** The zone's offset from UTC at `instant`, in milliseconds (local − UTC). */
function offsetMs(instant: number, timeZone: string): number {
  const p = parts(new Date(instant), timeZone);
  const asUtc = Date.UTC(Number(p['year']), Number(p['month']) - 1, Number(p['day']), Number(p['hour']), Number(p['minute']), Number(p['second']));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The UTC instant of local `date` at `minuteOfDay` (1440 = the next midnight) in `timeZone`. */
export function zonedTimeToUtc(date: string, minuteOfDay: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d, 0, minuteOfDay);
  // Two passes settle the offset on either side of a daylight-saving change.
  const first = naive - offsetMs(naive, timeZone);
  const second = naive - offsetMs(first, timeZone);
  // A local time the clocks skip when they go forward has no instant; it is taken as the time that far past the
  // skip, the later of the two passes (Santiago on 6 September 2026 goes from 00:00 to 01:00, so its day begins at
  // 01:00 local, 04:00 UTC — not at 23:00 the evening before).
  return new Date(offsetMs(second, timeZone) === naive - second ? second : Math.max(first, second));
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (YYYY-MM-DD, calendar days, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const [y1, m1, d1] = from.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = to.split('-').map(Number) as [number, number, number];
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (not 2026-02-30). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

// A page of compliance rules asks for the end of the same few dates (each credential's expiry) thousands of times: a
// 500-patient panel checks its prescribers' credentials once per patient (docs/perf.md). Remembered as for `parts`.
const endsOfDates = new Map<string, number>();

/** The first instant after local `date` has ended in `timeZone` (its next local midnight). */
export function endOfLocalDate(date: string, timeZone: string): Date {
  const key = `${timeZone}|${date}`;
  let end = endsOfDates.get(key);
  if (end === undefined) {
    end = zonedTimeToUtc(addDays(date, 1), 0, timeZone).getTime();
    if (endsOfDates.size >= REMEMBERED_MAX) endsOfDates.clear();
    endsOfDates.set(key, end);
  }
  return new Date(end);
}
