import React from 'react';
import { render, screen, within } from '@testing-library/react';
import type { AppRootProps } from '@grafana/data';
import { config } from '@grafana/runtime';
import { fixtureHandler, loadCatalogue, loadFixture, setupGrafana } from '../testing/fakeGrafana';
import { AppRootPage } from './AppRootPage';

describe('AppRootPage', () => {
  afterEach(() => {
    config.language = undefined;
  });

  it.each([
    ['en-US', 'en'],
    ['id-ID', 'id'],
  ] as const)(
    'links every section of the catalogue to its dashboard, in the user’s language (%s)',
    async (grafanaLanguage, language) => {
      config.language = grafanaLanguage;
      setupGrafana(fixtureHandler);
      render(<AppRootPage {...({} as AppRootProps)} />);
      const list = await screen.findByRole('list', {
        name: language === 'id' ? 'Bagian pemantauan' : 'Monitoring sections',
      });
      const links = within(list).getAllByRole('link');
      expect(links.map((link) => [link.textContent, link.getAttribute('href')])).toEqual(
        loadCatalogue().sections.map((section) => [
          expect.stringContaining(section.title[language]),
          `/d/kewhats-${section.name}`,
        ])
      );
    }
  );

  it('explains when the catalogue cannot be read', async () => {
    config.language = 'en-US';
    setupGrafana(() => loadFixture('grafana-auth-failed'));
    render(<AppRootPage {...({} as AppRootProps)} />);
    const alert = await screen.findByRole('alert', { name: 'Cannot load the monitoring sections' });
    expect(alert).toHaveTextContent(/valid monitoring token/);
  });
});
