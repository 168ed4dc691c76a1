import React from 'react';
import { render, screen, within } from '@testing-library/react';
import type { AppRootProps } from '@grafana/data';
import { config, locationService } from '@grafana/runtime';
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

  it.each([
    ['en-US', 'Monitoring console'],
    ['id-ID', 'Konsol pemantauan'],
  ] as const)('links to the exporter’s monitoring console, outside Grafana’s router (%s)', async (grafanaLanguage, label) => {
    config.language = grafanaLanguage;
    setupGrafana(fixtureHandler);
    render(<AppRootPage {...({ meta: { id: 'kewhats-monitoring-app' } } as AppRootProps)} />);
    const link = await screen.findByRole('link', { name: label });
    expect(link.getAttribute('href')).toBe('/console/');
    // Grafana routes links without a target inside its own app, which has no /console page.
    expect(link.getAttribute('target')).toBe('_self');
  });

  it('opens the console on the sidebar’s console page, without loading the catalogue', async () => {
    config.language = 'en-US';
    const requests: unknown[] = [];
    setupGrafana((request) => {
      requests.push(request);
      return fixtureHandler(request);
    });
    locationService.push('/a/kewhats-monitoring-app/console');
    const errors = jest.spyOn(console, 'error').mockImplementation(() => {}); // jsdom: "Not implemented: navigation"
    try {
      render(<AppRootPage {...({ meta: { id: 'kewhats-monitoring-app' } } as AppRootProps)} />);
      expect(await screen.findByText('Opening the monitoring console…')).toBeInTheDocument();
      expect(errors.mock.calls.some((call) => String(call[0]).includes('navigation'))).toBe(true);
      expect(requests).toEqual([]);
    } finally {
      errors.mockRestore();
      locationService.push('/');
    }
  });

  it('explains when the catalogue cannot be read', async () => {
    config.language = 'en-US';
    setupGrafana(() => loadFixture('grafana-auth-failed'));
    render(<AppRootPage {...({} as AppRootProps)} />);
    const alert = await screen.findByRole('alert', { name: 'Cannot load the monitoring sections' });
    expect(alert).toHaveTextContent(/valid monitoring token/);
  });
});
