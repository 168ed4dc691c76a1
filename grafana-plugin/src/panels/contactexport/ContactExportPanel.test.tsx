import React from 'react';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FieldConfigSource, LoadingState, PanelProps, getDefaultTimeRange, type DataSourceApi } from '@grafana/data';
import { ContactExportPanel } from './ContactExportPanel';
import { DEFAULT_FILE_NAME_TEMPLATE, type ContactExportOptions } from './types';
import { config } from '@grafana/runtime';
import { fixtureHandler, loadFixture, setupGrafana, type Fixture, type Handler } from '../../testing/fakeGrafana';

const CSV: Record<string, string> = {
  contact: 'name,phone,created_at\nAyu,+6281100000001,2026-01-02T03:04:05.000Z\n',
  email: 'email\nayu@example.com\n',
};

function csvHandler(overrides: Partial<Record<'contact' | 'email', Fixture | Promise<Fixture>>> = {}): Handler {
  return (request) => {
    if (request.path === 'contacts/export') {
      const type = request.params.type as 'contact' | 'email';
      return (
        overrides[type] ?? { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' }, body: CSV[type] }
      );
    }
    return fixtureHandler(request);
  };
}

function renderPanel(options: Partial<ContactExportOptions> = {}, width = 600) {
  const timeRange = getDefaultTimeRange();
  const props = {
    id: 1,
    data: { state: LoadingState.Done, series: [], timeRange },
    timeRange,
    timeZone: 'utc',
    options: { datasourceUid: 'kewhats-monitoring', fileNameTemplate: DEFAULT_FILE_NAME_TEMPLATE, ...options },
    fieldConfig: { defaults: {}, overrides: [] } as FieldConfigSource,
    transparent: false,
    width,
    height: 300,
    renderCounter: 0,
    title: 'Contact exports',
    eventBus: {} as PanelProps['eventBus'],
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    onChangeTimeRange: jest.fn(),
    replaceVariables: (value: string) => value.replace('$ds', 'kewhats-monitoring'),
  } as unknown as PanelProps<ContactExportOptions>;
  return render(<ContactExportPanel {...props} />);
}

let saved: Array<{ fileName: string; blob: Blob }>;

beforeEach(() => {
  saved = [];
  const blobs = new Map<string, Blob>();
  let next = 0;
  Object.assign(URL, {
    createObjectURL: jest.fn((blob: Blob) => {
      const url = `blob:test/${next++}`;
      blobs.set(url, blob);
      return url;
    }),
    revokeObjectURL: jest.fn(),
  });
  jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ fileName: this.download, blob: blobs.get(this.getAttribute('href')!)! });
  });
  jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-24T10:00:00Z'));
  jest.spyOn(console, 'error');
  config.language = 'en-US';
});

afterEach(() => {
  // No React warnings or errors while rendering.
  expect(console.error).not.toHaveBeenCalled();
  jest.restoreAllMocks();
  config.language = undefined;
});

const contacts = loadFixture('contacts').body as { total: number; withEmail: number };

describe('ContactExportPanel', () => {
  it('shows the figures of the catalogue section with exports, and its download buttons', async () => {
    const { backend } = setupGrafana(csvHandler());
    renderPanel();
    expect(await screen.findByTestId('kewhats-figure-total')).toHaveTextContent(contacts.total.toLocaleString('en-US'));
    expect(screen.getByTestId('kewhats-figure-withEmail')).toHaveTextContent(
      contacts.withEmail.toLocaleString('en-US')
    );
    expect(screen.getByText('Contacts')).toBeInTheDocument();
    expect(screen.getByText('Contacts with email')).toBeInTheDocument();
    expect(backend.calls.map((call) => call.url)).toEqual([
      '/api/datasources/proxy/uid/kewhats-monitoring/api/monitoring/catalogue',
      '/api/datasources/proxy/uid/kewhats-monitoring/api/monitoring/contacts',
    ]);
    expect(screen.getByRole('button', { name: 'Download contacts (CSV)' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Download emails (CSV)' })).toBeEnabled();
  });

  it.each([
    ['the panel’s language option', { language: 'id' as const }, 'en-US'],
    ['the Grafana user’s language', {}, 'id-ID'],
  ])('speaks Indonesian by %s, numbers grouped with dots', async (_how, options, grafanaLanguage) => {
    config.language = grafanaLanguage;
    setupGrafana(csvHandler());
    renderPanel(options);
    expect(await screen.findByTestId('kewhats-figure-total')).toHaveTextContent(contacts.total.toLocaleString('id-ID'));
    expect(contacts.total.toLocaleString('id-ID')).toContain('.');
    expect(screen.getByText('Total Kontak')).toBeInTheDocument();
    expect(screen.getByText('Kontak dengan Email')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Unduh kontak (CSV)' })).toBeEnabled();
    await userEvent.click(screen.getByRole('button', { name: 'Unduh email (CSV)' }));
    expect(await screen.findByText(/^Terunduh kewhats-emails-2026-11-24\.csv \(/)).toBeInTheDocument();
  });

  it.each([
    ['contact', 'Download contacts (CSV)', 'kewhats-contacts-2026-11-24.csv'],
    ['email', 'Download emails (CSV)', 'kewhats-emails-2026-11-24.csv'],
  ] as const)('downloads the %s CSV through the data source', async (type, label, fileName) => {
    const { backend } = setupGrafana(csvHandler());
    renderPanel();
    await screen.findByTestId('kewhats-figure-total');
    await userEvent.click(screen.getByRole('button', { name: label }));
    expect(await screen.findByText(`Downloaded ${fileName} (${CSV[type]!.length} B).`)).toBeInTheDocument();
    const exportCall = backend.calls.find((call) => call.url.endsWith('/contacts/export'));
    expect(exportCall).toMatchObject({
      url: '/api/datasources/proxy/uid/kewhats-monitoring/api/monitoring/contacts/export',
      params: { type },
      responseType: 'blob',
    });
    // No credentials in the browser: the request carries no Authorization header of ours.
    expect(exportCall?.headers).toBeUndefined();
    expect(saved).toHaveLength(1);
    expect(saved[0]!.fileName).toBe(fileName);
    expect(saved[0]!.blob.size).toBe(CSV[type]!.length);
  });

  it('uses the file-name template and a data source uid with variables', async () => {
    setupGrafana(csvHandler());
    renderPanel({ datasourceUid: '$ds', fileNameTemplate: '{datasource}-{type}' });
    await screen.findByTestId('kewhats-figure-total');
    await userEvent.click(screen.getByRole('button', { name: 'Download emails (CSV)' }));
    await waitFor(() => expect(saved.map((file) => file.fileName)).toEqual(['kewhats-monitoring-emails.csv']));
  });

  it('shows progress while the export runs and blocks a second download', async () => {
    let finish: (fixture: Fixture) => void = () => {};
    const pending = new Promise<Fixture>((resolve) => (finish = resolve));
    setupGrafana(csvHandler({ contact: pending }));
    renderPanel();
    await screen.findByTestId('kewhats-figure-total');
    await userEvent.click(screen.getByRole('button', { name: 'Download contacts (CSV)' }));
    const button = screen.getByRole('button', { name: 'Download contacts (CSV)' });
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByRole('button', { name: 'Download emails (CSV)' })).toBeDisabled();
    expect(screen.getByRole('status')).toHaveTextContent('Preparing kewhats-contacts-2026-11-24.csv…');
    await act(async () => finish({ status: 200, headers: { 'content-type': 'text/csv' }, body: CSV.contact }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Download contacts (CSV)' })).toBeEnabled());
    expect(saved).toHaveLength(1);
  });

  it.each([
    [401, { error: { code: 'unauthorized', message: 'invalid token' } }, /Authentication failed \(401\)/],
    [403, { error: { code: 'forbidden', message: 'your role may not use this endpoint' } }, /Access denied \(403\)/],
    [
      429,
      { error: { code: 'rate_limited', message: 'at most 2 exports run at once: try again shortly' } },
      /Rate limited \(429\): at most 2 exports/,
    ],
    [503, { error: { code: 'unavailable', message: 'database unavailable: export failed' } }, /unavailable \(503\)/],
    [500, { error: { code: 'internal', message: 'internal error' } }, /exporter failed \(500\)/],
  ])('shows a clear error for %i and can dismiss it', async (status, body, message) => {
    setupGrafana(csvHandler({ email: { status, body } }));
    renderPanel();
    await screen.findByTestId('kewhats-figure-total');
    await userEvent.click(screen.getByRole('button', { name: 'Download emails (CSV)' }));
    const alert = await screen.findByRole('alert', { name: 'Download of kewhats-emails-2026-11-24.csv failed' });
    expect(alert).toHaveTextContent(message);
    expect(saved).toHaveLength(0);
    expect(screen.getByRole('button', { name: 'Download emails (CSV)' })).toBeEnabled();
    await userEvent.click(within(alert).getByRole('button', { name: /close/i }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it.each(['error-401', 'grafana-auth-failed'])('explains when the figures cannot be loaded (%s)', async (fixture) => {
    setupGrafana(() => loadFixture(fixture));
    renderPanel();
    const alert = await screen.findByRole('alert', { name: 'Cannot load the figures' });
    expect(alert).toHaveTextContent(/Authentication failed.*valid monitoring token/);
  });

  it('shows the section the panel names, and says so when the catalogue has none', async () => {
    setupGrafana(csvHandler());
    renderPanel({ section: 'nope' });
    const alert = await screen.findByRole('alert', { name: 'Cannot load the figures' });
    expect(alert).toHaveTextContent('The catalogue has no section "nope".');
  });

  it('refuses a data source of another type', async () => {
    const { dataSources } = setupGrafana(csvHandler());
    dataSources.set('prom', { type: 'prometheus', uid: 'prom' } as DataSourceApi);
    renderPanel({ datasourceUid: 'prom' });
    const alert = await screen.findByRole('alert', { name: 'Cannot load the figures' });
    expect(alert).toHaveTextContent('choose a KeWhats Monitoring (kewhats-monitoring-datasource) data source');
  });

  it('reports a missing data source', async () => {
    setupGrafana(csvHandler());
    renderPanel({ datasourceUid: 'gone' });
    const alert = await screen.findByRole('alert', { name: 'Cannot load the figures' });
    expect(alert).toHaveTextContent('Datasource gone was not found');
  });
});
