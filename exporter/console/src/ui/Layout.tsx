/** @jsxRuntime automatic @jsxImportSource preact */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { localized } from '../i18n/i18n.ts';
import { PROFILE_HREF, sectionHref, type Page } from '../model/pages.ts';
import { useConsole } from './context.ts';
import { Icon } from './Icon.tsx';

function Logo() {
  return (
    <svg class="logo" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
      <path
        class="logo-bubble"
        d="M24 4C12.95 4 4 12.4 4 22.75c0 4.2 1.48 8.08 3.98 11.2L6 44l10.6-4.5A21.5 21.5 0 0 0 24 41.5c11.05 0 20-8.4 20-18.75S35.05 4 24 4Z"
      />
      <path class="logo-pulse" d="M12 24h6l3-7 5 13 3-6h7" />
    </svg>
  );
}

function Sidebar({ page, onNavigate }: { page: Page; onNavigate: () => void }) {
  const { sections, language, t, session, signOut } = useConsole();
  const current = (href: string) =>
    (page.kind === 'section' && sectionHref(page.section) === href) || (page.kind === 'profile' && href === PROFILE_HREF);
  return (
    <aside class="sidebar" id="sidebar">
      <div class="brand">
        <Logo />
        <span class="brand-name">
          Ke<span class="brand-accent">Whats</span> <span class="brand-sub">Monitoring</span>
        </span>
      </div>
      <nav aria-label={t('mainNavigation')}>
        <ul class="nav-list">
          {sections.map((section) => {
            const href = sectionHref(section);
            return (
              <li key={section.name}>
                <a class="nav-link" href={href} aria-current={current(href) ? 'page' : undefined} onClick={onNavigate}>
                  <Icon name={section.icon} />
                  <span>{localized(section.title, language)}</span>
                </a>
              </li>
            );
          })}
        </ul>
        <hr class="nav-divider" />
        <ul class="nav-list">
          <li>
            <a class="nav-link" href={PROFILE_HREF} aria-current={current(PROFILE_HREF) ? 'page' : undefined} onClick={onNavigate}>
              <Icon name="user-circle" />
              <span>{t('profileSettings')}</span>
            </a>
          </li>
          <li>
            <button type="button" class="nav-link" onClick={() => void signOut()}>
              <Icon name="sign-out-alt" />
              <span>{t('logout')}</span>
            </button>
          </li>
        </ul>
      </nav>
      <p class="sidebar-account" title={session.user.email}>
        {session.user.email}
      </p>
    </aside>
  );
}

/** Sidebar, top bar and the page: the sidebar folds away behind a menu button on narrow screens. */
export function Layout({
  page,
  title,
  toolbar,
  banners,
  children,
}: {
  page: Page;
  title: string;
  toolbar?: ComponentChildren;
  banners?: ComponentChildren;
  children: ComponentChildren;
}) {
  const { t } = useConsole();
  const [navOpen, setNavOpen] = useState(false);
  useEffect(() => {
    if (!navOpen) return;
    const close = (event: KeyboardEvent) => event.key === 'Escape' && setNavOpen(false);
    document.addEventListener('keydown', close);
    return () => document.removeEventListener('keydown', close);
  }, [navOpen]);
  useEffect(() => {
    document.title = `${title} · ${t('appName')}`;
  }, [title, t]);
  return (
    <div class={navOpen ? 'shell nav-open' : 'shell'}>
      <a class="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <Sidebar page={page} onNavigate={() => setNavOpen(false)} />
      <div class="backdrop" onClick={() => setNavOpen(false)} aria-hidden="true" />
      <div class="main-column">
        <header class="topbar">
          <button
            type="button"
            class="menu-button"
            aria-controls="sidebar"
            aria-expanded={navOpen}
            aria-label={navOpen ? t('closeMenu') : t('openMenu')}
            onClick={() => setNavOpen(!navOpen)}
          >
            <Icon name={navOpen ? 'times' : 'bars'} />
          </button>
          <h1 class="page-title">{title}</h1>
          {toolbar}
        </header>
        {banners}
        <main id="main" class="content" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}
