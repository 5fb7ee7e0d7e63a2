/** Whole calendar days from `today` (the viewer's calendar) to a YYYY-MM-DD day; negative once it has passed. */
export function daysUntil(day: string, today: Date = new Date()): number {
  const [y, m, d] = day.split('-').map(Number);
  const target = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  const from = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((target - from) / 86_400_000);
}
