import React from 'react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DataSourceSettings } from '@grafana/data';
import { config } from '@grafana/runtime';
import { fixtureHandler, loadCatalogue, setupGrafana } from '../testing/fakeGrafana';
import { ConfigEditor } from './ConfigEditor';
import { QueryEditor } from './QueryEditor';
import type { KewhatsDataSourceOptions, KewhatsQuery, KewhatsSecureJsonData } from './types';

function settings(
  patch: Partial<DataSourceSettings<KewhatsDataSourceOptions, KewhatsSecureJsonData>> = {}
): DataSourceSettings<KewhatsDataSourceOptions, KewhatsSecureJsonData> {
  return {
    id: 1,
    uid: 'kewhats-monitoring',
    orgId: 1,
    name: 'KeWhats',
    type: 'kewhats-monitoring-datasource',
    typeName: 'KeWhats Monitoring',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData: { url: 'http://exporter:9470' },
    secureJsonFields: {},
    readOnly: false,
    withCredentials: false,
    ...patch,
  } as DataSourceSettings<KewhatsDataSourceOptions, KewhatsSecureJsonData>;
}

describe('ConfigEditor', () => {
  it('edits the exporter URL in jsonData', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    const input = screen.getByLabelText(/Exporter URL/);
    expect(input).toHaveValue('http://exporter:9470');
    fireEvent.change(input, { target: { value: 'http://10.0.0.5:9470/ ' } });
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { url: 'http://10.0.0.5:9470' } })
    );
  });

  it('flags a URL that is not http(s)', () => {
    render(<ConfigEditor options={settings({ jsonData: { url: 'exporter:9470' } })} onOptionsChange={jest.fn()} />);
    expect(screen.getByText('Use an http:// or https:// URL')).toBeInTheDocument();
  });

  it('speaks the Grafana user’s language', () => {
    config.language = 'id-ID';
    try {
      render(<ConfigEditor options={settings({ jsonData: { url: 'exporter:9470' } })} onOptionsChange={jest.fn()} />);
      expect(screen.getByLabelText(/URL exporter/)).toBeInTheDocument();
      expect(screen.getByLabelText(/Token pemantauan/)).toBeInTheDocument();
      expect(screen.getByText('Gunakan URL http:// atau https://')).toBeInTheDocument();
    } finally {
      config.language = undefined;
    }
  });

  it('writes the token to secureJsonData only', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={settings()} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByLabelText(/Monitoring token/), { target: { value: 's3cret-token-value' } });
    const next = onOptionsChange.mock.calls.at(-1)[0];
    expect(next.secureJsonData).toEqual({ token: 's3cret-token-value' });
    expect(JSON.stringify(next.jsonData)).not.toContain('s3cret');
  });

  it('shows a configured token without its value and can reset it', async () => {
    const onOptionsChange = jest.fn();
    render(
      <ConfigEditor options={settings({ secureJsonFields: { token: true } })} onOptionsChange={onOptionsChange} />
    );
    expect(screen.getByDisplayValue('configured')).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ secureJsonFields: { token: false }, secureJsonData: { token: '' } })
    );
  });
});

describe('QueryEditor', () => {
  // No pause between keystrokes: the combobox tests type a lot.
  const user = userEvent.setup({ delay: null });
  const base: KewhatsQuery = { refId: 'A', section: 'users', shape: 'stats' };

  afterEach(() => {
    config.language = undefined;
  });

  async function renderEditor(query: KewhatsQuery = base) {
    const onChange = jest.fn();
    const onRunQuery = jest.fn();
    const { ds } = setupGrafana(fixtureHandler);
    render(<QueryEditor query={query} onChange={onChange} onRunQuery={onRunQuery} datasource={ds} />);
    return { onChange, onRunQuery };
  }

  it('shows the section, titled from the catalogue, and the shape', async () => {
    await renderEditor();
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Section' })).toHaveValue('Users'));
    expect(screen.getByRole('radio', { name: 'Stats' })).toBeChecked();
  });

  it('speaks the Grafana user’s language', async () => {
    config.language = 'id-ID';
    await renderEditor();
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Bagian' })).toHaveValue('Pengguna'));
    expect(screen.getByRole('radio', { name: 'Angka' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Rincian' })).toBeInTheDocument();
  });

  it('switches the shape and runs the query', async () => {
    const { onChange, onRunQuery } = await renderEditor();
    await user.click(screen.getByRole('radio', { name: 'Breakdown' }));
    expect(onChange).toHaveBeenCalledWith({ ...base, shape: 'breakdown', field: undefined });
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('picks a section from the catalogue’s list', async () => {
    const { onChange } = await renderEditor();
    const combobox = screen.getByRole('combobox', { name: 'Section' });
    await waitFor(() => expect(combobox).toHaveValue('Users'));
    // The option list is virtualised (nothing to click in jsdom): choose with the keyboard.
    await user.click(combobox);
    await user.keyboard('{Control>}a{/Control}{Backspace}Webh{Enter}');
    expect(onChange).toHaveBeenCalledWith({ ...base, section: 'webhooks', field: undefined });
  });

  it('accepts a dashboard variable as the section', async () => {
    const { onChange } = await renderEditor();
    const combobox = screen.getByRole('combobox', { name: 'Section' });
    await waitFor(() => expect(combobox).toHaveValue('Users'));
    await user.click(combobox);
    await user.keyboard('{Control>}a{/Control}{Backspace}$section{ArrowDown}{Enter}');
    expect(onChange).toHaveBeenCalledWith({ ...base, section: '$section', field: undefined });
  });

  it('offers the section’s breakdowns as fields', async () => {
    const { onChange, onRunQuery } = await renderEditor({ ...base, shape: 'breakdown' });
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Section' })).toHaveValue('Users'));
    await user.click(screen.getByRole('combobox', { name: 'Field' }));
    await user.keyboard('role{ArrowDown}{Enter}');
    expect(onChange).toHaveBeenLastCalledWith({ ...base, shape: 'breakdown', field: 'byRole' });
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('accepts a dashboard variable as the field', async () => {
    const { onChange } = await renderEditor({ ...base, shape: 'breakdown' });
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Section' })).toHaveValue('Users'));
    await user.click(screen.getByRole('combobox', { name: 'Field' }));
    await user.keyboard('$map{ArrowDown}{Enter}');
    expect(onChange).toHaveBeenLastCalledWith({ ...base, shape: 'breakdown', field: '$map' });
  });

  it('starts a new query on the catalogue’s first section', async () => {
    const { onChange } = await renderEditor({ refId: 'A' } as KewhatsQuery);
    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith({ refId: 'A', section: loadCatalogue().sections[0]!.name, shape: 'stats' })
    );
  });

  it('sets the language of the field names', async () => {
    const { onChange } = await renderEditor();
    await user.click(screen.getByRole('radio', { name: 'Bahasa Indonesia' }));
    expect(onChange).toHaveBeenCalledWith({ ...base, language: 'id' });
  });
});
