/** The credential-check queue of serve --auth-file (issue 23, item 4): taken in turn per client, bounded. */
import { describe, expect, it } from 'vitest';
import { clientKey, CredentialQueueFull, FairQueue } from '../../src/server/auth.js';

describe('FairQueue', () => {
  it('serves waiting clients in turn, one running per client, and refuses beyond the per-client bound', async () => {
    const q = new FairQueue(2, 1, 3, 100);
    const order: string[] = [];
    const take = (client: string, tag: string) =>
      q.acquire(client).then(
        () => {
          order.push(tag);
          return tag;
        },
        (e: unknown) => (e instanceof CredentialQueueFull ? 'full' : 'error'),
      );
    // The flooder gets one thread; three more wait; the fourth waiting one is refused at once.
    const flood = ['f1', 'f2', 'f3', 'f4', 'f5'].map((t) => take('10.0.0.9', t));
    expect(await flood[4]).toBe('full');
    // A newcomer finds the second thread free.
    expect(await take('10.0.0.1', 'user')).toBe('user');
    expect(order).toEqual(['f1', 'user']);
    // Another newcomer waits (both threads busy); as threads free up, turns alternate between clients.
    const other = take('10.0.0.2', 'other');
    q.release('10.0.0.9'); // f1 done: the flooder's turn came first in the round (it waited first)
    await flood[1];
    q.release('10.0.0.1'); // the user done: the flooder has one running, so 'other' goes next
    await other;
    q.release('10.0.0.9'); // f2 done: 'other' has nothing more waiting, so the flooder again
    await flood[2];
    expect(order).toEqual(['f1', 'user', 'f2', 'other', 'f3']);
    // A newcomer joins the end of the round: it waits for one turn of each client before it, never for
    // the flooder's whole queue.
    const late = take('10.0.0.3', 'late');
    q.release('10.0.0.9');
    await flood[3];
    q.release('10.0.0.2');
    await late;
    expect(order).toEqual(['f1', 'user', 'f2', 'other', 'f3', 'f4', 'late']);
  });

  it('refuses when everyone together has too many waiting', async () => {
    const q = new FairQueue(1, 1, 10, 2);
    await q.acquire('a');
    void q.acquire('b');
    void q.acquire('c');
    await expect(q.acquire('d')).rejects.toBeInstanceOf(CredentialQueueFull);
  });
});

describe('clientKey', () => {
  it('IPv4 (also mapped) as is; IPv6 by its /64', () => {
    expect(clientKey('10.1.2.3')).toBe('10.1.2.3');
    expect(clientKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey(undefined)).toBe('');
  });
});
