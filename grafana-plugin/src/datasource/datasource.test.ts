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
import { config } from '@grafana/runtime';
import { exportsOf, type Catalogue, type CatalogueSection } from '../shared/catalogue';
import type { Language } from '../shared/language';
import {
  fixtureHandler,
  loadCatalogue,
  loadFixture,
  PROXY_URL,
  setupGrafana,
  type Fixture,
  type Handler,
} from '../testing/fakeGrafana';
import type { KewhatsQuery } from './types';

const GENERATED_AT = (loadFixture('dashboard').body as { generatedAt: string }).generatedAt;
const NOW = Date.parse(GENERATED_AT) + 30_000; // 30 s after the recorded generatedAt
const FROM = 1767225600000;
const TO = 1798761600000;
const CATALOGUE = loadCatalogue();
const LANGUAGES: Language[] = ['id', 'en'];

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

function sectionOf(name: string): CatalogueSection {
  return CATALOGUE.sections.find((section) => section.name === name)!;
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

const userLanguage = config.language;

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => {
  jest.restoreAllMocks();
  config.language = userLanguage;
});

describe('the catalogue', () => {
  it('is read once per data source instance, then every query uses it', async () => {
    const { ds, backend } = setupGrafana(fixtureHandler);
    await ds.query(request([{ section: 'users', shape: 'stats' }]));
    await ds.query(request([{ section: 'webhooks', shape: 'stats' }]));
    expect(backend.calls.map((call) => call.url)).toEqual([
      `${PROXY_URL}/api/monitoring/catalogue`,
      `${PROXY_URL}/api/monitoring/users`,
      `${PROXY_URL}/api/monitoring/webhooks`,
    ]);
  });

  it('is read again after a failure', async () => {
    let fail = true;
    const { ds } = setupGrafana((args) => (fail ? loadFixture('error-401') : fixtureHandler(args)));
    expect((await ds.query(request([{ section: 'users', shape: 'stats' }]))).errors).toHaveLength(1);
    fail = false;
    expect((await ds.query(request([{ section: 'users', shape: 'stats' }]))).errors).toBeUndefined();
  });

  it.each([
    [
      'a newer catalogue version',
      { ...CATALOGUE, version: 2 },
      /catalogue version 2 is newer than this plugin reads \(1\)/,
    ],
    ['an answer that is no catalogue', { hello: 'world' }, /not a KeWhats monitoring catalogue/],
    [
      'a section outside the monitoring API',
      { ...CATALOGUE, sections: [{ ...CATALOGUE.sections[0], path: '/api/admin/users' }] },
      /outside \/api\/monitoring/,
    ],
  ])('refuses %s with a clear error', async (_name, body, message) => {
    config.language = 'en-US';
    const { ds, backend } = setupGrafana(({ path }) =>
      path === 'catalogue' ? { status: 200, body } : loadFixture('users')
    );
    const response = await ds.query(request([{ section: 'users', shape: 'stats' }]));
    expect(response.errors?.[0]?.message).toMatch(/The exporter’s catalogue cannot be read/);
    expect(response.errors?.[0]?.message).toMatch(message);
    expect(backend.calls).toHaveLength(1);
  });
});

describe('query: stats', () => {
  it.each(CATALOGUE.sections.flatMap((section) => LANGUAGES.map((language) => [section.name, language] as const)))(
    'turns the recorded %s response into a one-row frame named in %s from the catalogue',
    async (name, language) => {
      const section = sectionOf(name);
      const { ds, backend } = setupGrafana(fixtureHandler);
      const response = await ds.query(request([{ section: name, shape: 'stats', language }]));
      expect(response.errors).toBeUndefined();
      expect(response.data).toHaveLength(1);
      const frame = response.data[0] as DataFrame;
      const fixture = section.timeRange ? loadFixture(`${name}-range`) : loadFixture(name);
      const body = fixture.body as Record<string, unknown>;
      const leaves = leavesOf(body);

      expect(frame.refId).toBe('A');
      expect(frame.length).toBe(1);
      expect(fieldNames(frame)).toEqual(['generatedAt', ...leaves.map(([path]) => path), 'lastUpdated']);
      for (const [path, value] of leaves) {
        const numberField = field(frame, path);
        expect(numberField.type).toBe(FieldType.number);
        expect(numberField.values[0]).toBe(value);
        const figure = section.figures.find((candidate) => candidate.path === path);
        if (figure) {
          expect(numberField.config.displayNameFromDS).toBe(figure.label[language]);
        }
        expect(numberField.config.unit).toBe(
          figure?.unit === 'currency' ? `currency:financial:${CATALOGUE.currencySymbol[language]} ` : 'locale'
        );
        expect(numberField.config.decimals).toBe(0);
      }
      // Every figure of the catalogue is a field of the frame.
      expect(fieldNames(frame)).toEqual(expect.arrayContaining(section.figures.map((figure) => figure.path)));
      const generatedAt = field(frame, 'generatedAt');
      expect(generatedAt.type).toBe(FieldType.time);
      expect(generatedAt.values[0]).toBe(Date.parse(body.generatedAt as string));
      expect(generatedAt.config.displayNameFromDS).toBe(CATALOGUE.texts.generatedAt[language]);
      const lastUpdated = field(frame, 'lastUpdated');
      expect(lastUpdated.values[0]).toBe(30);
      expect(lastUpdated.config).toMatchObject({ unit: 's', displayNameFromDS: CATALOGUE.texts.lastUpdated[language] });

      expect(backend.calls.map((call) => call.url)).toEqual([
        `${PROXY_URL}/api/monitoring/catalogue`,
        `${PROXY_URL}${section.path}`,
      ]);
      expect(backend.calls[1]!.method).toBe('GET');
    }
  );

  it('names the home figures in the product’s words, and money in the language’s currency symbol', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const response = await ds.query(
      request([
        { section: 'dashboard', shape: 'stats', language: 'id' },
        { section: 'dashboard', shape: 'stats', language: 'en' },
      ])
    );
    const names = (frame: DataFrame) =>
      Object.fromEntries(frame.fields.map((f) => [f.name, f.config.displayNameFromDS]));
    expect(names(response.data[0])).toMatchObject({
      'messages.incoming': 'Total Pesan Masuk',
      'messages.sent': 'Total Pesan Terkirim',
      'messages.failed': 'Total Pesan Gagal',
      'users.total': 'Total User Terdaftar',
      'apiTraffic.incoming': 'API Traffic Masuk',
      'apiTraffic.outgoing': 'API Traffic Keluar',
      'revenue.amount': 'Pendapatan Bulanan',
      lastUpdated: 'Terakhir diperbarui',
    });
    expect(names(response.data[1])).toMatchObject({
      'messages.sent': 'Messages sent',
      'revenue.amount': 'Monthly revenue',
    });
    expect(field(response.data[0], 'revenue.amount').config).toMatchObject({
      unit: 'currency:financial:Rp ',
      decimals: 0,
    });
    expect(field(response.data[1], 'revenue.amount').config.unit).toBe('currency:financial:IDR ');
    // Strings of the response (revenue from/to/currency) are not figures.
    expect(fieldNames(response.data[0])).not.toContain('revenue.currency');
    expect(fieldNames(response.data[0])).not.toContain('revenue.from');
  });

  it('follows the Grafana user’s language when the query names none', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    config.language = 'id-ID';
    const indonesian = (await ds.query(request([{ section: 'chatbots', shape: 'stats' }]))).data[0] as DataFrame;
    config.language = 'en-US';
    const english = (await ds.query(request([{ section: 'chatbots', shape: 'stats' }]))).data[0] as DataFrame;
    expect(field(indonesian, 'activeSessions').config.displayNameFromDS).toBe('Session Aktif');
    expect(field(indonesian, 'active').config.displayNameFromDS).toBe('Chatbot Aktif');
    expect(field(english, 'activeSessions').config.displayNameFromDS).toBe('Active sessions');
  });

  it('names a count the catalogue has no figure for by its breakdown and the key’s words', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const frame = (await ds.query(request([{ section: 'integrations', shape: 'stats', language: 'id' }])))
      .data[0] as DataFrame;
    expect(field(frame, 'byType.telegram').config.displayNameFromDS).toBe('Integrasi per jenis · Telegram');
    expect(field(frame, 'total').config.displayNameFromDS).toBe('Total Integrasi');
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

  it('reports an unknown `field` with the available figures, in the query’s language', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const response = await ds.query(
      request([
        { section: 'webhooks', shape: 'stats', field: 'nope', language: 'en' },
        { section: 'webhooks', shape: 'stats', field: 'nope', language: 'id' },
      ])
    );
    expect(response.data).toHaveLength(0);
    expect(response.errors?.[0]).toMatchObject({ refId: 'A' });
    expect(response.errors?.[0]?.message).toContain('no figure "nope"');
    expect(response.errors?.[0]?.message).toContain('total, active, inactive, lastUpdated');
    expect(response.errors?.[1]?.message).toContain('tidak memiliki angka "nope"');
  });

  it('lets stat panels pick a figure with reduceOptions.fields: the regex matches the display name', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const frame = (await ds.query(request([{ section: 'dashboard', shape: 'stats', language: 'en' }])))
      .data[0] as DataFrame;
    const matching = (pattern: string) => {
      const matcher = getFieldMatcher({ id: FieldMatcherID.byRegexp, options: pattern });
      return frame.fields.filter((f) => matcher(f, frame, [frame])).map((f) => f.name);
    };
    expect(getFieldDisplayName(field(frame, 'messages.sent'), frame, [frame])).toBe('Messages sent');
    expect(matching('/^Messages sent$/')).toEqual(['messages.sent']);
    expect(matching('/^Monthly revenue$/')).toEqual(['revenue.amount']);
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

  it('warns, in the catalogue’s words, when the exporter serves a stale snapshot', async () => {
    const stale = loadFixture('connections');
    (stale.body as Record<string, unknown>).stale = true;
    const { ds } = setupGrafana((args) => (args.path === 'connections' ? stale : fixtureHandler(args)));
    const frame = (await ds.query(request([{ section: 'connections', shape: 'stats', language: 'id' }])))
      .data[0] as DataFrame;
    expect(frame.meta?.notices?.[0]).toEqual({ severity: 'warning', text: CATALOGUE.texts.stale.id });
  });
});

describe('query: breakdown', () => {
  const words = (name: string, path: string, language: Language) =>
    Object.fromEntries(
      sectionOf(name)
        .breakdowns.find((b) => b.path === path)!
        .values.map((v) => [v.key, v.label[language]])
    );
  const usersBody = loadFixture('users').body as { byPlan: Record<string, number>; byRole: Record<string, number> };

  it.each([
    [
      'users',
      'byPlan',
      'id',
      Object.entries(usersBody.byPlan).map(([key, value]) => [words('users', 'byPlan', 'id')[key], value]),
    ],
    [
      'users',
      undefined,
      'en',
      Object.entries(usersBody.byPlan).map(([key, value]) => [words('users', 'byPlan', 'en')[key], value]),
    ],
    [
      'users',
      'byRole',
      'id',
      Object.entries(usersBody.byRole).map(([key, value]) => [words('users', 'byRole', 'id')[key], value]),
    ],
    [
      'connections',
      undefined,
      'id',
      [
        ['Terhubung', 167],
        ['Terputus', 71],
        ['Menghubungkan', 62],
      ],
    ],
    [
      'broadcasts',
      '',
      'en',
      [
        ['Pending', 10],
        ['Running', 12],
        ['Completed', 65],
        ['Failed', 13],
      ],
    ],
    [
      'webhooks',
      undefined,
      'id',
      [
        ['Aktif', 36],
        ['Nonaktif', 12],
      ],
    ],
    // No breakdown in the catalogue: the top-level counts but total, named by their keys.
    [
      'chatbots',
      undefined,
      'en',
      [
        ['active', 24],
        ['activeSessions', 40],
      ],
    ],
    ['contacts', undefined, 'en', [['withEmail', 1100]]],
    // A count map that is no catalogue breakdown: its keys as they are.
    [
      'dashboard',
      'messages',
      'id',
      [
        ['incoming', 2251],
        ['sent', 2409],
        ['failed', 214],
      ],
    ],
  ] as Array<[string, string | undefined, Language, Array<[string, number]>]>)(
    '%s with field %p in %s gives label/value rows with the keys’ words',
    async (section, fieldName, language, expected) => {
      const { ds } = setupGrafana(fixtureHandler);
      const response = await ds.query(request([{ section, shape: 'breakdown', field: fieldName, language }]));
      expect(response.errors).toBeUndefined();
      const frame = response.data[0] as DataFrame;
      expect(fieldNames(frame)).toEqual(['label', 'value']);
      expect(field(frame, 'label').type).toBe(FieldType.string);
      expect(field(frame, 'value').type).toBe(FieldType.number);
      expect(field(frame, 'value').config).toMatchObject({ unit: 'locale', decimals: 0 });
      expect(frame.length).toBe(expected.length);
      expect(field(frame, 'label').values).toEqual(expected.map(([label]) => label));
      expect(field(frame, 'value').values).toEqual(expected.map(([, value]) => value));
    }
  );

  it('names the breakdown’s fields by its dimension and label', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const frame = (await ds.query(request([{ section: 'users', shape: 'breakdown', field: 'byPlan', language: 'id' }])))
      .data[0];
    expect(field(frame, 'label').config.displayNameFromDS).toBe('Paket');
    expect(field(frame, 'value').config.displayNameFromDS).toBe('Pengguna per paket');
  });

  it('lists the catalogue’s keys in its order, then keys it does not know as they are (free-text integration types)', async () => {
    const integrations = loadFixture('integrations');
    const byType = (integrations.body as { byType: Record<string, number> }).byType;
    (integrations.body as { byType: Record<string, number> }).byType = { line: 30, ...byType, other: 2 };
    const { ds } = setupGrafana((args) => (args.path === 'integrations' ? integrations : fixtureHandler(args)));
    const frame = (await ds.query(request([{ section: 'integrations', shape: 'breakdown', language: 'id' }]))).data[0];
    expect(field(frame, 'label').values).toEqual([
      'Telegram',
      'Discord',
      'Slack',
      'Email',
      'SMS',
      'Zapier',
      'n8n',
      'Lainnya',
      'line',
    ]);
    expect(field(frame, 'value').values).toEqual([...Object.values(byType), 2, 30]);
  });

  it('rejects a field that is not a count map, naming the ones that are', async () => {
    const { ds } = setupGrafana(fixtureHandler);
    const response = await ds.query(
      request([
        { section: 'users', shape: 'breakdown', field: 'byCountry', language: 'en' },
        { section: 'dashboard', shape: 'breakdown', language: 'en' },
      ])
    );
    expect(response.errors).toHaveLength(2);
    expect(response.errors![0]!.message).toContain('no count map "byCountry"');
    expect(response.errors![0]!.message).toContain('byPlan, byRole');
    expect(response.errors![1]!.message).toContain('choose a field (messages, users, apiTraffic, revenue)');
  });
});

describe('a section the plugin was never built with', () => {
  // The recorded webhooks section under another name: nothing of it is in the plugin's code.
  const webhooks = sectionOf('webhooks');
  const renamed: CatalogueSection = {
    ...webhooks,
    name: 'hooks-renamed',
    path: '/api/monitoring/hooks-renamed',
    title: { id: 'Kait', en: 'Hooks' },
    position: 99,
  };
  const catalogue: Catalogue = { ...CATALOGUE, sections: [...CATALOGUE.sections, renamed] };
  const handler: Handler = (args) => {
    if (args.path === 'catalogue') {
      return { status: 200, body: catalogue };
    }
    return fixtureHandler({ ...args, path: args.path === renamed.name ? 'webhooks' : args.path });
  };

  it('gets frames named from the catalogue', async () => {
    const { ds, backend } = setupGrafana(handler);
    const response = await ds.query(
      request([
        { section: renamed.name, shape: 'stats', language: 'id' },
        { section: renamed.name, shape: 'breakdown', language: 'en' },
      ])
    );
    expect(response.errors).toBeUndefined();
    expect(backend.calls.map((call) => call.url)).toContain(`${PROXY_URL}${renamed.path}`);
    for (const figure of renamed.figures) {
      expect(field(response.data[0], figure.path).config.displayNameFromDS).toBe(figure.label.id);
    }
    expect(field(response.data[1], 'label').values).toEqual(
      renamed.breakdowns[0]!.values.map((value) => value.label.en)
    );
  });
});

describe('query: time range and variables', () => {
  it('sends the dashboard time range to a section that declares one, under its parameter names', async () => {
    const ranged = CATALOGUE.sections.find((section) => section.timeRange)!;
    const { ds, backend } = setupGrafana(fixtureHandler);
    const response = await ds.query(
      request([
        { section: ranged.name, shape: 'stats' },
        { section: 'users', shape: 'stats' },
      ])
    );
    expect(backend.calls.slice(1).map((call) => [call.url, call.params])).toEqual([
      [`${PROXY_URL}${ranged.path}`, { [ranged.timeRange!.from]: FROM, [ranged.timeRange!.to]: TO }],
      [`${PROXY_URL}/api/monitoring/users`, undefined],
    ]);
    // The recorded answer for that range: revenue of the range.
    expect(field(response.data[0], 'revenue.amount').values[0]).toBe(
      (loadFixture(`${ranged.name}-range`).body as { revenue: { amount: number } }).revenue.amount
    );
  });

  it('interpolates dashboard variables and scopedVars in section and field', async () => {
    const { ds, backend } = setupGrafana(fixtureHandler, { section: 'users', map: 'byRole' });
    const response = await ds.query(
      request(
        [
          { section: '$section', shape: 'breakdown', field: '${map}', language: 'en' },
          { section: '${repeat}', shape: 'stats', field: '$leaf' },
        ],
        { repeat: { text: 'webhooks', value: 'webhooks' }, leaf: { text: 'active', value: 'active' } }
      )
    );
    expect(response.errors).toBeUndefined();
    expect(backend.calls.slice(1).map((call) => call.url)).toEqual([
      `${PROXY_URL}/api/monitoring/users`,
      `${PROXY_URL}/api/monitoring/webhooks`,
    ]);
    expect(field(response.data[0], 'label').values).toEqual(['User', 'Admin', 'Monitoring']);
    expect(fieldNames(response.data[1])).toEqual(['generatedAt', 'active']);
  });

  it('rejects a section the catalogue does not have, listing the ones it has, without calling the API for it', async () => {
    const { ds, backend } = setupGrafana(fixtureHandler);
    const response = await ds.query(request([{ section: '$nothing', shape: 'stats', language: 'en' }]));
    expect(backend.calls.map((call) => call.url)).toEqual([`${PROXY_URL}/api/monitoring/catalogue`]);
    expect(response.errors?.[0]?.message).toBe(
      `Unknown section "$nothing". Sections: ${CATALOGUE.sections.map((section) => section.name).join(', ')}.`
    );
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
    expect(backend.calls.map((call) => call.url)).toEqual([
      `${PROXY_URL}/api/monitoring/catalogue`,
      `${PROXY_URL}/api/monitoring/users`,
    ]);
  });

  it('interpolateVariablesInQueries resolves variables for Explore and mixed data sources', () => {
    const { ds } = setupGrafana(fixtureHandler, { section: 'contacts' });
    const [query] = ds.interpolateVariablesInQueries(
      [{ refId: 'A', section: '$section', shape: 'stats', field: '$f' }],
      {
        f: { text: 'total', value: 'total' },
      }
    );
    expect(query).toMatchObject({ section: 'contacts', field: 'total', datasource: { uid: 'kewhats-monitoring' } });
  });
});

describe('query: errors', () => {
  const synthetic = (status: number, code: string, message: string): Fixture => ({
    status,
    body: { error: { code, message } },
  });
  const onSections =
    (answer: () => Fixture | Error): Handler =>
    (args) =>
      args.path === 'catalogue' ? fixtureHandler(args) : answer();
  const cases: Array<[string, Handler, RegExp, number | undefined]> = [
    [
      '401 (recorded)',
      onSections(() => loadFixture('error-401')),
      /Authentication failed \(401\).*valid monitoring token/,
      401,
    ],
    [
      'Grafana’s 400 for an upstream 401 (ds_proxy.go)',
      onSections(() => loadFixture('grafana-auth-failed')),
      /^Authentication failed: the exporter rejected the data source token\. An administrator must set a valid monitoring token/,
      400,
    ],
    ['403 (recorded)', onSections(() => loadFixture('error-403')), /Access denied \(403\)/, 403],
    [
      '404 (recorded)',
      onSections(() => loadFixture('error-404')),
      /Not found \(404\): no monitoring section at \/nope/,
      404,
    ],
    [
      '400 (recorded)',
      onSections(() => loadFixture('error-400')),
      /rejected the request \(400\): from must be before to/,
      400,
    ],
    [
      '429',
      onSections(() => synthetic(429, 'rate_limited', 'too many requests')),
      /Rate limited \(429\).*try again/i,
      429,
    ],
    [
      '503',
      onSections(() => synthetic(503, 'unavailable', 'database unavailable and no snapshot to serve yet')),
      /unavailable \(503\): database unavailable/,
      503,
    ],
    [
      '500',
      onSections(() => synthetic(500, 'internal', 'internal error')),
      /exporter failed \(500\): internal error/,
      500,
    ],
    [
      '502 from Grafana’s proxy',
      onSections(() => ({ status: 502, body: { message: 'Bad Gateway' } })),
      /Cannot reach the exporter \(502\).*data source URL/,
      502,
    ],
    [
      'network failure',
      onSections(() => new TypeError('Failed to fetch')),
      /Cannot reach the KeWhats monitoring API: Failed to fetch/,
      undefined,
    ],
    ['a failing catalogue', () => loadFixture('grafana-auth-failed'), /valid monitoring token/, 400],
  ];

  it.each(cases)('maps %s to a clear error on the query’s refId', async (_name, handler, message, status) => {
    config.language = 'en-US';
    const { ds } = setupGrafana(handler);
    const response = await ds.query(request([{ section: 'dashboard', shape: 'stats' }]));
    expect(response.data).toHaveLength(0);
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]).toMatchObject({ refId: 'A', status });
    expect(response.errors![0]!.message).toMatch(message);
  });

  it('says it in Indonesian for an Indonesian dashboard', async () => {
    const { ds } = setupGrafana(onSections(() => loadFixture('grafana-auth-failed')));
    const response = await ds.query(request([{ section: 'users', shape: 'stats', language: 'id' }]));
    expect(response.errors![0]!.message).toMatch(/^Autentikasi gagal: exporter menolak token sumber data\./);
  });

  it('keeps the frames of the queries that worked', async () => {
    const { ds } = setupGrafana((args) => (args.path === 'users' ? loadFixture('error-403') : fixtureHandler(args)));
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
    config.language = 'en-US';
    const { ds } = setupGrafana(onSections(() => ({ status: 200, body: { hello: 'world' } })));
    const response = await ds.query(request([{ section: 'users', shape: 'stats' }]));
    expect(response.errors?.[0]?.message).toMatch(/not a KeWhats monitoring response/);
  });
});

describe('testDatasource', () => {
  beforeEach(() => {
    config.language = 'en-US';
  });

  it('reports reachability, the exporter version, the sections and the age of the figures', async () => {
    const { ds, backend } = setupGrafana(fixtureHandler);
    const result = await ds.testDatasource();
    expect(result.status).toBe('success');
    expect(result.message).toContain('reachable');
    expect(result.message).toContain('exporter version 0.1.0');
    expect(result.message).toContain(`${CATALOGUE.sections.length} sections`);
    expect(result.message).toContain('30 s ago');
    expect(result.message).toContain(GENERATED_AT);
    expect(backend.calls.map((call) => call.url)).toEqual([
      `${PROXY_URL}/api/monitoring/catalogue`,
      `${PROXY_URL}${CATALOGUE.sections[0]!.path}`,
    ]);
  });

  it('answers in the Grafana user’s language', async () => {
    config.language = 'id-ID';
    const { ds } = setupGrafana(fixtureHandler);
    const result = await ds.testDatasource();
    expect(result.message).toContain('API pemantauan KeWhats dapat dijangkau');
    expect(result.message).toContain(`${CATALOGUE.sections.length} bagian`);
  });

  it('works without the version header', async () => {
    const { ds } = setupGrafana((args) => {
      const fixture = fixtureHandler(args) as Fixture;
      return { ...fixture, headers: { 'content-type': 'application/json' } };
    });
    const result = await ds.testDatasource();
    expect(result.status).toBe('success');
    expect(result.message).not.toContain('version');
  });

  it.each([
    ['error-401', /Authentication failed \(401\)/],
    [
      'grafana-auth-failed',
      /Authentication failed: the exporter rejected the data source token.*valid monitoring token/,
    ],
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
    const { ds } = setupGrafana(() => ({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<html>hello</html>',
    }));
    const result = await ds.testDatasource();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/not a KeWhats monitoring catalogue/);
  });

  it('warns about stale figures', async () => {
    const stale = loadFixture('dashboard');
    (stale.body as Record<string, unknown>).stale = true;
    const { ds } = setupGrafana((args) => (args.path === 'dashboard' ? stale : fixtureHandler(args)));
    const result = await ds.testDatasource();
    expect(result.status).toBe('warning');
    expect(result.message).toMatch(/stale/);
  });
});

describe('downloadExport', () => {
  const exports = exportsOf(CATALOGUE.sections.find((section) => exportsOf(section).length > 0)!);
  const csv = (type: unknown) =>
    type === 'email' ? 'email\na@example.com\n' : 'name,phone,created_at\nA,+62,2026-01-01T00:00:00.000Z\n';

  it.each(exports.map((item) => [item.type, item] as const))(
    'downloads the %s export of the catalogue as a blob through the proxy route',
    async (type, item) => {
      const { ds, backend } = setupGrafana(({ params }) => ({
        status: 200,
        headers: { 'content-type': 'text/csv; charset=utf-8' },
        body: csv(params.type),
      }));
      const blob = await ds.downloadExport(item);
      expect(backend.calls[0]).toMatchObject({
        url: `${PROXY_URL}/api/monitoring/contacts/export`,
        method: 'GET',
        params: { type },
        responseType: 'blob',
        showErrorAlert: false,
      });
      expect(blob).toBeInstanceOf(Blob);
      expect(blob.size).toBe(csv(type).length);
    }
  );

  it('reads the API error out of a blob error body', async () => {
    config.language = 'en-US';
    const { ds } = setupGrafana(() => ({
      status: 429,
      body: { error: { code: 'rate_limited', message: 'at most 2 exports run at once: try again shortly' } },
    }));
    await expect(ds.downloadExport(exports[0]!)).rejects.toMatchObject({
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
    await expect(ds.downloadExport(exports[1]!, 'en')).rejects.toThrow(/expected a CSV file/);
  });

  it('refuses an export path outside the monitoring API without calling it', async () => {
    const { ds, backend } = setupGrafana(fixtureHandler);
    await expect(ds.downloadExport({ ...exports[0]!, path: '/api/admin/users?x=1' }, 'en')).rejects.toThrow(
      /export path/
    );
    expect(backend.calls).toHaveLength(0);
  });
});
