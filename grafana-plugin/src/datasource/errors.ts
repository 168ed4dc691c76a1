import { isFetchError } from '@grafana/runtime';
import { userLanguage, type Label, type Language } from '../shared/language';

/**
 * An error of the monitoring API (or of the way to it: Grafana's data source proxy), with a
 * message a monitoring operator can act on. `status` is the HTTP status (undefined: no answer).
 */
export class KewhatsApiError extends Error {
  override readonly name = 'KewhatsApiError';

  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string
  ) {
    super(message);
  }
}

/** Reads a Blob as text in browsers and in jsdom (which lacks Blob.text in older versions). */
export function readBlobText(blob: Blob): Promise<string> {
  if (typeof blob.text === 'function') {
    return blob.text();
  }
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error ?? new Error('cannot read response body'));
    reader.readAsText(blob);
  });
}

interface ApiErrorBody {
  code?: string;
  message?: string;
}

/** The body of an error answer: the exporter's `{ error: { code, message } }`, Grafana's `{ message }`, text or a Blob. */
async function parseErrorBody(data: unknown): Promise<ApiErrorBody> {
  let value = data;
  if (typeof Blob !== 'undefined' && value instanceof Blob) {
    try {
      value = await readBlobText(value);
    } catch {
      return {};
    }
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (!text) {
      return {};
    }
    try {
      value = JSON.parse(text);
    } catch {
      // Plain text (a proxy's HTML or text page): keep it short, never a whole page.
      return { message: text.length > 200 || text.startsWith('<') ? undefined : text };
    }
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const error = record.error;
    if (error && typeof error === 'object') {
      const inner = error as Record<string, unknown>;
      return {
        code: typeof inner.code === 'string' ? inner.code : undefined,
        message: typeof inner.message === 'string' ? inner.message : undefined,
      };
    }
    if (typeof record.message === 'string') {
      return { message: record.message, code: typeof error === 'string' ? error : undefined };
    }
    if (typeof error === 'string') {
      return { message: error };
    }
  }
  return {};
}

function withDetail(summary: string, detail: string | undefined, hint?: string): string {
  const parts = [detail ? `${summary}: ${detail}` : summary];
  if (hint) {
    parts.push(hint);
  }
  return parts.map((part) => (/[.!?]$/.test(part) ? part : `${part}.`)).join(' ');
}

/**
 * The body Grafana's data source proxy answers, with status 400, when the upstream answered 401: it
 * replaces the exporter's own error (modifyResponse in pkg/api/pluginproxy/ds_proxy.go). Behind
 * Grafana a rejected token therefore never arrives as a 401.
 */
export const GRAFANA_AUTH_FAILED = 'Authentication to data source failed';

const TEXT = {
  unreachable: { id: 'Tidak dapat menghubungi API pemantauan KeWhats', en: 'Cannot reach the KeWhats monitoring API' },
  unreachableHint: {
    id: 'Periksa jaringan dan bahwa Grafana dapat dijangkau.',
    en: 'Check the network and that Grafana is reachable.',
  },
  rejected: { id: 'API pemantauan menolak permintaan (400)', en: 'The monitoring API rejected the request (400)' },
  tokenRejected: {
    id: 'Autentikasi gagal: exporter menolak token sumber data',
    en: 'Authentication failed: the exporter rejected the data source token',
  },
  tokenRejected401: {
    id: 'Autentikasi gagal (401): exporter menolak token sumber data',
    en: 'Authentication failed (401): the exporter rejected the data source token',
  },
  tokenHint: {
    id: 'Administrator harus memasang token pemantauan yang valid pada sumber data KeWhats Monitoring.',
    en: 'An administrator must set a valid monitoring token in the KeWhats Monitoring data source.',
  },
  denied: {
    id: 'Akses ditolak (403): token tidak boleh membaca API pemantauan',
    en: 'Access denied (403): the token may not read the monitoring API',
  },
  deniedHint: {
    id: 'Token memerlukan peran monitoring atau admin (atau gunakan MONITORING_TOKEN exporter).',
    en: 'It needs the monitoring or admin role (or use the exporter’s MONITORING_TOKEN).',
  },
  notFound: { id: 'Tidak ditemukan (404)', en: 'Not found (404)' },
  notFoundHint: {
    id: 'Periksa bahwa URL sumber data mengarah ke exporter KeWhats.',
    en: 'Check that the data source URL points at a KeWhats exporter.',
  },
  readOnly: {
    id: 'Metode tidak diizinkan (405): API pemantauan hanya-baca',
    en: 'Method not allowed (405): the monitoring API is read-only',
  },
  rateLimited: { id: 'Terlalu banyak permintaan (429)', en: 'Rate limited (429)' },
  rateLimitedHint: { id: 'Tunggu beberapa detik lalu coba lagi.', en: 'Wait a few seconds and try again.' },
  badGateway: { id: 'Tidak dapat menghubungi exporter', en: 'Cannot reach the exporter' },
  badGatewayHint: {
    id: 'Periksa URL sumber data dan bahwa exporter berjalan.',
    en: 'Check the data source URL and that the exporter is running.',
  },
  unavailable: { id: 'API pemantauan tidak tersedia (503)', en: 'The monitoring API is unavailable (503)' },
  unavailableHint: { id: 'Coba lagi sebentar lagi.', en: 'Try again shortly.' },
  failed: { id: 'Exporter gagal', en: 'The exporter failed' },
  requestFailed: { id: 'Permintaan gagal', en: 'Request failed' },
} satisfies Record<string, Label>;

/** Maps an HTTP status (and the API's own message) to a clear, actionable message. */
export function describeStatus(
  status: number | undefined,
  detail?: string,
  language: Language = userLanguage()
): string {
  const say = (label: Label) => label[language];
  if (status === undefined || status === 0) {
    return withDetail(say(TEXT.unreachable), detail, say(TEXT.unreachableHint));
  }
  switch (status) {
    case 400:
      if (detail?.trim().toLowerCase() === GRAFANA_AUTH_FAILED.toLowerCase()) {
        return withDetail(say(TEXT.tokenRejected), undefined, say(TEXT.tokenHint));
      }
      return withDetail(say(TEXT.rejected), detail);
    case 401:
      return withDetail(say(TEXT.tokenRejected401), undefined, say(TEXT.tokenHint));
    case 403:
      return withDetail(say(TEXT.denied), undefined, say(TEXT.deniedHint));
    case 404:
      return withDetail(say(TEXT.notFound), detail, say(TEXT.notFoundHint));
    case 405:
      return withDetail(say(TEXT.readOnly), undefined);
    case 429:
      return withDetail(say(TEXT.rateLimited), detail, say(TEXT.rateLimitedHint));
    case 502:
    case 504:
      return withDetail(
        `${say(TEXT.badGateway)} (${status})`,
        detail && !/^bad gateway$|^gateway timeout$/i.test(detail) ? detail : undefined,
        say(TEXT.badGatewayHint)
      );
    case 503:
      return withDetail(say(TEXT.unavailable), detail, say(TEXT.unavailableHint));
    default:
      if (status >= 500) {
        return withDetail(`${say(TEXT.failed)} (${status})`, detail);
      }
      return withDetail(`${say(TEXT.requestFailed)} (${status})`, detail);
  }
}

/** Turns anything thrown by getBackendSrv().fetch into a KewhatsApiError. */
export async function toKewhatsError(error: unknown, language: Language = userLanguage()): Promise<KewhatsApiError> {
  if (error instanceof KewhatsApiError) {
    return error;
  }
  if (isFetchError(error)) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    const body = await parseErrorBody(error.data);
    const detail = body.message ?? (status ? error.statusText : error.message);
    return new KewhatsApiError(describeStatus(status, detail || undefined, language), status, body.code);
  }
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : undefined;
  return new KewhatsApiError(describeStatus(undefined, message, language));
}
