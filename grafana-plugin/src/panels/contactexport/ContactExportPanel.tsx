import React, { useCallback, useEffect, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { DataSourceApi, GrafanaTheme2, PanelProps } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { Alert, Button, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import type { ContactExport, ContactsResponse, ExportType, SectionResult } from '../../datasource/types';
import { DATASOURCE_TYPE, DEFAULT_DATASOURCE_UID } from '../../shared/sections';
import { buildFileName, saveBlob, TYPE_NAMES } from './fileName';
import type { ContactExportOptions } from './types';

/**
 * What the panel needs of the data source. The panel and the data source are separate bundles,
 * so the instance is recognised by its type and methods, not by `instanceof`.
 */
export interface ContactExportSource extends DataSourceApi {
  getContactTotals(): Promise<SectionResult<ContactsResponse>>;
  exportContacts(type: ExportType): Promise<ContactExport>;
}

export function isContactExportSource(ds: DataSourceApi | undefined): ds is ContactExportSource {
  const candidate = ds as Partial<ContactExportSource> | undefined;
  return (
    !!candidate && typeof candidate.getContactTotals === 'function' && typeof candidate.exportContacts === 'function'
  );
}

const BUTTONS: Array<{ type: ExportType; label: string }> = [
  { type: 'contact', label: 'Download contacts (CSV)' },
  { type: 'email', label: 'Download emails (CSV)' },
];

function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) {
    return error.message;
  }
  return typeof error === 'string' ? error : 'Unknown error';
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KiB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

interface LoadResult {
  key: string;
  source?: ContactExportSource;
  totals?: ContactsResponse;
  error?: string;
}

interface DownloadState {
  type: ExportType;
  status: 'running' | 'done' | 'error';
  message: string;
}

export function ContactExportPanel({
  options,
  timeRange,
  timeZone,
  replaceVariables,
  width,
  height,
}: PanelProps<ContactExportOptions>) {
  const styles = useStyles2(getStyles);
  const uid = replaceVariables(options.datasourceUid?.trim() || DEFAULT_DATASOURCE_UID);
  const refreshKey = timeRange?.to?.valueOf();

  const requestKey = `${uid}|${refreshKey ?? ''}`;
  const [loaded, setLoaded] = useState<LoadResult>();
  const [download, setDownload] = useState<DownloadState>();
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      let result: LoadResult;
      try {
        const ds = await getDataSourceSrv().get(uid);
        if (!isContactExportSource(ds)) {
          throw new Error(
            `Data source "${uid}" is a ${ds.type} data source: choose a KeWhats Monitoring (${DATASOURCE_TYPE}) data source in the panel options.`
          );
        }
        const { body } = await ds.getContactTotals();
        result = { key: requestKey, source: ds, totals: body };
      } catch (error) {
        result = { key: requestKey, error: errorMessage(error) };
      }
      if (!cancelled) {
        setLoaded(result);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [uid, requestKey]);

  const loading = loaded?.key !== requestKey;
  // Only the data source of the current uid (a changed uid may still be loading).
  const source = loading ? undefined : loaded?.source;
  const totals = loaded?.totals;
  const loadError = loaded?.error;

  const onDownload = useCallback(
    async (type: ExportType) => {
      setDownload({ type, status: 'running', message: `Preparing the ${TYPE_NAMES[type]} CSV…` });
      try {
        const ds = source ?? (await getDataSourceSrv().get(uid));
        if (!isContactExportSource(ds)) {
          throw new Error(`Data source "${uid}" is not a KeWhats Monitoring data source.`);
        }
        const { blob } = await ds.exportContacts(type);
        const fileName = buildFileName(options.fileNameTemplate, {
          type,
          now: Date.now(),
          timeZone,
          datasourceUid: uid,
        });
        saveBlob(blob, fileName);
        if (mounted.current) {
          setDownload({ type, status: 'done', message: `Downloaded ${fileName} (${formatBytes(blob.size)}).` });
        }
      } catch (error) {
        if (mounted.current) {
          setDownload({ type, status: 'error', message: errorMessage(error) });
        }
      }
    },
    [source, uid, options.fileNameTemplate, timeZone]
  );

  const busy = download?.status === 'running';
  const compact = width < 360;

  return (
    <div className={styles.wrapper} style={{ width, height }} data-testid="kewhats-contactexport-panel">
      {loading && !totals && !loadError ? <LoadingPlaceholder text="Loading contact totals…" /> : null}
      {loadError ? (
        <Alert title="Cannot load contact totals" severity="error" bottomSpacing={0}>
          {loadError}
        </Alert>
      ) : null}
      {totals ? (
        <dl className={styles.totals} aria-label="Contact totals">
          <div className={styles.total}>
            <dt className={styles.totalLabel}>Contacts</dt>
            <dd className={styles.totalValue} data-testid="kewhats-total-contacts">
              {totals.total.toLocaleString()}
            </dd>
          </div>
          <div className={styles.total}>
            <dt className={styles.totalLabel}>Contacts with email</dt>
            <dd className={styles.totalValue} data-testid="kewhats-total-emails">
              {totals.withEmail.toLocaleString()}
            </dd>
          </div>
        </dl>
      ) : null}
      <Stack direction={compact ? 'column' : 'row'} gap={1} wrap="wrap">
        {BUTTONS.map(({ type, label }) => {
          const running = busy && download?.type === type;
          return (
            <Button
              key={type}
              icon={running ? 'spinner' : 'download-alt'}
              variant={type === 'contact' ? 'primary' : 'secondary'}
              disabled={busy}
              aria-busy={running}
              onClick={() => onDownload(type)}
            >
              {label}
            </Button>
          );
        })}
      </Stack>
      <div
        role="status"
        aria-live="polite"
        className={download && download.status !== 'error' ? styles.status : undefined}
      >
        {download && download.status !== 'error' ? (
          <Text color={download.status === 'done' ? 'success' : 'secondary'} element="span">
            {download.message}
          </Text>
        ) : null}
      </div>
      {download?.status === 'error' ? (
        <Alert
          title={`Download of ${TYPE_NAMES[download.type]} failed`}
          severity="error"
          bottomSpacing={0}
          onRemove={() => setDownload(undefined)}
        >
          {download.message}
        </Alert>
      ) : null}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
    overflow: 'auto',
    padding: theme.spacing(0.5),
  }),
  totals: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(3),
    margin: 0,
  }),
  total: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  }),
  totalLabel: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    margin: 0,
  }),
  totalValue: css({
    color: theme.colors.text.primary,
    fontSize: theme.typography.h2.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    lineHeight: theme.typography.h2.lineHeight,
    margin: 0,
  }),
  status: css({
    minHeight: theme.spacing(2.5),
  }),
});
