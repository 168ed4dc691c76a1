import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { locationUtil, type AppRootProps, type GrafanaTheme2 } from '@grafana/data';
import { getDataSourceSrv, PluginPage } from '@grafana/runtime';
import { Alert, Card, Icon, LoadingPlaceholder, Text, toIconName, useStyles2 } from '@grafana/ui';
import type { Catalogue } from '../shared/catalogue';
import { dashboardUid, DEFAULT_DATASOURCE_UID } from '../shared/ids';
import { userLanguage, type Label } from '../shared/language';

const TEXT = {
  intro: {
    id: 'Angka KeWhats untuk seluruh platform, diperbarui oleh exporter pemantauan. Pilih bagian:',
    en: 'Platform-wide figures of KeWhats, refreshed by the monitoring exporter. Choose a section:',
  },
  sections: { id: 'Bagian pemantauan', en: 'Monitoring sections' },
  loading: { id: 'Memuat bagian pemantauan…', en: 'Loading the monitoring sections…' },
  failed: { id: 'Bagian pemantauan tidak dapat dimuat', en: 'Cannot load the monitoring sections' },
} satisfies Record<string, Label>;

/** What the page needs of the data source (a separate bundle: recognised by its method). */
interface CatalogueSource {
  getCatalogue(): Promise<Catalogue>;
}

function isCatalogueSource(value: unknown): value is CatalogueSource {
  return typeof (value as Partial<CatalogueSource> | undefined)?.getCatalogue === 'function';
}

/**
 * /a/kewhats-monitoring-app: an overview of the monitoring sections, as the exporter's catalogue
 * lists them (read through the provisioned data source). Each one is a provisioned dashboard;
 * the sidebar links to the same dashboards (plugin.json `includes`).
 */
export function AppRootPage(_props: AppRootProps) {
  const styles = useStyles2(getStyles);
  const language = userLanguage();
  const [catalogue, setCatalogue] = useState<Catalogue>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const ds = await getDataSourceSrv().get(DEFAULT_DATASOURCE_UID);
      if (!isCatalogueSource(ds)) {
        throw new Error(`${DEFAULT_DATASOURCE_UID} is a ${ds.type} data source`);
      }
      return ds.getCatalogue();
    })().then(
      (loaded) => !cancelled && setCatalogue(loaded),
      (failure: unknown) => !cancelled && setError(failure instanceof Error ? failure.message : String(failure))
    );
    return () => {
      cancelled = true;
    };
  }, []);

  return (
    <PluginPage>
      <Text element="p" color="secondary">
        {TEXT.intro[language]}
      </Text>
      {error ? (
        <Alert title={TEXT.failed[language]} severity="error">
          {error}
        </Alert>
      ) : null}
      {!catalogue && !error ? <LoadingPlaceholder text={TEXT.loading[language]} /> : null}
      {catalogue ? (
        <ul className={styles.grid} aria-label={TEXT.sections[language]}>
          {catalogue.sections.map((section) => (
            <li key={section.name}>
              <Card href={locationUtil.assureBaseUrl(`/d/${dashboardUid(section.name)}`)}>
                <Card.Heading>{section.title[language]}</Card.Heading>
                <Card.Figure>
                  <Icon name={toIconName(section.icon) ?? 'apps'} size="xl" />
                </Card.Figure>
                <Card.Description>{section.description[language]}</Card.Description>
              </Card>
            </li>
          ))}
        </ul>
      ) : null}
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))',
    gap: theme.spacing(2),
    listStyle: 'none',
    margin: theme.spacing(2, 0, 0),
    padding: 0,
  }),
});
