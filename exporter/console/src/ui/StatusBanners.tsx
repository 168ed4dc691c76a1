/** @jsxRuntime automatic @jsxImportSource preact */
import type { Connection } from '../data/monitoring-store.ts';
import type { LiveStatus } from '../data/refresh-controller.ts';
import type { Translate } from '../i18n/i18n.ts';
import { Icon } from './Icon.tsx';

/** Why the numbers on screen may be old: the exporter is unreachable, refused, or serving a stale snapshot. */
export function StatusBanners({
  connection,
  stale,
  liveStatus,
  t,
}: {
  connection: Connection;
  stale: boolean;
  liveStatus: LiveStatus;
  t: Translate;
}) {
  return (
    <div class="banners">
      {connection.kind === 'unreachable' && (
        <p class="banner banner-error" role="alert" data-banner="unreachable">
          <Icon name="wifi-slash" />
          {t('unreachable')}
        </p>
      )}
      {connection.kind === 'failed' && (
        <p class="banner banner-error" role="alert" data-banner="failed">
          <Icon name="exclamation-triangle" />
          {connection.status === 503 ? t('unavailable', { reason: connection.message }) : t('requestFailed', { reason: connection.message })}
        </p>
      )}
      {stale && connection.kind === 'ok' && (
        <p class="banner banner-warning" role="status" data-banner="stale">
          <Icon name="exclamation-triangle" />
          {t('staleExplained')}
        </p>
      )}
      {liveStatus.kind === 'refused' && (
        <p class="banner banner-info" role="status" data-banner="live-refused">
          {t('liveRefused')}
        </p>
      )}
    </div>
  );
}
