import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './ConfigEditor';
import { DataSource } from './datasource';
import { QueryEditor } from './QueryEditor';
import type { KewhatsDataSourceOptions, KewhatsQuery, KewhatsSecureJsonData } from './types';

export const plugin = new DataSourcePlugin<DataSource, KewhatsQuery, KewhatsDataSourceOptions, KewhatsSecureJsonData>(
  DataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
