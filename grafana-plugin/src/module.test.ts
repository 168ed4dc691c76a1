import {
  AppPlugin,
  DataSourcePlugin,
  PanelOptionsEditorBuilder,
  PanelPlugin,
  standardEditorsRegistry,
} from '@grafana/data';
import { plugin as appPlugin } from './module';
import { plugin as dataSourcePlugin } from './datasource/module';
import { plugin as panelPlugin } from './panels/contactexport/module';
import { DataSource } from './datasource/datasource';
import { ConfigEditor } from './datasource/ConfigEditor';
import { QueryEditor } from './datasource/QueryEditor';
import { ContactExportPanel } from './panels/contactexport/ContactExportPanel';
import { AppRootPage } from './components/AppRootPage';
import type { ContactExportOptions } from './panels/contactexport/types';

describe('plugin modules', () => {
  it('the app module exports an AppPlugin with a root page', () => {
    expect(appPlugin).toBeInstanceOf(AppPlugin);
    expect(appPlugin.root).toBe(AppRootPage);
  });

  it('the data source module exports a DataSourcePlugin with its editors', () => {
    expect(dataSourcePlugin).toBeInstanceOf(DataSourcePlugin);
    expect(dataSourcePlugin.DataSourceClass).toBe(DataSource);
    expect(dataSourcePlugin.components.ConfigEditor).toBe(ConfigEditor);
    expect(dataSourcePlugin.components.QueryEditor).toBe(QueryEditor);
  });

  it('the panel module exports a PanelPlugin with its data source, file name, section and language options', () => {
    expect(panelPlugin).toBeInstanceOf(PanelPlugin);
    expect(panelPlugin.panel).toBe(ContactExportPanel);
    // Grafana registers its standard option editors at start-up; the text editor is all we use.
    standardEditorsRegistry.setInit(() => [
      { id: 'text', name: 'Text', editor: () => null },
      { id: 'radio', name: 'Radio', editor: () => null },
    ]);
    const builder = new PanelOptionsEditorBuilder<ContactExportOptions>();
    panelPlugin.getPanelOptionsSupplier()(builder, { data: [] });
    const items = Object.fromEntries(builder.getItems().map((item) => [item.path, item.defaultValue]));
    expect(items).toEqual({
      datasourceUid: 'kewhats-monitoring',
      fileNameTemplate: 'kewhats-{type}-{date}.csv',
      section: '',
      language: '',
    });
  });
});
