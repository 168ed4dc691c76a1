import React, { type ChangeEvent } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput, Text } from '@grafana/ui';
import type { KewhatsDataSourceOptions, KewhatsSecureJsonData } from './types';

type Props = DataSourcePluginOptionsEditorProps<KewhatsDataSourceOptions, KewhatsSecureJsonData>;

/**
 * URL of the exporter (jsonData.url, used server side by the plugin.json route) and the
 * monitoring token (secureJsonData.token: write-only, Grafana never sends it back).
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields } = options;
  const secureJsonData = (options.secureJsonData ?? {}) as KewhatsSecureJsonData;
  const url = jsonData.url ?? '';
  const urlInvalid = url !== '' && !/^https?:\/\/[^\s/]+/i.test(url);

  const onUrlChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, jsonData: { ...jsonData, url: event.target.value.trim().replace(/\/+$/, '') } });
  };

  const onTokenChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, token: event.target.value } });
  };

  const onTokenReset = () => {
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, token: false },
      secureJsonData: { ...secureJsonData, token: '' },
    });
  };

  return (
    <FieldSet label="KeWhats monitoring API">
      <Text element="p" color="secondary">
        Grafana forwards GET /api/monitoring/* to the exporter and adds the token on the server: the token never reaches
        the browser.
      </Text>
      <Field
        label="Exporter URL"
        description="Base URL of the KeWhats exporter as Grafana's server reaches it, e.g. http://exporter:9470"
        invalid={urlInvalid}
        error={urlInvalid ? 'Use an http:// or https:// URL' : undefined}
        required
      >
        <Input
          id="kewhats-config-url"
          value={url}
          placeholder="http://exporter:9470"
          onChange={onUrlChange}
          width={50}
        />
      </Field>
      <Field
        label="Monitoring token"
        description="The exporter's MONITORING_TOKEN (or a JWT of a monitoring or admin user), sent as a bearer token"
        required
      >
        <SecretInput
          id="kewhats-config-token"
          isConfigured={Boolean(secureJsonFields?.token)}
          value={secureJsonData.token ?? ''}
          placeholder="Token"
          onChange={onTokenChange}
          onReset={onTokenReset}
          width={50}
        />
      </Field>
    </FieldSet>
  );
}
