import { PanelPlugin } from '@grafana/data';
import { DEFAULT_DATASOURCE_UID } from '../../shared/ids';
import { userLanguage, type Label } from '../../shared/language';
import { ContactExportPanel } from './ContactExportPanel';
import { DataSourceUidEditor } from './DataSourceUidEditor';
import { DEFAULT_FILE_NAME_TEMPLATE, type ContactExportOptions } from './types';

const TEXT = {
  dataSource: { id: 'Sumber data', en: 'Data source' },
  dataSourceDescription: {
    id: 'Sumber data KeWhats Monitoring untuk angka dan unduhan',
    en: 'KeWhats Monitoring data source used for the figures and the downloads',
  },
  fileName: { id: 'Nama berkas', en: 'File name' },
  fileNameDescription: {
    id: 'Nama berkas unduhan: {type} (ekspornya: contacts atau emails), {date}, {time}, {datasource}',
    en: 'Name of a downloaded file: {type} (the export: contacts or emails), {date}, {time}, {datasource}',
  },
  section: { id: 'Bagian', en: 'Section' },
  sectionDescription: {
    id: 'Bagian pemantauan yang ekspornya ditawarkan; kosong: bagian pertama katalog yang punya ekspor',
    en: 'The monitoring section whose exports to offer; empty: the first section of the catalogue with exports',
  },
  language: { id: 'Bahasa', en: 'Language' },
  languageDescription: {
    id: 'Bahasa panel; kosong: bahasa pengguna Grafana',
    en: 'Language of the panel; empty: the Grafana user’s',
  },
  userLanguage: { id: 'Pengguna', en: 'User’s' },
} satisfies Record<string, Label>;

const say = (label: Label) => label[userLanguage()];

export const plugin = new PanelPlugin<ContactExportOptions>(ContactExportPanel).setPanelOptions((builder) =>
  builder
    .addCustomEditor({
      id: 'datasourceUid',
      path: 'datasourceUid',
      name: say(TEXT.dataSource),
      description: say(TEXT.dataSourceDescription),
      defaultValue: DEFAULT_DATASOURCE_UID,
      editor: DataSourceUidEditor,
    })
    .addTextInput({
      path: 'fileNameTemplate',
      name: say(TEXT.fileName),
      description: say(TEXT.fileNameDescription),
      defaultValue: DEFAULT_FILE_NAME_TEMPLATE,
      settings: { placeholder: DEFAULT_FILE_NAME_TEMPLATE },
    })
    .addTextInput({
      path: 'section',
      name: say(TEXT.section),
      description: say(TEXT.sectionDescription),
      defaultValue: '',
    })
    .addRadio({
      path: 'language',
      name: say(TEXT.language),
      description: say(TEXT.languageDescription),
      defaultValue: '',
      settings: {
        options: [
          { value: '', label: say(TEXT.userLanguage) },
          { value: 'id', label: 'Bahasa Indonesia' },
          { value: 'en', label: 'English' },
        ],
      },
    })
);
