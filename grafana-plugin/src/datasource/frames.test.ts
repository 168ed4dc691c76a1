import { currencyUnit, displayNameFor, numericLeaves, secondsSince } from './frames';
import { describeStatus } from './errors';

describe('frames helpers', () => {
  it('uses Grafana’s built-in currency units and falls back to a currency: unit', () => {
    expect(currencyUnit('IDR')).toBe('currencyIDR');
    expect(currencyUnit('usd')).toBe('currencyUSD');
    expect(currencyUnit('XTS')).toBe('currency:XTS ');
  });

  it('collects numeric leaves with dotted paths, skipping generatedAt, stale and strings', () => {
    expect(
      numericLeaves({ generatedAt: 'x', stale: false, total: 3, a: { b: 1, c: 'no', d: { e: 2 } }, list: [1, 2] })
    ).toEqual([
      ['total', 3],
      ['a.b', 1],
      ['a.d.e', 2],
    ]);
  });

  it.each([
    ['dashboard', 'messages.sent', 'Messages sent'],
    ['dashboard', 'users.total', 'Users total'],
    ['dashboard', 'apiTraffic.incoming', 'API traffic incoming'],
    ['dashboard', 'revenue.amount', 'Revenue'],
    ['users', 'byPlan.pro', 'Users on pro plan'],
    ['users', 'byRole.admin', 'Users with admin role'],
    ['integrations', 'byType.slack', 'Slack integrations'],
    ['connections', 'total', 'Devices total'],
    ['broadcasts', 'failed', 'Broadcasts failed'],
    ['webhooks', 'inactive', 'Webhooks inactive'],
    ['chatbots', 'activeSessions', 'Chatbot sessions active'],
    ['contacts', 'withEmail', 'Contacts with email'],
    ['dashboard', 'someNewThing.countPerDay', 'Some new thing count per day'],
  ] as const)('names %s %s "%s"', (section, path, name) => {
    expect(displayNameFor(section, path)).toBe(name);
  });

  it('never reports a negative age', () => {
    expect(secondsSince(10_000, 5_000)).toBe(0);
    expect(secondsSince(0, 61_400)).toBe(61);
  });

  it('describes statuses an operator can act on', () => {
    expect(describeStatus(401)).toMatch(/^Authentication failed \(401\)/);
    expect(describeStatus(403)).toMatch(/^Access denied \(403\)/);
    expect(describeStatus(429, 'slow down')).toBe('Rate limited (429): slow down. Wait a few seconds and try again.');
    expect(describeStatus(504, 'Gateway Timeout')).toBe(
      'Cannot reach the exporter (504). Check the data source URL and that the exporter is running.'
    );
    expect(describeStatus(418)).toBe('Request failed (418).');
  });
});
