import React from 'react';
import { css } from '@emotion/css';
import { locationUtil, type AppRootProps, type GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Card, Text, useStyles2 } from '@grafana/ui';
import { SECTIONS } from '../shared/sections';

/**
 * /a/kewhats-monitoring-app: an overview of the monitoring sections. Each one is a
 * provisioned dashboard; the sidebar links to the same dashboards (plugin.json `includes`).
 */
export function AppRootPage(_props: AppRootProps) {
  const styles = useStyles2(getStyles);
  return (
    <PluginPage>
      <Text element="p" color="secondary">
        Platform-wide figures of KeWhats, refreshed by the monitoring exporter. Choose a section:
      </Text>
      <ul className={styles.grid} aria-label="Monitoring sections">
        {SECTIONS.map((section) => (
          <li key={section.id}>
            <Card href={locationUtil.assureBaseUrl(`/d/${section.dashboardUid}`)}>
              <Card.Heading>{section.title}</Card.Heading>
              <Card.Description>{section.description}</Card.Description>
            </Card>
          </li>
        ))}
      </ul>
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
