import { useEffect } from 'react';

/**
 * On a phone every table is shown as stacked cards (global.css); each cell then needs its column's name beside it.
 * This keeps `data-label` on every body cell equal to its column header, for every table on the page, as tables
 * appear and change. Rows with merged cells (colSpan) are messages ("No entries yet") and keep no labels.
 */
/** A header's words as seen: text meant for screen readers only ("sort by this column") is left out. */
function visibleText(th: Element): string {
  const copy = th.cloneNode(true) as Element;
  for (const hidden of Array.from(copy.querySelectorAll('[class*="VisuallyHidden"]'))) hidden.remove();
  return copy.textContent.replace(/\s+/g, ' ').trim();
}

export function useTableCellLabels(): void {
  useEffect(() => {
    let frame = 0;
    const label = () => {
      frame = 0;
      for (const table of Array.from(document.querySelectorAll('table'))) {
        const headers = Array.from(table.querySelectorAll(':scope > thead > tr:last-child > th')).map(visibleText);
        if (headers.length === 0) continue;
        for (const row of Array.from(table.querySelectorAll(':scope > tbody > tr'))) {
          const cells = Array.from(row.children) as HTMLElement[];
          if (cells.some((c) => (c as HTMLTableCellElement).colSpan > 1)) continue;
          cells.forEach((cell, i) => {
            const text = headers[i] ?? '';
            if (text !== '' && cell.dataset['label'] !== text) cell.dataset['label'] = text;
          });
        }
      }
    };
    const observer = new MutationObserver(() => {
      if (frame === 0) frame = requestAnimationFrame(label);
    });
    observer.observe(document.body, { childList: true, subtree: true });
    label();
    return () => {
      observer.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, []);
}
