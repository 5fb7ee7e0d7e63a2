import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router-dom';
import { mainContentId } from './skip-link.tsx';

/**
 * After an in-app navigation, focus moves to the main landmark so keyboard and screen-reader users start at the
 * new page's content instead of wherever the old page left them. Not on first load.
 */
export function useFocusMainOnNavigate(): void {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById(mainContentId)?.focus({ preventScroll: false });
  }, [pathname]);
}
