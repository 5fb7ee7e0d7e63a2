import { useEffect, useRef, type RefObject } from 'react';

const activityEvents = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'input'] as const;

/** When the person last did something on the page (epoch ms). Deliberate actions only: not mouse drift. */
export function useLastActivity(): RefObject<number> {
  const last = useRef(Date.now());
  useEffect(() => {
    const mark = () => {
      last.current = Date.now();
    };
    for (const name of activityEvents) window.addEventListener(name, mark, { passive: true, capture: true });
    return () => {
      for (const name of activityEvents) window.removeEventListener(name, mark, { capture: true });
    };
  }, []);
  return last;
}
