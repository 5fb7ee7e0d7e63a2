import { useEffect } from 'react';

/** Sets the document title ("Sessions · Keel"), so screen readers and tabs say where you are. */
export function usePageTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Keel` : 'Keel';
  }, [title]);
}
