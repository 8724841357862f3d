import { CloudEventHub } from '../../../../local/console/event-hub';

describe('CloudEventHub', () => {
  it('hands every event to its listeners until they unsubscribe, and keeps them for a late console', () => {
    const hub = new CloudEventHub(() => 42);
    const seen: string[] = [];
    const unsubscribe = hub.subscribe((e) => seen.push(`${e.kind}:${e.text}`));
    hub.publish('connect', 'a connected', { connectionId: 'a' });
    unsubscribe();
    hub.publish('disconnect', 'a disconnected');
    expect(seen).toEqual(['connect:a connected']);
    expect(hub.recent()).toEqual([
      { at: 42, kind: 'connect', text: 'a connected', data: { connectionId: 'a' } },
      { at: 42, kind: 'disconnect', text: 'a disconnected' },
    ]);
  });

  it('keeps only the latest 500 events', () => {
    const hub = new CloudEventHub();
    for (let i = 0; i < 600; i++) hub.publish('frame', String(i));
    const kept = hub.recent();
    expect(kept).toHaveLength(500);
    expect(kept[0].text).toBe('100');
  });

  it('a failing listener does not stop the others', () => {
    const hub = new CloudEventHub();
    const seen: string[] = [];
    hub.subscribe(() => { throw new Error('boom'); });
    hub.subscribe((e) => seen.push(e.text));
    hub.publish('push', 'delivered');
    expect(seen).toEqual(['delivered']);
  });
});
