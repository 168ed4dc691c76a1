import React, { type ChangeEvent } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput, Text } from '@grafana/ui';
import { userLanguage, type Label } from '../shared/language';
import type { KewhatsDataSourceOptions, KewhatsSecureJsonData } from './types';

type Props = DataSourcePluginOptionsEditorProps<KewhatsDataSourceOptions, KewhatsSecureJsonData>;

const TEXT = {
  legend: { id: 'API pemantauan KeWhats', en: 'KeWhats monitoring API' },
  intro: {
    id: 'Grafana meneruskan GET /api/monitoring/* ke exporter dan menambahkan token di server: token tidak pernah sampai ke peramban.',
    en: 'Grafana forwards GET /api/monitoring/* to the exporter and adds the token on the server: the token never reaches the browser.',
  },
  url: { id: 'URL exporter', en: 'Exporter URL' },
  urlDescription: {
    id: 'URL dasar exporter KeWhats sebagaimana server Grafana menjangkaunya, misalnya http://exporter:9470',
    en: "Base URL of the KeWhats exporter as Grafana's server reaches it, e.g. http://exporter:9470",
  },
  urlInvalid: { id: 'Gunakan URL http:// atau https://', en: 'Use an http:// or https:// URL' },
  token: { id: 'Token pemantauan', en: 'Monitoring token' },
  tokenDescription: {
    id: 'MONITORING_TOKEN exporter (atau JWT pengguna monitoring atau admin), dikirim sebagai bearer token',
    en: "The exporter's MONITORING_TOKEN (or a JWT of a monitoring or admin user), sent as a bearer token",
  },
  tokenPlaceholder: { id: 'Token', en: 'Token' },
} satisfies Record<string, Label>;

/**
 * URL of the exporter (jsonData.url, used server side by the plugin.json route) and the
 * monitoring token (secureJsonData.token: write-only, Grafana never sends it back).
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const language = userLanguage();
  const say = (label: Label) => label[language];
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
    <FieldSet label={say(TEXT.legend)}>
      <Text element="p" color="secondary">
        {say(TEXT.intro)}
      </Text>
      <Field
        label={say(TEXT.url)}
        description={say(TEXT.urlDescription)}
        invalid={urlInvalid}
        error={urlInvalid ? say(TEXT.urlInvalid) : undefined}
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
      <Field label={say(TEXT.token)} description={say(TEXT.tokenDescription)} required>
        <SecretInput
          id="kewhats-config-token"
          isConfigured={Boolean(secureJsonFields?.token)}
          value={secureJsonData.token ?? ''}
          placeholder={say(TEXT.tokenPlaceholder)}
          onChange={onTokenChange}
          onReset={onTokenReset}
          width={50}
        />
      </Field>
    </FieldSet>
  );
}
