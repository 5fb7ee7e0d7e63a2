/**
 * Tabs of the same browser share one cookie session. Each tab tells the others when it last reached the server
 * (a timestamp, nothing else) so an idle tab does not lock itself while another tab keeps the session alive.
 */
export interface ContactChannel {
  announce: (at: number) => void;
  close: () => void;
}

export function createContactChannel(onContact: (at: number) => void): ContactChannel {
  if (typeof BroadcastChannel === 'undefined') return { announce: () => undefined, close: () => undefined };
  const channel = new BroadcastChannel('keel-server-contact');
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (typeof event.data === 'number' && Number.isFinite(event.data)) onContact(event.data);
  };
  return {
    announce: (at) => channel.postMessage(at),
    close: () => channel.close(),
  };
}
