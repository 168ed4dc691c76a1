import { isFetchError } from '@grafana/runtime';

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

/** Maps an HTTP status (and the API's own message) to a clear, actionable message. */
export function describeStatus(status: number | undefined, detail?: string): string {
  if (status === undefined || status === 0) {
    return withDetail(
      'Cannot reach the KeWhats monitoring API',
      detail,
      'Check the network and that Grafana is reachable.'
    );
  }
  switch (status) {
    case 400:
      return withDetail('The monitoring API rejected the request (400)', detail);
    case 401:
      return withDetail(
        'Authentication failed (401): the exporter rejected the data source token',
        undefined,
        'An administrator must set a valid monitoring token in the KeWhats Monitoring data source.'
      );
    case 403:
      return withDetail(
        'Access denied (403): the token may not read the monitoring API',
        undefined,
        'It needs the monitoring or admin role (or use the exporter’s MONITORING_TOKEN).'
      );
    case 404:
      return withDetail('Not found (404)', detail, 'Check that the data source URL points at a KeWhats exporter.');
    case 405:
      return withDetail('Method not allowed (405): the monitoring API is read-only', undefined);
    case 429:
      return withDetail('Rate limited (429)', detail, 'Wait a few seconds and try again.');
    case 502:
    case 504:
      return withDetail(
        `Cannot reach the exporter (${status})`,
        detail && !/^bad gateway$|^gateway timeout$/i.test(detail) ? detail : undefined,
        'Check the data source URL and that the exporter is running.'
      );
    case 503:
      return withDetail('The monitoring API is unavailable (503)', detail, 'Try again shortly.');
    default:
      if (status >= 500) {
        return withDetail(`The exporter failed (${status})`, detail);
      }
      return withDetail(`Request failed (${status})`, detail);
  }
}

/** Turns anything thrown by getBackendSrv().fetch into a KewhatsApiError. */
export async function toKewhatsError(error: unknown): Promise<KewhatsApiError> {
  if (error instanceof KewhatsApiError) {
    return error;
  }
  if (isFetchError(error)) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    const body = await parseErrorBody(error.data);
    const detail = body.message ?? (status ? error.statusText : error.message);
    return new KewhatsApiError(describeStatus(status, detail || undefined), status, body.code);
  }
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : undefined;
  return new KewhatsApiError(describeStatus(undefined, message));
}
