import React, { useCallback, useEffect, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { DataSourceApi, GrafanaTheme2, PanelProps } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';
import { Alert, Button, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import type { SectionResponse, SectionResult } from '../../datasource/types';
import {
  exportsOf,
  findSection,
  type Catalogue,
  type CatalogueExport,
  type CatalogueSection,
} from '../../shared/catalogue';
import { DATASOURCE_TYPE, DEFAULT_DATASOURCE_UID } from '../../shared/ids';
import { fill, languageOf, type Label, type Language } from '../../shared/language';
import { buildFileName, saveBlob } from './fileName';
import type { ContactExportOptions } from './types';

/**
 * What the panel needs of the data source. The panel and the data source are separate bundles,
 * so the instance is recognised by its type and methods, not by `instanceof`.
 */
export interface ContactExportSource extends DataSourceApi {
  getCatalogue(language?: Language): Promise<Catalogue>;
  getSection(section: CatalogueSection, params?: undefined, language?: Language): Promise<SectionResult>;
  downloadExport(item: CatalogueExport, language?: Language): Promise<Blob>;
}

export function isContactExportSource(ds: DataSourceApi | undefined): ds is ContactExportSource {
  const candidate = ds as Partial<ContactExportSource> | undefined;
  return (
    !!candidate &&
    typeof candidate.getCatalogue === 'function' &&
    typeof candidate.getSection === 'function' &&
    typeof candidate.downloadExport === 'function'
  );
}

const TEXT = {
  loading: { id: 'Memuat angka…', en: 'Loading the figures…' },
  loadFailed: { id: 'Angka tidak dapat dimuat', en: 'Cannot load the figures' },
  figures: { id: 'Angka', en: 'Figures' },
  wrongType: {
    id: 'Sumber data "{uid}" bertipe {type}: pilih sumber data KeWhats Monitoring ({expected}) di opsi panel.',
    en: 'Data source "{uid}" is a {type} data source: choose a KeWhats Monitoring ({expected}) data source in the panel options.',
  },
  notKewhats: {
    id: 'Sumber data "{uid}" bukan sumber data KeWhats Monitoring.',
    en: 'Data source "{uid}" is not a KeWhats Monitoring data source.',
  },
  noExports: {
    id: 'Katalog tidak memiliki bagian dengan ekspor CSV.',
    en: 'The catalogue has no section with CSV exports.',
  },
  noSection: { id: 'Bagian "{section}" tidak ada di katalog.', en: 'The catalogue has no section "{section}".' },
  preparing: { id: 'Menyiapkan {file}…', en: 'Preparing {file}…' },
  downloaded: { id: 'Terunduh {file} ({size}).', en: 'Downloaded {file} ({size}).' },
  downloadFailed: { id: 'Unduhan {file} gagal', en: 'Download of {file} failed' },
  unknownError: { id: 'Galat tidak dikenal', en: 'Unknown error' },
} satisfies Record<string, Label>;

function errorMessage(error: unknown, language: Language): string {
  if (error instanceof Error && error.message) {
    return error.message;
  }
  return typeof error === 'string' ? error : TEXT.unknownError[language];
}

function formatBytes(bytes: number, locale: string | undefined): string {
  const number = (value: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
  if (bytes < 1024) {
    return `${number(bytes)} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${number(bytes / 1024)} KiB`;
  }
  return `${number(bytes / 1024 / 1024)} MiB`;
}

function valueAt(body: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], body);
}

/** A figure as the language writes numbers: `1.234` and `Rp 29.191.000` in Indonesian. */
function formatFigure(value: unknown, unit: string, catalogue: Catalogue, language: Language): string {
  if (typeof value !== 'number') {
    return '–';
  }
  const options: Intl.NumberFormatOptions =
    unit === 'currency'
      ? { style: 'currency', currency: catalogue.currency, maximumFractionDigits: 0 }
      : { maximumFractionDigits: 0 };
  return new Intl.NumberFormat(catalogue.locales[language], options).format(value);
}

interface LoadResult {
  key: string;
  source?: ContactExportSource;
  catalogue?: Catalogue;
  section?: CatalogueSection;
  body?: SectionResponse;
  error?: string;
}

interface DownloadState {
  type: string;
  file: string;
  status: 'running' | 'done' | 'error';
  message: string;
}

/**
 * The CSV downloads of a catalogue section (its `contactExport` extra) and that section's figures.
 * Every word and number comes from the exporter's catalogue and API, in the panel's language.
 */
export function ContactExportPanel({
  options,
  timeRange,
  timeZone,
  replaceVariables,
  width,
  height,
}: PanelProps<ContactExportOptions>) {
  const styles = useStyles2(getStyles);
  const language = languageOf(options.language);
  const uid = replaceVariables(options.datasourceUid?.trim() || DEFAULT_DATASOURCE_UID);
  const sectionName = replaceVariables(options.section?.trim() ?? '');
  const refreshKey = timeRange?.to?.valueOf();

  const requestKey = `${uid}|${sectionName}|${language}|${refreshKey ?? ''}`;
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
          throw new Error(fill(TEXT.wrongType, language, { uid, type: ds.type, expected: DATASOURCE_TYPE }));
        }
        const catalogue = await ds.getCatalogue(language);
        const section = sectionName
          ? findSection(catalogue, sectionName)
          : catalogue.sections.find((candidate) => exportsOf(candidate).length > 0);
        if (!section) {
          throw new Error(
            sectionName ? fill(TEXT.noSection, language, { section: sectionName }) : TEXT.noExports[language]
          );
        }
        const { body } = await ds.getSection(section, undefined, language);
        result = { key: requestKey, source: ds, catalogue, section, body };
      } catch (error) {
        result = { key: requestKey, error: errorMessage(error, language) };
      }
      if (!cancelled) {
        setLoaded(result);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [uid, sectionName, language, requestKey]);

  const loading = loaded?.key !== requestKey;
  // Only the data source of the current uid (a changed uid may still be loading).
  const source = loading ? undefined : loaded?.source;
  const { catalogue, section, body, error: loadError } = loaded ?? {};
  // The catalogue's locale of the language: `1.234` in Indonesian, `1,234` in English.
  const locale = catalogue?.locales[language];

  const onDownload = useCallback(
    async (item: CatalogueExport) => {
      const file = buildFileName(options.fileNameTemplate, {
        fileStem: item.fileStem,
        now: Date.now(),
        timeZone,
        datasourceUid: uid,
      });
      setDownload({ type: item.type, file, status: 'running', message: fill(TEXT.preparing, language, { file }) });
      try {
        const ds = source ?? (await getDataSourceSrv().get(uid));
        if (!isContactExportSource(ds)) {
          throw new Error(fill(TEXT.notKewhats, language, { uid }));
        }
        const blob = await ds.downloadExport(item, language);
        saveBlob(blob, file);
        if (mounted.current) {
          setDownload({
            type: item.type,
            file,
            status: 'done',
            message: fill(TEXT.downloaded, language, { file, size: formatBytes(blob.size, locale) }),
          });
        }
      } catch (error) {
        if (mounted.current) {
          setDownload({ type: item.type, file, status: 'error', message: errorMessage(error, language) });
        }
      }
    },
    [source, uid, options.fileNameTemplate, timeZone, language, locale]
  );

  const busy = download?.status === 'running';
  const compact = width < 360;

  return (
    <div className={styles.wrapper} style={{ width, height }} data-testid="kewhats-contactexport-panel" lang={language}>
      {loading && !body && !loadError ? <LoadingPlaceholder text={TEXT.loading[language]} /> : null}
      {loadError ? (
        <Alert title={TEXT.loadFailed[language]} severity="error" bottomSpacing={0}>
          {loadError}
        </Alert>
      ) : null}
      {catalogue && section && body ? (
        <dl className={styles.totals} aria-label={`${TEXT.figures[language]}: ${section.title[language]}`}>
          {section.figures.map((figure) => (
            <div className={styles.total} key={figure.path}>
              <dt className={styles.totalLabel}>{figure.label[language]}</dt>
              <dd className={styles.totalValue} data-testid={`kewhats-figure-${figure.path}`}>
                {formatFigure(valueAt(body, figure.path), figure.unit, catalogue, language)}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {section ? (
        <Stack direction={compact ? 'column' : 'row'} gap={1} wrap="wrap">
          {exportsOf(section).map((item, index) => {
            const running = busy && download?.type === item.type;
            return (
              <Button
                key={item.type}
                icon={running ? 'spinner' : 'download-alt'}
                variant={index === 0 ? 'primary' : 'secondary'}
                disabled={busy}
                aria-busy={running}
                onClick={() => onDownload(item)}
              >
                {item.label[language]}
              </Button>
            );
          })}
        </Stack>
      ) : null}
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
          title={fill(TEXT.downloadFailed, language, { file: download.file })}
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
