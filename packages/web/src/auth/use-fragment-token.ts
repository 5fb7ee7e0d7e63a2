import { useState } from 'react';

/**
 * Reads `#token=…` from the link in an email, then removes it from the address bar and history: the fragment is
 * never sent to a server, and dropping it keeps the token out of screenshots, history and shared URLs.
 */
export function useFragmentToken(): string | null {
  const [token] = useState<string | null>(() => {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
    const value = params.get('token');
    if (value !== null) window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    return value && value.length > 0 ? value : null;
  });
  return token;
}
