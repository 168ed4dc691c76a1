// Talking to the exporter: JSON in and out, its `{ error: { code, message } }` bodies as ApiError,
// network failures as NetworkError, the session's CSRF token on every POST and PUT.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** from Retry-After, when the server sent one */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The exporter could not be reached at all (no HTTP answer). */
export class NetworkError extends Error {}

export function retryAfterSeconds(response: Response): number | undefined {
  const value = Number(response.headers.get('Retry-After'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** The ApiError of a non-2xx response, with the server's message when it sent one. */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  let code = 'http_error';
  let message = `HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, code, message, retryAfterSeconds(response));
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new NetworkError((error as Error).message);
  }
}

/** Where a signed-out browser goes: the sign-in page, which brings it back here afterwards. */
export function signInUrl(location: { pathname: string; search: string }): string {
  return `/login?next=${encodeURIComponent(`${location.pathname}${location.search}`)}`;
}

export interface ApiClientOptions {
  /** a GET answered 401: the session has ended */
  onSignedOut: () => void;
  /** where a fresh CSRF token comes from when a POST is refused for want of one */
  csrfTokenUrl?: string;
}

export class ApiClient {
  private csrfToken = '';

  constructor(private readonly options: ApiClientOptions) {}

  setCsrfToken(token: string): void {
    this.csrfToken = token;
  }

  /** GET a JSON body; a 401 also calls onSignedOut. */
  async get<T>(url: string, signal?: AbortSignal): Promise<T> {
    const response = await send(url, { headers: { Accept: 'application/json' }, signal });
    if (!response.ok) {
      const error = await apiErrorOf(response);
      if (response.status === 401) this.options.onSignedOut();
      throw error;
    }
    return (await response.json()) as T;
  }

  /**
   * POST JSON with the CSRF token; 204 gives undefined. A 403 is tried once more with a fresh
   * token (the session may have been renewed in another tab). A 401 here is the endpoint's
   * answer (a wrong current password), not a sign-out.
   */
  async post<T = undefined>(url: string, body: unknown = {}): Promise<T> {
    return this.write<T>('POST', url, body);
  }

  /** PUT JSON with the CSRF token, as `post` does. */
  async put<T = undefined>(url: string, body: unknown): Promise<T> {
    return this.write<T>('PUT', url, body);
  }

  private async write<T>(method: 'POST' | 'PUT', url: string, body: unknown): Promise<T> {
    const attempt = () =>
      send(url, {
        method,
        headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': this.csrfToken },
        body: JSON.stringify(body),
      });
    let response = await attempt();
    if (response.status === 403 && this.options.csrfTokenUrl) {
      const fresh = await this.get<{ csrfToken?: unknown }>(this.options.csrfTokenUrl).catch(() => undefined);
      if (typeof fresh?.csrfToken === 'string' && fresh.csrfToken !== this.csrfToken) {
        this.csrfToken = fresh.csrfToken;
        response = await attempt();
      }
    }
    if (!response.ok) throw await apiErrorOf(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
