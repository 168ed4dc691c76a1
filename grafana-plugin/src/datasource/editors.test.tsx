import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DataSourceSettings } from '@grafana/data';
import { ConfigEditor } from './ConfigEditor';
import { QueryEditor } from './QueryEditor';
import type { DataSource } from './datasource';
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
  const base: KewhatsQuery = { refId: 'A', section: 'users', shape: 'stats' };

  function renderEditor(query: KewhatsQuery = base) {
    const onChange = jest.fn();
    const onRunQuery = jest.fn();
    render(<QueryEditor query={query} onChange={onChange} onRunQuery={onRunQuery} datasource={{} as DataSource} />);
    return { onChange, onRunQuery };
  }

  it('shows the section and shape', () => {
    renderEditor();
    expect(screen.getByRole('combobox', { name: 'Section' })).toHaveValue('Users');
    expect(screen.getByRole('radio', { name: 'Stats' })).toBeChecked();
  });

  it('switches the shape and runs the query', async () => {
    const { onChange, onRunQuery } = renderEditor();
    await userEvent.click(screen.getByRole('radio', { name: 'Breakdown' }));
    expect(onChange).toHaveBeenCalledWith({ ...base, shape: 'breakdown' });
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('picks a section from the list', async () => {
    const { onChange } = renderEditor();
    // The option list is virtualised (nothing to click in jsdom): choose with the keyboard.
    const combobox = screen.getByRole('combobox', { name: 'Section' });
    await userEvent.click(combobox);
    await userEvent.keyboard('{Control>}a{/Control}{Backspace}Webh{Enter}');
    expect(onChange).toHaveBeenCalledWith({ ...base, section: 'webhooks' });
  });

  it('accepts a dashboard variable as the section', async () => {
    const { onChange } = renderEditor();
    const combobox = screen.getByRole('combobox', { name: 'Section' });
    await userEvent.click(combobox);
    await userEvent.keyboard('{Control>}a{/Control}{Backspace}$section{ArrowDown}{Enter}');
    expect(onChange).toHaveBeenCalledWith({ ...base, section: '$section' });
  });

  it('edits the field and runs the query on blur', () => {
    const { onChange, onRunQuery } = renderEditor({ ...base, shape: 'breakdown' });
    const input = screen.getByRole('textbox', { name: 'Field' });
    expect(input).toHaveAttribute('placeholder', 'byPlan (default) or byRole');
    fireEvent.change(input, { target: { value: '$map' } });
    expect(onChange).toHaveBeenCalledWith({ ...base, shape: 'breakdown', field: '$map' });
    fireEvent.blur(input);
    expect(onRunQuery).toHaveBeenCalled();
  });
});
