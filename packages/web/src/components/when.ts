/**
 * Times in words, in the viewer's own time zone: "today at 4:00 PM", "yesterday at 9:15 AM", "Mon, Jun 8 at
 * 4:00 PM", and a distance ("in 3 hours", "20 minutes ago"). Never an ISO instant on screen.
 */

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
const dayYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric' });

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** "today at 4:00 PM", "tomorrow at …", "yesterday at …", "Mon, Jun 8 at …" (with the year when not this year). */
export function atTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const days = Math.round((startOfDay(d) - startOfDay(now)) / 86_400_000);
  const time = timeOnly.format(d);
  if (days === 0) return `today at ${time}`;
  if (days === 1) return `tomorrow at ${time}`;
  if (days === -1) return `yesterday at ${time}`;
  if (d.getFullYear() !== now.getFullYear()) return `${dayYear.format(d)} at ${time}`;
  return `${dayAndTime.format(d)} at ${time}`;
}

/** The same, starting with a capital: for the start of a line. */
export function AtTime(iso: string | null | undefined, now: Date = new Date()): string {
  const s = atTime(iso, now);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "in 3 hours", "in 20 minutes", "5 minutes ago", "2 days ago", "just now". */
export function distance(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  const ms = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(ms)) return '—';
  const abs = Math.abs(ms);
  const minutes = Math.round(abs / 60_000);
  let words: string;
  if (minutes < 1) return 'just now';
  if (minutes < 60) words = `${minutes} minute${minutes === 1 ? '' : 's'}`;
  else if (minutes < 48 * 60) {
    const hours = Math.round(minutes / 60);
    words = `${hours} hour${hours === 1 ? '' : 's'}`;
  } else {
    const days = Math.round(minutes / 1440);
    words = `${days} day${days === 1 ? '' : 's'}`;
  }
  return ms > 0 ? `in ${words}` : `${words} ago`;
}
