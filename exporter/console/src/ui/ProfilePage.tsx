/** @jsxRuntime automatic @jsxImportSource preact */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, NetworkError } from '../api/http.ts';
import { SESSION_URLS, type ActiveSession } from '../api/session.ts';
import { THEMES, type Theme } from '../data/preferences.ts';
import type { Translate } from '../i18n/i18n.ts';
import { CONSOLE_LANGUAGES, LANGUAGE_NAMES, type ConsoleLanguage } from '../i18n/strings.ts';
import { formatDateTime } from '../model/format.ts';
import { useConsole } from './context.ts';

type FormState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'done'; text: string } | { kind: 'error'; text: string };

function problemText(error: unknown, t: Translate, byStatus: Partial<Record<number, string>> = {}): string {
  if (error instanceof ApiError) {
    if (byStatus[error.status]) return byStatus[error.status]!;
    if (error.status === 429) return t('tooManyAttempts', { seconds: error.retryAfterSeconds ?? 60 });
    return t('requestFailed', { reason: error.message });
  }
  return t('requestFailed', { reason: error instanceof NetworkError ? t('unreachable') : String(error) });
}

function AccountCard() {
  const { session, t } = useConsole();
  return (
    <section class="card settings-card" aria-labelledby="account-title">
      <h2 class="card-title" id="account-title">
        {t('account')}
      </h2>
      <dl class="facts">
        <dt>{t('email')}</dt>
        <dd data-field="email">{session.user.email}</dd>
        {session.user.name && (
          <>
            <dt>{t('name')}</dt>
            <dd data-field="name">{session.user.name}</dd>
          </>
        )}
        <dt>{t('role')}</dt>
        <dd data-field="role">{session.user.role}</dd>
      </dl>
    </section>
  );
}

function PasswordCard({ onChanged }: { onChanged: () => void }) {
  const { api, t } = useConsole();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [state, setState] = useState<FormState>({ kind: 'idle' });
  const submit = async (event: Event) => {
    event.preventDefault();
    if (next !== repeat) return setState({ kind: 'error', text: t('passwordsDiffer') });
    setState({ kind: 'saving' });
    try {
      await api.post(SESSION_URLS.password, { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setRepeat('');
      setState({ kind: 'done', text: t('passwordChanged') });
      onChanged();
    } catch (error) {
      // 400: the server's own words (the strength rule); 401: the current password is wrong.
      const byStatus = error instanceof ApiError ? { 400: error.message, 401: t('wrongPassword') } : {};
      setState({ kind: 'error', text: problemText(error, t, byStatus) });
    }
  };
  return (
    <section class="card settings-card" aria-labelledby="password-title">
      <h2 class="card-title" id="password-title">
        {t('changePassword')}
      </h2>
      <form class="stacked-form" onSubmit={submit}>
        <label>
          {t('currentPassword')}
          <input
            type="password"
            name="currentPassword"
            autocomplete="current-password"
            required
            value={current}
            onInput={(event) => setCurrent(event.currentTarget.value)}
          />
        </label>
        <label>
          {t('newPassword')}
          <input
            type="password"
            name="newPassword"
            autocomplete="new-password"
            required
            value={next}
            onInput={(event) => setNext(event.currentTarget.value)}
          />
        </label>
        <label>
          {t('confirmPassword')}
          <input
            type="password"
            name="confirmPassword"
            autocomplete="new-password"
            required
            value={repeat}
            onInput={(event) => setRepeat(event.currentTarget.value)}
          />
        </label>
        <button type="submit" class="primary" disabled={state.kind === 'saving'}>
          {state.kind === 'saving' ? t('saving') : t('changePassword')}
        </button>
        {state.kind === 'done' && (
          <p class="form-success" role="status">
            {state.text}
          </p>
        )}
        {state.kind === 'error' && (
          <p class="form-error" role="alert">
            {state.text}
          </p>
        )}
      </form>
    </section>
  );
}

function DisplayCard() {
  const { catalogue, language, theme, updatePreferences, t } = useConsole();
  const languages = CONSOLE_LANGUAGES.filter((candidate) => catalogue.languages.includes(candidate));
  return (
    <section class="card settings-card" aria-labelledby="display-title">
      <h2 class="card-title" id="display-title">
        {t('preferences')}
      </h2>
      <div class="stacked-form">
        <label>
          {t('language')}
          <select
            name="language"
            value={language}
            onChange={(event) => updatePreferences({ language: event.currentTarget.value as ConsoleLanguage })}
          >
            {languages.map((option) => (
              <option key={option} value={option} lang={option}>
                {LANGUAGE_NAMES[option]}
              </option>
            ))}
          </select>
        </label>
        <fieldset class="radio-group">
          <legend>{t('theme')}</legend>
          {THEMES.map((option: Theme) => (
            <label key={option}>
              <input type="radio" name="theme" value={option} checked={theme === option} onChange={() => updatePreferences({ theme: option })} />
              {option === 'dark' ? t('themeDark') : t('themeLight')}
            </label>
          ))}
        </fieldset>
      </div>
    </section>
  );
}

function SessionsCard({ reload }: { reload: number }) {
  const { api, language, t, signOut } = useConsole();
  const [sessions, setSessions] = useState<readonly ActiveSession[] | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [everywhere, setEverywhere] = useState<FormState>({ kind: 'idle' });
  useEffect(() => {
    let live = true;
    api
      .get<{ sessions: ActiveSession[] }>(SESSION_URLS.sessions)
      .then((body) => live && (setSessions(body.sessions), setProblem(undefined)))
      .catch((error: unknown) => live && setProblem(problemText(error, t)));
    return () => {
      live = false;
    };
  }, [api, reload, t]);
  const signOutEverywhere = async () => {
    setEverywhere({ kind: 'saving' });
    try {
      await api.post(SESSION_URLS.revokeAll, {});
      location.assign('/login');
    } catch (error) {
      setEverywhere({ kind: 'error', text: problemText(error, t) });
    }
  };
  return (
    <section class="card settings-card wide" aria-labelledby="sessions-title">
      <h2 class="card-title" id="sessions-title">
        {t('sessions')}
      </h2>
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
      {!sessions && !problem && <p class="muted">{t('loading')}</p>}
      {sessions && (
        <div class="table-scroll">
          <table class="sessions-table">
            <thead>
              <tr>
                <th scope="col">{t('sessionDevice')}</th>
                <th scope="col">{t('sessionStarted')}</th>
                <th scope="col">{t('sessionLastSeen')}</th>
                <th scope="col">{t('sessionExpires')}</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((session) => (
                <tr key={`${session.createdAt}|${session.userAgent ?? ''}`} data-current={session.current}>
                  <th scope="row">
                    <span class="user-agent">{session.userAgent || t('unknownDevice')}</span>
                    {session.current && <span class="badge badge-live">{t('thisDevice')}</span>}
                  </th>
                  <td>{formatDateTime(session.createdAt, language)}</td>
                  <td>{formatDateTime(session.lastSeenAt, language)}</td>
                  <td>{formatDateTime(session.expiresAt, language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="button-row">
        <button type="button" class="secondary" onClick={() => void signOut()}>
          {t('signOut')}
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => void signOutEverywhere()}
          disabled={everywhere.kind === 'saving'}
          aria-describedby="everywhere-note"
        >
          {t('signOutEverywhere')}
        </button>
      </div>
      <p class="muted" id="everywhere-note">
        {t('signOutEverywhereExplained')}
      </p>
      {everywhere.kind === 'error' && (
        <p class="form-error" role="alert">
          {everywhere.text}
        </p>
      )}
    </section>
  );
}

/** Profile Settings: the account, its password, display preferences and sessions. */
export function ProfilePage() {
  const [reloadSessions, setReloadSessions] = useState(0);
  return (
    <div class="settings-grid">
      <AccountCard />
      <DisplayCard />
      <PasswordCard onChanged={() => setReloadSessions((count) => count + 1)} />
      <SessionsCard reload={reloadSessions} />
    </div>
  );
}
