import React from 'react';
import { render, screen, within } from '@testing-library/react';
import type { AppRootProps } from '@grafana/data';
import { AppRootPage } from './AppRootPage';

describe('AppRootPage', () => {
  it('links every monitoring section to its dashboard', () => {
    render(<AppRootPage {...({} as AppRootProps)} />);
    const list = screen.getByRole('list', { name: 'Monitoring sections' });
    const links = within(list).getAllByRole('link');
    expect(links.map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      [expect.stringContaining('Dashboard'), '/d/kewhats-dashboard'],
      [expect.stringContaining('Users'), '/d/kewhats-users'],
      [expect.stringContaining('Connections'), '/d/kewhats-connections'],
      [expect.stringContaining('Integrations'), '/d/kewhats-integrations'],
      [expect.stringContaining('Chatbots'), '/d/kewhats-chatbots'],
      [expect.stringContaining('Broadcasts'), '/d/kewhats-broadcasts'],
      [expect.stringContaining('Contacts'), '/d/kewhats-contacts'],
      [expect.stringContaining('Webhooks'), '/d/kewhats-webhooks'],
    ]);
  });
});
