import { AppPlugin } from '@grafana/data';
import { AppRootPage } from './components/AppRootPage';

/**
 * KeWhats Monitoring app. The sidebar entries are plugin.json `includes` pointing at the
 * provisioned dashboards; the data source and the panel are nested plugins (datasource/,
 * panels/contactexport/) bundled with this app.
 */
export const plugin = new AppPlugin<{}>().setRootPage(AppRootPage);
