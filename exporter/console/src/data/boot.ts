// What the console needs before it can draw a page: the session (who, and the CSRF token), the
// catalogue (what to draw) and the account's preferences. A 401 on either request means the
// visitor is signed out: the ApiClient is already on its way to the sign-in page.
import { CATALOGUE_URL, type Catalogue } from '../api/catalogue.ts';
import { ApiClient, ApiError, NetworkError, signInUrl } from '../api/http.ts';
import { SESSION_URLS, type SessionInfo } from '../api/session.ts';
import { preferenceStoreFor, type PreferenceStore, type Preferences } from './preferences.ts';

export interface BootedConsole {
  api: ApiClient;
  session: SessionInfo;
  catalogue: Catalogue;
  preferenceStore: PreferenceStore;
  preferences: Preferences;
}

export type BootResult =
  | { kind: 'ready'; console: BootedConsole }
  | { kind: 'signed-out' }
  /** the server's message, or undefined when it did not answer at all */
  | { kind: 'failed'; reason: string | undefined };

export function goToSignIn(): void {
  location.assign(signInUrl(location));
}

export async function bootConsole(): Promise<BootResult> {
  const api = new ApiClient({ onSignedOut: goToSignIn, csrfTokenUrl: SESSION_URLS.session });
  const [session, catalogue] = await Promise.allSettled([api.get<SessionInfo>(SESSION_URLS.session), api.get<Catalogue>(CATALOGUE_URL)]);
  const failures = [session, catalogue].flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.some((error) => error instanceof ApiError && error.status === 401)) return { kind: 'signed-out' };
  if (session.status === 'rejected' || catalogue.status === 'rejected') {
    const error = failures[0];
    return { kind: 'failed', reason: error instanceof NetworkError ? undefined : error instanceof Error ? error.message : String(error) };
  }
  api.setCsrfToken(session.value.csrfToken);
  const preferenceStore = preferenceStoreFor(api, session.value.user.id);
  const preferences = await preferenceStore.load();
  return { kind: 'ready', console: { api, session: session.value, catalogue: catalogue.value, preferenceStore, preferences } };
}
