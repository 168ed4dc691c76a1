import { apiErrorOf, NetworkError } from '../../../console/src/api/http.ts';
import type { TestExporter } from '../../support/test-exporter.js';

/**
 * What the browser's ApiClient does for the store (JSON, ApiError, NetworkError), against a real
 * exporter, with the machine token instead of the session cookie; it records each request.
 */
export function exporterApi(exporter: TestExporter) {
  const requests: string[] = [];
  let inFlight = 0;
  return {
    requests,
    inFlight: () => inFlight,
    async get<T>(url: string): Promise<T> {
      requests.push(url);
      inFlight += 1;
      try {
        let response: Response;
        try {
          response = await fetch(`${exporter.url}${url}`, { headers: exporter.authHeaders() });
        } catch (error) {
          throw new NetworkError((error as Error).message);
        }
        if (!response.ok) throw await apiErrorOf(response);
        return (await response.json()) as T;
      } finally {
        inFlight -= 1;
      }
    },
  };
}
