import React from 'react';
import type { StandardEditorProps } from '@grafana/data';
import { DataSourcePicker } from '@grafana/runtime';
import { DATASOURCE_TYPE, DEFAULT_DATASOURCE_UID } from '../../shared/ids';

/** Panel option editor: picks a KeWhats Monitoring data source and stores its uid. */
export function DataSourceUidEditor({ value, onChange, id }: StandardEditorProps<string>) {
  return (
    <DataSourcePicker
      inputId={id}
      current={value || DEFAULT_DATASOURCE_UID}
      pluginId={DATASOURCE_TYPE}
      noDefault
      onChange={(ds) => onChange(ds.uid)}
    />
  );
}
