import { PanelPlugin } from '@grafana/data';
import { DEFAULT_DATASOURCE_UID } from '../../shared/sections';
import { ContactExportPanel } from './ContactExportPanel';
import { DataSourceUidEditor } from './DataSourceUidEditor';
import { DEFAULT_FILE_NAME_TEMPLATE, type ContactExportOptions } from './types';

export const plugin = new PanelPlugin<ContactExportOptions>(ContactExportPanel).setPanelOptions((builder) =>
  builder
    .addCustomEditor({
      id: 'datasourceUid',
      path: 'datasourceUid',
      name: 'Data source',
      description: 'KeWhats Monitoring data source used for the totals and the downloads',
      defaultValue: DEFAULT_DATASOURCE_UID,
      editor: DataSourceUidEditor,
    })
    .addTextInput({
      path: 'fileNameTemplate',
      name: 'File name',
      description: 'Name of a downloaded file: {type} (contacts or emails), {date}, {time}, {datasource}',
      defaultValue: DEFAULT_FILE_NAME_TEMPLATE,
      settings: { placeholder: DEFAULT_FILE_NAME_TEMPLATE },
    })
);
