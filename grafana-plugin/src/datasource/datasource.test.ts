import {
  dateTime,
  FieldMatcherID,
  FieldType,
  getFieldDisplayName,
  getFieldMatcher,
  type DataFrame,
  type DataQueryRequest,
  type ScopedVars,
} from '@grafana/data';
import {
  fixtureHandler,
  loadFixture,
  PROXY_URL,
  setupGrafana,
  type Fixture,
  type Handler,
} from '../testing/fakeGrafana';
import { SECTION_IDS } from '../shared/sections';
import type { KewhatsQuery, SectionId } from './types';

const GENERATED_AT = (loadFixture('dashboard').body as { generatedAt: string }).generatedAt;
const NOW = Date.parse(GENERATED_AT) + 30_000; // 30 s after the recorded generatedAt
const FROM = 1767225600000;
const TO = 1798761600000;

function request(targets: Array<Partial<KewhatsQuery>>, scopedVars: ScopedVars = {}): DataQueryRequest<KewhatsQuery> {
  return {
    requestId: 'test',
    interval: '1m',
    intervalMs: 60_000,
    range: { from: dateTime(FROM), to: dateTime(TO), raw: { from: 'now-1y', to: 'now' } },
    scopedVars,
    targets: targets.map((target, index) => ({ refId: String.fromCharCode(65 + index), ...target }) as KewhatsQuery),
    timezone: 'utc',
    app: 'dashboard',
    startTime: NOW,
  } as DataQueryRequest<KewhatsQuery>;
}

function fieldNames(frame: DataFrame): string[] {
  return frame.fields.map((field) => field.name);
}

function field(frame: DataFrame, name: string) {
  const found = frame.fields.find((candidate) => candidate.name === name);
  if (!found) {
    throw new Error(`no field ${name} in ${fieldNames(frame).join(', ')}`);
  }
  return found;
}

/** Every numeric leaf of a recorded body, computed independently of the code under test. */
function leavesOf(body: Record<string, unknown>, prefix = ''): Array<[string, number]> {
  return Object.entries(body).flatMap(([key, value]): Array<[string, number]> => {
    if (!prefix && (key === 'generatedAt' || key === 'stale')) {
      return [];
    }
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'number') {
      return [[path, value]];
    }
    return value && typeof value === 'object' ? leavesOf(value as Record<string, unknown>, path) : [];
  });
}

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('query: stats', () => {
  it.each(SECTION_IDS.map((section) => [section]))(
    'turns the recorded %s response into a one-row frame',
    async (section) => {
      const { ds, backend } = setupGrafana(fixtureHandler);
      const response = await ds.query(request([{ section, shape: 'stats' }]));
      expect(response.errors).toBeUndefined();
      expect(response.data).toHaveLength(1);
      const frame = response.data[0] as DataFrame;
      const fixture = section === 'dashboard' ? loadFixture('dashboard-range') : loadFixture(section);
      const body = fixture.body as Record<string, unknown>;
      const leaves = leavesOf(body);

      expect(frame.refId).toBe('A');
      expect(frame.length).toBe(1);
      expect(fieldNames(frame)).toEqual(['generatedAt', ...leaves.map(([path]) => path), 'lastUpdated']);
      for (const [path, value] of leaves) {
        const numberField = field(frame, path);
        expect(numberField.type).toBe(FieldType.number);
        expect(numberField.values[0]).toBe(value);
        expect(numberField.config.unit).toBeTruthy();
        expect(numberField.config.displayNameFromDS).toMatch(/^[A-Z]/);
      }
      const generatedAt = field(frame, 'generatedAt');
      expect(generatedAt.type).toBe(FieldType.time);
      expect(generatedAt.values[0]).toBe(Date.parse(body.generatedAt as string));
      const lastUpdated = field(frame, 'lastUpdated');
      expect(lastUpdated.values[0]).toBe(30);
      expect(lastUpdated.config).toMatchObject({ unit: 's', displayNameFromDS: 'Last updated' });

      expect(backend.calls).toHaveLength(1);
      expect(backend.calls[0]!.url).toBe(`${PROXY_URL}/api/monitoring/${section}`);
      expect(backend.calls[0]!.method).toBe('GET');
    }
  );

  it('names and units the dashboard figures', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const frame = (await ds.query(request([{ section: 'dashboard', shape: 'stats' }]))).data[0] as DataFrame;
    const names = Object.fromEntries(frame.fields.map((f) => [f.name, f.config.displayNameFromDS]));
    expect(names).toMatchObject({
      'messages.incoming': 'Messages incoming',
      'messages.sent': 'Messages sent',
      'messages.failed': 'Messages failed',
      'users.total': 'Users total',
      'apiTraffic.incoming': 'API traffic incoming',
      'apiTraffic.outgoing': 'API traffic outgoing',
      'revenue.amount': 'Revenue',
      generatedAt: 'Generated at',
      lastUpdated: 'Last updated',
    });
    expect(field(frame, 'revenue.amount').config.unit).toBe('currencyIDR');
    expect(field(frame, 'messages.sent').config).toMatchObject({ unit: 'short', decimals: 0 });
    // Strings of the response (revenue from/to/currency) are not figures.
    expect(fieldNames(frame)).not.toContain('revenue.currency');
    expect(fieldNames(frame)).not.toContain('revenue.from');
  });

  it('names the figures of the other sections', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const response = await ds.query(
      request([
        { section: 'users', shape: 'stats' },
        { section: 'connections', shape: 'stats' },
        { section: 'chatbots', shape: 'stats' },
        { section: 'contacts', shape: 'stats' },
        { section: 'integrations', shape: 'stats' },
      ])
    );
    const names = (response.data as DataFrame[]).flatMap((frame) =>
      frame.fields.map((f) => `${frame.name}:${f.name}=${f.config.displayNameFromDS}`)
    );
    expect(names).toEqual(
      expect.arrayContaining([
        'users:total=Users total',
        'users:byPlan.pro=Users on pro plan',
        'users:byRole.monitoring=Users with monitoring role',
        'connections:connected=Devices connected',
        'chatbots:activeSessions=Chatbot sessions active',
        'contacts:withEmail=Contacts with email',
        'integrations:byType.telegram=Telegram integrations',
      ])
    );
  });

  it('keeps only the figures under `field` (and the age only for field lastUpdated)', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const response = await ds.query(
      request([
        { section: 'dashboard', shape: 'stats', field: 'messages' },
        { section: 'users', shape: 'stats', field: 'byRole.admin' },
        { section: 'contacts', shape: 'stats', field: 'lastUpdated' },
      ])
    );
    expect(fieldNames(response.data[0])).toEqual([
      'generatedAt',
      'messages.incoming',
      'messages.sent',
      'messages.failed',
    ]);
    expect(fieldNames(response.data[1])).toEqual(['generatedAt', 'byRole.admin']);
    expect(fieldNames(response.data[2])).toEqual(['generatedAt', 'lastUpdated']);
    expect(field(response.data[2], 'lastUpdated').values[0]).toBe(30);
  });

  it('reports an unknown `field` with the available figures', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const response = await ds.query(request([{ section: 'webhooks', shape: 'stats', field: 'nope' }]));
    expect(response.data).toHaveLength(0);
    expect(response.errors?.[0]).toMatchObject({ refId: 'A' });
    expect(response.errors?.[0]?.message).toContain('no figure "nope"');
    expect(response.errors?.[0]?.message).toContain('total, active, inactive, lastUpdated');
  });

  it('lets stat panels pick a figure with reduceOptions.fields: the regex matches the display name', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const frame = (await ds.query(request([{ section: 'dashboard', shape: 'stats' }]))).data[0] as DataFrame;
    const matching = (pattern: string) => {
      const matcher = getFieldMatcher({ id: FieldMatcherID.byRegexp, options: pattern });
      return frame.fields.filter((f) => matcher(f, frame, [frame])).map((f) => f.name);
    };
    expect(getFieldDisplayName(field(frame, 'messages.sent'), frame, [frame])).toBe('Messages sent');
    expect(matching('/^Messages sent$/')).toEqual(['messages.sent']);
    expect(matching('/^Revenue$/')).toEqual(['revenue.amount']);
    expect(matching('/^Last updated$/')).toEqual(['lastUpdated']);
    // The field name is not what the regex sees while a display name is set.
    expect(matching('/^messages\\.sent$/')).toEqual([]);
  });

  it('lets stat panels pick a figure with the query field instead: one numeric field, no regex needed', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const frame = (await ds.query(request([{ section: 'dashboard', shape: 'stats', field: 'messages.sent' }])))
      .data[0] as DataFrame;
    const numeric = getFieldMatcher({ id: FieldMatcherID.numeric });
    expect(frame.fields.filter((f) => numeric(f, frame, [frame])).map((f) => f.name)).toEqual(['messages.sent']);
  });

  it('warns when the exporter serves a stale snapshot', async () => {
    const stale = loadFixture('connections');
    (stale.body as Record<string, unknown>).stale = true;
    const { ds } = setupGrafana(() => stale);
    const frame = (await ds.query(request([{ section: 'connections', shape: 'stats' }]))).data[0] as DataFrame;
    expect(frame.meta?.notices?.[0]).toMatchObject({ severity: 'warning' });
    expect(frame.meta?.notices?.[0]?.text).toMatch(/stale/i);
  });
});

describe('query: breakdown', () => {
  const cases: Array<[SectionId, string | undefined, Array<[string, number]>]> = [
    ['users', 'byPlan', Object.entries((loadFixture('users').body as { byPlan: Record<string, number> }).byPlan)],
    ['users', 'byRole', Object.entries((loadFixture('users').body as { byRole: Record<string, number> }).byRole)],
    ['users', undefined, Object.entries((loadFixture('users').body as { byPlan: Record<string, number> }).byPlan)],
    [
      'integrations',
      'byType',
      Object.entries((loadFixture('integrations').body as { byType: Record<string, number> }).byType),
    ],
    [
      'integrations',
      '',
      Object.entries((loadFixture('integrations').body as { byType: Record<string, number> }).byType),
    ],
    [
      'connections',
      undefined,
      [
        ['connected', 167],
        ['disconnected', 71],
        ['connecting', 62],
      ],
    ],
    [
      'broadcasts',
      '',
      [
        ['pending', 10],
        ['running', 12],
        ['completed', 65],
        ['failed', 13],
      ],
    ],
    [
      'webhooks',
      undefined,
      [
        ['active', 36],
        ['inactive', 12],
      ],
    ],
    [
      'chatbots',
      undefined,
      [
        ['active', 24],
        ['activeSessions', 40],
      ],
    ],
    ['contacts', undefined, [['withEmail', 1100]]],
    [
      'dashboard',
      'messages',
      [
        ['incoming', 2251],
        ['sent', 2409],
        ['failed', 214],
      ],
    ],
  ];

  it.each(cases)('%s with field %p gives label/value rows', async (section, fieldName, expected) => {
    const { ds } = setupGrafana(fixtureHandler);
    const response = await ds.query(request([{ section, shape: 'breakdown', field: fieldName }]));
    expect(response.errors).toBeUndefined();
    const frame = response.data[0] as DataFrame;
    expect(fieldNames(frame)).toEqual(['label', 'value']);
    expect(field(frame, 'label').type).toBe(FieldType.string);
    expect(field(frame, 'value').type).toBe(FieldType.number);
    expect(field(frame, 'value').config.unit).toBe('short');
    expect(frame.length).toBe(expected.length);
    expect(field(frame, 'label').values).toEqual(expected.map(([label]) => label));
    expect(field(frame, 'value').values).toEqual(expected.map(([, value]) => value));
  });

  it('rejects a field that is not a count map, naming the ones that are', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const response = await ds.query(
      request([
        { section: 'users', shape: 'breakdown', field: 'byCountry' },
        { section: 'dashboard', shape: 'breakdown' },
      ])
    );
    expect(response.errors).toHaveLength(2);
    expect(response.errors![0]!.message).toContain('no count map "byCountry"');
    expect(response.errors![0]!.message).toContain('byPlan, byRole');
    expect(response.errors![1]!.message).toContain('choose a field (messages, users, apiTraffic, revenue)');
  });
});

describe('query: time range and variables', () => {
  it('sends the dashboard time range as revenue from/to (epoch ms) on the dashboard section only', async () => {
    const { ds, backend } = setupGrafana(fixtureHandler);
    const response = await ds.query(
      request([
        { section: 'dashboard', shape: 'stats' },
        { section: 'users', shape: 'stats' },
      ])
    );
    expect(backend.calls.map((call) => [call.url, call.params])).toEqual([
      [`${PROXY_URL}/api/monitoring/dashboard`, { from: FROM, to: TO }],
      [`${PROXY_URL}/api/monitoring/users`, undefined],
    ]);
    // The recorded answer for that range: revenue of the range.
    expect(field(response.data[0], 'revenue.amount').values[0]).toBe(
      (loadFixture('dashboard-range').body as { revenue: { amount: number } }).revenue.amount
    );
  });

  it('interpolates dashboard variables and scopedVars in section and field', async () => {
    const { ds, backend } = setupGrafana(fixtureHandler, { section: 'users', map: 'byRole' });
    const response = await ds.query(
      request(
        [
          { section: '$section' as SectionId, shape: 'breakdown', field: '${map}' },
          { section: '${repeat}' as SectionId, shape: 'stats', field: '$leaf' },
        ],
        { repeat: { text: 'webhooks', value: 'webhooks' }, leaf: { text: 'active', value: 'active' } }
      )
    );
    expect(response.errors).toBeUndefined();
    expect(backend.calls.map((call) => call.url)).toEqual([
      `${PROXY_URL}/api/monitoring/users`,
      `${PROXY_URL}/api/monitoring/webhooks`,
    ]);
    expect(field(response.data[0], 'label').values).toEqual(['user', 'admin', 'monitoring']);
    expect(fieldNames(response.data[1])).toEqual(['generatedAt', 'active']);
  });

  it('rejects an unknown section without calling the API', async () => {
    const { ds, backend } = setupGrafana(fixtureHandler);
    const response = await ds.query(request([{ section: '$nothing' as SectionId, shape: 'stats' }]));
    expect(backend.calls).toHaveLength(0);
    expect(response.errors?.[0]?.message).toContain('Unknown section "$nothing"');
  });

  it('fetches a section once for several queries, and skips hidden queries', async () => {
    const { ds, backend } = setupGrafana(fixtureHandler);
    const response = await ds.query(
      request([
        { section: 'users', shape: 'stats' },
        { section: 'users', shape: 'breakdown', field: 'byRole' },
        { section: 'webhooks', shape: 'stats', hide: true },
      ])
    );
    expect(response.data).toHaveLength(2);
    expect(backend.calls).toHaveLength(1);
  });

  it('interpolateVariablesInQueries resolves variables for Explore and mixed data sources', () => {
    const { ds } = setupGrafana(fixtureHandler, { section: 'contacts' });
    const [query] = ds.interpolateVariablesInQueries(
      [{ refId: 'A', section: '$section' as SectionId, shape: 'stats', field: '$f' }],
      { f: { text: 'total', value: 'total' } }
    );
    expect(query).toMatchObject({ section: 'contacts', field: 'total', datasource: { uid: 'kewhats-monitoring' } });
  });
});

describe('query: errors', () => {
  const synthetic = (status: number, code: string, message: string): Fixture => ({
    status,
    body: { error: { code, message } },
  });
  const cases: Array<[string, Handler, RegExp, number | undefined]> = [
    ['401 (recorded)', () => loadFixture('error-401'), /Authentication failed \(401\).*token/, 401],
    ['403 (recorded)', () => loadFixture('error-403'), /Access denied \(403\)/, 403],
    ['404 (recorded)', () => loadFixture('error-404'), /Not found \(404\): no monitoring section at \/nope/, 404],
    ['400 (recorded)', () => loadFixture('error-400'), /rejected the request \(400\): from must be before to/, 400],
    ['429', () => synthetic(429, 'rate_limited', 'too many requests'), /Rate limited \(429\).*try again/i, 429],
    [
      '503',
      () => synthetic(503, 'unavailable', 'database unavailable and no snapshot to serve yet'),
      /unavailable \(503\): database unavailable/,
      503,
    ],
    ['500', () => synthetic(500, 'internal', 'internal error'), /exporter failed \(500\): internal error/, 500],
    [
      '502 from Grafana’s proxy',
      () => ({ status: 502, body: { message: 'Bad Gateway' } }),
      /Cannot reach the exporter \(502\).*data source URL/,
      502,
    ],
    [
      'network failure',
      () => new TypeError('Failed to fetch'),
      /Cannot reach the KeWhats monitoring API: Failed to fetch/,
      undefined,
    ],
  ];

  it.each(cases)('maps %s to a clear error on the query’s refId', async (_name, handler, message, status) => {
    const { ds } = setupGrafana(handler);
    const response = await ds.query(request([{ section: 'dashboard', shape: 'stats' }]));
    expect(response.data).toHaveLength(0);
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]).toMatchObject({ refId: 'A', status });
    expect(response.errors![0]!.message).toMatch(message);
  });

  it('keeps the frames of the queries that worked', async () => {
    const { ds } = setupGrafana(({ path }) =>
      path === 'users' ? loadFixture('error-403') : fixtureHandler({ path, params: {}, options: { url: '' } })
    );
    const response = await ds.query(
      request([
        { section: 'users', shape: 'stats' },
        { section: 'contacts', shape: 'stats' },
      ])
    );
    expect(response.data).toHaveLength(1);
    expect(response.data[0].refId).toBe('B');
    expect(response.errors?.map((error) => error.refId)).toEqual(['A']);
  });

  it('rejects an answer that is not a monitoring response', async () => {
    const { ds } = setupGrafana(() => ({ status: 200, body: { hello: 'world' } }));
    const response = await ds.query(request([{ section: 'users', shape: 'stats' }]));
    expect(response.errors?.[0]?.message).toMatch(/not a KeWhats monitoring response/);
  });
});

describe('testDatasource', () => {
  it('reports reachability, the exporter version and the age of the figures', async () => {
    const { ds, backend } = setupGrafana(fixtureHandler);
    const result = await ds.testDatasource();
    expect(result.status).toBe('success');
    expect(result.message).toContain('reachable');
    expect(result.message).toContain('exporter version 0.1.0');
    expect(result.message).toContain('30 s ago');
    expect(result.message).toContain(GENERATED_AT);
    expect(backend.calls[0]!.url).toBe(`${PROXY_URL}/api/monitoring/dashboard`);
  });

  it('works without the version header', async () => {
    const fixture = loadFixture('dashboard');
    fixture.headers = {};
    const { ds } = setupGrafana(() => fixture);
    const result = await ds.testDatasource();
    expect(result.status).toBe('success');
    expect(result.message).not.toContain('version');
  });

  it.each([
    ['error-401', /Authentication failed \(401\)/],
    ['error-403', /Access denied \(403\)/],
  ])('reports %s as an authentication problem', async (name, message) => {
    const { ds } = setupGrafana(() => loadFixture(name));
    const result = await ds.testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(message);
  });

  it('reports an unreachable exporter', async () => {
    const { ds } = setupGrafana(() => ({ status: 502, body: { message: 'Bad Gateway' } }));
    const result = await ds.testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/Cannot reach the exporter \(502\)/);
  });

  it('reports a URL that is not a KeWhats exporter', async () => {
    const { ds } = setupGrafana(() => ({ status: 200, body: '<html>hello</html>' }));
    const result = await ds.testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/not a KeWhats monitoring response/);
  });

  it('warns about stale figures', async () => {
    const fixture = loadFixture('dashboard');
    (fixture.body as Record<string, unknown>).stale = true;
    const { ds } = setupGrafana(() => fixture);
    const result = await ds.testDatasource();
    expect(result.status).toBe('warning');
    expect(result.message).toMatch(/stale/);
  });
});

describe('exportContacts', () => {
  const csv = (type: unknown) =>
    type === 'email' ? 'email\na@example.com\n' : 'name,phone,created_at\nA,+62,2026-01-01T00:00:00.000Z\n';

  it.each(['contact', 'email'] as const)('downloads the %s export as a blob through the proxy route', async (type) => {
    const { ds, backend } = setupGrafana(({ params }) => ({
      status: 200,
      headers: { 'content-type': 'text/csv; charset=utf-8' },
      body: csv(params.type),
    }));
    const { blob } = await ds.exportContacts(type);
    expect(backend.calls[0]).toMatchObject({
      url: `${PROXY_URL}/api/monitoring/contacts/export`,
      method: 'GET',
      params: { type },
      responseType: 'blob',
      showErrorAlert: false,
    });
    expect(blob).toBeInstanceOf(Blob);
    expect(blob.size).toBe(csv(type).length);
  });

  it('reads the API error out of a blob error body', async () => {
    const { ds } = setupGrafana(() => ({
      status: 429,
      body: { error: { code: 'rate_limited', message: 'at most 2 exports run at once: try again shortly' } },
    }));
    await expect(ds.exportContacts('contact')).rejects.toMatchObject({
      status: 429,
      code: 'rate_limited',
      message: expect.stringMatching(/Rate limited \(429\): at most 2 exports run at once/),
    });
  });

  it('rejects an answer that is not CSV', async () => {
    const { ds } = setupGrafana(() => ({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<html></html>',
    }));
    await expect(ds.exportContacts('email')).rejects.toThrow(/expected a CSV file/);
  });

  it('rejects an unknown export type without calling the API', async () => {
    const { ds, backend } = setupGrafana(fixtureHandler);
    await expect(ds.exportContacts('phone' as never)).rejects.toThrow(/Unknown export type/);
    expect(backend.calls).toHaveLength(0);
  });
});
