/** @jsxRuntime automatic @jsxImportSource preact */
import { LocationProvider, useLocation } from 'preact-iso';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { orderedSections, type CatalogueSection } from '../api/catalogue.ts';
import { ApiError } from '../api/http.ts';
import { SESSION_URLS } from '../api/session.ts';
import { bootConsole, goToSignIn, type BootedConsole, type BootResult } from '../data/boot.ts';
import { browserClock } from '../data/clock.ts';
import { browserLiveStream } from '../data/live-stream.ts';
import { dataKey, MonitoringStore } from '../data/monitoring-store.ts';
import { DEFAULT_THEME, type Preferences } from '../data/preferences.ts';
import { RefreshController } from '../data/refresh-controller.ts';
import { DEFAULT_REFRESH } from '../data/refresh-scheduler.ts';
import { localized, pickLanguage, translator } from '../i18n/i18n.ts';
import { CONSOLE_LANGUAGES } from '../i18n/strings.ts';
import { pageFor } from '../model/pages.ts';
import { CURRENT_RANGE, rangeQuery, type RangeChoice } from '../model/time-range.ts';
import { ConsoleContext, useConsole, type ConsoleContextValue } from './context.ts';
import { FreshnessBar } from './FreshnessBar.tsx';
import { useSubscription } from './hooks.ts';
import { Layout } from './Layout.tsx';
import { ProfilePage } from './ProfilePage.tsx';
import { SectionPage } from './SectionPage.tsx';
import { StatusBanners } from './StatusBanners.tsx';

interface Monitoring {
  store: MonitoringStore;
  controller: RefreshController;
}

function SectionView({
  section,
  monitoring,
  range,
  onRangeChange,
}: {
  section: CatalogueSection;
  monitoring: Monitoring;
  range: RangeChoice;
  onRangeChange: (choice: RangeChoice) => void;
}) {
  const { catalogue, language, t, preferences, updatePreferences } = useConsole();
  const { store, controller } = monitoring;
  const now = new Date();
  const query = section.timeRange ? rangeQuery(range, section.timeRange, catalogue.reportTimeZone, now) : {};
  const key = dataKey(section.name, query);
  useEffect(() => controller.setTarget(section, query), [controller, section, key]); // (query is derived from key)
  const state = useSubscription(store, () => store.state);
  const liveStatus = useSubscription(controller, () => controller.liveStatus);
  const data = state.data.get(key);
  const choice = preferences.refresh ?? DEFAULT_REFRESH;
  // A 503 means the exporter cannot reach its database (or check the session in it): the numbers
  // on screen are no longer being refreshed, whatever their body said.
  const unavailable = state.connection.kind === 'failed' && state.connection.status === 503;
  const stale = data !== undefined && (data.stale || unavailable);
  return (
    <Layout
      page={{ kind: 'section', section }}
      title={localized(section.title, language)}
      toolbar={
        <FreshnessBar
          generatedAt={data?.generatedAt}
          stale={stale}
          loading={state.loading}
          choice={choice}
          onChoice={(refresh) => updatePreferences({ refresh })}
          onRefresh={() => void controller.refreshNow()}
          liveStatus={liveStatus}
          language={language}
          t={t}
        />
      }
      banners={<StatusBanners connection={state.connection} stale={stale} liveStatus={liveStatus} t={t} />}
    >
      <SectionPage
        section={section}
        data={data}
        language={language}
        t={t}
        currency={catalogue.currency}
        reportTimeZone={catalogue.reportTimeZone}
        range={range}
        onRangeChange={onRangeChange}
        now={now}
      />
    </Layout>
  );
}

function Pages({ monitoring }: { monitoring: Monitoring }) {
  const { sections, t } = useConsole();
  const { path } = useLocation();
  const page = pageFor(path, sections);
  const [ranges, setRanges] = useState<Record<string, RangeChoice>>({});
  const firstRender = useRef(true);
  useEffect(() => {
    if (page.kind !== 'section') monitoring.controller.setTarget(undefined);
    // After a navigation, reading and keyboard focus start at the new page.
    if (!firstRender.current) document.getElementById('main')?.focus({ preventScroll: false });
    firstRender.current = false;
  }, [path]);

  if (page.kind === 'section') {
    const name = page.section.name;
    return (
      <SectionView
        section={page.section}
        monitoring={monitoring}
        range={ranges[name] ?? CURRENT_RANGE}
        onRangeChange={(choice) => setRanges({ ...ranges, [name]: choice })}
      />
    );
  }
  if (page.kind === 'profile') {
    return (
      <Layout page={page} title={t('profileSettings')}>
        <ProfilePage />
      </Layout>
    );
  }
  return (
    <Layout page={page} title={t('notFoundTitle')}>
      <p class="page-lead">{t('notFoundText')}</p>
    </Layout>
  );
}

function SignedInConsole({ booted }: { booted: BootedConsole }) {
  const { api, catalogue, session, preferenceStore } = booted;
  const [preferences, setPreferences] = useState<Preferences>(booted.preferences);
  const language = pickLanguage([preferences.language, ...navigator.languages], catalogue.languages);
  const theme = preferences.theme ?? DEFAULT_THEME;
  const sections = useMemo(() => orderedSections(catalogue), [catalogue]);
  const t = useMemo(() => translator(language), [language]);

  const monitoring = useMemo<Monitoring>(() => {
    const store = new MonitoringStore(api);
    const controller = new RefreshController({
      store,
      clock: browserClock,
      createLiveStream: (handlers) => browserLiveStream({ clock: browserClock, ...handlers }),
      onSignedOut: goToSignIn,
    });
    return { store, controller };
  }, [api]);
  useEffect(() => () => monitoring.controller.dispose(), [monitoring]);
  const choice = preferences.refresh ?? DEFAULT_REFRESH;
  useEffect(() => monitoring.controller.setChoice(choice), [monitoring, choice]);

  // With the render, not after the paint: no frame in the shell's language and theme.
  useLayoutEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.dataset.theme = theme;
  }, [language, theme]);

  const context: ConsoleContextValue = {
    api,
    catalogue,
    sections,
    session,
    language,
    t,
    theme,
    preferences,
    updatePreferences: (change) => {
      const next = { ...preferences, ...change };
      setPreferences(next);
      void preferenceStore.save(next);
    },
    signOut: async () => {
      try {
        await api.post(SESSION_URLS.logout);
      } catch (error) {
        // Signed out already: fine. Anything else: the sign-out page (a plain form) does it.
        if (!(error instanceof ApiError && error.status === 401)) return void location.assign('/logout');
      }
      location.assign('/login');
    },
  };
  return (
    <ConsoleContext.Provider value={context}>
      <LocationProvider scope="/console">
        <Pages monitoring={monitoring} />
      </LocationProvider>
    </ConsoleContext.Provider>
  );
}

/** Boots the console: signed-in staff get their pages; anyone else is sent to the sign-in page. */
export function App() {
  const [boot, setBoot] = useState<BootResult | { kind: 'loading' }>({ kind: 'loading' });
  const start = () => {
    setBoot({ kind: 'loading' });
    void bootConsole().then(setBoot);
  };
  useEffect(start, []);
  if (boot.kind === 'ready') return <SignedInConsole booted={boot.console} />;
  const t = translator(pickLanguage([...navigator.languages], CONSOLE_LANGUAGES));
  if (boot.kind === 'failed') {
    return (
      <div class="boot-message" role="alert">
        <p>{t('bootFailed', { reason: boot.reason ?? t('noAnswer') })}</p>
        <button type="button" class="primary" onClick={start}>
          {t('tryAgain')}
        </button>
      </div>
    );
  }
  // Loading, or signed out and on the way to the sign-in page.
  return (
    <p class="boot-message" role="status">
      {t('loading')}
    </p>
  );
}
