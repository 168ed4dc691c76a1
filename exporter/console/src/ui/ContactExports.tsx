/** @jsxRuntime automatic @jsxImportSource preact */
import { useRef, useState } from 'preact/hooks';
import type { CatalogueExport } from '../api/catalogue.ts';
import { signInUrl } from '../api/http.ts';
import { downloadExport, type DownloadOutcome } from '../data/export-download.ts';
import type { Translate } from '../i18n/i18n.ts';
import { localized } from '../i18n/i18n.ts';
import { formatBytes } from '../model/format.ts';
import { Icon } from './Icon.tsx';

type DownloadState = { kind: 'idle' } | { kind: 'running'; bytes: number } | { kind: 'done'; outcome: DownloadOutcome };

function outcomeText(outcome: DownloadOutcome, language: string, t: Translate): string {
  switch (outcome.kind) {
    case 'saved':
      return t('downloaded', { size: formatBytes(outcome.bytes, language) });
    case 'cancelled':
      return t('downloadCancelled');
    case 'network':
      return t('exportFailed', { reason: outcome.message });
    case 'refused':
      if (outcome.status === 429) return t('exportBusy', { seconds: outcome.retryAfterSeconds ?? 10 });
      if (outcome.status === 403) return t('exportForbidden');
      if (outcome.status === 503) return t('exportUnavailable');
      if (outcome.status === 401) return t('exportSignedOut');
      return t('exportFailed', { reason: outcome.message });
  }
}

function ExportButton({ exportInfo, language, t }: { exportInfo: CatalogueExport; language: string; t: Translate }) {
  const [state, setState] = useState<DownloadState>({ kind: 'idle' });
  const running = useRef(false);
  const start = async () => {
    if (running.current) return;
    running.current = true;
    setState({ kind: 'running', bytes: 0 });
    const outcome = await downloadExport(exportInfo.path, {
      fallbackName: `kewhats-${exportInfo.type}.csv`,
      onProgress: (bytes) => setState({ kind: 'running', bytes }),
    });
    running.current = false;
    setState({ kind: 'done', outcome });
  };
  const failed = state.kind === 'done' && state.outcome.kind !== 'saved' && state.outcome.kind !== 'cancelled';
  return (
    <div class="export" data-export-type={exportInfo.type}>
      <button type="button" class="primary" onClick={start} disabled={state.kind === 'running'} aria-busy={state.kind === 'running'}>
        <Icon name="download-alt" />
        {localized(exportInfo.label, language)}
      </button>
      {state.kind === 'running' && (
        <div class="export-progress" role="status">
          <progress aria-label={localized(exportInfo.label, language)} />
          <span>{t('downloading', { size: formatBytes(state.bytes, language) })}</span>
        </div>
      )}
      {state.kind === 'done' && (
        <p class={failed ? 'export-message form-error' : 'export-message'} role={failed ? 'alert' : 'status'}>
          {outcomeText(state.outcome, language, t)}
          {state.outcome.kind === 'refused' && state.outcome.status === 401 && (
            <>
              {' '}
              <a href={signInUrl(location)}>{t('signInAgain')}</a>
            </>
          )}
        </p>
      )}
    </div>
  );
}

/** The download buttons of a `contactExport` extra, one per export the catalogue lists. */
export function ContactExports({ exports, language, t }: { exports: readonly CatalogueExport[]; language: string; t: Translate }) {
  return (
    <section class="card exports" aria-labelledby="exports-title">
      <h2 class="card-title" id="exports-title">
        {t('exports')}
      </h2>
      {exports.map((exportInfo) => (
        <ExportButton key={exportInfo.path} exportInfo={exportInfo} language={language} t={t} />
      ))}
    </section>
  );
}
